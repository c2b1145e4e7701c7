"""Calibrate the near-duplicate threshold of index/dedupe.py on ../shared/data.

Prints, per dev file and threshold, true/false links and missed duplicates against the hand
labels in bench/dedupe_pairs.tsv (article ids only). Run:
    .venv/bin/python bench/dedupe_calibration.py [--window-days N | --all-pairs]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.articles import Article  # noqa: E402
from index.dedupe import PERMUTATIONS, WINDOW_DAYS, article_text, shingles, signature  # noqa: E402
from index.sources import read_paths  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
LABELS = ROOT / "bench" / "dedupe_pairs.tsv"
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8)


def load_labels() -> dict[str, dict[frozenset[str], str]]:
    labels: dict[str, dict[frozenset[str], str]] = defaultdict(dict)
    for line in LABELS.read_text().splitlines():
        if line.startswith("#") or line.startswith("file\t"):
            continue
        file, a, b, label = line.split("\t")
        labels[file][frozenset((a, b))] = label
    return labels


def estimated_pairs(articles: list[Article], window_days: int | None) -> list[tuple[str, str, float]]:
    """Estimated Jaccard of every pair (exact-text copies left out: ingest already skips them)."""
    sigs = np.stack([signature(shingles(article_text(a))) for a in articles])
    dates = np.array([a.published_ts or 0 for a in articles])
    hashes = [a.content_hash for a in articles]
    out = []
    for i in range(len(articles)):
        scores = (sigs[i + 1:] == sigs[i]).sum(axis=1) / PERMUTATIONS
        for offset in np.nonzero(scores >= min(THRESHOLDS))[0]:
            j = i + 1 + int(offset)
            if hashes[i] == hashes[j]:
                continue
            if window_days is not None and abs(dates[i] - dates[j]) > window_days * 86_400:
                continue
            out.append((articles[i].id, articles[j].id, float(scores[offset])))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window-days", type=int, default=WINDOW_DAYS,
                        help=f"only compare articles this close in time, as ingest does (default {WINDOW_DAYS})")
    parser.add_argument("--all-pairs", action="store_true", help="compare every pair, whatever their dates")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent")
    labels = load_labels()
    totals = defaultdict(lambda: [0, 0, 0])
    for file, file_labels in labels.items():
        articles = [a for a in read_paths([DATA / file], 10**9) if isinstance(a, Article)]
        window = None if args.all_pairs else args.window_days
        scored = {frozenset((a, b)): s for a, b, s in estimated_pairs(articles, window)}
        positives = {k for k, v in file_labels.items() if v == "dup"}
        unsure = {k for k, v in file_labels.items() if v == "unsure"}
        print(f"{file}: {len(articles)} articles, {len(positives)} labelled duplicate pairs, {len(unsure)} unsure")
        for t in THRESHOLDS:
            linked = {k for k, s in scored.items() if s >= t} - unsure
            tp, fp, fn = len(linked & positives), len(linked - positives), len(positives - linked)
            totals[t] = [x + y for x, y in zip(totals[t], (tp, fp, fn), strict=True)]
            print(f"  >= {t:.2f}: linked {tp:3d} right, {fp:3d} wrong, missed {fn:3d}"
                  f"  precision {tp / max(1, tp + fp):.2f} recall {tp / max(1, tp + fn):.2f}")
    print("all files:")
    for t, (tp, fp, fn) in totals.items():
        print(f"  >= {t:.2f}: precision {tp / max(1, tp + fp):.2f} recall {tp / max(1, tp + fn):.2f}"
              f"  ({tp} right, {fp} wrong, {fn} missed)")


if __name__ == "__main__":
    main()
