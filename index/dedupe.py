"""Near-duplicate articles: the same story under two URLs, revised, or syndicated by several outlets.

Each article gets a MinHash signature of its word 5-shingles (128 values, 512 bytes) when it is
indexed; a new article is compared with the signatures of articles dated within WINDOW_DAYS of it
and, when the estimated Jaccard similarity reaches THRESHOLD, linked to its best match in
`duplicates(article_id, duplicate_of, similarity, method)`. Links always point to an article stored
earlier, so following `duplicate_of` ends at the story's canonical (first-seen) article. Nothing is
deleted: every outlet stays citable, briefings just count the group once.

THRESHOLD was calibrated with bench/dedupe_calibration.py on ../shared/data against 45 hand-labelled
duplicate pairs (bench/dedupe_pairs.tsv), comparing as ingest does (14-day window). At 0.5:
Reuters (timeline17 Libya) precision 1.00, recall 0.73 (24 of 33); rtqa-dev no false link (over
all pairs, 0.45 makes the first: two templated "5 things" newsletters); CNN 2011 pages (timeline17
Egypt) 5 right, 9 wrong, because those texts are mostly site furniture shared between pages.
All files: precision 0.76, recall 0.64. Lower thresholds find more revisions (0.3: Reuters recall
0.91) but link templated pages; precision is preferred, as a false link hides a story from a
briefing while a missed one only counts it twice.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from functools import cache

import numpy as np

from index.articles import Article
from index.catalog import Catalog

SHINGLE_WORDS = 5
PERMUTATIONS = 128
THRESHOLD = 0.5  # estimated Jaccard of 5-shingle sets; calibration in the module docstring
WINDOW_DAYS = 14  # revisions and syndicated copies appear within days of each other
MIN_SHINGLES = 8  # below this (a caption, a one-liner) similarity says little; exact copies are caught anyway
METHOD = f"minhash-{SHINGLE_WORDS}w-{PERMUTATIONS}"
_DAY = 86_400
_WORD = re.compile(r"\w+")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")  # accents after NFKD

_SCHEMA = """
CREATE TABLE IF NOT EXISTS signatures (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    date_ts INTEGER NOT NULL,
    shingles INTEGER NOT NULL,
    minhash BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS signatures_date ON signatures(date_ts);
CREATE TABLE IF NOT EXISTS duplicates (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    duplicate_of TEXT NOT NULL,
    similarity REAL NOT NULL,
    method TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS duplicates_of ON duplicates(duplicate_of);
"""


def words(text: str) -> list[str]:
    """Lower-case, accent-folded words: a fast equivalent of `normalise_text(text).split()`."""
    return _WORD.findall(_COMBINING.sub("", unicodedata.normalize("NFKD", text)).lower())


def shingles(text: str, size: int = SHINGLE_WORDS) -> np.ndarray:
    """Stable 64-bit hashes (uint64, distinct) of every run of `size` words; one run when the text is shorter."""
    tokens = words(text)
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    # Hash each distinct word once, then chain the hashes of a run through a bijective mixer, so
    # a shingle's hash depends on its words and their order without building shingle strings.
    vocabulary = {w: int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest(), "little") for w in set(tokens)}
    ids = np.array([vocabulary[w] for w in tokens], dtype=np.uint64)
    runs = max(1, len(ids) - size + 1)
    acc = np.zeros(runs, dtype=np.uint64)
    for k in range(min(size, len(ids))):
        acc = _mix(acc ^ ids[k:k + runs])
    return np.unique(acc)


def signature(shingle_hashes: np.ndarray) -> np.ndarray:
    """MinHash signature (uint32[PERMUTATIONS]) of a set of shingle hashes."""
    if not len(shingle_hashes):
        return np.full(PERMUTATIONS, np.iinfo(np.uint32).max, dtype=np.uint32)
    # One cheap mixing "permutation" per seed; the minimum of each column is that permutation's min-hash.
    mixed = _mix(np.asarray(shingle_hashes, dtype=np.uint64)[:, None] ^ _seeds()[None, :])
    return (mixed.min(axis=0) >> np.uint64(32)).astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two signatures."""
    return float(np.mean(a == b))


def article_text(article: Article) -> str:
    """The text that is compared: citable paragraphs only (furniture blocks are left out)."""
    return "\n".join(p.text for p in article.indexable)


def link_duplicates(catalog: Catalog, articles: Iterable[Article]) -> list[tuple[str, str, float]]:
    """Sign new articles and link each to its most similar earlier article; returns the new links."""
    _ensure(catalog)
    new_links = []
    with catalog.lock, catalog.conn:
        catalog.conn.execute("BEGIN IMMEDIATE")  # one transaction a batch; reads see the batch's own rows
        fresh = [(a, _date_ts(catalog, a)) for a in articles if not _signed(catalog, a.id)]  # not re-flushed ones
        window: _Window | None = None
        for article, date_ts in fresh:  # in stored order: a link points to an article stored before it
            if window is None or not window.covers(date_ts):
                window = _Window.load(catalog, date_ts)
            hashes = shingles(article_text(article))
            sig = signature(hashes)
            best = window.best(article.id, sig, date_ts) if len(hashes) >= MIN_SHINGLES else None
            catalog.conn.execute("INSERT OR IGNORE INTO signatures (article_id, date_ts, shingles, minhash)"
                                 " VALUES (?,?,?,?)", (article.id, date_ts, len(hashes), sig.tobytes()))
            if len(hashes) >= MIN_SHINGLES:
                window.add(article.id, date_ts, sig)
            if best:
                catalog.conn.execute("INSERT OR IGNORE INTO duplicates (article_id, duplicate_of, similarity, method)"
                                     " VALUES (?,?,?,?)", (article.id, best[0], best[1], METHOD))
                new_links.append((article.id, best[0], best[1]))
    return new_links


class _Window:
    """The signatures dated near a batch, loaded once per batch rather than once per article; its span is
    bounded (SPAN_DAYS plus the matching window either side), so memory follows the news rate, not the corpus."""

    SPAN_DAYS = 14

    def __init__(self, lo: int, hi: int, ids: list[str], dates: np.ndarray, matrix: np.ndarray) -> None:
        self.lo, self.hi, self.ids, self.dates, self.matrix = lo, hi, ids, dates, matrix

    @classmethod
    def load(cls, catalog: Catalog, date_ts: int) -> _Window:
        lo, hi = date_ts, date_ts + cls.SPAN_DAYS * _DAY
        rows = catalog.conn.execute(
            "SELECT article_id, date_ts, minhash FROM signatures WHERE date_ts BETWEEN ? AND ? AND shingles >= ?",
            (lo - WINDOW_DAYS * _DAY, hi + WINDOW_DAYS * _DAY, MIN_SHINGLES)).fetchall()
        matrix = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.uint32).reshape(len(rows), PERMUTATIONS)
        return cls(lo, hi, [r[0] for r in rows], np.array([r[1] for r in rows], dtype=np.int64), matrix)

    def covers(self, date_ts: int) -> bool:
        return self.lo <= date_ts <= self.hi

    def add(self, article_id: str, date_ts: int, sig: np.ndarray) -> None:
        self.ids.append(article_id)
        self.dates = np.append(self.dates, date_ts)
        self.matrix = np.vstack([self.matrix, sig[None, :]])

    def best(self, article_id: str, sig: np.ndarray, date_ts: int) -> tuple[str, float] | None:
        near = np.flatnonzero(np.abs(self.dates - date_ts) <= WINDOW_DAYS * _DAY)
        near = near[[self.ids[i] != article_id for i in near]] if len(near) else near
        if not len(near):
            return None
        scores = (self.matrix[near] == sig[None, :]).mean(axis=1)
        best = int(np.argmax(scores))
        return (self.ids[near[best]], round(float(scores[best]), 4)) if scores[best] >= THRESHOLD else None


def canonical_of(catalog: Catalog, article_id: str) -> str:
    """The first-seen article of the story `article_id` belongs to (itself when it has no duplicate)."""
    _ensure(catalog)
    return _root(catalog, article_id)


def _root(catalog: Catalog, article_id: str) -> str:
    current, seen = article_id, {article_id}
    while True:
        with catalog.lock:
            row = catalog.conn.execute("SELECT duplicate_of FROM duplicates WHERE article_id=?", (current,)).fetchone()
        if row is None or row[0] in seen:  # links point backwards in time; the guard is for hand-edited tables
            return current
        current = row[0]
        seen.add(current)


def duplicate_groups(catalog: Catalog, article_ids: Iterable[str]) -> list[set[str]]:
    """Partition `article_ids` into stories: ids sharing a canonical article form one group (first-seen order)."""
    _ensure(catalog)
    groups: dict[str, set[str]] = {}
    for article_id in dict.fromkeys(article_ids):
        groups.setdefault(_root(catalog, article_id), set()).add(article_id)
    return list(groups.values())


def copies_of(catalog: Catalog, article_id: str) -> set[str]:
    """Every stored article of the same story, `article_id` included (for "also reported by")."""
    _ensure(catalog)
    root = _root(catalog, article_id)
    members, frontier = {root}, [root]
    while frontier:
        with catalog.lock:
            rows = catalog.conn.execute("SELECT article_id FROM duplicates WHERE duplicate_of=?",
                                        (frontier.pop(),)).fetchall()
        fresh = {r[0] for r in rows} - members
        members |= fresh
        frontier.extend(fresh)
    return members


def links(catalog: Catalog) -> list[tuple[str, str, float, str]]:
    """Every stored link: (article_id, duplicate_of, similarity, method)."""
    _ensure(catalog)
    with catalog.lock:
        rows = catalog.conn.execute("SELECT article_id, duplicate_of, similarity, method FROM duplicates"
                                    " ORDER BY rowid").fetchall()
    return [(r[0], r[1], r[2], r[3]) for r in rows]


def _date_ts(catalog: Catalog, article: Article) -> int:
    if article.published_ts is not None:
        return article.published_ts
    header = catalog.headers([article.id]).get(article.id)
    return int(header["date_ts"]) if header else 0


def _signed(catalog: Catalog, article_id: str) -> bool:
    with catalog.lock:
        return catalog.conn.execute("SELECT 1 FROM signatures WHERE article_id=?", (article_id,)).fetchone() is not None


def _ensure(catalog: Catalog) -> None:
    with catalog.lock:
        catalog.conn.executescript(_SCHEMA)


@cache
def _seeds() -> np.ndarray:
    return np.random.default_rng(20_240_611).integers(0, 2**64 - 1, size=PERMUTATIONS, dtype=np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: a fast bijective 64-bit mixer (uint64 arithmetic wraps by design)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))
