"""Extractive answer latency on the dev questions, against retrieval alone measured in the same run.

Target (issue 12): p50 <= 300 ms for a whole extractive answer. The cores are shared, so the
ratio to bare retrieval (search only, same questions, same process) is the figure to compare
across runs; each question is asked twice and the second (warm) timing is kept for both.

Usage: python bench/answer_latency.py --data-dir DIR   (an index holding rtqa-dev, e.g. the one
       bench/fit_answers.py built; without it one is built in a temp dir)
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from common import ROOT, SHARED, percentile, read_jsonl, require
from fit_answers import build_index

from bot.qa import Answerer, entity_finder, paragraph_boost
from index.search import search


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    questions = read_jsonl(require(SHARED / "rtqa-dev" / "questions.jsonl"))
    questions += read_jsonl(ROOT / "bench/data/dev_questions.jsonl")
    index = build_index(args.data_dir)
    answerer = Answerer(index, find_entities=entity_finder(index.catalog), boost=paragraph_boost(index.catalog))
    answers, searches = [], []
    for raw in questions:
        asked = date.fromisoformat(raw["date"]) if raw.get("date") else None
        for _ in range(2):
            started = time.perf_counter()
            search(index, raw["question"], k=answerer.top_k)
            searched = time.perf_counter() - started
            started = time.perf_counter()
            answerer.ask(raw["question"], today=asked)
            answered = time.perf_counter() - started
        searches.append(searched * 1000)
        answers.append(answered * 1000)
    p50, p95 = percentile(answers, 50), percentile(answers, 95)
    s50 = percentile(searches, 50)
    print(f"{len(questions)} questions: answer p50 {p50:.0f} ms, p95 {p95:.0f} ms; search alone p50 {s50:.0f} ms; "
          f"answer/search p50 ratio {p50 / s50:.2f}; target p50 <= 300 ms: {'met' if p50 <= 300 else 'not met'}")


if __name__ == "__main__":
    main()
