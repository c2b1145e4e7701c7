"""Actor extraction at ingest: throughput, cost against the bare embedding model, alias quality.

Usage: python bench/actors.py [--limit N] [--skip-ingest] [--skip-quality] [--top N]
Targets (issue 5): ingest with extraction on <= 1.5x the bare embedding model over the same
paragraphs. The alias-quality part extracts and resolves all of timeline17-dev (Libya, Egypt)
without embeddings and lists every canonical actor with more than one alias, for checking by hand.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from common import SHARED, read_jsonl, require, temp_config

from index.actors.extract import extract, store_mentions
from index.actors.resolve import resolve_actors
from index.catalog import Catalog
from index.embed import MiniLMEmbeddings
from index.models import model_dir
from index.nlp import pipeline
from index.sources import from_record
from index.store import Index

TOPICS = ("LibyaWar_reuters", "EgyptianProtest_cnn")


def load(limit: int | None) -> list:
    """Articles of both topics, half of `limit` from each (all when limit is None)."""
    folder = require(SHARED / "timeline17-dev")
    articles = []
    for topic in TOPICS:
        path = folder / f"{topic}.articles.jsonl"
        rows = read_jsonl(path, (limit + 1) // 2 if limit else None)
        articles += [from_record(r, f"{path.name}:{i}") for i, r in enumerate(rows, 1)]
    return articles


def throughput(articles: list) -> None:
    started = time.perf_counter()
    pipeline()
    print(f"spaCy load            {time.perf_counter() - started:7.2f} s  (once per process)")
    paragraphs = sum(len(a.indexable) for a in articles)
    started, cpu = time.perf_counter(), time.process_time()
    mentions, _ = extract(articles)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"extraction            {seconds:7.2f} s  {paragraphs / seconds:7.1f} paragraphs/s"
          f"  ({len(mentions)} mentions in {paragraphs} paragraphs; CPU {cpu:.2f} s = {paragraphs / cpu:.0f}/s)")


def ingest_ratio(articles: list) -> None:
    config = temp_config(extract_actors=True)
    embeddings = MiniLMEmbeddings(model_dir(config.models_dir), batch_size=config.embed_batch_size)
    texts = [f"{a.title}\n\n{p.text}" for a in articles for p in a.indexable]
    embeddings.encode(texts[:32])  # warm-up, for both measurements alike
    index = Index.open(config, embeddings=embeddings)
    started, cpu = time.perf_counter(), time.process_time()
    report = index.ingest(articles)
    ingest_s, ingest_cpu = time.perf_counter() - started, time.process_time() - cpu
    started = time.perf_counter()
    resolve_actors(index.catalog)
    resolve_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    embeddings.encode(texts)
    bare_s, bare_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"ingest, actors on     {ingest_s:7.2f} s  {report.paragraphs / ingest_s:7.1f} paragraphs/s"
          f"  ({len(report.added)} articles; CPU {ingest_cpu:.1f} s)")
    print(f"bare embedding model  {bare_s:7.2f} s  {len(texts) / bare_s:7.1f} paragraphs/s  (CPU {bare_cpu:.1f} s)")
    print(f"ratio ingest/bare = {ingest_s / bare_s:.3f} wall, {ingest_cpu / bare_cpu:.3f} CPU  (target <= 1.5)")
    print(f"alias resolution (whole corpus, included above) {resolve_s:.2f} s")
    index.close()


def quality(top: int) -> None:
    """Extract and resolve all of timeline17-dev into a bare catalog; print merged actors."""
    articles = load(None)
    catalog = Catalog(Path(tempfile.mkdtemp(prefix="newsbot-actors-")) / "catalog.sqlite3")
    for article in articles:
        if catalog.state(article.id) is None and not catalog.id_by_hash(article.content_hash):
            catalog.add_pending(article)
    stored = list(catalog.articles(catalog.pending_ids()).values())
    started = time.perf_counter()
    for start in range(0, len(stored), 32):
        store_mentions(catalog, stored[start:start + 32])
    extract_s = time.perf_counter() - started
    started = time.perf_counter()
    counts = resolve_actors(catalog)
    resolve_s = time.perf_counter() - started
    paragraphs = sum(len(a.indexable) for a in stored)
    print(f"\nall of timeline17-dev: {len(stored)} articles, {paragraphs} paragraphs, extraction {extract_s:.1f} s"
          f" ({paragraphs / extract_s:.0f} paragraphs/s), resolution {resolve_s:.2f} s")
    print(f"mentions {counts['mentions']}, resolved {counts['resolved']}, canonical actors {counts['actors']}")
    with catalog.lock:
        rows = catalog.conn.execute("SELECT name, type, aliases, articles, evidence FROM actors"
                                    " WHERE json_array_length(aliases) > 1 ORDER BY articles DESC").fetchall()
    print(f"\n{len(rows)} canonical actors with more than one alias; the {top} most covered:")
    for name, kind, aliases, articles_n, evidence in rows[:top]:
        rules = sorted({e["rule"] for e in json.loads(evidence)})
        print(f"- {name} [{kind}, {articles_n} articles] aliases: {', '.join(json.loads(aliases)[:14])}"
              f"\n    rules: {', '.join(rules)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=150, help="articles for the throughput runs (half per topic)")
    parser.add_argument("--skip-ingest", action="store_true", help="no embedding run (it takes minutes)")
    parser.add_argument("--skip-quality", action="store_true", help="no alias-quality report")
    parser.add_argument("--top", type=int, default=60, help="merged actors to list")
    args = parser.parse_args()
    articles = load(args.limit)
    throughput(articles)
    if not args.skip_ingest:
        ingest_ratio(articles)
    if not args.skip_quality:
        quality(args.top)


if __name__ == "__main__":
    main()
