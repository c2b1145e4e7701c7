"""Sources -> Articles: files (.txt .md .html .json .jsonl) and folders.

Every reader yields `Article` or `SourceError` and never raises on bad input: whatever goes wrong
reading, decoding, parsing or extracting one file (or one JSONL line) is that item's SourceError,
so one bad record never stops the rest of a batch. A last-resort guard turns even an exception
nobody foresaw into "could not read it (RecursionError)"; its traceback is logged at DEBUG.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import BinaryIO

from index.articles import Article, make_article
from index.decoding import SNIFF, binary_problem, decode

log = logging.getLogger(__name__)
SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")
_MD_META = re.compile(r"^(source|published|date|url|link|author|id)\s*:\s*(.+)$", re.IGNORECASE)
MIN_HTML_WORDS = 30  # below this a page is navigation, an index or an error page, not an article
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_FIELDS = ("id", "title", "url", "source", "author")  # the string fields of the article schema


@dataclass(frozen=True)
class SourceError:
    """A record or file that could not be read; `origin` is file[:line]."""

    origin: str
    message: str


Item = Article | SourceError


def read_paths(paths: Iterable[Path], max_chars: int) -> Iterator[Item]:
    """Read files and folders (recursively, in name order)."""
    for path in paths:
        try:
            if path.is_dir():
                files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED)
            elif path.is_file():
                files = [path]
            else:
                yield SourceError(str(path), "no such file or folder")
                continue
        except OSError as exc:  # an unreadable folder (permissions, a dangling mount)
            yield SourceError(str(path), f"cannot list: {exc.strerror or exc}")
            continue
        for file in files:
            yield from read_file(file, max_chars)


def read_file(path: Path, max_chars: int) -> Iterator[Item]:
    """Read one file according to its extension."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        yield SourceError(str(path), f"unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED)}")
        return
    try:
        with path.open("rb") as stream:
            yield from _guarded(lambda: _read_stream(stream, suffix, str(path), path.stem, max_chars), str(path))
    except OSError as exc:
        yield SourceError(str(path), f"cannot read: {exc.strerror or exc}")


def read_bytes(data: bytes, name: str, max_chars: int, origin: str | None = None) -> Iterator[Item]:
    """Read the bytes of a file called `name` (e.g. a document sent to the bot) as `read_file` would."""
    suffix = Path(name).suffix.lower()
    where = origin or name
    if suffix not in SUPPORTED:
        yield SourceError(where, f"unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED)}")
        return
    yield from _guarded(lambda: _read_stream(io.BytesIO(data), suffix, where, Path(name).stem, max_chars), where)


def _guarded(read: Callable[[], Iterator[Item]], origin: str) -> Iterator[Item]:
    """The items of `read()`; an exception nobody foresaw ends that file with one SourceError."""
    try:
        yield from read()
    except Exception as exc:  # noqa: BLE001 - the last-resort guard: this file fails, the run goes on
        yield _unforeseen(exc, origin)


def _unforeseen(exc: Exception, origin: str) -> SourceError:
    if isinstance(exc, OSError):
        return SourceError(origin, f"cannot read: {exc.strerror or exc}")
    log.debug("reading %s failed", origin, exc_info=exc)
    return SourceError(origin, f"could not read it ({type(exc).__name__})")


def _read_stream(stream: BinaryIO, suffix: str, origin: str, stem: str, max_chars: int) -> Iterator[Item]:
    if suffix == ".jsonl":  # read line by line: a JSONL file may hold thousands of articles
        yield from _from_jsonl(stream, origin, max_chars)
        return
    # A file far beyond the cap is refused before decoding; a JSON list may hold many articles.
    limit = None if suffix == ".json" else max_chars * 4
    raw = stream.read() if limit is None else stream.read(limit + 1)
    if limit is not None and len(raw) > limit:
        size = stream.seek(0, io.SEEK_END)
        yield SourceError(origin, f"file is {size:,} bytes, over the article size cap ({max_chars:,} chars)")
        return
    text = decode(raw)
    problem = binary_problem(raw, text)
    if problem:
        yield SourceError(origin, problem)
    elif suffix == ".json":
        yield from _from_json(text, origin, max_chars)
    elif suffix in (".html", ".htm"):
        yield _guard(lambda: from_html(text, origin), origin, max_chars)
    else:
        yield _guard(lambda: from_plain(text, origin, fallback_title=stem), origin, max_chars)


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
    """One JSON object in the article schema: {id?, title, text, url?, published?, source?, author?}.

    A field of the wrong type (a list for a title, a number for a URL) is left out with a warning
    rather than costing the article; only a missing or non-string text does."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError("missing or non-string 'text'")
    warnings: list[str] = []
    fields = {name: _string_field(record, name, warnings) for name in _FIELDS}
    article = make_article(
        title=fields["title"] or "",
        text=text,
        given_id=fields["id"],
        url=fields["url"],
        source=fields["source"],
        published=record.get("published"),
        author=fields["author"],
        origin=origin,
    )
    return replace(article, warnings=(*warnings, *article.warnings)) if warnings else article


def _string_field(record: dict, name: str, warnings: list[str]) -> str | None:
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name in ("id", "title"):
        return str(value)  # {"id": 42} is a fine id
    warnings.append(f"'{name}' is a JSON {type(value).__name__}, not a string: left out")
    return None


def _from_jsonl(stream: BinaryIO, origin: str, max_chars: int) -> Iterator[Item]:
    # Each line is decoded on its own: one line in another encoding must not garble the others.
    limit = max_chars * 8 + 1024  # JSON escapes ("\u00e9") take up to 6 bytes per character
    head = stream.read(SNIFF)
    problem = binary_problem(head, decode(head))
    if problem:
        yield SourceError(origin, problem)
        return
    stream.seek(0)
    records = 0
    for number, line in enumerate(_lines(stream, limit), start=1):
        where = f"{origin}:{number}"
        if line is None:
            records += 1
            yield SourceError(where, f"line is over {limit:,} bytes, beyond the article size cap ({max_chars:,} chars)")
        elif line.strip():
            records += 1
            try:
                yield _jsonl_record(line, where, max_chars)
            except Exception as exc:  # noqa: BLE001 - the last-resort guard, per line
                yield _unforeseen(exc, where)
    if not records:
        yield SourceError(origin, "file is empty")


def _jsonl_record(line: bytes, where: str, max_chars: int) -> Item:
    try:
        record = _json(decode(line))
    except ValueError as exc:
        return SourceError(where, str(exc))
    return _guard(lambda: from_record(record, where), where, max_chars)


def _json(text: str) -> object:
    """Parsed JSON; ValueError with a one-line reason (also for nesting beyond the parser's depth)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}" if exc.lineno == 1 else f"line {exc.lineno}, column {exc.colno}"
        raise ValueError(f"invalid JSON ({exc.msg}, {where})") from None
    except RecursionError:
        raise ValueError("invalid JSON (nested too deeply to be an article)") from None
    except ValueError as exc:  # e.g. an integer literal beyond Python's 4,300-digit limit
        raise ValueError(f"invalid JSON ({str(exc).split(':')[0]})") from None


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes | None]:
    """The lines of a stream; None for a line longer than `limit` bytes (skipped without being held)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield None
            continue
        yield line


def _from_json(text: str, origin: str, max_chars: int) -> Iterator[Item]:
    try:
        data = _json(text)
    except ValueError as exc:
        yield SourceError(origin, str(exc))
        return
    if isinstance(data, list) and data and not any(isinstance(r, dict) for r in data):
        kinds = sorted({type(r).__name__ for r in data})
        yield SourceError(origin, f"expected a JSON object or a list of objects, got a list of {', '.join(kinds)}")
        return
    if data == []:
        yield SourceError(origin, "file holds an empty JSON list")
        return
    records = data if isinstance(data, list) else [data]
    for number, record in enumerate(records, start=1):
        where = f"{origin}[{number}]" if isinstance(data, list) else origin
        yield _guard(partial(from_record, record, where), where, max_chars)


def _guard(build: Callable[[], Article], origin: str, max_chars: int) -> Item:
    """Run a reader, turning its ValueError into a SourceError and enforcing the size cap."""
    try:
        article = build()
    except (ValueError, TypeError, OverflowError) as exc:
        return SourceError(origin, str(exc) or type(exc).__name__)
    except RecursionError:
        return SourceError(origin, "nested too deeply to be an article")
    size = sum(len(p.text) for p in article.paragraphs)
    if size > max_chars:
        return SourceError(origin, f"article is {size:,} characters, over the cap of {max_chars:,} "
                           "(NEWSBOT_MAX_ARTICLE_CHARS)")
    return article
