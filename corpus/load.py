"""Load a corpus folder: every `.txt` file in it, with an optional `manifest.json` (document
metadata; the collection's `name` and `examples`, questions the web chat offers).

In: a folder path. Out: a `Corpus` (documents in file-name order) with a content hash.
Without a manifest, a document's id is the file stem, its title the first line that is not
a conversion artifact, and its short names are derived from the title (`derive_short_names`).
Refuses (CorpusError): a missing or empty folder, a file that is not UTF-8 (names file and
line), two documents with one title, and anything `parse_text` refuses.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import CorpusError
from .parse import parse_text
from .records import Article, Document

DEFAULT_CORPUS = Path(__file__).resolve().parent / "texts"
MANIFEST = "manifest.json"
NATIONAL_PREFIX = "中华人民共和国"
PLACE = re.compile(r"^(.{2,8}?)(省|市|自治区|自治州|自治县|特别行政区|县|区)")
KINDS = ("实施细则", "实施办法", "条例", "办法", "规定", "细则", "决定", "规则", "法")


@dataclass(frozen=True)
class Corpus:
    root: Path
    documents: tuple[Document, ...]
    hash: str
    name: str = ""  # what the collection is called (manifest "name"), else derived: `display_name`
    examples: tuple[str, ...] = ()  # questions to offer a user (manifest "examples"), else derived

    def display_name(self) -> str:
        """The manifest's name; else a single document's title; else "4 部法规"."""
        if self.name:
            return self.name
        return self.documents[0].title if len(self.documents) == 1 else f"{len(self.documents)} 部法规"

    def example_questions(self) -> tuple[str, ...]:
        """The manifest's examples; else questions any regulation answers, about the first document:
        ("某市劳动报酬支付办法是为了什么制定的？", "…从什么时候起施行？", "某市劳动报酬支付办法第二条")."""
        if self.examples:
            return self.examples
        doc = self.documents[0]
        return (f"{doc.title}是为了什么制定的？", f"{doc.title}从什么时候起施行？", f"{doc.title}第二条")

    def document(self, doc_id: str) -> Document | None:
        return next((d for d in self.documents if d.id == doc_id), None)

    def by_title(self, title: str) -> Document | None:
        """The document of this title, ignoring 《》 and whitespace; failing that, the one document
        whose title matches once a bracketed note and the national prefix are set aside on both
        sides ("反间谍法（2023年修订）" finds 中华人民共和国反间谍法), or, failing that, the one whose
        title so trimmed holds the given one of four characters or more ("住宅物业管理条例" finds
        江城市住宅物业管理条例; a longer title is another instrument: "反间谍法实施细则" finds nothing);
        None when none or several do."""
        key = normalise_title(title)
        exact = next((d for d in self.documents if normalise_title(d.title) == key), None)
        if exact is not None:
            return exact
        core = _title_core(title)
        for fits in (lambda c: c == core, lambda c: len(core) >= 4 and core in c):
            found = [d for d in self.documents if fits(_title_core(d.title))]
            if found:
                return found[0] if len(found) == 1 else None
        return None

    def articles(self) -> list[Article]:
        return [a for d in self.documents for a in d.articles]


def normalise_title(title: str) -> str:
    """"《 中华人民共和国反间谍法 》" -> "中华人民共和国反间谍法" (drops 《》 and whitespace)."""
    return re.sub(r"[《》\s\u3000]", "", title)


def _without_national_prefix(title: str) -> str:
    """"中华人民共和国反间谍法" -> "反间谍法"; a title without the prefix is returned as it is."""
    return title[len(NATIONAL_PREFIX):] if title.startswith(NATIONAL_PREFIX) else title


def _title_core(title: str) -> str:
    """"《中华人民共和国反间谍法（2023年修订）》" -> "反间谍法": no brackets, notes or national prefix."""
    return _without_national_prefix(re.sub(r"[（(][^（）()]*[）)]", "", normalise_title(title)))


def derive_short_names(title: str) -> tuple[str, ...]:
    """Short names people type, derived from a title.

    "中华人民共和国反间谍法" -> ("反间谍法",)
    "重庆市反间谍工作条例" -> ("重庆市条例", "重庆条例", "重庆反间谍工作条例", "反间谍工作条例")
    (place + kind, and the title without its place; `load_corpus` drops a name two documents share)
    """
    names = []
    base = _without_national_prefix(title)
    if base != title:
        names.append(base)
    kind = next((k for k in KINDS if base.endswith(k)), None)
    place = PLACE.match(base)
    if place and kind and len(base) > len(place.group(0)) + len(kind):
        short_place = place.group(1)
        names += [place.group(0) + kind, short_place + kind]
        names.append(short_place + base[len(place.group(0)):])
        names.append(base[len(place.group(0)):])
    return tuple(dict.fromkeys(n for n in names if n != title))


def corpus_hash(root: Path) -> str:
    """sha256 over the names and bytes of the corpus files (txt and manifest), sorted."""
    digest = hashlib.sha256()
    for path in sorted(_text_files(root)) + ([root / MANIFEST] if (root / MANIFEST).exists() else []):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_corpus(root: str | Path | None = None) -> Corpus:
    root = Path(root) if root else DEFAULT_CORPUS
    if not root.is_dir():
        raise CorpusError(f"corpus folder not found: {root} (give a folder of .txt regulation files)")
    manifest, meta = _read_manifest(root)
    order = {name: i for i, name in enumerate(manifest)}
    files = sorted(_text_files(root), key=lambda p: (order.get(p.name, len(order)), p.name))
    if not files:
        raise CorpusError(f"no .txt regulation files in {root}")
    documents = _unshared_names([_load_document(path, manifest.get(path.name, {})) for path in files])
    seen: dict[str, str] = {}
    for doc in documents:
        key = normalise_title(doc.title)
        if key in seen:
            raise CorpusError(f"{doc.path}: title {doc.title!r} is also the title of {seen[key]}")
        seen[key] = doc.path
    examples = meta.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, str) and e.strip() for e in examples):
        raise CorpusError(f"{root / MANIFEST}: \"examples\" must be a list of questions")
    return Corpus(root=root.resolve(), documents=tuple(documents), hash=corpus_hash(root),
                  name=str(meta.get("name") or ""), examples=tuple(examples))


def _unshared_names(documents: list[Document]) -> list[Document]:
    """Drop each short name that two documents share or that is another's title: it names
    neither ("养犬管理条例" derived from 江城市养犬管理条例 and 河城市养犬管理条例)."""
    counts = Counter(n for d in documents for n in {*d.short_names, normalise_title(d.title)})
    return [replace(d, short_names=tuple(n for n in d.short_names if counts[n] == 1)) for d in documents]


def _text_files(root: Path) -> list[Path]:
    """The folder's own .txt files; a link that leads outside the folder is refused."""
    files = [p for p in root.iterdir() if p.suffix.lower() == ".txt" and p.is_file()]
    for path in files:
        if not path.resolve().is_relative_to(root.resolve()):
            raise CorpusError(f"{path} links outside the corpus folder {root}; copy the file in instead")
    return files


def _read_manifest(root: Path) -> tuple[dict[str, dict], dict]:
    """(file name -> its document entry, the manifest's top level); empty without a manifest."""
    path = root / MANIFEST
    if not path.exists():
        return {}, {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
        return {entry["file"]: entry for entry in meta["documents"]}, meta
    except (ValueError, KeyError, TypeError) as exc:
        raise CorpusError(f"{path}: not a valid manifest ({exc}); expected "
                          '{"documents": [{"file": ..., "id": ..., "title": ...}]}') from None


def read_utf8(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(f"{path}:{line}: not UTF-8 text (byte {exc.start}); save the file as "
                          "UTF-8") from None


def _load_document(path: Path, meta: dict) -> Document:
    doc_id = meta.get("id") or path.stem
    title, preamble, articles, warnings, appendix = parse_text(read_utf8(path), str(path), doc_id)
    title = meta.get("title") or title
    short = tuple(meta.get("short_names") or ()) or derive_short_names(title)
    return Document(id=doc_id, title=title, short_names=short, articles=tuple(articles),
                    path=str(path), preamble=preamble, appendix=appendix, issuer=meta.get("issuer"),
                    adopted=meta.get("adopted"), effective=meta.get("effective"),
                    jurisdiction=meta.get("jurisdiction"), source=meta.get("source"),
                    warnings=tuple(warnings))
