"""Fault: the Chroma server (NEWSBOT_CHROMA_URL, a real `chroma run`) stops in the middle of an ingest.

The run says so in one line and exits non-zero, every article is kept in the catalog; `ask` meanwhile
answers from the BM25 index with a note; the same ingest with the server back finishes what was
pending, and nothing is duplicated."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from index.sources import read_paths
from tests.chroma_server import ChromaServer
from tests.conftest import EXAMPLES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.fixture()
def chroma(tmp_path, chroma_binary, data_dir, monkeypatch):
    server = ChromaServer(chroma_binary, tmp_path / "chroma-server").start()
    monkeypatch.setenv("NEWSBOT_CHROMA_URL", server.url)
    yield server
    server.stop()


def test_chroma_server_stopped_mid_ingest_loses_nothing(chroma, data_dir, monkeypatch):
    monkeypatch.setattr("index.store.FLUSH_PARAGRAPHS", 8)  # several vector writes in one small ingest

    def stop_after_three(paths, max_chars):  # the server dies while the run is under way
        for n, item in enumerate(read_paths(paths, max_chars), start=1):
            if n == 4:
                chroma.stop()
            yield item

    monkeypatch.setattr("bot.cli.index.read_paths", stop_after_three)
    down = run("ingest", str(EXAMPLES / "articles"))
    assert down.exit_code == 1
    assert f"the Chroma server at {chroma.url} refused the write" in down.stderr
    assert "kept in the catalog" in down.stderr and "Traceback" not in down.stderr + down.stdout

    stats = json.loads(run("stats", "--json").stdout)
    assert stats["articles"] == 8 and stats["pending"] > 0 and stats["consistent"] is False
    assert "cannot be reached" in stats["vector_store"]

    answer = json.loads(run("ask", "How many prisoners were exchanged at Halden Bridge?", "--json").stdout)
    assert not answer["abstained"] and "65" in answer["answer"]
    assert any("keyword (BM25) index alone" in n and "cannot be reached" in n for n in answer["notes"])
    search = run("search", "prisoners exchanged Halden Bridge", "-k", "2")
    assert search.exit_code == 0 and "65 prisoners" in search.stdout

    monkeypatch.setattr("bot.cli.index.read_paths", read_paths)
    chroma.start()
    again = run("ingest", str(EXAMPLES / "articles"), "--json")
    assert again.exit_code == 0, again.stderr
    summary = json.loads(again.stdout)
    assert summary["added"] == 0 and summary["resumed"] == stats["pending"] and summary["stopped"] is None
    final = json.loads(run("stats", "--json").stdout)
    assert final["consistent"] is True and final["articles"] == 8
    assert final["vectors"] == final["indexable"] == final["bm25"]  # each paragraph once: nothing duplicated
