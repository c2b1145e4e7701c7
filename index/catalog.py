"""The catalog: SQLite (WAL), the source of truth for articles and paragraphs.

Vectors are derived from it; the lexical index (index/lexical.py) lives inside it. An article
row is written `pending` together with its paragraphs in one transaction, and flipped to
`indexed` (its lexical rows written in that same transaction) only after its vectors are stored,
so an interrupted ingest is finished (never duplicated) by the next run.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from index import lexical
from index.articles import Annotation, Article, Paragraph, parse_published
from index.db import connect

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    url TEXT,
    source TEXT,
    author TEXT,
    published TEXT,
    published_ts INTEGER,
    ingested_ts INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'indexed')),
    origin TEXT
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles(content_hash);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published_ts);
CREATE TABLE IF NOT EXISTS paragraphs (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    skipped INTEGER NOT NULL DEFAULT 0,
    furniture TEXT,                  -- why a skipped block is not reporting (index.furniture.KINDS)
    PRIMARY KEY (article_id, number)
);
-- Sentence and entity offsets of each citable paragraph from the ingest-time NLP pass (index.nlp);
-- absent when actor extraction is off or the article predates it (readers then split by rule).
CREATE TABLE IF NOT EXISTS annotations (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    sentences TEXT NOT NULL,         -- JSON [[start, end], ...]
    entities TEXT NOT NULL,          -- JSON [[start, end, label], ...]
    PRIMARY KEY (article_id, number)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

ANNOTATION_CHUNK = 400  # (article, paragraph) pairs per annotations query: 800 parameters, under any SQLite limit
_ARTICLE_COLUMNS = "id, title, url, source, author, published, ingested_ts, origin"


class Catalog:
    """Thread-safe access to the catalog database (one connection, one lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connect(path, _SCHEMA, foreign_keys=True)
        self.conn.row_factory = sqlite3.Row
        self.lock = threading.RLock()
        with self.lock:
            self._add_furniture_column()
            if lexical.current(self.conn):
                lexical.ensure(self.conn)
            else:  # a new catalog, one from before the lexical index, or another tokenizer: (re)build it
                self._rebuild_lexical()

    def _add_furniture_column(self) -> None:
        # Catalogs written before furniture kinds existed: add the column; `reindex` fills it in.
        columns = {row[1] for row in self.conn.execute("PRAGMA table_info(paragraphs)")}
        if "furniture" not in columns:
            self.conn.execute("ALTER TABLE paragraphs ADD COLUMN furniture TEXT")

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    # -- writing ---------------------------------------------------------------
    def add_pending(self, article: Article) -> None:
        """Store an article and its paragraphs atomically, marked pending."""
        published = article.published.isoformat() if article.published else None
        now = int(datetime.now(UTC).timestamp())
        with self.lock, self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute(
                "INSERT INTO articles (id, title, url, source, author, published, published_ts, ingested_ts,"
                " content_hash, state, origin) VALUES (?,?,?,?,?,?,?,?,?, 'pending', ?)",
                (article.id, article.title, article.url, article.source, article.author, published,
                 article.published_ts, now, article.content_hash, article.origin),
            )
            self.conn.executemany(
                "INSERT INTO paragraphs (article_id, number, text, skipped, furniture) VALUES (?,?,?,?,?)",
                [(article.id, p.number, p.text, int(p.skipped), p.furniture) for p in article.paragraphs],
            )

    def set_furniture(self, article_id: str, paragraphs: tuple[Paragraph, ...]) -> int:
        """Store new furniture flags for an article's paragraphs (numbers and text unchanged); returns how
        many changed. A paragraph that becomes furniture loses its annotations; the caller re-derives
        vectors, BM25 and mentions, which are built from citable paragraphs only."""
        stored = {r["number"]: (bool(r["skipped"]), r["furniture"]) for r in
                  self._all("SELECT number, skipped, furniture FROM paragraphs WHERE article_id=?", (article_id,))}
        changed = [p for p in paragraphs if stored.get(p.number, (p.skipped, p.furniture)) != (p.skipped, p.furniture)]
        with self.lock, self.conn:
            self.conn.executemany("UPDATE paragraphs SET skipped=?, furniture=? WHERE article_id=? AND number=?",
                                  [(int(p.skipped), p.furniture, article_id, p.number) for p in changed])
            self.conn.executemany("DELETE FROM annotations WHERE article_id=? AND number=?",
                                  [(article_id, p.number) for p in changed if p.skipped])
        return len(changed)

    def store_annotations(self, rows: list[tuple[str, int, Annotation]]) -> None:
        """Replace the annotations of these (article_id, paragraph) keys."""
        with self.lock, self.conn:
            self.conn.executemany(
                "INSERT OR REPLACE INTO annotations (article_id, number, sentences, entities) VALUES (?,?,?,?)",
                [(a, n, json.dumps(x.sentences), json.dumps(x.entities)) for a, n, x in rows])

    def annotations(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], Annotation]:
        """Stored annotations of the keys that have some."""
        out: dict[tuple[str, int], Annotation] = {}
        wanted = list(dict.fromkeys(keys))
        with self.lock:
            # Row values in chunks: a dossier or a long article asks for thousands of paragraphs at once.
            for at in range(0, len(wanted), ANNOTATION_CHUNK):
                chunk = wanted[at:at + ANNOTATION_CHUNK]
                rows = self.conn.execute(
                    "SELECT article_id, number, sentences, entities FROM annotations WHERE (article_id, number)"
                    f" IN (VALUES {','.join(['(?,?)'] * len(chunk))})", [v for key in chunk for v in key]).fetchall()
                for article_id, number, sentences, entities in rows:
                    out[(article_id, number)] = Annotation(tuple(tuple(s) for s in json.loads(sentences)),
                                                           tuple(tuple(e) for e in json.loads(entities)))
        return out

    def mark_indexed(self, article_ids: list[str]) -> None:
        """Flip articles to `indexed` and add their paragraphs to the lexical index, in one transaction."""
        with self.lock, self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany("UPDATE articles SET state='indexed' WHERE id=?", [(i,) for i in article_ids])
            for article_id in article_ids:
                lexical.insert(self.conn, self._lexical_rows("p.article_id=?", (article_id,)))

    def mark_all_pending(self) -> None:
        """Used by reindex: every article must get its vectors (and lexical rows) again."""
        with self.lock, self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("UPDATE articles SET state='pending'")
            lexical.drop_all(self.conn)

    def _rebuild_lexical(self) -> None:
        """Re-tokenize every indexed paragraph: a catalog from before the lexical index, or a new tokenizer."""
        with self.lock, self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            if lexical.current(self.conn):  # another process did it while we waited for the write lock
                lexical.ensure(self.conn)
                return
            lexical.drop_all(self.conn)
            lexical.insert(self.conn, self._lexical_rows("a.state='indexed'", ()))
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                              (lexical.META_KEY, lexical.VERSION))

    def _lexical_rows(self, where: str, params: tuple) -> Iterator[lexical.Row]:
        cursor = self.conn.execute(
            "SELECT p.article_id, p.number, COALESCE(a.published_ts, a.ingested_ts), p.text FROM paragraphs p"
            f" JOIN articles a ON a.id = p.article_id WHERE p.skipped=0 AND {where} ORDER BY a.rowid, p.number",
            params)
        for r in cursor:
            yield r[0], r[1], r[2], r[3]

    # -- reading ---------------------------------------------------------------
    def state(self, article_id: str) -> str | None:
        row = self._one("SELECT state FROM articles WHERE id=?", (article_id,))
        return row["state"] if row else None

    def id_by_hash(self, content_hash: str) -> str | None:
        row = self._one("SELECT id FROM articles WHERE content_hash=?", (content_hash,))
        return row["id"] if row else None

    def article_ids(self) -> list[str]:
        """Every article id, in ingest order."""
        return [r["id"] for r in self._all("SELECT id FROM articles ORDER BY rowid")]

    def pending_ids(self) -> list[str]:
        return [r["id"] for r in self._all("SELECT id FROM articles WHERE state='pending' ORDER BY rowid")]

    def article(self, article_id: str) -> Article | None:
        """The stored article with all its paragraphs, or None."""
        row = self._one(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id=?", (article_id,))
        if row is None:
            return None
        paras = self._all("SELECT number, text, skipped, furniture FROM paragraphs WHERE article_id=?"
                          " ORDER BY number", (article_id,))
        return _article_from_row(row, paras)

    def articles(self, article_ids: list[str]) -> dict[str, Article]:
        """Several articles by id (missing ids are absent from the result)."""
        found = (self.article(i) for i in dict.fromkeys(article_ids))
        return {a.id: a for a in found if a is not None}

    def headers(self, article_ids: list[str]) -> dict[str, sqlite3.Row]:
        """Article rows without paragraphs (plus `date_ts`), for filtering and citing hits."""
        ids = list(dict.fromkeys(article_ids))
        found: dict[str, sqlite3.Row] = {}
        for start in range(0, len(ids), 500):  # stay under SQLite's bound-parameter limit
            chunk = ids[start:start + 500]
            rows = self._all(
                f"SELECT {_ARTICLE_COLUMNS}, published_ts, COALESCE(published_ts, ingested_ts) AS date_ts"
                f" FROM articles WHERE id IN ({','.join('?' * len(chunk))})", tuple(chunk))
            found.update({r["id"]: r for r in rows})
        return found

    def paragraph_texts(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """Stored text of each (article_id, number) key that exists."""
        out: dict[tuple[str, int], str] = {}
        with self.lock:
            for article_id, number in keys:
                row = self.conn.execute("SELECT text FROM paragraphs WHERE article_id=? AND number=?",
                                        (article_id, number)).fetchone()
                if row:
                    out[(article_id, number)] = row[0]
        return out

    def next_citable(self, article_id: str, number: int) -> Paragraph | None:
        """The first citable paragraph after `number` in the same article."""
        row = self._one("SELECT number, text, skipped, furniture FROM paragraphs WHERE article_id=? AND number>?"
                        " AND skipped=0 ORDER BY number LIMIT 1", (article_id, number))
        return _paragraph(row) if row else None

    def paragraph(self, article_id: str, number: int) -> Paragraph | None:
        row = self._one("SELECT number, text, skipped, furniture FROM paragraphs WHERE article_id=? AND number=?",
                        (article_id, number))
        return _paragraph(row) if row else None

    def indexable(self, state: str | None = None) -> Iterator[tuple[str, int, str, str]]:
        """(article_id, number, text, title) of every citable paragraph, in a stable order."""
        where = "AND a.state=?" if state else ""
        params = (state,) if state else ()
        query = ("SELECT p.article_id, p.number, p.text, a.title FROM paragraphs p JOIN articles a"
                 f" ON a.id = p.article_id WHERE p.skipped=0 {where} ORDER BY a.rowid, p.number")
        with self.lock:
            rows = self.conn.execute(query, params).fetchall()
        for r in rows:
            yield r[0], r[1], r[2], r[3]

    def article_ids_between(self, since_ts: int | None, until_ts: int | None) -> list[str]:
        """Ids of articles dated in [since, until); undated ones count on their ingestion day."""
        clauses, params = [], []
        if since_ts is not None:
            clauses.append("COALESCE(published_ts, ingested_ts) >= ?")
            params.append(since_ts)
        if until_ts is not None:
            clauses.append("COALESCE(published_ts, ingested_ts) < ?")
            params.append(until_ts)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return [r["id"] for r in self._all(f"SELECT id FROM articles {where} ORDER BY published_ts", tuple(params))]

    def ids_by_origin_stem(self, stem: str) -> list[str]:
        """Ids of articles read from a file named <stem>.<ext> (for question sets that name files)."""
        rows = self._all("SELECT id, origin FROM articles WHERE origin LIKE ?", (f"%{stem}.%",))
        return [r["id"] for r in rows if Path(r["origin"].split(":")[0]).stem == stem]

    def lexical_search(self, text: str, k: int, since_ts: int | None = None, until_ts: int | None = None,
                       sources: tuple[str, ...] = (), article_ids: tuple[str, ...] = (),
                       ) -> list[tuple[str, int, float]]:
        """BM25 matches of `text` among indexed paragraphs: (article_id, paragraph, score), best first."""
        with self.lock:
            return lexical.query(self.conn, text, k, since_ts, until_ts, sources, article_ids)

    def filtered_keys(self, since_ts: int | None, until_ts: int | None, sources: tuple[str, ...] = (),
                      article_ids: tuple[str, ...] = (), limit: int = 50_000) -> list[tuple[str, int]] | None:
        """Keys of the indexed paragraphs these filters admit, or None when there are more than `limit`."""
        with self.lock:
            return lexical.keys(self.conn, since_ts, until_ts, sources, article_ids, limit)

    def knows(self, token: str) -> bool:
        """Whether a tokenized word (`index.bm25.tokenize`) occurs in any indexed paragraph."""
        with self.lock:
            return lexical.knows(self.conn, token)

    def idf(self, tokens: Iterable[str]) -> dict[str, float]:
        """BM25 idf of each tokenized word over the indexed paragraphs: how much finding it tells."""
        with self.lock:
            return lexical.idf(self.conn, tokens)

    def lexical_empty(self) -> bool:
        """True before any paragraph is indexed."""
        return self._one("SELECT 1 FROM lexical_keys LIMIT 1") is None

    def lexical_counts(self) -> tuple[int, int]:
        """(paragraph keys, FTS rows) of the lexical index."""
        with self.lock:
            return lexical.count(self.conn)

    def counts(self) -> dict[str, int]:
        row = self._one(
            "SELECT (SELECT COUNT(*) FROM articles) AS articles,"
            " (SELECT COUNT(*) FROM articles WHERE state='pending') AS pending,"
            " (SELECT COUNT(*) FROM paragraphs) AS paragraphs,"
            " (SELECT COUNT(*) FROM paragraphs p JOIN articles a ON a.id=p.article_id"
            "   WHERE p.skipped=0 AND a.state='indexed') AS indexable"
        )
        return dict(row) if row else {}

    def furniture_counts(self) -> dict[str, int]:
        """Skipped paragraphs by kind of furniture (flags from before kinds existed count as boilerplate)."""
        rows = self._all("SELECT COALESCE(furniture, 'boilerplate') AS kind, COUNT(*) AS n FROM paragraphs"
                         " WHERE skipped=1 GROUP BY kind ORDER BY n DESC, kind")
        return {r["kind"]: r["n"] for r in rows}

    def furniture(self, kind: str | None = None) -> list[tuple[str, int, str, str]]:
        """(article_id, number, kind, text) of every paragraph flagged as furniture (of one kind if given)."""
        rows = self._all("SELECT p.article_id, p.number, COALESCE(p.furniture, 'boilerplate') AS kind, p.text"
                         " FROM paragraphs p JOIN articles a ON a.id = p.article_id WHERE p.skipped=1"
                         " ORDER BY a.rowid, p.number")
        return [(r[0], r[1], r[2], r[3]) for r in rows if kind is None or r[2] == kind]

    def sources(self) -> list[tuple[str, int]]:
        rows = self._all("SELECT COALESCE(source, '(unknown)') AS s, COUNT(*) AS n FROM articles"
                         " GROUP BY s ORDER BY n DESC")
        return [(r["s"], r["n"]) for r in rows]

    def date_range(self) -> tuple[str | None, str | None]:
        row = self._one("SELECT MIN(published) AS lo, MAX(published) AS hi FROM articles")
        return (row["lo"], row["hi"]) if row else (None, None)

    def data_version(self) -> int:
        """Changes whenever another connection commits (and on our own writes, via total_changes)."""
        with self.lock:
            other = self.conn.execute("PRAGMA data_version").fetchone()[0]
            return other * 1_000_003 + self.conn.total_changes

    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key=?", (key,))
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.lock, self.conn:
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def _one(self, query: str, params: tuple = ()) -> sqlite3.Row | None:
        with self.lock:
            return self.conn.execute(query, params).fetchone()

    def _all(self, query: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(query, params).fetchall()


def _article_from_row(row: sqlite3.Row, paras: list[sqlite3.Row]) -> Article:
    return Article(
        id=row["id"],
        title=row["title"],
        paragraphs=tuple(_paragraph(p) for p in paras),
        url=row["url"],
        source=row["source"],
        published=parse_published(row["published"]),
        author=row["author"],
        origin=row["origin"] or "",
    )


def _paragraph(row: sqlite3.Row) -> Paragraph:
    return Paragraph(row["number"], row["text"], bool(row["skipped"]), row["furniture"])
