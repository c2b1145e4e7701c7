"""What both summary engines share: an article's paragraphs as citable Hits, its parts, and the draft shape.

Paragraph numbers are the article's own (the citation contract), so a part of a long article is a
slice of Hits, never a renumbered copy: whatever an engine cites in a part is a real ¶ of the article.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bot.spans import Splitter
from index.articles import Article
from index.search import Hit

PART_PARAGRAPHS = 40  # an article longer than this is read in parts (map), whose results are merged (reduce)
PART_CHARS = 24_000  # ~6k tokens, like bot.llm.MAX_CONTEXT_CHARS: one part fits a small local model
MAX_PARTS = 12  # a very long article gets larger parts rather than more LLM calls (when the characters allow)


@dataclass(frozen=True)
class Point:
    """A summary sentence and the article paragraph numbers (¶) it cites, in ascending order."""

    text: str
    paragraphs: tuple[int, ...]

    @property
    def first(self) -> int:
        return self.paragraphs[0]


@dataclass(frozen=True)
class Draft:
    """An engine's summary before citations are attached: gist (None = let the caller pick one), bullets, notes."""

    gist: Point | None
    bullets: tuple[Point, ...]
    notes: tuple[str, ...] = field(default=())


def article_hits(article: Article) -> list[Hit]:
    """One Hit per citable paragraph, in reading order, carrying everything a citation needs."""
    return [Hit(article.id, article.title, article.url, article.source, article.published, p.number, p.text, 0.0)
            for p in article.indexable]


def split_parts(hits: list[Hit], max_paragraphs: int = PART_PARAGRAPHS, max_chars: int = PART_CHARS) -> list[list[Hit]]:
    """Consecutive slices of at most `max_paragraphs` paragraphs and `max_chars` characters (at least one each)."""
    per_part = max(max_paragraphs, math.ceil(len(hits) / MAX_PARTS))
    parts: list[list[Hit]] = []
    current: list[Hit] = []
    size = 0
    for hit in hits:
        if current and (len(current) >= per_part or size + len(hit.text) > max_chars):
            parts.append(current)
            current, size = [], 0
        current.append(hit)
        size += len(hit.text)
    if current:
        parts.append(current)
    return parts


def bullet_count(requested: int, hits: list[Hit], splitter: Splitter) -> int:
    """The bullets an article can carry: what was asked, fewer for a short article (the gist takes the lead).

    Paragraphs are the unit; an article printed as one block counts its sentences instead. 0 = too short."""
    units = len(hits) if len(hits) != 1 else len(splitter.texts(hits[0].key, hits[0].text))
    return max(0, min(requested, units - 1))


def in_article_order(points: list[Point]) -> list[Point]:
    """Points sorted by their first cited paragraph (stable, so ties keep the engine's order)."""
    return sorted(points, key=lambda p: p.first)
