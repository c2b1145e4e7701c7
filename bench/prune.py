"""Prune and a killed prune on rtqa-dev: stats stay consistent and retrieval recall does not drop.

A copy of an rtqa-dev index (2022) gets --old older timeline17 articles (Libya, 2011) as distractors.
Hybrid recall@5 is measured, then `newsbot prune --before 2022-01-01` is started and killed with
SIGKILL as soon as its queue is written, `stats` is read (inconsistent: a prune is pending), the
prune is run again (the pending one is finished first), and recall@5 and `stats` are measured once more.
The prune also removes rtqa-dev's own pre-2022 distractors (203 articles); no gold article is older.

Result (--old 40): R@5 0.767, with the distractors 0.767; after SIGKILL stats showed 688 articles,
243 queued, consistent=False; the next prune removed 243 articles (15,483 paragraphs) and left 445,
consistent=True, R@5 0.850.

Usage: nice -n 10 python bench/prune.py --source DIR   (an index holding rtqa-dev)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import SHARED, read_jsonl, require
from retrieval import recalled

from index.config import IndexConfig
from index.search import search
from index.sources import from_record
from index.store import Index

NEWSBOT = str(Path(sys.executable).parent / "newsbot")


def recall_at_5(index: Index, questions: list[dict]) -> float:
    ranked = [[[h.key, *h.twins] for h in search(index, q["question"], k=10)] for q in questions]
    keys = {tuple(k) for items in ranked for item in items for k in item}
    texts = index.catalog.paragraph_texts(list(keys))
    return sum(recalled(r, q, texts, 5) for r, q in zip(ranked, questions, strict=True)) / len(questions)


def stats(data_dir: Path) -> dict:
    out = subprocess.run([NEWSBOT, "stats", "--json"], env={**os.environ, "NEWSBOT_DATA_DIR": str(data_dir)},
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def _kill_once_queued(proc: subprocess.Popen, catalog: Path) -> None:
    """SIGKILL the prune the moment its queue is written (before, or while, it deletes anything)."""
    conn = sqlite3.connect(catalog)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if conn.execute("SELECT COUNT(*) FROM prune_queue").fetchone()[0]:
                break
        except sqlite3.OperationalError:  # no queue table yet
            pass
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", required=True)
    parser.add_argument("--old", type=int, default=40, help="older distractor articles to add, then prune")
    args = parser.parse_args()
    questions = read_jsonl(require(SHARED / "rtqa-dev" / "questions.jsonl"))
    old = read_jsonl(require(SHARED / "timeline17-dev" / "LibyaWar_reuters.articles.jsonl"))[:args.old]
    work = Path(tempfile.mkdtemp(prefix="newsbot-prune-")) / "data"
    shutil.copytree(args.source, work, symlinks=True)
    index = Index.open(IndexConfig(data_dir=work))
    base = recall_at_5(index, questions)
    report = index.ingest(from_record(r, f"old:{i}") for i, r in enumerate(old))
    with_old = recall_at_5(index, questions)
    before = index.stats()
    index.close()
    print(f"rtqa-dev hybrid R@5 {base:.3f}; with {len(report.added)} older distractors {with_old:.3f}; "
          f"{before['articles']} articles, consistent={before['consistent']}")
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(work)}
    proc = subprocess.Popen([NEWSBOT, "prune", "--before", "2022-01-01"], env=env, stderr=subprocess.DEVNULL)
    _kill_once_queued(proc, work / "catalog.sqlite3")
    killed = stats(work)
    print(f"after SIGKILL: articles {killed['articles']}, pruning {killed['pruning']}, "
          f"consistent={killed['consistent']}")
    subprocess.run([NEWSBOT, "prune", "--before", "2022-01-01"], env=env, check=True)
    after = stats(work)
    index = Index.open(IndexConfig(data_dir=work))
    final = recall_at_5(index, questions)
    print(f"after the next prune: articles {after['articles']}, pruning {after['pruning']}, "
          f"consistent={after['consistent']}; R@5 {final:.3f} (was {base:.3f} before the distractors)")
    shutil.rmtree(work.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
