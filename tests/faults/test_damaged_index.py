"""Fault: the derived indexes are damaged on disk (garbage bytes, truncation, deleted files).

`stats` says the index is inconsistent (no traceback); `reindex` rebuilds the lexical index and the
vectors from the catalog, the source of truth, and afterwards everything agrees again."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import EXAMPLES, make_config

runner = CliRunner()


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


# Each case damages both derived indexes; stats must see each damage on its own.
DAMAGE = {
    "garbage bytes": lambda d: (_garbage(d / "chroma" / "chroma.sqlite3"), _garbage(d / "bm25" / "keys.json"),
                                _garbage(d / "bm25" / "params.index.json")),
    "truncated files": lambda d: (_truncate(d / "chroma" / "chroma.sqlite3"),
                                  _truncate(d / "bm25" / "data.csc.index.npy")),
    "deleted files": lambda d: (shutil.rmtree(d / "chroma"), (d / "bm25" / "vocab.index.json").unlink()),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_stats_sees_the_damage_and_reindex_repairs_it(built, tmp_path, damage, monkeypatch):
    source, healthy = built
    data = tmp_path / "data"
    shutil.copytree(source, data, symlinks=True)
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(data))
    monkeypatch.setenv("NEWSBOT_EXTRACT_ACTORS", "false")
    DAMAGE[damage](data)

    seen = runner.invoke(app, ["stats", "--json"])
    assert seen.exit_code == 0 and "Traceback" not in seen.output
    stats = json.loads(seen.stdout)
    assert stats["consistent"] is False and stats["articles"] == healthy["articles"]
    assert stats["bm25"] != healthy["bm25"]  # the lexical damage is seen...
    assert stats["vectors"] != healthy["vectors"] or "vector_store" in stats  # ...and the vector damage

    repaired = runner.invoke(app, ["reindex"])
    assert repaired.exit_code == 0, repaired.output
    after = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert after["consistent"] is True
    assert {k: after[k] for k in ("articles", "paragraphs", "indexable", "vectors", "bm25")} == \
        {k: healthy[k] for k in ("articles", "paragraphs", "indexable", "vectors", "bm25")}
    hits = json.loads(runner.invoke(app, ["search", "prisoners exchanged at Halden Bridge", "--json"]).stdout)
    assert hits and "65" in hits[0]["text"]
