"""The lexical index: SQLite FTS5 inside the catalog, ranked by BM25.

Paragraphs are tokenized by `index.bm25.tokenize` (accent folding, stop words, Snowball stems)
and the tokens stored in an FTS5 table whose rowid is `lexical_keys.id`. Rows are written in the
same transaction that marks an article `indexed`, so the catalog and the lexical index can never
disagree, and an ingest adds only its own paragraphs (no rebuild). Deleting an article deletes its
keys (foreign key cascade) and a trigger deletes their FTS rows, so prune needs nothing extra.

A query costs what its rarest terms cost, not what the corpus holds: FTS5 lists the rows of the
query's rarest terms (up to POSTINGS_BUDGET rows; a term in half the paragraphs adds cost and
almost no signal), the best CANDIDATES by summed idf are then scored with Lucene's BM25 (k1=1.5,
b=0.75, every query term), the formula of the bm25s index this replaced. bench/lexical.py compares.
"""

from __future__ import annotations

import logging
import math
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from index.bm25 import TOKENIZER_VERSION, tokenize

# unicode61 without diacritic removal (tokenize already folded them) keeps "don't" one token.
_TOKENIZER = "unicode61 remove_diacritics 0 tokenchars '''’'"
SCHEMA = (  # statements, not a script: drop_all re-runs them inside a transaction
    """CREATE TABLE IF NOT EXISTS lexical_keys (
        id INTEGER PRIMARY KEY,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        date_ts INTEGER NOT NULL,            -- published, else ingested: what date filters compare
        length INTEGER NOT NULL,             -- tokens, for BM25's length normalisation
        UNIQUE (article_id, number))""",
    "CREATE INDEX IF NOT EXISTS lexical_keys_date ON lexical_keys(date_ts)",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS lexical USING fts5(tokens, tokenize=\"{_TOKENIZER}\")",
    # Paragraph and token totals (BM25's N and average length), kept exact by triggers.
    "CREATE TABLE IF NOT EXISTS lexical_stats (id INTEGER PRIMARY KEY CHECK (id = 1), docs INTEGER, tokens INTEGER)",
    "INSERT OR IGNORE INTO lexical_stats VALUES (1, 0, 0)",
    # Paragraphs holding each term (BM25's df): FTS5 can count them only by reading the whole doclist.
    "CREATE TABLE IF NOT EXISTS lexical_terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID",
    """CREATE TRIGGER IF NOT EXISTS lexical_keys_added AFTER INSERT ON lexical_keys BEGIN
        UPDATE lexical_stats SET docs = docs + 1, tokens = tokens + new.length WHERE id = 1;
    END""",
    """CREATE TRIGGER IF NOT EXISTS lexical_keys_gone AFTER DELETE ON lexical_keys BEGIN
        DELETE FROM lexical WHERE rowid = old.id;
        UPDATE lexical_stats SET docs = docs - 1, tokens = tokens - old.length WHERE id = 1;
    END""",
)
META_KEY = "lexical_tokenizer"
log = logging.getLogger(__name__)
VERSION = f"{TOKENIZER_VERSION}/fts5-3"  # bump with the tokenizer or this schema: the index is rebuilt on open
K1, B = 1.5, 0.75
POSTINGS_BUDGET = 30_000  # candidate generation reads at most about this many rows (plus the rarest term's)
CANDIDATES = 300  # rescored with every query term

Row = tuple[str, int, int, str]  # (article_id, paragraph, date_ts, text)


def ensure(conn: sqlite3.Connection) -> None:
    """Create the tables (idempotent), and this connection's view of the vocabulary."""
    for statement in SCHEMA:
        conn.execute(statement)
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexical_vocab USING fts5vocab(main, lexical, row)")


def insert(conn: sqlite3.Connection, rows: Iterable[Row]) -> int:
    """Index paragraphs not indexed yet (call inside the caller's transaction); returns how many."""
    added, terms = 0, Counter[str]()
    for article_id, number, date_ts, text in rows:
        tokens = tokenize(text) or ["_"]
        cur = conn.execute("INSERT OR IGNORE INTO lexical_keys (article_id, number, date_ts, length) VALUES (?,?,?,?)",
                           (article_id, number, date_ts, len(tokens)))
        if cur.rowcount:  # already there: a re-flushed article (resumed ingest) keeps its one row
            conn.execute("INSERT INTO lexical (rowid, tokens) VALUES (?, ?)", (cur.lastrowid, " ".join(tokens)))
            terms.update(set(tokens))
            added += 1
    _count_terms(conn, terms, +1)
    return added


def forget(conn: sqlite3.Connection, article_ids: Sequence[str]) -> None:
    """Uncount these articles' terms; call right before deleting them (their rows then go by cascade)."""
    terms = Counter[str]()
    for start in range(0, len(article_ids), 500):
        chunk = list(article_ids[start:start + 500])
        for (tokens,) in conn.execute("SELECT l.tokens FROM lexical_keys k JOIN lexical l ON l.rowid = k.id"
                                      f" WHERE k.article_id IN ({','.join('?' * len(chunk))})", chunk):
            terms.update(set(tokens.split()))
    _count_terms(conn, terms, -1)


def recount_terms(conn: sqlite3.Connection) -> None:
    """Recompute every term's count from the FTS index itself (one pass over it)."""
    conn.execute("DELETE FROM lexical_terms")
    conn.execute("INSERT INTO lexical_terms SELECT term, doc FROM temp.lexical_vocab")


def _count_terms(conn: sqlite3.Connection, terms: Counter[str], sign: int) -> None:
    conn.executemany("INSERT INTO lexical_terms (term, df) VALUES (?, ?) ON CONFLICT (term) DO UPDATE"
                     " SET df = df + excluded.df", [(t, sign * n) for t, n in terms.items()])
    if sign < 0:
        conn.execute("DELETE FROM lexical_terms WHERE df <= 0")


def drop_all(conn: sqlite3.Connection) -> None:
    """Empty the index (reindex refills it article by article); inside the caller's transaction."""
    try:
        conn.execute("DROP TABLE IF EXISTS lexical")
    except (sqlite3.DatabaseError, MemoryError):  # too damaged for FTS5 to open (see `count`): unlink it
        _unlink_damaged(conn)
    conn.execute("DROP TABLE IF EXISTS temp.lexical_vocab")
    conn.execute("DROP TABLE IF EXISTS lexical_keys")  # its triggers go with it
    conn.execute("DROP TABLE IF EXISTS lexical_stats")
    conn.execute("DROP TABLE IF EXISTS lexical_terms")
    ensure(conn)


def _unlink_damaged(conn: sqlite3.Connection) -> None:
    """Remove an FTS5 table whose shadow tables are too damaged for FTS5 to open, even to drop it:
    its schema entry goes (writable_schema, the documented way out), then its shadow tables."""
    conn.execute("PRAGMA writable_schema=ON")
    conn.execute("DELETE FROM sqlite_master WHERE type='table' AND name='lexical'")
    conn.execute("PRAGMA writable_schema=RESET")
    for shadow in ("data", "idx", "content", "docsize", "config"):
        conn.execute(f"DROP TABLE IF EXISTS lexical_{shadow}")


def count(conn: sqlite3.Connection) -> tuple[int, int]:
    """(keys, FTS rows): equal unless the index is damaged. Damaged blobs that FTS5 cannot read, or
    that fail its integrity check, count as no rows at all (`newsbot reindex` rebuilds them)."""
    try:
        keys = conn.execute("SELECT COUNT(*) FROM lexical_keys").fetchone()[0]
        rows = conn.execute("SELECT COUNT(*) FROM lexical").fetchone()[0]
        conn.execute("INSERT INTO lexical(lexical) VALUES ('integrity-check')")
    # "vtable constructor failed", "database disk image is malformed"; and MemoryError when a garbage
    # blob's length prefix makes FTS5 ask for an absurd allocation (SQLITE_NOMEM), seen in the fault tests.
    except (sqlite3.DatabaseError, MemoryError) as exc:
        log.warning("the lexical index is damaged (%s); `newsbot reindex` rebuilds it", exc)
        return keys if "keys" in locals() else 0, 0
    return keys, rows


def match_expression(tokens: Sequence[str]) -> str:
    """An FTS5 query matching any of the tokens, each a quoted string (no operator injection)."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def query(conn: sqlite3.Connection, text: str, k: int, since_ts: int | None = None, until_ts: int | None = None,
          sources: Sequence[str] = (), article_ids: Sequence[str] = ()) -> list[tuple[str, int, float]]:
    """(article_id, paragraph, BM25 score) of the k best matches, best first, filters applied exactly."""
    wanted = Counter(tokenize(text))  # a word asked twice counts twice, as in bm25s
    df = {t: _doc_frequency(conn, t) for t in wanted}
    present = sorted((t for t in wanted if df[t]), key=lambda t: df[t])
    if not present or k <= 0:
        return []
    docs, total = conn.execute("SELECT docs, tokens FROM lexical_stats").fetchone()
    idf = {t: _idf(docs, df[t]) for t in present}
    allowed = _allowed(conn, since_ts, until_ts, sources, article_ids)
    candidates = _candidates(conn, present, df, idf, allowed, max(CANDIDATES, k))
    if not len(candidates):
        return []
    rows = conn.execute(
        "SELECT k.article_id, k.number, k.length, l.tokens FROM lexical_keys k JOIN lexical l ON l.rowid = k.id"
        f" WHERE k.id IN ({','.join(str(int(c)) for c in candidates)})").fetchall()
    average = total / max(docs, 1)
    scored = []
    for article_id, number, length, tokens in rows:
        padded = f" {tokens} "
        tf = {t: padded.count(f" {t} ") for t in present}
        norm = K1 * (1 - B + B * length / average)
        scored.append((article_id, number, sum(wanted[t] * idf[t] * tf[t] * (K1 + 1) / (tf[t] + norm)
                                               for t in present if tf[t])))
    scored.sort(key=lambda r: (-r[2], r[0], r[1]))
    return scored[:k]


def _candidates(conn: sqlite3.Connection, present: list[str], df: dict[str, int], idf: dict[str, float],
                allowed: np.ndarray | None, n: int) -> np.ndarray:
    """Rows holding the rarest query terms (within the postings budget), best `n` by summed idf.

    Reading a term's rows costs a fraction of a microsecond each; FTS5's own ranking costs ~50x
    more per row, which is why scoring happens here and only for the best candidates."""
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    postings = 0
    for term in present:  # rarest first; the rarest always
        if ids and postings + df[term] > POSTINGS_BUDGET:
            break
        listed = conn.execute("SELECT group_concat(rowid) FROM lexical WHERE lexical MATCH ?",
                              (match_expression([term]),)).fetchone()[0]  # one string: no Python object a row
        rows = np.array(listed.split(","), dtype=np.int64) if listed else np.empty(0, dtype=np.int64)
        ids.append(rows)
        weights.append(np.full(len(rows), idf[term]))
        postings += df[term]
    found, where = np.unique(np.concatenate(ids), return_inverse=True)
    score = np.bincount(where, weights=np.concatenate(weights))
    if allowed is not None:
        keep = np.isin(found, allowed)
        found, score = found[keep], score[keep]
    if len(found) > n:
        top = np.argpartition(-score, n - 1)[:n]
        found = found[top]
    return found


def _allowed(conn: sqlite3.Connection, since_ts: int | None, until_ts: int | None, sources: Sequence[str],
             article_ids: Sequence[str]) -> np.ndarray | None:
    """Row ids the filters admit (None: no filter), read through the date index."""
    clauses, params = _filter_clauses(since_ts, until_ts, sources, article_ids)
    if not clauses:
        return None
    listed = conn.execute(f"SELECT group_concat(k.id) FROM lexical_keys k WHERE 1 {clauses}", params).fetchone()[0]
    return np.array(listed.split(","), dtype=np.int64) if listed else np.empty(0, dtype=np.int64)


# Rarity is judged as if the index held at least this many paragraphs. In one article's twenty paragraphs
# its subject ("Blinken", in fifteen) would weigh a tenth of words it never uses ("go", "next"), and every
# question about it would look like one about something else; in a news index of thousands nothing changes.
MIN_IDF_DOCS = 1000


def idf(conn: sqlite3.Connection, terms: Iterable[str]) -> dict[str, float]:
    """BM25's idf of each tokenized term over the indexed paragraphs (a term no paragraph holds gets the highest)."""
    docs = max(conn.execute("SELECT docs FROM lexical_stats").fetchone()[0], MIN_IDF_DOCS)
    return {t: _idf(docs, _doc_frequency(conn, t)) for t in set(terms)}


def _idf(docs: int, df: int) -> float:
    return math.log(1 + (docs - min(df, docs) + 0.5) / (df + 0.5))  # always > 0


def _doc_frequency(conn: sqlite3.Connection, term: str) -> int:
    """Paragraphs containing the term (one index seek; 0 when absent)."""
    row = conn.execute("SELECT df FROM lexical_terms WHERE term = ?", (term,)).fetchone()
    return int(row[0]) if row else 0


def _filter_clauses(since_ts: int | None, until_ts: int | None, sources: Sequence[str],
                    article_ids: Sequence[str]) -> tuple[str, list[int | str]]:
    clauses: list[str] = []
    params: list[int | str] = []
    if since_ts is not None:
        clauses.append("k.date_ts >= ?")
        params.append(since_ts)
    if until_ts is not None:
        clauses.append("k.date_ts < ?")
        params.append(until_ts)
    if sources:
        clauses.append(f"k.article_id IN (SELECT id FROM articles WHERE source IN ({','.join('?' * len(sources))}))")
        params += list(sources)
    if article_ids:
        clauses.append(f"k.article_id IN ({','.join('?' * len(article_ids))})")
        params += list(article_ids)
    return "".join(f" AND {c}" for c in clauses), params


def keys(conn: sqlite3.Connection, since_ts: int | None, until_ts: int | None, sources: Sequence[str],
         article_ids: Sequence[str], limit: int) -> list[tuple[str, int]] | None:
    """The indexed paragraphs the filters admit, through the date index; None when more than `limit`."""
    clauses, params = _filter_clauses(since_ts, until_ts, sources, article_ids)
    rows = conn.execute(f"SELECT k.article_id, k.number FROM lexical_keys k WHERE 1 {clauses} LIMIT ?",
                        (*params, limit + 1)).fetchall()
    return None if len(rows) > limit else [(r[0], r[1]) for r in rows]


def knows(conn: sqlite3.Connection, token: str) -> bool:
    """Whether a tokenized word occurs in any indexed paragraph (an index lookup, nothing loaded)."""
    return conn.execute("SELECT 1 FROM lexical WHERE lexical MATCH ? LIMIT 1",
                        (match_expression([token]),)).fetchone() is not None


def current(conn: sqlite3.Connection) -> bool:
    """Whether the stored rows were made by today's tokenizer and schema."""
    row = conn.execute("SELECT value FROM meta WHERE key=?", (META_KEY,)).fetchone()
    return row is not None and row[0] == VERSION
