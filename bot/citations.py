"""Citations: the one shape every answer, briefing bullet, dossier entry and summary uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from index.search import Hit


@dataclass(frozen=True)
class Citation:
    """A marker [n] resolved to one stored paragraph of one real article."""

    marker: int
    article_id: str
    title: str
    url: str | None
    source: str | None
    published: datetime | None
    paragraph: int
    text: str

    @classmethod
    def from_hit(cls, marker: int, hit: Hit) -> Citation:
        return cls(marker, hit.article_id, hit.title, hit.url, hit.source, hit.published, hit.paragraph, hit.text)

    @property
    def key(self) -> tuple[str, int]:
        return (self.article_id, self.paragraph)

    @property
    def date(self) -> str:
        return self.published.date().isoformat() if self.published else "undated"

    def label(self) -> str:
        """'Title ¶4 (Outlet, 2026-11-24)' — how a citation reads to a person."""
        return f"{self.title} ¶{self.paragraph} ({self.source or 'unknown outlet'}, {self.date})"

    def to_json(self) -> dict:
        return {
            "marker": self.marker, "article_id": self.article_id, "title": self.title, "url": self.url,
            "source": self.source, "published": self.published.isoformat() if self.published else None,
            "paragraph": self.paragraph, "text": self.text,
        }


@dataclass(frozen=True)
class CitedText:
    """A bullet, timeline entry or sentence with the citations that support it."""

    text: str
    citations: tuple[Citation, ...]

    def to_json(self) -> dict:
        return {"text": self.text, "citations": [c.to_json() for c in self.citations]}


GONE = "(source no longer kept)"  # what a button, follow-up or delivery says about a pruned paragraph


def hit_for_paragraph(index, article_id: str, number: int) -> Hit | None:
    """A Hit for a stored, citable paragraph (None when it does not exist or is furniture)."""
    article = index.catalog.article(article_id)
    paragraph = index.catalog.paragraph(article_id, number) if article else None
    if article is None or paragraph is None or paragraph.skipped:
        return None
    return Hit(article.id, article.title, article.url, article.source, article.published, number,
               paragraph.text, 0.0)
