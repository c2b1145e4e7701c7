"""Feed subscriptions in catalog tables (`feeds`, `feed_items`) and polling with conditional GET.

A poll sends the stored ETag / Last-Modified (a 304 adds nothing), fetches only items never
seen before and ingests them in one batch. Each item's outcome is kept in `feed_items`; a failed
item (404, timeout, not HTML) is reported, the others continue, and it is retried on later polls
up to MAX_ATTEMPTS times.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from index.articles import Article
from index.catalog import Catalog
from index.live.fetch import Fetched, FetchError, FetchLimits, fetch, make_client
from index.live.urls import FeedEntry, fetch_entry, parse_feed, url_error
from index.store import Index, IngestReport

MAX_ITEMS_PER_POLL = 50  # per feed and poll, so a first poll of a huge feed stays bounded; the rest come next time
MAX_ATTEMPTS = 3  # a failed item (404, timeout) is tried again on later polls, then given up

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY,
    name TEXT,
    etag TEXT,
    last_modified TEXT,
    last_polled INTEGER,
    last_error TEXT,
    added_ts INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS feed_items (
    feed_url TEXT NOT NULL REFERENCES feeds(url) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    link TEXT,
    article_id TEXT,
    status TEXT NOT NULL,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 1,
    seen_ts INTEGER NOT NULL,
    PRIMARY KEY (feed_url, item_key)
);
"""


@dataclass(frozen=True)
class Feed:
    """A subscription as stored in the catalog."""

    url: str
    name: str | None
    etag: str | None = None
    last_modified: str | None = None
    last_polled: datetime | None = None
    last_error: str | None = None
    items: int = 0

    def to_json(self) -> dict:
        return {"url": self.url, "name": self.name, "items": self.items, "last_error": self.last_error,
                "last_polled": self.last_polled.isoformat() if self.last_polled else None}


@dataclass(frozen=True)
class FeedResult:
    """What polling one feed did: status is 'ok', 'not_modified' (HTTP 304) or 'error'."""

    url: str
    status: str
    new_items: int = 0
    added: tuple[str, ...] = ()
    known: int = 0
    failed: tuple[tuple[str, str], ...] = ()  # (item link, reason)
    error: str | None = None

    def to_json(self) -> dict:
        return {"url": self.url, "status": self.status, "new_items": self.new_items, "added": list(self.added),
                "known": self.known, "failed": [{"link": k, "reason": r} for k, r in self.failed],
                "error": self.error}


@dataclass(frozen=True)
class PollReport:
    """One poll over several feeds, with the ingest that stored their new items."""

    feeds: tuple[FeedResult, ...]
    ingest: IngestReport = field(default_factory=IngestReport)
    seconds: float = 0.0

    @property
    def added(self) -> list[str]:
        return [a for f in self.feeds for a in f.added]

    def to_json(self) -> dict:
        return {"feeds": [f.to_json() for f in self.feeds], "added": len(self.added),
                "paragraphs": self.ingest.paragraphs, "seconds": round(self.seconds, 3)}


# -- subscriptions ------------------------------------------------------------------
def add_feed(catalog: Catalog, url: str, name: str | None = None, *, verify: bool = True,
             limits: FetchLimits | None = None, client: httpx.Client | None = None) -> Feed:
    """Subscribe to a feed (idempotent); with `verify`, fetch it first and refuse what is not a feed."""
    if verify:
        fetched = fetch(url, limits or FetchLimits(), client)
        parsed = parse_feed(fetched)
        if parsed is None:
            raise FetchError(f"{url} is not an RSS or Atom feed ({fetched.media_type or 'unknown type'})")
        name = name or parsed.title or None
    _ensure(catalog)
    with catalog.lock, catalog.conn:
        catalog.conn.execute("INSERT INTO feeds (url, name, added_ts) VALUES (?, ?, ?) ON CONFLICT(url) DO UPDATE"
                             " SET name=COALESCE(excluded.name, feeds.name)", (url, name, _now()))
    return next(f for f in list_feeds(catalog) if f.url == url)


def list_feeds(catalog: Catalog) -> list[Feed]:
    """Every subscription, oldest first, with how many items were seen."""
    _ensure(catalog)
    with catalog.lock:
        rows = catalog.conn.execute(
            "SELECT f.*, (SELECT COUNT(*) FROM feed_items i WHERE i.feed_url=f.url) AS items"
            " FROM feeds f ORDER BY f.added_ts, f.url").fetchall()
    return [Feed(r["url"], r["name"], r["etag"], r["last_modified"], _when(r["last_polled"]), r["last_error"],
                 r["items"]) for r in rows]


def remove_feed(catalog: Catalog, url: str) -> bool:
    """Unsubscribe; True when the feed existed. Articles already ingested stay."""
    _ensure(catalog)
    with catalog.lock, catalog.conn:
        catalog.conn.execute("DELETE FROM feed_items WHERE feed_url=?", (url,))
        return catalog.conn.execute("DELETE FROM feeds WHERE url=?", (url,)).rowcount > 0


# -- polling ------------------------------------------------------------------------
def poll(index: Index, feeds: Iterable[str] | None = None, limits: FetchLimits | None = None,
         client: httpx.Client | None = None, max_items: int = MAX_ITEMS_PER_POLL) -> PollReport:
    """Fetch new items of the given (default: all) feeds and ingest them in one batch."""
    started, limits = time.perf_counter(), limits or FetchLimits()
    known = {f.url: f for f in list_feeds(index.catalog)}
    wanted = list(known) if feeds is None else list(dict.fromkeys(feeds))
    own = client is None
    client = client or make_client(limits)
    try:
        gathered = [_gather_safely(index, known.get(url), url, limits, client, max_items) for url in wanted]
    finally:
        if own:
            client.close()
    articles = [a for g in gathered for _, a in g.articles]
    # Also with nothing new: articles an earlier run left pending (vector store down) are finished now.
    ingest = index.ingest(articles) if articles or index.catalog.pending_ids() else IngestReport()
    results = tuple(_record(index, g, ingest) for g in gathered)
    return PollReport(results, ingest, time.perf_counter() - started)


_Row = tuple[FeedEntry, str | None, str, str | None]  # (entry, article id, status, error)


@dataclass
class _Gathered:
    """One feed's fetch, before its articles are ingested."""

    url: str
    status: str
    error: str | None = None
    fetched: Fetched | None = None
    title: str = ""
    articles: list[tuple[FeedEntry, Article]] = field(default_factory=list)
    failed: list[tuple[FeedEntry, str]] = field(default_factory=list)
    truncated: bool = False  # more items were due than one poll takes


def _gather_safely(index: Index, feed: Feed | None, url: str, limits: FetchLimits, client: httpx.Client,
                   max_items: int) -> _Gathered:
    """One feed's fetch; whatever goes wrong is this feed's error, never the poll's."""
    try:
        return _gather(index, feed, url, limits, client, max_items)
    except Exception as exc:  # noqa: BLE001 - the last-resort guard per feed
        return _Gathered(url, "error", url_error(url, exc).message)


def _gather(index: Index, feed: Feed | None, url: str, limits: FetchLimits, client: httpx.Client,
            max_items: int) -> _Gathered:
    if feed is None:
        return _Gathered(url, "error", "not subscribed; add it with `newsbot feeds add`")
    headers = {k: v for k, v in (("If-None-Match", feed.etag), ("If-Modified-Since", feed.last_modified)) if v}
    try:
        fetched = fetch(url, limits, client, headers)
    except FetchError as exc:
        return _Gathered(url, "error", str(exc))
    if fetched.not_modified:
        return _Gathered(url, "not_modified", fetched=fetched)
    parsed = parse_feed(fetched)
    if parsed is None:
        return _Gathered(url, "error", f"not an RSS or Atom feed ({fetched.media_type or 'unknown type'})")
    due = _due(index.catalog, url, parsed.entries)
    gathered = _Gathered(url, "ok", fetched=fetched, title=parsed.title, truncated=len(due) > max_items)
    for entry in due[:max_items]:
        try:
            gathered.articles.append((entry, fetch_entry(entry, limits, client, index.config.max_article_chars)))
        except Exception as exc:  # noqa: BLE001 - FetchError, or the last-resort guard: this item fails
            gathered.failed.append((entry, url_error(entry.link or entry.key, exc).message))
    return gathered


def _due(catalog: Catalog, feed_url: str, entries: tuple[FeedEntry, ...]) -> list[FeedEntry]:
    """Entries never seen, plus failed ones with attempts left; in feed order, each key once."""
    with catalog.lock:
        rows = catalog.conn.execute("SELECT item_key, status, attempts FROM feed_items WHERE feed_url=?",
                                    (feed_url,)).fetchall()
    done = {r["item_key"] for r in rows if r["status"] != "failed" or r["attempts"] >= MAX_ATTEMPTS}
    unique = {e.key: e for e in reversed(entries)}  # the first occurrence of a key wins
    return [e for e in entries if e.key not in done and unique[e.key] is e]


def _record(index: Index, gathered: _Gathered, ingest: IngestReport) -> FeedResult:
    catalog = index.catalog
    stored = set(ingest.added) | set(ingest.resumed)
    rows: list[_Row] = []
    for entry, article in gathered.articles:
        status = "added" if article.id in stored else ("known" if catalog.state(article.id) else "duplicate")
        rows.append((entry, article.id, status, None))
    rows += [(entry, None, "failed", reason) for entry, reason in gathered.failed]
    _save_items(catalog, gathered.url, rows)
    _save_feed(catalog, gathered)
    return FeedResult(
        gathered.url, gathered.status, new_items=len(rows),
        added=tuple(a.id for _, a in gathered.articles if a.id in stored),
        known=sum(1 for *_, s, _ in rows if s in ("known", "duplicate")),
        failed=tuple((e.link or e.key, r) for e, r in gathered.failed),
        error=gathered.error)


def _save_items(catalog: Catalog, feed_url: str, rows: list[_Row]) -> None:
    if not rows:
        return
    with catalog.lock, catalog.conn:
        catalog.conn.executemany(
            "INSERT INTO feed_items (feed_url, item_key, link, article_id, status, error, seen_ts)"
            " VALUES (?,?,?,?,?,?,?) ON CONFLICT(feed_url, item_key) DO UPDATE SET article_id=excluded.article_id,"
            " status=excluded.status, error=excluded.error, attempts=feed_items.attempts+1",
            [(feed_url, e.key, e.link, a, s, r, _now()) for e, a, s, r in rows])


def _save_feed(catalog: Catalog, gathered: _Gathered) -> None:
    fetched = gathered.fetched
    with catalog.lock, catalog.conn:
        if fetched is not None and not fetched.not_modified:  # a 304 keeps the validators we sent
            # Items left for the next poll must not be hidden behind a 304: no validators then.
            etag, modified = (None, None) if gathered.truncated else (fetched.etag, fetched.last_modified)
            catalog.conn.execute("UPDATE feeds SET etag=?, last_modified=?, name=COALESCE(name, ?) WHERE url=?",
                                 (etag, modified, gathered.title or None, gathered.url))
        catalog.conn.execute("UPDATE feeds SET last_polled=?, last_error=? WHERE url=?",
                             (_now(), gathered.error, gathered.url))


def _ensure(catalog: Catalog) -> None:
    with catalog.lock:
        catalog.conn.executescript(_SCHEMA)


def _now() -> int:
    return int(datetime.now(UTC).timestamp())


def _when(ts: int | None) -> datetime | None:
    return datetime.fromtimestamp(ts, tz=UTC) if ts else None
