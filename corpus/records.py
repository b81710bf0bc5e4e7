"""Records that flow from the corpus stage to every later stage.

A `Document` holds `Article`s; an article holds `Paragraph`s (款), a paragraph `Item`s (项).
Every record is frozen and carries a stable id, e.g. "chongqing_tiaoli/13/2/1"
(document id / article / paragraph / item; "13-1" for 第十三条之一).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .numerals import int_to_cn


@dataclass(frozen=True)
class Item:
    number: int
    text: str  # canonical text including its marker, e.g. "（一）明确…；"


@dataclass(frozen=True)
class Paragraph:
    number: int
    text: str  # canonical text: lead sentence and items, joined by "\n"
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Article:
    doc_id: str
    number: int
    sub: int  # 之一 -> 1; 0 for an ordinary article
    chapter: str | None
    section: str | None
    paragraphs: tuple[Paragraph, ...]
    line: int  # 1-based line of the heading in the source file

    @property
    def text(self) -> str:
        """Canonical text of the article: its paragraphs joined by "\n", without the heading."""
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def key(self) -> str:
        return f"{self.number}-{self.sub}" if self.sub else str(self.number)

    @property
    def label(self) -> str:
        """"第十三条", "第一百二十条之一"."""
        return article_label(self.number, self.sub)

    def paragraph(self, number: int) -> Paragraph | None:
        return self.paragraphs[number - 1] if 0 < number <= len(self.paragraphs) else None


@dataclass(frozen=True)
class Document:
    id: str
    title: str
    short_names: tuple[str, ...]
    articles: tuple[Article, ...]
    path: str
    preamble: str = ""
    appendix: str = ""  # what follows the articles: a closing signature and date, "附件：…"; not provisions
    issuer: str | None = None
    adopted: str | None = None
    effective: str | None = None
    jurisdiction: str | None = None
    source: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def article(self, number: int, sub: int = 0) -> Article | None:
        for art in self.articles:
            if art.number == number and art.sub == sub:
                return art
        return None

    def metadata(self) -> dict:
        return {"id": self.id, "title": self.title, "short_names": list(self.short_names),
                "issuer": self.issuer, "adopted": self.adopted, "effective": self.effective,
                "jurisdiction": self.jurisdiction, "source": self.source}


def article_label(number: int, sub: int = 0) -> str:
    """12 -> "第十二条"; (120, 1) -> "第一百二十条之一"."""
    return f"第{int_to_cn(number)}条" + (f"之{int_to_cn(sub)}" if sub else "")


def citation_label(title: str, number: int, sub: int = 0,
                   paragraph: int | None = None, item: int | None = None) -> str:
    """("重庆市反间谍工作条例", 13, 0, 2, None) -> "《重庆市反间谍工作条例》第十三条第二款"."""
    label = f"《{title}》{article_label(number, sub)}"
    if paragraph:
        label += f"第{int_to_cn(paragraph)}款"
    if item:
        label += f"第{int_to_cn(item)}项"
    return label
