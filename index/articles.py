"""Domain records (Article, Paragraph) and the rules that give them stable ids and numbers."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime

from index.dates import parse_date, plausible
from index.furniture import classify

_BLANK_LINES = re.compile(r"\n\s*\n")
# Control characters (NUL, C1, DEL) and lone surrogates (from JSON "\\ud800" escapes) carry no text,
# and SQLite and the embedder choke on surrogates; a reader never sees them, so they are dropped.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_TITLE_CHARS = 300  # real headlines stay under ~200; a longer "title" would drown every paragraph's embedding


@dataclass(frozen=True)
class Paragraph:
    """One block of an article; `number` (1-based, reading order) is the citation contract."""

    number: int
    text: str
    skipped: bool = False  # page furniture: kept in its slot, never indexed or cited
    furniture: str | None = None  # why it is skipped: a kind from index.furniture.KINDS


@dataclass(frozen=True)
class Annotation:
    """What the ingest-time NLP pass found in one paragraph, as character offsets into its text."""

    sentences: tuple[tuple[int, int], ...]  # (start, end) of each sentence, in order
    entities: tuple[tuple[int, int, str], ...]  # (start, end, spaCy label: PERSON, ORG, GPE, DATE, CARDINAL, ...)

    def sentence_texts(self, text: str) -> list[str]:
        return [text[start:end].strip() for start, end in self.sentences if text[start:end].strip()]


@dataclass(frozen=True)
class Article:
    """An article as stored in the catalog."""

    id: str
    title: str
    paragraphs: tuple[Paragraph, ...]
    url: str | None = None
    source: str | None = None
    published: datetime | None = None
    author: str | None = None
    origin: str = ""  # where it came from (file:line or URL), for messages only
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    warnings: tuple[str, ...] = field(default=(), compare=False)  # what was repaired to read it (not stored)

    @property
    def indexable(self) -> list[Paragraph]:
        """Paragraphs that get embedded and can be cited."""
        return [p for p in self.paragraphs if not p.skipped]

    @property
    def published_ts(self) -> int | None:
        return int(self.published.timestamp()) if self.published else None

    @property
    def content_hash(self) -> str:
        """Hash of the normalised text, used to spot exact duplicates under other ids."""
        return _sha(normalise_text(" ".join(p.text for p in self.paragraphs)))


def split_paragraphs(text: str, title: str = "", author: str | None = None,
                     source: str | None = None) -> tuple[Paragraph, ...]:
    """Number the blank-line-separated blocks of `text` from 1; furniture keeps its slot but is skipped."""
    return flag_furniture(_blocks(text), title, author, source)


def flag_furniture(paragraphs: tuple[Paragraph, ...], title: str = "", author: str | None = None,
                   source: str | None = None) -> tuple[Paragraph, ...]:
    """The same paragraphs, each flagged with the furniture kind the current rules give it (numbers kept)."""
    kinds = classify([p.text for p in paragraphs], title=title, author=author, source=source)
    return tuple(replace(p, skipped=kind is not None, furniture=kind)
                 for p, kind in zip(paragraphs, kinds, strict=True))


def _blocks(text: str) -> tuple[Paragraph, ...]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b for b in _BLANK_LINES.split(text) if b.strip()]
    return tuple(Paragraph(number=i, text=_clean_block(b)) for i, b in enumerate(blocks, start=1))


def _clean_block(block: str) -> str:
    # Line breaks inside a block are soft wraps: join them, keep the words.
    return re.sub(r"\s+", " ", block).strip()


def normalise_text(text: str) -> str:
    """Lower-case, accent-folded, punctuation-free text for hashing and duplicate checks."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return re.sub(r"\W+", " ", folded).strip()


def canonical_url(url: str) -> str:
    """A URL without fragment, tracking parameters or trailing slash, for id hashing."""
    url = url.strip().split("#", 1)[0]
    if "?" in url:
        base, query = url.split("?", 1)
        kept = [q for q in query.split("&") if q and not q.lower().startswith(("utm_", "fbclid", "gclid"))]
        url = base + ("?" + "&".join(kept) if kept else "")
    return url.rstrip("/").lower()


def article_id(given: str | None, url: str | None, text: str) -> str:
    """The given id, else a hash of the canonical URL, else of the normalised text."""
    if given and str(given).strip():
        return str(given).strip()
    if url:
        return _sha(canonical_url(url))[:16]
    return _sha(normalise_text(text))[:16]


def parse_published(value: object) -> datetime | None:
    """A date as written in articles and stored in the catalog (see index.dates); ValueError for garbage."""
    return parse_date(value)


def strip_invisible(text: str) -> str:
    """The text without control characters and lone surrogates."""
    return _INVISIBLE.sub("", text)


def make_article(
    *,
    title: str,
    text: str,
    given_id: str | None = None,
    url: str | None = None,
    source: str | None = None,
    published: object = None,
    author: str | None = None,
    origin: str = "",
) -> Article:
    """Build a validated Article from raw fields; raises ValueError with a readable reason.

    What a reader would overlook is repaired and noted in `warnings`: an unreadable date (the
    article is kept undated), an overlong title, invisible control characters."""
    warnings: list[str] = []
    raw = [text or "", title or "", given_id or "", url or "", source or "", author or ""]
    text, title, given_id, url, source, author = (strip_invisible(str(v)) for v in raw)
    removed = sum(len(str(r)) for r in raw) - sum(len(v) for v in (text, title, given_id, url, source, author))
    if removed:
        warnings.append(f"{removed:,} control character(s) removed")
    title = _title(title, warnings)
    if not text or not text.strip():
        raise ValueError("article has no text")
    blocks = _blocks(text)
    title = title or _title(blocks[0].text[:120], [])
    paragraphs = flag_furniture(blocks, title, author, source)
    if not any(not p.skipped for p in paragraphs):
        raise ValueError("article has no paragraph with content")
    return Article(
        id=article_id(given_id, url, text),
        title=title,
        paragraphs=paragraphs,
        url=(url or None),
        source=(source or None),
        published=_published(published, warnings),
        author=(author or None),
        origin=origin,
        warnings=tuple(warnings),
    )


def _title(title: str, warnings: list[str]) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    if len(title) <= MAX_TITLE_CHARS:
        return title
    warnings.append(f"title shortened from {len(title):,} characters")
    cut = title[:MAX_TITLE_CHARS - 1]
    head = cut.rsplit(" ", 1)[0]
    return (head if len(head) > MAX_TITLE_CHARS // 2 else cut).rstrip() + "…"


def _published(value: object, warnings: list[str]) -> datetime | None:
    try:
        when = parse_date(value)
    except ValueError as exc:
        warnings.append(f"unreadable published date ({exc}): ingested as undated")
        return None
    if when is not None and not plausible(when):
        warnings.append(f"published date {when.date().isoformat()} is implausible: ingested as undated")
        return None
    return when


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
