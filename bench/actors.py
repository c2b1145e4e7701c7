"""Actor index benchmark: quality on the labelled dev set, and resolution time against a baseline.

Usage: python bench/actors.py [--baseline REF] [--incremental N] [--topics libya,egypt,rtqa,seed]
  quality      merge precision/recall, type accuracy (actors with >= 5 mentions), roles, noise and alias
               probes per dev topic (bench/actor_quality.py); seed and libya tuned the rules, egypt and rtqa
               are held out.
  --baseline   also times resolution by the code of a git REF (e.g. main) over the same articles, in this
               run: ratios, not seconds, are comparable on a shared machine.
  --incremental N  adds the last N articles after resolving the rest: time of the incremental pass against
               a full pass, and how many mentions it assigns differently.
Extraction reads spaCy Docs cached by bench/actor_corpus.py (parsed once per paragraph text).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

SRC = os.environ.get("NEWSBOT_BENCH_SRC")  # set for the baseline child: import index/ from that tree
if SRC:
    sys.path.insert(0, SRC)

from actor_corpus import available_topics, bare_catalog, parsed, topic_articles  # noqa: E402


def build(topics: list[str], folder: Path | None = None, skip: int = 0):
    """A bare catalog of the topics' articles with mentions stored; the last `skip` articles held back."""
    from index.actors.extract import store_mentions

    articles = [a for t in topics for a in topic_articles(t)]
    catalog = bare_catalog(articles, folder)
    stored = list(catalog.articles(catalog.pending_ids()).values())
    held, stored = stored[len(stored) - skip:] if skip else [], stored[:len(stored) - skip] if skip else stored
    docs: dict[str, list] = {}
    for item in parsed(stored + held):
        docs.setdefault(item[0].id, []).append(item)
    for start in range(0, len(stored), 64):
        chunk = stored[start:start + 64]
        store_mentions(catalog, chunk, [d for a in chunk for d in docs.get(a.id, [])])
    ids = {t: {a.id for a in topic_articles(t)} for t in topics}
    return catalog, ids, held, docs


def time_full(topics: list[str], repeat: int = 3) -> float:
    """Best of `repeat` full resolutions of the topics (seconds)."""
    from index.actors.resolve import resolve_actors

    catalog, _, _, _ = build(topics)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        resolve_actors(catalog)
        best = min(best, time.perf_counter() - started)
    return best


def baseline_seconds(ref: str, topics: list[str]) -> float:
    """Full resolution time by the code at git REF, measured in a child process over the same articles."""
    tree = Path(tempfile.mkdtemp(prefix="newsbot-baseline-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "index"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    env = {**os.environ, "NEWSBOT_BENCH_SRC": str(tree)}
    out = subprocess.run([sys.executable, __file__, "--time-only", "--topics", ",".join(topics)], env=env,
                         check=True, capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def quality(topics: list[str]) -> None:
    from actor_quality import score

    from index.actors.resolve import resolve_actors

    catalog, ids, _, _ = build(topics)
    started = time.perf_counter()
    counts = resolve_actors(catalog)
    print(f"resolution of {sum(len(v) for v in ids.values())} articles: {time.perf_counter() - started:.2f} s, "
          f"{counts['mentions']} mentions -> {counts['actors']} actors")
    print(f"{'topic':8} {'precision':>9} {'recall':>7} {'types':>6} {'roles':>6} {'noise':>6} {'probes':>7}  pairs")
    for topic, f in score(catalog, ids).items():
        print(f"{topic:8} {f['precision']:9.3f} {f['recall']:7.3f} {f['type_accuracy']:6.3f} {f['roles']:6.3f}"
              f" {f['noise']:6.3f} {f['probes']:7.3f}  {f['pairs']} ({f['typed']} typed)")


_KEYS = ("SELECT m.article_id || ':' || m.paragraph || ':' || m.start, a.name FROM mentions m"
         " LEFT JOIN actors a ON a.id = m.actor_id")


def _timed(catalog, resolve) -> tuple[float, dict]:
    """Seconds one resolution takes, and each mention's actor name afterwards."""
    started = time.perf_counter()
    resolve(catalog)
    seconds = time.perf_counter() - started
    with catalog.lock:
        return seconds, dict(catalog.conn.execute(_KEYS))


def incremental(topics: list[str], n: int) -> None:
    from index.actors.extract import store_mentions
    from index.actors.incremental import resolve_pending
    from index.actors.resolve import resolve_actors

    catalog, _, held, docs = build(topics, skip=n)
    resolve_actors(catalog)
    store_mentions(catalog, held, [d for a in held for d in docs.get(a.id, [])])
    inc_s, inc = _timed(catalog, resolve_pending)
    full_s, full = _timed(catalog, resolve_actors)
    differ = sum(inc.get(k) != full[k] for k in full)
    print(f"incremental pass after {n} new articles: {inc_s:.2f} s; full pass {full_s:.2f} s "
          f"(ratio {inc_s / full_s:.3f}); mentions whose actor differs from the full pass: {differ} of {len(full)}"
          f" ({differ / max(len(full), 1):.2%})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topics", default=",".join(available_topics()))
    parser.add_argument("--baseline", help="git ref whose resolution time is the baseline, e.g. main")
    parser.add_argument("--incremental", type=int, default=0, help="articles added after a full resolution")
    parser.add_argument("--time-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    topics = [t for t in args.topics.split(",") if t]
    if not topics:
        print("skipped: no dev data")
        return
    if args.time_only:
        print(json.dumps(time_full(topics)))
        return
    quality(topics)
    if args.baseline:
        ours, theirs = time_full(topics), baseline_seconds(args.baseline, topics)
        print(f"full resolution: {ours:.2f} s here, {theirs:.2f} s at {args.baseline} (ratio {ours / theirs:.2f},"
              f" target <= 2.0)")
    if args.incremental:
        incremental(topics, args.incremental)


if __name__ == "__main__":
    main()
