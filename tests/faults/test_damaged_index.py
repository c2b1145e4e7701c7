"""Fault: the derived indexes are damaged on disk (garbage bytes, truncation, deleted files).

`stats` says the index is inconsistent (no traceback) when the lexical index alone is damaged, and
again once the Chroma directory is damaged too; `reindex` rebuilds both from the catalog, the source
of truth, and afterwards everything agrees again."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import EXAMPLES, make_config

runner = CliRunner()
COUNTS = ("articles", "paragraphs", "indexable", "vectors", "bm25")


@pytest.fixture(scope="module")
def built(tmp_path_factory, models_root) -> tuple[Path, dict]:
    """examples/ ingested once (without NER: the damage is to storage); copied for each case."""
    data = tmp_path_factory.mktemp("built")
    make_config(data, models_root)
    env = {"NEWSBOT_DATA_DIR": str(data), "NEWSBOT_EXTRACT_ACTORS": "false"}
    assert runner.invoke(app, ["ingest", str(EXAMPLES / "articles")], env=env).exit_code == 0
    stats = json.loads(runner.invoke(app, ["stats", "--json"], env=env).stdout)
    assert stats["consistent"]
    return data, stats


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(max(path.stat().st_size, 4096)))


def _truncate(path: Path) -> None:
    with path.open("r+b") as f:
        f.truncate(min(path.stat().st_size // 3, 4096))


def _damage_lexical(data: Path, how: str) -> None:
    """Damage whichever lexical index this version keeps: bm25s files, or FTS5 tables in the catalog."""
    files = data / "bm25"
    if files.exists():
        {"garbage": lambda: (_garbage(files / "keys.json"), _garbage(files / "params.index.json")),
         "truncate": lambda: _truncate(files / "data.csc.index.npy"),
         "delete": lambda: (files / "vocab.index.json").unlink()}[how]()
        return
    with sqlite3.connect(data / "catalog.sqlite3") as conn:  # FTS5 keeps its index in <table>_data blobs
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE sql LIKE '%USING fts5%'")]
        assert tables, "no lexical index found to damage"
        for table in tables:
            conn.execute({"garbage": f"UPDATE {table}_data SET block = randomblob(length(block))",
                          "truncate": f"UPDATE {table}_data SET block = substr(block, 1, length(block) / 3)",
                          "delete": f"DELETE FROM {table}_data WHERE id > 1"}[how])


def _damage_vectors(data: Path, how: str) -> None:
    chroma = data / "chroma"
    {"garbage": lambda: _garbage(chroma / "chroma.sqlite3"), "truncate": lambda: _truncate(chroma / "chroma.sqlite3"),
     "delete": lambda: shutil.rmtree(chroma)}[how]()


@pytest.mark.parametrize("how", ["garbage", "truncate", "delete"])
def test_stats_sees_the_damage_and_reindex_repairs_it(built, tmp_path, how, monkeypatch):
    source, healthy = built
    monkeypatch.setenv("NEWSBOT_EXTRACT_ACTORS", "false")

    def copy(name: str) -> Path:  # a fresh directory per check: each command of a user is a new process
        data = tmp_path / name
        shutil.copytree(source, data, symlinks=True)
        monkeypatch.setenv("NEWSBOT_DATA_DIR", str(data))
        return data

    def stats() -> dict:
        seen = runner.invoke(app, ["stats", "--json"])
        assert seen.exit_code == 0 and "Traceback" not in seen.output
        return json.loads(seen.stdout)

    _damage_lexical(copy("lexical"), how)  # the lexical index alone
    lexical = stats()
    assert lexical["consistent"] is False and lexical["articles"] == healthy["articles"]
    data = copy("both")
    _damage_vectors(data, how)  # the Chroma directory alone...
    vectors = stats()
    assert vectors["consistent"] is False and (vectors["vectors"] != healthy["vectors"] or "vector_store" in vectors)
    _damage_lexical(data, how)  # ...and then both
    assert stats()["consistent"] is False

    repaired = runner.invoke(app, ["reindex"])
    assert repaired.exit_code == 0, repaired.output
    after = stats()
    assert after["consistent"] is True and {k: after[k] for k in COUNTS} == {k: healthy[k] for k in COUNTS}
    hits = json.loads(runner.invoke(app, ["search", "prisoners exchanged at Halden Bridge", "--json"]).stdout)
    assert hits and "65" in hits[0]["text"]
