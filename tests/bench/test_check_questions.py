"""bench/check_questions.py: the question sets the answer fit reads are sound, and the checker catches what it
claims to (a test that could not fail would tell us nothing)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))  # bench scripts import their helpers as top-level modules

import check_questions  # noqa: E402


@pytest.fixture(scope="module")
def corpus(shared_data: Path) -> check_questions.Corpus:
    return check_questions.load_corpus()


def test_question_sets_the_fit_reads_are_sound(corpus: check_questions.Corpus) -> None:
    report = check_questions.check(check_questions.question_sets(), corpus)
    assert report.problems == []
    answerable = sum(c["answerable"] for c in report.counts.values())
    unanswerable = sum(c["unanswerable"] for c in report.counts.values())
    assert answerable >= 320 and unanswerable >= 90  # what issue 12's data work added stays in


def test_checker_flags_each_kind_of_bad_question(corpus: check_questions.Corpus, tmp_path: Path) -> None:
    article = "2bb26dc34e82"  # an rtqa-dev gold article: "Which social media platform ... verified accounts"
    good = {"id": "g1", "question": "Which platform?", "answers": ["Twitter"], "gold_article_ids": [article]}
    bad = [
        {**good, "id": "g1"},  # the same id twice
        {**good, "id": "b1", "answers": ["a phrase no article has"]},
        {**good, "id": "b2", "gold_article_ids": ["no-such-article"]},
        {**good, "id": "b3", "gold_article_ids": []},
        {**good, "id": "b4", "answers": [""]},
        {**good, "id": "b5", "date": "3 November"},
    ]
    answerable = tmp_path / "questions.jsonl"
    answerable.write_text("\n".join(json.dumps(q) for q in [good, *bad]) + "\n")
    unanswerable = tmp_path / "near_unanswerable.jsonl"
    unanswerable.write_text(json.dumps({"id": "u1", "question": "Who?", "answers": ["Twitter"]}) + "\n")
    report = check_questions.check([answerable, unanswerable], corpus)
    flagged = {line.split()[1].rstrip(":") for line in report.problems}
    assert flagged == {"g1", "b1", "b2", "b3", "b4", "b5", "u1"}
    assert report.counts[f"{tmp_path.name}/questions.jsonl"]["answerable"] == 7


def test_file_gold_ids_name_the_files_articles_were_read_from(corpus: check_questions.Corpus) -> None:
    assert corpus.resolve("file:blinken-turkey")
    assert corpus.resolve("file:no-such-file") == []
