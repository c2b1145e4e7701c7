"""`newsbot ingest FOLDER` on three good articles among hostile files, through the real entry point
(`bot.cli.main`, so the terminal sees what a user sees, logging included)."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from tests.fuzz_corpus import BAD, REPAIRED, write_folder


def run_main(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.argv", ["newsbot", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    out, err = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), out, err


def test_hostile_folder_ingests_the_good_articles_with_one_line_per_bad_file(data_dir, tmp_path, monkeypatch,
                                                                           capsys):
    kinds = write_folder(tmp_path / "inbox")
    code, _, err = run_main(monkeypatch, capsys, "ingest", str(tmp_path / "inbox"))
    assert code == 0, err
    lines = err.splitlines()
    for name in BAD:
        mine = [line for line in lines if f"/{name}:" in line]
        assert len(mine) == 1 and mine[0].startswith("failed "), (name, mine)
    for name in REPAIRED:
        assert not [line for line in lines if f"/{name}:" in line and line.startswith("failed")], name
    assert sum(1 for line in lines if line.startswith("warning ")) >= len(REPAIRED) - 1
    assert "Traceback" not in err and "trafilatura" not in err and "discarding data" not in err
    expected = sum(1 for kind in kinds.values() if kind != "bad")
    assert f"articles added {expected}, skipped 0, failed {len(BAD)}" in err

    code, out, _ = run_main(monkeypatch, capsys, "stats", "--json")
    stats = json.loads(out)
    assert stats["articles"] == expected and stats["consistent"] is True


def test_an_unforeseen_failure_is_one_line_and_verbose_shows_its_traceback(data_dir, tmp_path, monkeypatch, capsys):
    def explode(*_args, **_kwargs):
        raise ZeroDivisionError("a reader bug")

    monkeypatch.setattr("index.sources.from_plain", explode)
    (tmp_path / "bug.md").write_text("# Bug\n\nA paragraph.")
    (tmp_path / "fine.jsonl").write_text(json.dumps({"title": "Fine", "text": "A fine paragraph about ferries."}))
    code, _, err = run_main(monkeypatch, capsys, "ingest", str(tmp_path / "bug.md"), str(tmp_path / "fine.jsonl"))
    assert code == 0 and "bug.md: could not read it (ZeroDivisionError)" in err and "Traceback" not in err
    assert "articles added 1" in err

    code, _, err = run_main(monkeypatch, capsys, "ingest", "--verbose", str(tmp_path / "bug.md"))
    assert code == 1  # nothing could be ingested this time
    assert "Traceback (most recent call last)" in err and "ZeroDivisionError: a reader bug" in err


def test_nothing_ingested_exits_one(data_dir, tmp_path, monkeypatch, capsys):
    (tmp_path / "deep.json").write_bytes(BAD["deep-nesting.json"]())
    code, _, err = run_main(monkeypatch, capsys, "ingest", str(tmp_path / "deep.json"))
    assert code == 1 and "nested too deeply" in err and "Traceback" not in err
