"""Briefing quality and speed on timeline17-dev: ROUGE recall of the editors' timeline entries.

For every date with an editors' entry and at least two articles, the date is briefed (extractive
engine) and its bullets are compared with the entry: ROUGE-1 and ROUGE-2 recall, against a
baseline made of that day's lead paragraphs (first paragraph of each article, in catalog order)
cut to the same number of words. Also: citation validity, the share of citations published on the
briefed day, and the time to brief a day of about 30 articles.

ROUGE here: lowercased [a-z0-9]+ tokens, no stemming, stop words kept; recall = clipped n-gram
matches / n-grams of the entry, averaged over days (macro).
Targets (issue 4): ROUGE-1 recall >= 1.2x the baseline; validity 1.00; on-day share >= 0.9; <= 5 s a day.

Usage: python bench/briefing.py [--topic T] [--limit-days N] [--data-dir DIR] [--no-actors]
(ingesting a topic takes minutes; --data-dir keeps the indexes, one sub-directory a topic, for reuse)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, date
from pathlib import Path

from common import SHARED, ngram_overlap, read_jsonl, require, tokens, topic_services

from bot.briefing.briefing import Briefing, brief, window
from bot.briefing.stories import window_docs
from bot.qa.evaluate import citation_is_real
from bot.services import Services

TOPICS = ("LibyaWar_reuters", "EgyptianProtest_cnn")
TIMING_ARTICLES = 30


def rouge_recall(reference: str, candidate: list[str], n: int) -> float:
    """Clipped n-gram recall of `reference` by the candidate tokens."""
    matches, total, _ = ngram_overlap(tokens(reference), candidate, n)
    return matches / total if total else 0.0


def open_topic(topic: str, data_dir: Path, days: set[str], actors: bool) -> Services:
    """An index of the topic's articles on `days` (already indexed ones are skipped), with extractive services."""
    return topic_services(topic, data_dir, actors, days)


def lead_baseline(services: Services, day: date, words: int, depth: int | None = 1) -> list[str]:
    """The day's lead paragraphs cut to `words` tokens: every article's first paragraph (catalog order);
    with depth None, then every second paragraph and so on (lead-N: never shorter than the briefing)."""
    start, end = window(UTC, day, None)  # type: ignore[arg-type]
    docs = window_docs(services.index, int(start.timestamp()), int(end.timestamp()))
    out: list[str] = []
    rounds = depth or max((len(d.article.indexable) for d in docs), default=0)
    for position in range(rounds):
        for d in docs:
            if position < len(d.article.indexable) and len(out) < words:
                out += tokens(d.article.indexable[position].text)
    return out[:words]


def score_day(services: Services, day: date, entry: str, briefing: Briefing) -> dict:
    bullets = [b.text for s in briefing.stories for b in s.bullets]
    produced = tokens(" ".join(bullets))
    citations = [c for s in briefing.stories for b in s.bullets for c in b.citations]
    catalog = services.index.catalog
    out = {"words": len(produced), "stories": len(briefing.stories), "bullets": len(bullets),
           "citations": len(citations),
           "valid": sum(citation_is_real(catalog, c.article_id, c.paragraph, c.text) for c in citations),
           "on_day": sum(bool(c.published) and c.published.astimezone(UTC).date() == day for c in citations)}
    for n in (1, 2):
        out[f"r{n}"] = rouge_recall(entry, produced, n)
        out[f"lead_r{n}"] = rouge_recall(entry, lead_baseline(services, day, len(produced)), n)
        out[f"leadn_r{n}"] = rouge_recall(entry, lead_baseline(services, day, len(produced), depth=None), n)
    return out


def time_a_day(services: Services, counts: Counter, days: list[str]) -> tuple[str, int, float, float]:
    """(day, articles, first run s, median of 3 runs s) for the briefed day nearest TIMING_ARTICLES articles."""
    day = min(days, key=lambda d: (abs(counts[d] - TIMING_ARTICLES), d))
    runs = []
    for _ in range(3):
        started = time.perf_counter()
        brief(services, day=date.fromisoformat(day))
        runs.append(time.perf_counter() - started)
    return day, counts[day], runs[0], statistics.median(runs)


def run_topic(topic: str, data_dir: Path, limit_days: int | None, actors: bool, max_stories: int) -> list[dict]:
    folder = SHARED / "timeline17-dev"
    timeline = read_jsonl(folder / f"{topic}.timelines.jsonl")[0]
    counts = Counter(str(r.get("published", ""))[:10] for r in read_jsonl(folder / f"{topic}.articles.jsonl"))
    entries = [e for e in timeline["entries"] if counts[e["date"]] >= 2][: limit_days or None]
    print(f"{topic}: {len(entries)} dates with an entry and >= 2 articles")
    services = open_topic(topic, data_dir, {e["date"] for e in entries}, actors)
    rows = []
    for e in entries:
        day = date.fromisoformat(e["date"])
        row = score_day(services, day, e["summary"], brief(services, day=day, max_stories=max_stories))
        rows.append(row | {"topic": topic, "date": e["date"], "articles": counts[e["date"]]})
        print(f"  {e['date']} {counts[e['date']]:3d} art  {row['stories']} stories {row['bullets']:2d} bullets"
              f" {row['words']:4d} words  R1 {row['r1']:.3f} (lead {row['lead_r1']:.3f}, lead-N {row['leadn_r1']:.3f})"
              f"  R2 {row['r2']:.3f} (lead {row['lead_r2']:.3f}, lead-N {row['leadn_r2']:.3f})")
    day, n, first, median = time_a_day(services, counts, [e["date"] for e in entries])
    print(f"  time to brief {day} ({n} articles): first {first:.2f} s, median of 3 {median:.2f} s (target <= 5 s)")
    services.close()
    return rows


def summary(rows: list[dict]) -> None:
    def mean(key: str) -> float:
        return statistics.mean(r[key] for r in rows)

    citations = sum(r["citations"] for r in rows)
    print(f"\n{len(rows)} days, {sum(r['bullets'] for r in rows)} bullets, {citations} citations,"
          f" {mean('words'):.0f} words a briefing")
    for n in (1, 2):
        ours, lead, lead_n = mean(f"r{n}"), mean(f"lead_r{n}"), mean(f"leadn_r{n}")
        print(f"ROUGE-{n} recall: briefing {ours:.3f}  lead paragraphs {lead:.3f} ({ours / lead - 1:+.0%})"
              f"  lead-N at equal length {lead_n:.3f} ({ours / lead_n - 1:+.0%})")
    print(f"citation validity {sum(r['valid'] for r in rows) / max(citations, 1):.3f} (target 1.00)")
    print(f"citations published on the briefed day {sum(r['on_day'] for r in rows) / max(citations, 1):.3f}"
          " (target >= 0.9)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--topic", choices=TOPICS, action="append", help="topic(s) to run (default: both)")
    parser.add_argument("--limit-days", type=int, help="brief only the first N qualifying dates of each topic")
    parser.add_argument("--data-dir", help="keep (and reuse) the indexes here, one sub-directory a topic")
    parser.add_argument("--no-actors", action="store_true", help="ingest without actor extraction (faster)")
    parser.add_argument("--max-stories", type=int, default=5)
    args = parser.parse_args()
    require(SHARED / "timeline17-dev")
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    rows = []
    for topic in args.topic or TOPICS:
        rows += run_topic(topic, data_dir, args.limit_days, not args.no_actors, args.max_stories)
    if rows:
        summary(rows)


if __name__ == "__main__":
    main()
