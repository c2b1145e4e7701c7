"""Fit the timeline's weights (bot/timeline/select.py) on timeline17-dev, reproducibly, never reporting a
figure on the data it was fitted on.

- Day choice (REFERENCE_WEIGHT): 4-fold cross-validation over time on the Libya topic. The corpus span is
  cut into 4 equal windows; each window is a timeline query with N = the reference entries inside it. For
  each window the weight that maximises mean date F1 on the other three is applied to it. Printed: the
  held-out date F1 per window and its mean, next to the baseline's on the same windows. (Egypt cannot
  fit or test this: its reference has an entry on every day of its corpus.)
- Sentence choice (SALIENCE_WEIGHT, LEAD_WEIGHT, SECOND_RATIO): a grid on the Egypt topic (sum of
  concatenated and date-aligned ROUGE-1 F1; ties to the shorter timeline), then reported on Libya.

Usage: python bench/timeline_fit.py --data-dir DIR [--no-actors]   (indexes as bench/timeline.py builds them)
"""

from __future__ import annotations

import argparse
import itertools
import statistics
from dataclasses import replace
from datetime import UTC, date, timedelta
from pathlib import Path

from common import SHARED, read_jsonl, require, topic_services
from timeline import PARAGRAPHS, QUERIES, baseline, score

from bot.timeline import resolve_scope
from bot.timeline.evidence import Evidence, gather
from bot.timeline.select import Weights, day_scores, pick_entries

FOLDS = 4
REFERENCE_GRID = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0)
SALIENCE_GRID = (0.0, 0.25, 0.5, 1.0)
LEAD_GRID = (0.0, 0.1, 0.2, 0.4)
SECOND_GRID = (0.8, 0.9, 1.01)  # 1.01: never a second sentence


def window(evidence: Evidence, first: date, last: date) -> Evidence:
    """The evidence a timeline of [first, last] would gather: articles published in it."""
    ids = {a for a, (d, _, _) in evidence.articles.items() if first <= d <= last}
    return Evidence({a: v for a, v in evidence.articles.items() if a in ids},
                    [c for c in evidence.candidates if c.hit.article_id in ids])


def system(evidence: Evidence, first: date | None, last: date | None, n: int, weights: Weights) -> list:
    picked = pick_entries(evidence, day_scores(evidence, first, last, weights), n, weights)
    return [(p.day.isoformat(), " ".join(c.text for c in p.sentences)) for p in picked]


def load(topic: str, data_dir: Path, actors: bool):
    services = topic_services(topic, data_dir, actors, paragraphs=PARAGRAPHS)
    evidence = gather(services.index, resolve_scope(services.index, QUERIES[topic]), None, None, UTC)  # type: ignore[arg-type]
    reference = read_jsonl(SHARED / "timeline17-dev" / f"{topic}.timelines.jsonl")[0]["entries"]
    return services, evidence, reference


def fit_days(data_dir: Path, actors: bool) -> None:
    services, evidence, reference = load("LibyaWar_reuters", data_dir, actors)
    days = sorted(d for d, _, _ in evidence.articles.values())
    start, end = min(days[0], date.fromisoformat(reference[0]["date"])), days[-1]
    step = (end - start).days // FOLDS + 1
    folds = []
    for k in range(FOLDS):
        first, last = start + timedelta(days=k * step), min(end, start + timedelta(days=(k + 1) * step - 1))
        refs = [e for e in reference if first.isoformat() <= e["date"] <= last.isoformat()]
        folds.append((first, last, refs, window(evidence, first, last)))
    table = {(k, w): score(system(ev, first, last, len(refs), Weights(reference=w)), refs)["date_f1"]
             for k, (first, last, refs, ev) in enumerate(folds) for w in REFERENCE_GRID}
    held, base = [], []
    print("Libya, day choice, 4 time folds (REFERENCE_WEIGHT fitted on the other 3):")
    for k, (first, last, refs, ev) in enumerate(folds):
        w = max(REFERENCE_GRID, key=lambda w: statistics.mean(table[(j, w)] for j in range(FOLDS) if j != k))
        theirs = score(baseline(services, ev, len(refs)), refs)["date_f1"]
        held.append(table[(k, w)])
        base.append(theirs)
        print(f"  {first}..{last}: {len(refs):2d} entries  weight {w}  date F1 {table[(k, w)]:.3f}"
              f"  (baseline {theirs:.3f})")
    best = max(REFERENCE_GRID, key=lambda w: statistics.mean(table[(j, w)] for j in range(FOLDS)))
    print(f"  held-out mean date F1 {statistics.mean(held):.3f} vs baseline {statistics.mean(base):.3f}"
          f" ({statistics.mean(held) - statistics.mean(base):+.3f}); fitted on all folds: REFERENCE_WEIGHT = {best}")
    services.close()


def fit_sentences(data_dir: Path, actors: bool) -> None:
    egypt, e_evidence, e_reference = load("EgyptianProtest_cnn", data_dir, actors)
    libya, l_evidence, l_reference = load("LibyaWar_reuters", data_dir, actors)

    def value(evidence, reference, weights) -> tuple[float, float, int]:
        s = score(system(evidence, None, None, len(reference), weights), reference)
        return s["concat_r1"], s["aligned_r1"], s["words"]

    grid = [replace(Weights(), salience=s, lead=lead, second=second)
            for s, lead, second in itertools.product(SALIENCE_GRID, LEAD_GRID, SECOND_GRID)]
    fitted = {w: value(e_evidence, e_reference, w) for w in grid}
    # Ties (the same entries chosen) go to the grid point that writes less: "one or two sentences" means one
    # unless the second earns its place.
    best = max(grid, key=lambda w: (round(fitted[w][0] + fitted[w][1], 6), -fitted[w][2]))
    concat, aligned, _ = value(l_evidence, l_reference, best)
    base = score(baseline(libya, l_evidence, len(l_reference)), l_reference)
    print(f"sentence choice fitted on Egypt: salience {best.salience}, lead {best.lead}, second {best.second}"
          f" (Egypt concat R1-F1 {fitted[best][0]:.3f}, aligned {fitted[best][1]:.3f})")
    print(f"  held out on Libya: concat R1-F1 {concat:.3f} (baseline {base['concat_r1']:.3f},"
          f" {concat / max(base['concat_r1'], 1e-9):.2f}x), aligned {aligned:.3f} (baseline {base['aligned_r1']:.3f})")
    egypt.close()
    libya.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True, help="the indexes bench/timeline.py keeps")
    parser.add_argument("--no-actors", action="store_true")
    args = parser.parse_args()
    require(SHARED / "timeline17-dev")
    fit_days(Path(args.data_dir), not args.no_actors)
    fit_sentences(Path(args.data_dir), not args.no_actors)


if __name__ == "__main__":
    main()
