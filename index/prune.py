"""Retention: removing old articles from the catalog, the vectors, the lexical index, actor mentions and
duplicate links in one consistent step that a killed process finishes on its next write.

A prune first records the doomed article ids in `prune_queue` (one transaction), then works through
the queue a chunk at a time: delete the chunk's vectors (idempotent), then in one catalog transaction
re-point the duplicate links that ended at those articles, delete the articles (paragraphs,
annotations, mentions, acronyms, signatures, links and lexical rows go by foreign-key cascade and
trigger), recount the actors that lost mentions (dropping those left with none) and dequeue them.
A kill -9 anywhere leaves a queue that the next writer (`store.Index` finishes it under the writer
lock before anything else) completes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from index import lexical
from index.catalog import Catalog
from index.vectors import VectorStore

CHUNK = 200  # articles per step: bounded memory and transactions, progress survives a kill
_SCHEMA = "CREATE TABLE IF NOT EXISTS prune_queue (article_id TEXT PRIMARY KEY, queued_ts INTEGER NOT NULL)"


@dataclass(frozen=True)
class PrunePlan:
    """What a prune removes (also what `--dry-run` prints)."""

    before_ts: int
    articles: int
    paragraphs: int  # citable ones (what has vectors and lexical rows)
    oldest: str | None  # ISO date of the oldest article removed
    newest: str | None

    def to_json(self) -> dict:
        return {"before_ts": self.before_ts, "articles": self.articles, "paragraphs": self.paragraphs,
                "oldest": self.oldest, "newest": self.newest}


_DATED_BEFORE = "FROM articles WHERE COALESCE(published_ts, ingested_ts) < ?"


def plan(catalog: Catalog, before_ts: int) -> PrunePlan:
    """Count what `prune(before_ts)` would remove: articles dated (else ingested) before it."""
    with catalog.lock:
        row = catalog.conn.execute(
            "SELECT COUNT(*), date(MIN(COALESCE(published_ts, ingested_ts)), 'unixepoch'),"
            f" date(MAX(COALESCE(published_ts, ingested_ts)), 'unixepoch') {_DATED_BEFORE}", (before_ts,)).fetchone()
        paragraphs = catalog.conn.execute(
            f"SELECT COUNT(*) FROM paragraphs WHERE skipped=0 AND article_id IN (SELECT id {_DATED_BEFORE})",
            (before_ts,)).fetchone()
    return PrunePlan(before_ts, row[0], paragraphs[0], row[1], row[2])


def enqueue(catalog: Catalog, before_ts: int) -> int:
    """Record every article dated before `before_ts` as to be removed; returns how many are queued."""
    with catalog.lock, catalog.conn:
        catalog.conn.execute("BEGIN IMMEDIATE")
        catalog.conn.execute(_SCHEMA)
        catalog.conn.execute(f"INSERT OR IGNORE INTO prune_queue SELECT id, strftime('%s', 'now') {_DATED_BEFORE}",
                             (before_ts,))
        return catalog.conn.execute("SELECT COUNT(*) FROM prune_queue").fetchone()[0]


def enqueue_ids(catalog: Catalog, article_ids: list[str]) -> int:
    """Record these articles as to be removed (unknown ids are ignored); returns how many are queued."""
    with catalog.lock, catalog.conn:
        catalog.conn.execute("BEGIN IMMEDIATE")
        catalog.conn.execute(_SCHEMA)
        catalog.conn.executemany("INSERT OR IGNORE INTO prune_queue SELECT id, strftime('%s', 'now') FROM articles"
                                 " WHERE id=?", [(i,) for i in article_ids])
        return catalog.conn.execute("SELECT COUNT(*) FROM prune_queue").fetchone()[0]


def queued(catalog: Catalog) -> int:
    """Articles a prune has queued but not removed yet (non-zero only after a killed prune)."""
    with catalog.lock:
        catalog.conn.execute(_SCHEMA)
        return catalog.conn.execute("SELECT COUNT(*) FROM prune_queue").fetchone()[0]


def drain(catalog: Catalog, vectors: VectorStore, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Remove every queued article, a chunk at a time; returns (articles, paragraphs) removed."""
    articles = paragraphs = 0
    while True:
        with catalog.lock:
            catalog.conn.execute(_SCHEMA)
            ids = [r[0] for r in catalog.conn.execute(
                "SELECT q.article_id FROM prune_queue q LEFT JOIN articles a ON a.id = q.article_id"
                " ORDER BY COALESCE(a.published_ts, a.ingested_ts) LIMIT ?", (CHUNK,))]
            keys = _keys(catalog, ids)
        if not ids:
            return articles, paragraphs
        vectors.delete(keys)  # first: a kill after it leaves catalog rows whose vectors are gone, finished next run
        _remove(catalog, ids)
        articles, paragraphs = articles + len(ids), paragraphs + len(keys)
        if progress:
            progress(len(ids))


def _keys(catalog: Catalog, ids: list[str]) -> list[tuple[str, int]]:
    if not ids:
        return []
    rows = catalog.conn.execute(f"SELECT article_id, number FROM paragraphs WHERE article_id IN ({_marks(ids)})"
                                " AND skipped=0", ids).fetchall()
    return [(r[0], r[1]) for r in rows]


def _remove(catalog: Catalog, ids: list[str]) -> None:
    """One transaction: links re-pointed, articles deleted (everything hanging off them cascades), dequeued."""
    doomed = set(ids)
    with catalog.lock, catalog.conn:
        catalog.conn.execute("BEGIN IMMEDIATE")
        if _has_table(catalog, "duplicates"):
            for article_id in ids:
                _repoint(catalog, article_id, doomed)
        touched = _actors_named(catalog, ids) if _has_table(catalog, "mentions") else []
        lexical.forget(catalog.conn, ids)
        catalog.conn.execute(f"DELETE FROM articles WHERE id IN ({_marks(ids)})", ids)
        catalog.conn.execute(f"DELETE FROM prune_queue WHERE article_id IN ({_marks(ids)})", ids)
        if touched:
            _recount_actors(catalog, touched)


def _actors_named(catalog: Catalog, ids: list[str]) -> list[str]:
    rows = catalog.conn.execute(f"SELECT DISTINCT actor_id FROM mentions WHERE article_id IN ({_marks(ids)})"
                                " AND actor_id IS NOT NULL", ids).fetchall()
    return [r[0] for r in rows]


def _recount_actors(catalog: Catalog, actor_ids: list[str]) -> None:
    """Actors that lost mentions: gone when none is left, else their aliases and counts from what is kept.

    Inside the prune's transaction, so a kill never leaves counts that disagree with the mentions. The
    merges themselves stand (a full pass, `newsbot reindex`, re-clusters from scratch)."""
    conn = catalog.conn
    for actor_id in actor_ids:
        forms = conn.execute("SELECT name, COUNT(*) AS n FROM mentions WHERE actor_id=? GROUP BY name"
                             " ORDER BY n DESC, name", (actor_id,)).fetchall()
        if not forms:
            conn.execute("DELETE FROM actors WHERE id=?", (actor_id,))
            continue
        articles = conn.execute("SELECT COUNT(DISTINCT article_id) FROM mentions WHERE actor_id=?",
                                (actor_id,)).fetchone()[0]
        conn.execute("UPDATE actors SET aliases=?, mentions=?, articles=? WHERE id=?",
                     (json.dumps([f[0] for f in forms], ensure_ascii=False), sum(f[1] for f in forms), articles,
                      actor_id))
    version = conn.execute("SELECT value FROM meta WHERE key='actors_version'").fetchone()
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('actors_version', ?)",
                 (str(int(version[0] if version else 0) + 1),))  # readers reload the actor directory


def _repoint(catalog: Catalog, article_id: str, doomed: set[str]) -> None:
    """Copies linked to a removed article keep their story: they link to its own canonical if that stays,
    else the earliest stored copy becomes the canonical and the others link to it."""
    conn = catalog.conn
    children = [r[0] for r in conn.execute(
        "SELECT d.article_id FROM duplicates d JOIN articles a ON a.id = d.article_id WHERE d.duplicate_of=?"
        " ORDER BY a.rowid", (article_id,)) if r[0] not in doomed]
    if not children:
        return
    parent = conn.execute("SELECT duplicate_of FROM duplicates WHERE article_id=?", (article_id,)).fetchone()
    if parent and parent[0] not in doomed:
        target = parent[0]
    else:
        target = children.pop(0)
        conn.execute("DELETE FROM duplicates WHERE article_id=?", (target,))
    conn.executemany("UPDATE duplicates SET duplicate_of=? WHERE article_id=?", [(target, c) for c in children])


def _has_table(catalog: Catalog, name: str) -> bool:
    found = catalog.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
    return found is not None


def _marks(ids: list) -> str:
    return ",".join("?" * len(ids))
