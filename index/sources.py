"""Sources -> Articles: files (.txt .md .html .json .jsonl) and folders.

Every reader yields `Article` or `SourceError`; nothing here raises on bad input, so one
bad record never stops the rest of a batch.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from index.articles import Article, make_article

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")
_MD_META = re.compile(r"^(source|published|date|url|link|author|id)\s*:\s*(.+)$", re.IGNORECASE)
MIN_HTML_WORDS = 30  # below this a page is navigation, an index or an error page, not an article
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class SourceError:
    """A record or file that could not be read; `origin` is file[:line]."""

    origin: str
    message: str


Item = Article | SourceError


def read_paths(paths: Iterable[Path], max_chars: int) -> Iterator[Item]:
    """Read files and folders (recursively, in name order)."""
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
            for file in files:
                yield from read_file(file, max_chars)
        elif path.is_file():
            yield from read_file(path, max_chars)
        else:
            yield SourceError(str(path), "no such file or folder")


def read_file(path: Path, max_chars: int) -> Iterator[Item]:
    """Read one file according to its extension."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        yield SourceError(str(path), f"unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED)}")
        return
    try:
        raw = path.read_bytes()
    except OSError as exc:
        yield SourceError(str(path), f"cannot read: {exc.strerror or exc}")
        return
    # A file far beyond the cap is refused before decoding; JSONL may legitimately hold many articles.
    if suffix not in (".jsonl", ".json") and len(raw) > max_chars * 4:
        yield SourceError(str(path), f"file is {len(raw):,} bytes, over the article size cap ({max_chars:,} chars)")
        return
    text = decode(raw)
    if looks_binary(raw, text):
        yield SourceError(str(path), "looks like a binary file, not text (wrong extension?)")
        return
    if suffix == ".jsonl":
        yield from _from_jsonl(text, str(path), max_chars)
    elif suffix == ".json":
        yield from _from_json(text, str(path), max_chars)
    elif suffix in (".html", ".htm"):
        yield _guard(lambda: from_html(text, str(path)), str(path), max_chars)
    else:
        yield _guard(lambda: from_plain(text, str(path), fallback_title=path.stem), str(path), max_chars)


def decode(raw: bytes) -> str:
    """UTF-8 (BOM or not), else Windows-1252, else latin-1 (which always succeeds)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def looks_binary(raw: bytes, text: str) -> bool:
    """NUL bytes, or many control characters after decoding: an image or archive, not an article."""
    if b"\x00" in raw[:8192]:
        return True
    sample = text[:8192]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f") + sample.count("\ufffd")
    return bool(sample) and controls / len(sample) > 0.05


def from_plain(text: str, origin: str, fallback_title: str = "") -> Article:
    """.txt/.md: title from a leading '# heading' or the first line; 'Key: value' lines as metadata."""
    lines = _HTML_COMMENT.sub("", text).replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    if not lines or not lines[0].strip():
        raise ValueError("file is empty")
    title = lines[0].lstrip("#").strip() or fallback_title
    meta: dict[str, str] = {}
    body_start = 1
    for line in lines[1:]:
        match = _MD_META.match(line.strip())
        if not match:
            break
        meta[match.group(1).lower()] = match.group(2).strip()
        body_start += 1
    return make_article(
        title=title,
        text="\n".join(lines[body_start:]),
        given_id=meta.get("id"),
        url=meta.get("url") or meta.get("link"),
        source=meta.get("source"),
        published=meta.get("published") or meta.get("date"),
        author=meta.get("author"),
        origin=origin,
    )


def from_html(html: str, origin: str, url: str | None = None) -> Article:
    """Main text and metadata of an HTML page via trafilatura; one paragraph per text block."""
    import trafilatura  # heavy import, deferred until an HTML page is actually read

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    meta: dict = (doc if isinstance(doc, dict) else doc.as_dict()) if doc is not None else {}
    text = meta.get("text") or ""
    if not text.strip():
        raise ValueError("no article text found in the page")
    blocks = [b.strip() for b in text.split("\n") if b.strip()]
    title = (meta.get("title") or "").strip()
    if blocks and title and blocks[0] == title:
        blocks = blocks[1:]  # trafilatura repeats the <h1> as the first block
    if sum(len(b.split()) for b in blocks) < MIN_HTML_WORDS:
        raise ValueError("no article text found in the page (too little text: an index or error page?)")
    return make_article(
        title=title,
        text="\n\n".join(blocks),
        url=meta.get("url") or url,
        source=meta.get("sitename") or meta.get("hostname"),
        published=meta.get("date"),
        author=meta.get("author"),
        origin=origin,
    )


def from_record(record: object, origin: str) -> Article:
    """One JSON object in the article schema: {id?, title, text, url?, published?, source?, author?}."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("missing or non-string 'text'")
    return make_article(
        title=str(record.get("title") or ""),
        text=text,
        given_id=record.get("id"),
        url=record.get("url"),
        source=record.get("source"),
        published=record.get("published"),
        author=record.get("author"),
        origin=origin,
    )


def _from_jsonl(text: str, origin: str, max_chars: int) -> Iterator[Item]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield SourceError(where, f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        yield _guard(lambda r=record, w=where: from_record(r, w), where, max_chars)


def _from_json(text: str, origin: str, max_chars: int) -> Iterator[Item]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        yield SourceError(origin, f"invalid JSON ({exc.msg} at line {exc.lineno})")
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        where = f"{origin}[{number}]" if isinstance(data, list) else origin
        yield _guard(lambda r=record, w=where: from_record(r, w), where, max_chars)


def _guard(build, origin: str, max_chars: int) -> Item:
    """Run a reader, turning its ValueError into a SourceError and enforcing the size cap."""
    try:
        article: Article = build()
    except (ValueError, TypeError, OverflowError) as exc:
        return SourceError(origin, str(exc) or type(exc).__name__)
    size = sum(len(p.text) for p in article.paragraphs)
    if size > max_chars:
        return SourceError(origin, f"article is {size:,} characters, over the cap of {max_chars:,} "
                           "(NEWSBOT_MAX_ARTICLE_CHARS)")
    return article
