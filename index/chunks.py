"""Cut articles into retrieval chunks that never cross an article boundary.

In: `Document`s from `corpus`. Out: `Chunk` records, each an exact span of one paragraph (款)
of one article: a whole paragraph when it is short, else runs of its lines (lead sentence,
items) cut by langchain-text-splitters at line, then sentence boundaries. A chunk carries its
full citation and `embed_text`, the text that is embedded and tokenised: document title,
chapter, article label, the paragraph's lead sentence when the chunk is a run of items, then
the chunk itself.

    Article 十三 of 重庆 (3 paragraphs, all short) -> 3 chunks:
    Chunk(id="chongqing_tiaoli/13/2", paragraph=2, item=None,
          text="涉密人员未经审批出境的，所在单位发现后应当立即向国家安全机关报告，并配合…。",
          embed_text="《重庆市反间谍工作条例》 第十三条 涉密人员未经审批出境的，…")
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from corpus import Article, Document

if TYPE_CHECKING:  # imported when chunking: loading an index needs only `Chunk` (~0.7 s saved)
    from langchain_text_splitters import RecursiveCharacterTextSplitter

CHUNK_CHARS = 220  # about one paragraph of statute text; e5-small reads 512 tokens at most


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    article: int
    sub: int
    paragraph: int
    item: int | None  # set when the chunk is exactly one item
    start: int  # offsets of `text` inside the paragraph's canonical text
    end: int
    text: str
    embed_text: str

    @property
    def article_key(self) -> str:
        return article_key(self.doc_id, self.article, self.sub)

    def to_json(self) -> dict:
        return asdict(self)


def article_key(doc_id: str, article: int, sub: int = 0) -> str:
    """The key of an article across the index: ("chongqing_tiaoli", 13) -> "chongqing_tiaoli/13",
    with 之一 ("x", 5, 1) -> "x/5-1"."""
    return f"{doc_id}/{article}-{sub}" if sub else f"{doc_id}/{article}"


def make_splitter(chunk_chars: int = CHUNK_CHARS) -> RecursiveCharacterTextSplitter:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(chunk_size=chunk_chars, chunk_overlap=0,
                                          separators=["\n", "。", "；", "，"],
                                          keep_separator="end")


def chunk_documents(documents: list[Document] | tuple[Document, ...],
                    chunk_chars: int = CHUNK_CHARS) -> list[Chunk]:
    splitter = make_splitter(chunk_chars)
    return [c for doc in documents for art in doc.articles
            for c in chunk_article(doc.title, art, splitter)]


def chunk_article(title: str, art: Article, splitter: RecursiveCharacterTextSplitter) -> list[Chunk]:
    chunks = []
    header = f"《{title}》 {art.chapter + ' ' if art.chapter else ''}{art.label}"
    for para in art.paragraphs:
        pieces = [para.text] if len(para.text) <= splitter._chunk_size else splitter.split_text(para.text)
        lead = para.text.split("\n", 1)[0]
        cursor = 0
        for n, piece in enumerate(pieces):
            start = para.text.find(piece, cursor)
            assert start >= 0, f"splitter altered text of {art.doc_id} {art.label}"
            cursor = end = start + len(piece)
            item = next((it.number for it in para.items if it.text == piece), None)
            context = f"{lead} " if para.items and start > 0 else ""
            suffix = f"/{para.number}" + (f"/{n + 1}" if len(pieces) > 1 else "")
            chunks.append(Chunk(id=f"{art.doc_id}/{art.key}{suffix}", doc_id=art.doc_id,
                                article=art.number, sub=art.sub, paragraph=para.number, item=item,
                                start=start, end=end, text=piece,
                                embed_text=f"{header} {context}{piece}"))
    return chunks
