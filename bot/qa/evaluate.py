"""`newsbot eval`: answer a question set and measure what a reader gets.

support: an answer string is in the cited paragraphs (over answerable questions); exact: it is in the
answer text shown; short_answer_match: the short answer and an answer string contain one another
(over the short answers given); median_answer_words; precision: supported / answered; abstention on
unanswerable questions; wrong_when_withheld: asked again with its gold articles left out, the share
of questions answered from paragraphs that lack the answer (an honest engine abstains, or answers
from another outlet's copy); citation validity, retrieval recall@k and latency.
"""

from __future__ import annotations

import json
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.qa.answer import Answer, Answerer
from bot.text import fold
from index.catalog import Catalog


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...]
    gold_article_ids: tuple[str, ...] = ()
    date: date | None = None  # when it was asked: anchors "this week" (as a user's today would)


@dataclass
class Tally:
    """Running counts for the summary."""

    answerable: int = 0
    supported: int = 0
    exact: int = 0
    answered: int = 0
    shorts: int = 0
    short_matches: int = 0
    words: list[int] = field(default_factory=list)
    withheld: int = 0
    withheld_wrong: int = 0
    unanswerable: int = 0
    abstained_on_unanswerable: int = 0
    abstained_on_answerable: int = 0
    citations: int = 0
    valid_citations: int = 0
    with_gold: int = 0
    gold_retrieved: int = 0
    latencies: list[int] = field(default_factory=list)

    def summary(self, k: int) -> dict:
        return {
            "questions": self.answerable + self.unanswerable,
            "answer_support": _ratio(self.supported, self.answerable),
            "exact": _ratio(self.exact, self.answerable),
            "precision": _ratio(self.supported, self.answered),
            "median_answer_words": statistics.median(self.words) if self.words else None,
            "short_answer_given": _ratio(self.shorts, self.answered),
            "short_answer_match": _ratio(self.short_matches, self.shorts),
            "wrong_when_withheld": _ratio(self.withheld_wrong, self.withheld),
            "citation_validity": _ratio(self.valid_citations, self.citations),
            f"retrieval_recall@{k}": _ratio(self.gold_retrieved, self.with_gold),
            "abstention_on_unanswerable": _ratio(self.abstained_on_unanswerable, self.unanswerable),
            "abstention_on_answerable": _ratio(self.abstained_on_answerable, self.answerable),
            "latency_ms_p50": _percentile(self.latencies, 50),
            "latency_ms_p95": _percentile(self.latencies, 95),
        }


def load_questions(path: Path) -> Iterator[Question]:
    """Read a question set (JSONL: {id, question, answers, gold_article_ids?}); bad lines raise ValueError."""
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            asked = date.fromisoformat(raw["date"]) if raw.get("date") else None
            yield Question(str(raw["id"]), str(raw["question"]), tuple(raw.get("answers") or ()),
                           tuple(raw.get("gold_article_ids") or ()), asked)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}:{number}: not a question record ({exc})") from exc


def evaluate_one(answerer: Answerer, question: Question, tally: Tally, k: int, withhold: bool = True) -> dict:
    """Ask (and, with `withhold`, ask again without the gold articles), score, return the per-question record."""
    answer = answerer.ask(question.question, today=question.date)
    catalog = answerer.index.catalog
    shown = answer.citations + [r.citation for r in answer.related]
    valid = [citation_is_real(catalog, c.article_id, c.paragraph, c.text) for c in shown]
    tally.citations += len(valid)
    tally.valid_citations += sum(valid)
    tally.latencies.append(answer.latency_ms)
    record = {"id": question.id, "question": question.question,
              "short_answer": answer.short_answer.to_json() if answer.short_answer else None,
              "answer": answer.text, "citations": [c.to_json() for c in answer.citations],
              "abstained": answer.abstained, "engine": answer.engine, "supported": None,
              "latency_ms": answer.latency_ms}
    if question.answers:
        _score_answerable(answer, question, tally, record)
    else:
        tally.unanswerable += 1
        tally.abstained_on_unanswerable += answer.abstained
    gold = resolve_gold(catalog, question.gold_article_ids)
    if gold:
        tally.with_gold += 1
        tally.gold_retrieved += bool(gold & {a for a, _ in answer.retrieved[:k]})
    if gold and question.answers and withhold:
        without = answerer.ask(question.question, today=question.date, withhold=tuple(sorted(gold)))
        wrong = not without.abstained and not is_supported(without, question.answers)
        tally.withheld += 1
        tally.withheld_wrong += wrong
        record["withheld"] = {"answer": without.text, "abstained": without.abstained, "wrong": wrong}
    return record


def _score_answerable(answer: Answer, question: Question, tally: Tally, record: dict) -> None:
    tally.answerable += 1
    supported = is_supported(answer, question.answers)
    record["supported"] = supported
    record["exact"] = is_exact(answer, question.answers)
    tally.supported += supported
    tally.exact += record["exact"]
    tally.abstained_on_answerable += answer.abstained
    if answer.abstained:
        return
    tally.answered += 1
    tally.words.append(answer_words(answer))
    if answer.short_answer:
        tally.shorts += 1
        tally.short_matches += short_answer_matches(answer.short_answer.text, question.answers)


def is_supported(answer: Answer, expected: tuple[str, ...]) -> bool:
    """An expected answer string occurs in the paragraphs the answer cites."""
    cited = fold(" ".join(c.text for c in answer.citations))
    return any(fold(e) in cited for e in expected)


def is_exact(answer: Answer, expected: tuple[str, ...]) -> bool:
    """An expected answer string occurs in what the reader is shown (short answer and sentences)."""
    shown = fold(_MARKERS.sub("", " ".join([answer.short_answer.text if answer.short_answer else "", answer.text])))
    return not answer.abstained and any(fold(e) in shown for e in expected)


def short_answer_matches(short: str, expected: tuple[str, ...]) -> bool:
    """The short answer holds an expected string, or is part of one ("Fidan" of "Hakan Fidan")."""
    s = fold(short).strip(" .")
    return bool(s) and any(fold(e) in s or s in fold(e) for e in expected)


def answer_words(answer: Answer) -> int:
    """Words of the answer's sentences, markers not counted."""
    return len(_MARKERS.sub("", answer.text).split())


_MARKERS = re.compile(r"\s?\[\d+\]")


def citation_is_real(catalog: Catalog, article_id: str, number: int, text: str) -> bool:
    """The citation is the stored, citable paragraph of a stored article, text and all."""
    paragraph = catalog.paragraph(article_id, number)
    return paragraph is not None and not paragraph.skipped and paragraph.text == text


def resolve_gold(catalog: Catalog, gold_ids: tuple[str, ...]) -> set[str]:
    """Gold ids as article ids; 'file:<stem>' names the file an article was read from."""
    out: set[str] = set()
    for gid in gold_ids:
        out.update(catalog.ids_by_origin_stem(gid[5:]) if gid.startswith("file:") else [gid])
    return out


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _percentile(values: list[int], pct: int) -> int | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]
