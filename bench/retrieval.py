"""Retrieval quality and latency on rtqa-dev: dense-only vs BM25-only vs hybrid.

A question counts as recalled at k when one of the top k paragraphs belongs to a gold
article and contains an answer string. Target (issue 2): hybrid recall@5 >= 0.90.

Usage: python bench/retrieval.py [--data-dir DIR]   (reuse an index that holds rtqa-dev)
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from common import RTQA, percentile, read_jsonl, require, rtqa_articles, temp_config

from bot.qa.when import window
from bot.text import fold
from index.config import IndexConfig
from index.search import Filters, search
from index.store import Index

KS = (1, 3, 5, 10)


def recalled(ranked: list, question: dict, texts: dict[tuple[str, int], str], k: int, strict: bool = True) -> bool:
    """Ranked items are keys, or lists of keys that stand for one result (a hit and its twins).

    Strict: a gold article's paragraph holding the answer. Lenient: any paragraph holding it
    (other outlets' copies of the story count; this is what an answer's support needs)."""
    answers = [fold(a) for a in question["answers"]]
    return any((not strict or key[0] in question["gold_article_ids"])
               and any(a in fold(texts.get(key, "")) for a in answers)
               for item in ranked[:k] for key in (item if isinstance(item, list) else [item]))


def rtqa_index(doc: str | None) -> tuple[Index, list[dict]]:
    """The rtqa-dev index named by --data-dir (else one built in a temp dir) and its questions."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--data-dir", help="an existing index of rtqa-dev (else one is built in a temp dir)")
    args = parser.parse_args()
    questions = read_jsonl(require(RTQA) / "questions.jsonl")
    if args.data_dir:
        return Index.open(IndexConfig(data_dir=Path(args.data_dir))), questions
    index = Index.open(temp_config(extract_actors=False))
    started = time.perf_counter()
    index.ingest(rtqa_articles())
    print(f"built the index in {time.perf_counter() - started:.0f} s")
    return index, questions


def main() -> None:
    index, questions = rtqa_index(__doc__)

    systems = {
        "dense": lambda q: [(a, n) for a, n, _ in index.vectors.query(index.embeddings.embed_query(q), 10, None)],
        "bm25": lambda q: [(a, n) for a, n, _ in index.catalog.lexical_search(q, 10)],
        # A collapsed syndicated copy stands for its twins: count the gold twin as retrieved.
        "hybrid": lambda q: [[h.key, *h.twins] for h in search(index, q, k=10)],
    }
    # What `newsbot ask` does: a question saying "this week" searches that window (anchored on its date).
    dated = {q["question"]: q.get("date") for q in questions}

    def windowed(q: str) -> list:
        span = window(q, date.fromisoformat(dated[q])) if dated.get(q) else None
        filters = Filters(since=span[0], until=span[1]) if span else None
        return [[h.key, *h.twins] for h in search(index, q, k=10, filters=filters)]

    systems["hybrid+window"] = windowed
    print(f"{len(questions)} questions, {index.stats()['indexable']} paragraphs")
    print(f"{'system':26} " + "  ".join(f"R@{k:<3}" for k in KS) + "   p50 ms  p95 ms")
    for name, run in systems.items():
        latencies, ranked = [], []
        for q in questions:
            started = time.perf_counter()
            ranked.append(run(q["question"]))
            latencies.append((time.perf_counter() - started) * 1000)
        keys = {tuple(k) for items in ranked for item in items for k in (item if isinstance(item, list) else [item])}
        texts = index.catalog.paragraph_texts(list(keys))
        for strict in (True, False):
            recalls = [sum(recalled(keys, q, texts, k, strict) for keys, q in zip(ranked, questions, strict=True))
                       / len(questions) for k in KS]
            label = name if strict else f"  {name} (any outlet)"
            print(f"{label:26} " + "  ".join(f"{r:.3f}" for r in recalls)
                  + (f"   {percentile(latencies, 50):6.1f}  {percentile(latencies, 95):6.1f}" if strict else ""))


if __name__ == "__main__":
    main()
