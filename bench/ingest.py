"""Ingest throughput against the bare embedding model, measured in the same run.

Usage: python bench/ingest.py [--corpus FILE.jsonl] [--limit N] [--actors]
Target (issue 2): ingest time <= 1.25x the bare ONNX model over the same paragraphs.
"""

from __future__ import annotations

import argparse
import time

from common import SHARED, read_jsonl, require, temp_config

from index.embed import MiniLMEmbeddings
from index.models import model_dir
from index.sources import from_record
from index.store import Index


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", default=str(SHARED / "rtqa-dev" / "articles.jsonl"))
    parser.add_argument("--limit", type=int, default=150, help="articles to ingest (0 = all)")
    parser.add_argument("--actors", action="store_true", help="with entity extraction on")
    args = parser.parse_args()
    records = read_jsonl(require(__import__("pathlib").Path(args.corpus)), args.limit or None)
    articles = [from_record(r, f"{args.corpus}:{i}") for i, r in enumerate(records, 1)]

    config = temp_config(extract_actors=args.actors)
    embeddings = MiniLMEmbeddings(model_dir(config.models_dir), batch_size=config.embed_batch_size)
    texts = [f"{a.title}\n\n{p.text}" for a in articles for p in a.indexable]
    embeddings.encode(texts[:32])  # warm-up, for both measurements alike

    index = Index.open(config, embeddings=embeddings)
    started = time.perf_counter()
    report = index.ingest(articles)
    ingest_s = time.perf_counter() - started

    started = time.perf_counter()
    embeddings.encode(texts)
    bare_s = time.perf_counter() - started

    print(f"articles {len(report.added)}, paragraphs {report.paragraphs} (actors {'on' if args.actors else 'off'})")
    print(f"ingest      {ingest_s:7.2f} s  {report.paragraphs / ingest_s:7.1f} paragraphs/s")
    print(f"bare model  {bare_s:7.2f} s  {len(texts) / bare_s:7.1f} paragraphs/s")
    print(f"ratio ingest/bare = {ingest_s / bare_s:.3f}  (target <= {'1.5' if args.actors else '1.25'})")


if __name__ == "__main__":
    main()
