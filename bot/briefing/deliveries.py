"""What each recipient (a CLI profile, a Telegram chat) was already told: stories and bullets delivered.

A briefing asks `recall(recipient)` before it writes and `remember(...)` after; rows older than
KEEP_DAYS are pruned, since "already told" fades (a story back after a month is news again).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.claims import same_claim
from index.db import connect

KEEP_DAYS = 14
# Calibrated on examples/ (tests/test_briefing.py): the day-2 ceasefire story's centroid is 0.85 from
# day 1's talks and the day-3 prisoner swap 0.66 from day 2's deal; unrelated stories (the storm) stay < 0.3.
CONTINUES_COSINE = 0.6

_SCHEMA = """
CREATE TABLE IF NOT EXISTS delivered_stories (
    recipient TEXT NOT NULL,
    ts REAL NOT NULL,
    day TEXT NOT NULL,
    headline TEXT NOT NULL,
    articles TEXT NOT NULL,          -- JSON list of article ids
    centroid BLOB NOT NULL           -- float32 story vector
);
CREATE INDEX IF NOT EXISTS delivered_stories_recipient ON delivered_stories(recipient, ts);
CREATE TABLE IF NOT EXISTS delivered_bullets (
    recipient TEXT NOT NULL,
    ts REAL NOT NULL,
    text TEXT NOT NULL,
    vector BLOB NOT NULL             -- float32 sentence embedding
);
CREATE INDEX IF NOT EXISTS delivered_bullets_recipient ON delivered_bullets(recipient, ts);
"""


@dataclass(frozen=True)
class Delivered:
    """One story as delivered: what `remember` stores."""

    headline: str
    articles: tuple[str, ...]
    centroid: np.ndarray
    bullets: tuple[str, ...]
    bullet_vectors: np.ndarray


@dataclass(frozen=True)
class Recall:
    """Everything a recipient received lately; empty for an anonymous briefing."""

    articles: frozenset[str] = frozenset()
    centroids: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    bullets: tuple[str, ...] = ()
    bullet_vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    def repeats(self, article_ids: list[str]) -> bool:
        """Every article of the story was delivered before: nothing moved on."""
        return bool(article_ids) and set(article_ids) <= self.articles

    def continues(self, article_ids: list[str], centroid: np.ndarray) -> bool:
        """The story shares an article with, or is about the same event as, a delivered one."""
        if self.articles & set(article_ids):
            return True
        return bool(len(self.centroids)) and float((self.centroids @ centroid).max()) >= CONTINUES_COSINE

    def repeated(self, text: str, vector: np.ndarray) -> bool:
        """The sentence says what a delivered bullet said (near-duplicate meaning or wording)."""
        if not self.bullets:
            return False
        similarities = self.bullet_vectors @ vector
        return any(same_claim(text, old, float(sim), strict=True) for old, sim in zip(self.bullets, similarities,
                                                                                      strict=True))


class Deliveries:
    """SQLite-backed delivery log (data_dir/briefings.sqlite3); thread-safe like Memory."""

    def __init__(self, path: Path) -> None:
        self.conn = connect(path, _SCHEMA)
        self.lock = threading.Lock()

    def recall(self, recipient: str) -> Recall:
        """What `recipient` received in the last KEEP_DAYS days."""
        cutoff = time.time() - KEEP_DAYS * 86_400
        with self.lock:
            stories = self.conn.execute("SELECT articles, centroid FROM delivered_stories WHERE recipient=? AND ts>=?",
                                        (recipient, cutoff)).fetchall()
            bullets = self.conn.execute("SELECT text, vector FROM delivered_bullets WHERE recipient=? AND ts>=?",
                                        (recipient, cutoff)).fetchall()
        if not stories and not bullets:
            return Recall()
        articles = frozenset(a for row in stories for a in json.loads(row[0]))
        return Recall(articles, _stack([row[1] for row in stories]), tuple(row[0] for row in bullets),
                      _stack([row[1] for row in bullets]))

    def remember(self, recipient: str, day: str, stories: list[Delivered]) -> None:
        """Log delivered stories and bullets; forget what is older than KEEP_DAYS."""
        now = time.time()
        with self.lock, self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany("INSERT INTO delivered_stories VALUES (?,?,?,?,?,?)", [
                (recipient, now, day, s.headline, json.dumps(list(s.articles)), _blob(s.centroid)) for s in stories])
            self.conn.executemany("INSERT INTO delivered_bullets VALUES (?,?,?,?)", [
                (recipient, now, text, _blob(vec)) for s in stories
                for text, vec in zip(s.bullets, s.bullet_vectors, strict=True)])
            for table in ("delivered_stories", "delivered_bullets"):
                self.conn.execute(f"DELETE FROM {table} WHERE ts < ?", (now - KEEP_DAYS * 86_400,))

    def forget(self, recipient: str) -> None:
        """Drop a recipient's history (e.g. a chat that unsubscribes)."""
        with self.lock, self.conn:
            self.conn.execute("DELETE FROM delivered_stories WHERE recipient=?", (recipient,))
            self.conn.execute("DELETE FROM delivered_bullets WHERE recipient=?", (recipient,))

    def close(self) -> None:
        with self.lock:
            self.conn.close()


def _blob(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def _stack(blobs: list[bytes]) -> np.ndarray:
    if not blobs:
        return np.zeros((0, 0), dtype=np.float32)
    return np.stack([np.frombuffer(b, dtype=np.float32) for b in blobs])
