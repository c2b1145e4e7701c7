"""The CLI contract: JSON-only stdout with --json, clear errors, exit codes."""

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import EXAMPLES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_ingest_search_stats_round_trip_with_json(data_dir):
    result = run("ingest", str(EXAMPLES / "articles"), "--json")
    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert summary["added"] == 8 and summary["failed"] == 0 and summary["paragraphs"] > 40
    hits = json.loads(run("search", "grain ship wheat", "-k", "2", "--json").stdout)
    assert len(hits) == 2 and {"article_id", "paragraph", "text", "published", "url", "score"} <= hits[0].keys()
    stats = json.loads(run("stats", "--json").stdout)
    assert stats["consistent"] is True


def test_ask_json_has_the_documented_shape(data_dir):
    run("ingest", str(EXAMPLES / "articles"))
    payload = json.loads(run("ask", "How many prisoners were exchanged?", "--json").stdout)
    assert {"short_answer", "answer", "citations", "abstained", "related", "engine", "notes",
            "latency_ms"} <= payload.keys()
    citation = payload["citations"][0]
    assert {"marker", "article_id", "title", "url", "source", "published", "paragraph", "text"} == citation.keys()
    assert "65" in payload["answer"]
    short = payload["short_answer"]
    assert short.keys() == {"text", "marker"} and "65" in short["text"]
    assert short["text"] in payload["citations"][short["marker"] - 1]["text"]
    for related in payload["related"]:
        assert {"marker", "article_id", "paragraph", "text", "sentence"} <= related.keys()
        assert related["sentence"].rstrip("…") in related["text"]
    unanswered = json.loads(run("ask", "What is the capital of Australia?", "--json").stdout)
    assert unanswered["abstained"] and unanswered["short_answer"] is None


def test_ask_in_terminal_lists_numbered_sources(data_dir):
    run("ingest", str(EXAMPLES / "articles"))
    out = run("ask", "Where were the prisoners exchanged?").stdout
    assert "Sources:" in out and "[1] " in out and "¶" in out


def test_ingest_of_nothing_usable_exits_non_zero_without_traceback(data_dir, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    result = run("ingest", str(bad), str(tmp_path / "missing.md"))
    assert result.exit_code == 1
    assert "invalid JSON" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_dates_and_empty_questions_are_clear_errors(data_dir):
    assert "not a date" in run("search", "x", "--since", "yesterdayish").stderr
    result = run("ask", "   ")
    assert result.exit_code == 2 and "empty" in result.stderr


def test_eval_prints_one_line_per_question_then_a_summary(data_dir, tmp_path):
    run("ingest", str(EXAMPLES / "articles"))
    qs = tmp_path / "q.jsonl"
    lines = (EXAMPLES / "questions.jsonl").read_text().splitlines()[:3]
    lines += (EXAMPLES / "unanswerable.jsonl").read_text().splitlines()[:2]
    qs.write_text("\n".join(lines))
    out = run("eval", str(qs), "--json").stdout.strip().splitlines()
    records, summary = [json.loads(x) for x in out[:-1]], json.loads(out[-1])["summary"]
    assert len(records) == 5
    assert {"id", "question", "answer", "citations", "abstained", "latency_ms"} <= records[0].keys()
    assert summary["citation_validity"] == 1.0 and summary["answer_support"] == 1.0
    assert summary["retrieval_recall@5"] == 1.0 and summary["abstention_on_unanswerable"] == 1.0


def test_eval_reports_what_a_reader_gets(data_dir, tmp_path):
    run("ingest", str(EXAMPLES / "articles"))
    qs = tmp_path / "q.jsonl"
    lines = (EXAMPLES / "questions.jsonl").read_text().splitlines()[2:3]  # how many prisoners
    lines += (EXAMPLES / "unanswerable.jsonl").read_text().splitlines()[:2]
    qs.write_text("\n".join(lines))
    out = run("eval", str(qs), "--json").stdout.strip().splitlines()
    records, summary = [json.loads(x) for x in out[:-1]], json.loads(out[-1])["summary"]
    assert summary["answer_support"] == 1.0 and summary["precision"] == 1.0 and summary["exact"] == 1.0
    assert summary["median_answer_words"] <= 40 and summary["abstention_on_unanswerable"] == 1.0
    assert summary["short_answer_given"] == 1.0 and summary["short_answer_match"] == 1.0
    assert "withheld" in records[0]  # asked again without its gold articles
    assert summary["wrong_when_withheld"] is not None and summary["citation_validity"] == 1.0


def test_unknown_command_is_a_usage_error(data_dir):
    result = runner.invoke(app, ["frobnicate"])
    assert result.exit_code == 2 and "No such command" in result.stderr


def test_bad_settings_are_one_clear_line_not_a_traceback(data_dir, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("NEWSBOT_TOP_K", "many")
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "Mars/Base")
    monkeypatch.setattr("sys.argv", ["newsbot", "stats"])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "NEWSBOT_TOP_K" in err and "NEWSBOT_TIMEZONE" in err and "Traceback" not in err
