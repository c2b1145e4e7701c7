"""Sources -> Articles for URLs: an HTML page is one article, a feed (RSS/Atom) expands to its items.

The URL counterpart of index/sources.py: every reader yields `Article` or `SourceError` and never
raises, so one dead link never stops the rest of a batch. Feeds are fetched by index/live/fetch.py
(bounded) and only the bytes are handed to feedparser, which never opens a URL or file itself.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import httpx

from index.articles import Article
from index.live.fetch import Fetched, FetchError, FetchLimits, article_from, fetch, make_client
from index.sources import Item, SourceError
from index.store import Index, IngestReport

log = logging.getLogger(__name__)
MAX_FEED_ITEMS = 50  # items read from one feed at a time, so a huge feed stays bounded


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed: `key` (guid, else link) identifies it across polls."""

    key: str
    link: str
    title: str = ""


@dataclass(frozen=True)
class ParsedFeed:
    """What feedparser found in a feed document."""

    title: str
    version: str
    entries: tuple[FeedEntry, ...]


def parse_feed(fetched: Fetched) -> ParsedFeed | None:
    """The feed in a response (RSS 0.9x/1.0/2.0, Atom), or None when the body is not a feed."""
    if not fetched.may_be_feed:
        return None
    import feedparser  # deferred: only needed when a feed is actually read

    headers = {"content-location": fetched.final_url, "content-type": _content_type_header(fetched)}
    # A file-like object: given bytes, feedparser would first try them as a local file name.
    try:
        parsed = feedparser.parse(io.BytesIO(fetched.body), response_headers=headers)
    except Exception as exc:  # noqa: BLE001 - its loose parser raises KeyError/AttributeError on broken markup
        log.debug("feedparser failed on %s: %r", fetched.final_url, exc)
        return None  # not a readable feed: the body is then read as a page (an article or a FetchError)
    title = str(parsed.feed.get("title") or "").strip()
    if not parsed.get("version") and not (parsed.entries and title):
        return None
    entries = tuple(e for e in (_entry(raw) for raw in parsed.entries) if e is not None)
    return ParsedFeed(title, str(parsed.get("version") or ""), entries)


def _entry(raw) -> FeedEntry | None:
    link = str(raw.get("link") or "").strip()
    if not link and raw.get("guidislink"):
        link = str(raw.get("id") or "").strip()
    key = str(raw.get("id") or link).strip()
    return FeedEntry(key, link, str(raw.get("title") or "").strip()) if key else None


def _content_type_header(fetched: Fetched) -> str:
    media = fetched.media_type or "application/xml"
    return f"{media}; charset={fetched.charset}" if fetched.charset else media


def read_urls(urls: Iterable[str], limits: FetchLimits | None = None, max_chars: int = 200_000,
              client: httpx.Client | None = None, max_items: int = MAX_FEED_ITEMS) -> Iterator[Item]:
    """Articles behind URLs; a feed URL expands to its items. Never raises: failures are SourceErrors."""
    limits = limits or FetchLimits()
    own = client is None
    client = client or make_client(limits)
    try:
        for url in urls:
            yield from _read_url(url, limits, max_chars, client, max_items)
    finally:
        if own:
            client.close()


def _read_url(url: str, limits: FetchLimits, max_chars: int, client: httpx.Client, max_items: int) -> Iterator[Item]:
    try:
        fetched = fetch(url, limits, client)
        parsed = None if fetched.is_html else parse_feed(fetched)
        if parsed is None:
            yield article_from(fetched, max_chars)
            return
    except Exception as exc:  # noqa: BLE001 - FetchError, or the last-resort guard: this URL fails, not the run
        yield url_error(url, exc)
        return
    for entry in parsed.entries[:max_items]:
        try:
            yield fetch_entry(entry, limits, client, max_chars)
        except Exception as exc:  # noqa: BLE001 - per feed item, as above
            yield url_error(entry.link or f"{url} item {entry.key}", exc)


def url_error(origin: str, exc: Exception) -> SourceError:
    """A FetchError's message, or "could not read it (TypeError)" for what nobody foresaw (traceback at DEBUG)."""
    if isinstance(exc, FetchError):
        return SourceError(origin, str(exc))
    log.debug("reading %s failed", origin, exc_info=exc)
    return SourceError(origin, f"could not read it ({type(exc).__name__})")


def ingest_urls(index: Index, urls: Iterable[str], limits: FetchLimits | None = None) -> IngestReport:
    """Fetch and ingest pages or feeds by URL (for front ends such as the Telegram bot)."""
    return index.ingest(read_urls(urls, limits, index.config.max_article_chars))


def fetch_entry(entry: FeedEntry, limits: FetchLimits, client: httpx.Client, max_chars: int) -> Article:
    """The article a feed item links to; raises FetchError."""
    if not entry.link:
        raise FetchError("the feed item has no link")
    return article_from(fetch(entry.link, limits, client), max_chars)
