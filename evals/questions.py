"""Load and check an evaluation question file (JSON Lines) against a corpus.

In: a `.jsonl` path and the `Corpus` the questions are about. Out: `Question` records whose
relevant provisions are (document id, article) pairs of that corpus. One line, one question,
exactly these keys:

    {"id": "q001", "question": "…", "lang": "zh", "answerable": true,
     "relevant": [{"document": "《重庆市反间谍工作条例》", "article": 15}]}
    -> Question(id="q001", …, relevant=(("chongqing_tiaoli", 15),))

A document is matched by its full title, ignoring 《》 and whitespace, or else, when only one
document fits, without a bracketed note or the 中华人民共和国 prefix (`Corpus.by_title`).
Refuses (QuestionFileError naming the file and line): invalid JSON, missing or extra keys,
wrong types, duplicate ids, `answerable` that disagrees with `relevant`, a document that is not
in the corpus and an article the document does not have. Blank lines are skipped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from corpus import Corpus, InputError

DEFAULT_QUESTIONS = Path(__file__).resolve().parent / "questions.jsonl"
KEYS = ("id", "question", "lang", "answerable", "relevant")
LANGS = ("zh", "en")
SHAPE = ('{"id": str, "question": str, "lang": "zh"|"en", "answerable": bool, '
         '"relevant": [{"document": full title, "article": int}]}')


class QuestionFileError(InputError):
    """A question file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    lang: str
    answerable: bool
    relevant: tuple[tuple[str, int], ...]  # (doc_id, article number), in file order


def load_questions(path: str | Path | None, corpus: Corpus) -> list[Question]:
    """Every question of the file, in file order (see module docstring for the checks)."""
    path = Path(path) if path else DEFAULT_QUESTIONS
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise QuestionFileError(f"question file not found: {path} (give a .jsonl file with "
                                f"--questions, one question per line: {SHAPE})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionFileError(f"cannot read {path} ({exc}); save it as UTF-8 JSON Lines") from None
    questions, seen = [], {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        question = parse_question(line, where, corpus)
        if question.id in seen:
            raise QuestionFileError(f"{where}: id {question.id!r} is also the id of line "
                                    f"{seen[question.id]}; give every question its own id")
        seen[question.id] = number
        questions.append(question)
    if not questions:
        raise QuestionFileError(f"{path} holds no questions; write one JSON object per line: {SHAPE}")
    return questions


def parse_question(line: str, where: str, corpus: Corpus) -> Question:
    """One line -> `Question`; `where` ("file:line") starts every error message."""
    try:
        row = json.loads(line)
    except ValueError as exc:
        raise QuestionFileError(f"{where}: not valid JSON ({exc}); each line must be {SHAPE}") from None
    if not isinstance(row, dict):
        raise QuestionFileError(f"{where}: expected a JSON object, got {type(row).__name__}: {SHAPE}")
    missing = [k for k in KEYS if k not in row]
    extra = sorted(set(row) - set(KEYS))
    if missing or extra:
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + \
                   ([f"unknown {', '.join(extra)}"] if extra else [])
        raise QuestionFileError(f"{where}: {'; '.join(problems)}; the keys are exactly {', '.join(KEYS)}")
    _expect(isinstance(row["id"], str) and row["id"].strip(), where, "id", "a non-empty string", row)
    _expect(isinstance(row["question"], str) and row["question"].strip(), where, "question",
            "a non-empty string", row)
    _expect(row["lang"] in LANGS, where, "lang", '"zh" or "en"', row)
    _expect(isinstance(row["answerable"], bool), where, "answerable", "true or false", row)
    _expect(isinstance(row["relevant"], list), where, "relevant", "a list (empty when unanswerable)",
            row)
    if row["answerable"] != bool(row["relevant"]):
        raise QuestionFileError(f"{where}: answerable is {str(row['answerable']).lower()} but relevant "
                                f"has {len(row['relevant'])} entries; an answerable question lists "
                                "its articles, an unanswerable one has []")
    relevant = tuple(dict.fromkeys(_provision(entry, where, corpus) for entry in row["relevant"]))
    return Question(row["id"], row["question"], row["lang"], row["answerable"], relevant)


def _provision(entry, where: str, corpus: Corpus) -> tuple[str, int]:
    ok = (isinstance(entry, dict) and set(entry) == {"document", "article"}
          and isinstance(entry["document"], str) and isinstance(entry["article"], int)
          and not isinstance(entry["article"], bool) and entry["article"] > 0)
    if not ok:
        raise QuestionFileError(f"{where}: each relevant entry must be {{\"document\": full title, "
                                f"\"article\": positive int}}, got {_show(entry)}")
    doc = corpus.by_title(entry["document"])
    if doc is None:
        titles = "; ".join(d.title for d in corpus.documents)
        raise QuestionFileError(f"{where}: document {entry['document']!r} is not in the corpus "
                                f"{corpus.root} (its titles: {titles}); fix the title or pass "
                                "the right --corpus")
    if not any(a.number == entry["article"] for a in doc.articles):
        raise QuestionFileError(f"{where}: 《{doc.title}》 has no article {entry['article']} "
                                f"(its articles run {doc.articles[0].number}–{doc.articles[-1].number})")
    return doc.id, entry["article"]


def _expect(ok, where: str, key: str, wanted: str, row: dict) -> None:
    if not ok:
        raise QuestionFileError(f"{where}: {key} must be {wanted}, got {_show(row[key])}")


def _show(value) -> str:
    """A short JSON rendering of a bad value for an error message."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."

