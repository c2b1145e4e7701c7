"""Check the question sets the answer fit reads (bench/fit_answers.py QUESTION_SETS, and CHECK_SETS) before use.

For every set: ids are unique across all sets; an answerable question has 1+ non-empty answer strings, 1+ gold
article ids that exist in the fit's corpus (rtqa-dev, examples/articles, the seed article; `file:<stem>` names
the file an article was read from), and every answer string occurs verbatim (case-, accent- and quote-folded,
as the fit labels candidates) in the text of at least one of its gold articles; a set named *unanswerable*
holds only questions with no answers and no gold ids; a `date` is an ISO date. Prints counts per set and every
problem, one a line; exits 1 when there is a problem.

Usage: python bench/check_questions.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from common import PAGE_CHARS, QA_PAGES, RTQA, read_jsonl, rtqa_articles

from bot.text import fold
from index.articles import Article
from index.sources import read_paths


def question_sets() -> list[Path]:
    """The files bench/fit_answers.py fits on and its check sets (the lists are kept there)."""
    from fit_answers import CHECK_SETS, QUESTION_SETS

    return [*QUESTION_SETS, *CHECK_SETS]


@dataclass
class Corpus:
    """Folded article texts by id, and article ids by the stem of the file they were read from."""

    texts: dict[str, str] = field(default_factory=dict)
    by_stem: dict[str, list[str]] = field(default_factory=dict)

    def add(self, article: Article, stem: str | None = None) -> None:
        self.texts[article.id] = fold("\n\n".join(p.text for p in article.paragraphs))
        if stem:
            self.by_stem.setdefault(stem, []).append(article.id)

    def resolve(self, gold_id: str) -> list[str]:
        """Article ids a gold id names (none when it names nothing in the corpus)."""
        if gold_id.startswith("file:"):
            return self.by_stem.get(gold_id[5:], [])
        return [gold_id] if gold_id in self.texts else []


def load_corpus() -> Corpus:
    """The articles the fit indexes, read the way it reads them."""
    corpus = Corpus()
    for article in rtqa_articles():
        corpus.add(article)
    for item in read_paths(QA_PAGES, PAGE_CHARS):
        if isinstance(item, Article):
            corpus.add(item, Path(item.origin.split(":")[0]).stem)
    return corpus


def check_question(raw: dict, unanswerable_set: bool, corpus: Corpus) -> list[str]:
    """Problems with one question (empty when it is sound)."""
    answers, gold = raw.get("answers"), raw.get("gold_article_ids") or []
    if not isinstance(raw.get("question"), str) or not raw["question"].strip():
        return ["no question text"]
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        return ["answers must be a list of non-empty strings"]
    problems = []
    if raw.get("date"):
        try:
            date.fromisoformat(raw["date"])
        except (TypeError, ValueError):
            problems.append(f"date {raw['date']!r} is not an ISO date")
    if unanswerable_set:
        if answers or gold:
            problems.append("an unanswerable question must have no answers and no gold articles")
        return problems
    if not answers:
        problems.append("no answers (unanswerable questions belong in an *unanswerable* set)")
    if not gold:
        problems.append("no gold_article_ids")
    resolved = {gid: corpus.resolve(gid) for gid in gold}
    problems += [f"gold id {gid} is not in the corpus" for gid, ids in resolved.items() if not ids]
    texts = [corpus.texts[i] for ids in resolved.values() for i in ids]
    if texts:
        problems += [f"answer {a!r} is in no gold article" for a in answers if not any(fold(a) in t for t in texts)]
    return problems


@dataclass(frozen=True)
class Report:
    """What the check found: counts per set and the problems, as printable lines."""

    counts: dict[str, Counter]
    problems: list[str]


def check(paths: list[Path], corpus: Corpus) -> Report:
    """Check every question of these sets against the corpus."""
    seen: dict[str, str] = {}
    counts: dict[str, Counter] = {}
    problems: list[str] = []
    for path in paths:
        name = f"{path.parent.name}/{path.name}"
        unanswerable_set = "unanswerable" in path.stem
        count = counts.setdefault(name, Counter())
        golds: set[str] = set()
        for number, raw in enumerate(read_jsonl(path), 1):
            qid = str(raw.get("id", f"line {number}"))
            if qid in seen:
                problems.append(f"{name} {qid}: id also used in {seen[qid]}")
            seen[qid] = name
            count["unanswerable" if unanswerable_set or not raw.get("answers") else "answerable"] += 1
            golds.update(raw.get("gold_article_ids") or [])
            problems += [f"{name} {qid}: {p}" for p in check_question(raw, unanswerable_set, corpus)]
        count["gold articles"] = len(golds)
    return Report(counts, problems)


def main() -> int:
    paths = question_sets()
    missing = [p for p in paths if not p.exists()]
    if missing or not (RTQA / "articles.jsonl").exists():
        print(f"skipped: {', '.join(map(str, missing or [RTQA]))} absent")
        return 0
    report = check(paths, load_corpus())
    total: Counter = Counter()
    for name, count in report.counts.items():
        total.update({k: v for k, v in count.items() if k != "gold articles"})
        print(f"{name:40} {json.dumps(dict(count))}")
    print(f"{'all sets':40} {json.dumps(dict(total))}")
    for line in report.problems:
        print(f"problem: {line}")
    print(f"{len(report.problems)} problems")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main())
