"""Which lexical index: SQLite FTS5 (what newsbot uses) against the bm25s index it replaced, on rtqa-dev.

Three lexical rankers over the same catalog, each alone and fused into hybrid search exactly as
`newsbot search` / `ask` fuse them (RRF with the dense ranking, with and without the question's
time window):
  fts5-snowball   the product: index.bm25.tokenize (Snowball stems, stop words) stored in FTS5, bm25()
  bm25s-snowball  the previous index: bm25s (k1=1.5, b=0.75) over the same tokens, rebuilt in memory
  fts5-porter     FTS5's own "porter unicode61 remove_diacritics 2" tokenizer over the raw text
The rule from issue 15: switch to FTS5 only if recall@5 drops by at most 0.01.

Result (rtqa-dev, 60 questions, 27,739 paragraphs; the candidates-then-Lucene-BM25 scoring of
index/lexical.py): fts5-snowball equals bm25s-snowball at every k, lexical alone R@1/3/5/10
0.533/0.683/0.783/0.817, hybrid 0.483/0.733/0.767/0.817, hybrid+window 0.533/0.783/0.833/0.850.
Ranking by FTS5's own bm25() instead (k1=1.2, idf clamped at 0) gave lexical R@5 0.733 (-0.05)
for the same hybrid R@5, and cost ~20 us a matching row: ~200 ms a query at 100k paragraphs.
fts5-porter: lexical R@5 0.783, hybrid 0.783, hybrid+window 0.817 (-0.017 on what `ask` uses).

Usage: python bench/lexical.py [--data-dir DIR]   (an index holding rtqa-dev; else one is built)
bm25s is a dev dependency (pip install -e '.[dev]').
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import date

from common import percentile
from retrieval import KS, recalled, rtqa_index

from bot.qa.when import window
from index.bm25 import STOPWORDS, tokenize
from index.lexical import match_expression
from index.search import Filters, search
from index.store import Index

Lexical = Callable[..., list[tuple[str, int, float]]]


class _SwappedCatalog:
    """The real catalog with another lexical ranker in place of FTS5-snowball."""

    def __init__(self, catalog, ranker: Lexical) -> None:
        self._catalog, self.lexical_search = catalog, ranker

    def __getattr__(self, name):
        return getattr(self._catalog, name)


def _post_filtered(ranker: Callable[[str, int], list[tuple[str, int, float]]], catalog) -> Lexical:
    """What the bm25s index did with filters: look 20x deeper, then drop what the filters refuse."""

    def run(text, k, since_ts=None, until_ts=None, sources=(), article_ids=()):
        if since_ts is None and until_ts is None:
            return ranker(text, k)
        hits = ranker(text, k * 20)
        headers = catalog.headers([a for a, _, _ in hits])
        ok = [h for h in hits if h[0] in headers and (since_ts is None or headers[h[0]]["date_ts"] >= since_ts)
              and (until_ts is None or headers[h[0]]["date_ts"] < until_ts)]
        return ok[:k]

    return run


def bm25s_ranker(rows: list[tuple[str, int, str, str]]) -> Callable[[str, int], list[tuple[str, int, float]]]:
    import bm25s

    keys = [(a, n) for a, n, _, _ in rows]
    retriever = bm25s.BM25()
    retriever.index([tokenize(text) or ["_"] for _, _, text, _ in rows], show_progress=False)

    def run(text: str, k: int) -> list[tuple[str, int, float]]:
        tokens = tokenize(text)
        if not tokens:
            return []
        docs, scores = retriever.retrieve([tokens], k=min(k, len(keys)), show_progress=False)
        return [(*keys[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    return run


def porter_ranker(rows: list[tuple[str, int, str, str]]) -> Callable[[str, int], list[tuple[str, int, float]]]:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='porter unicode61 remove_diacritics 2')")
    conn.executemany("INSERT INTO t (rowid, text) VALUES (?, ?)", [(i, r[2]) for i, r in enumerate(rows)])
    keys = [(a, n) for a, n, _, _ in rows]

    def run(text: str, k: int) -> list[tuple[str, int, float]]:
        words = [w for w in (t.strip("'’") for t in text.lower().replace("’", "'").split()) if w]
        words = [w for w in ("".join(c for c in w if c.isalnum() or c == "'") for w in words)
                 if w and w not in STOPWORDS]
        if not words:
            return []
        found = conn.execute("SELECT rowid, rank FROM t WHERE t MATCH ? ORDER BY rank LIMIT ?",
                             (match_expression(words), k)).fetchall()
        return [(*keys[r[0]], -r[1]) for r in found]

    return run


def main() -> None:
    index, questions = rtqa_index(__doc__)
    rows = list(index.catalog.indexable(state="indexed"))
    started = time.perf_counter()
    rankers: dict[str, Lexical] = {"fts5-snowball": index.catalog.lexical_search}
    try:
        rankers["bm25s-snowball"] = _post_filtered(bm25s_ranker(rows), index.catalog)
    except ImportError:
        print("bm25s is not installed: its rows are left out")
    rankers["fts5-porter"] = _post_filtered(porter_ranker(rows), index.catalog)
    print(f"{len(questions)} questions, {len(rows)} paragraphs (alternatives built in "
          f"{time.perf_counter() - started:.1f} s)")
    dated = {q["question"]: q.get("date") for q in questions}

    def filters(q: str) -> Filters | None:
        span = window(q, date.fromisoformat(dated[q])) if dated.get(q) else None
        return Filters(since=span[0], until=span[1]) if span else None

    print(f"{'ranker':16} {'system':14} " + "  ".join(f"R@{k:<3}" for k in KS) + "   p50 ms")
    for name, ranker in rankers.items():
        swapped = Index(index.config, _SwappedCatalog(index.catalog, ranker), index.vectors)  # type: ignore[arg-type]
        systems = {
            "lexical": lambda q, r=ranker: [(a, n) for a, n, _ in r(q, 10)],
            "hybrid": lambda q, s=swapped: [[h.key, *h.twins] for h in search(s, q, k=10)],
            "hybrid+window": lambda q, s=swapped: [[h.key, *h.twins] for h in search(s, q, k=10, filters=filters(q))],
        }
        for system, run in systems.items():
            latencies, ranked = [], []
            for q in questions:
                t = time.perf_counter()
                ranked.append(run(q["question"]))
                latencies.append((time.perf_counter() - t) * 1000)
            keys = {tuple(k) for items in ranked for item in items
                    for k in (item if isinstance(item, list) else [item])}
            texts = index.catalog.paragraph_texts(list(keys))
            recalls = [sum(recalled(r, q, texts, k) for r, q in zip(ranked, questions, strict=True)) / len(questions)
                       for k in KS]
            print(f"{name:16} {system:14} " + "  ".join(f"{r:.3f}" for r in recalls)
                  + f"   {percentile(latencies, 50):6.1f}")


if __name__ == "__main__":
    main()
