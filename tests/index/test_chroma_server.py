"""The same ingest → search round trip against a real Chroma server (`chroma run`) on 127.0.0.1."""

import socket
import subprocess
import time

import httpx
import pytest

from index.search import search
from index.sources import read_paths
from index.store import Index
from tests.conftest import EXAMPLES, make_config


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def chroma_url(tmp_path, chroma_binary):
    port = _free_port()
    proc = subprocess.Popen([chroma_binary, "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma server did not start within 30 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_round_trip_through_a_chroma_server(tmp_path, models_root, embeddings, chroma_url):
    config = make_config(tmp_path / "data", models_root, chroma_url=chroma_url)
    index = Index.open(config, embeddings=embeddings)
    report = index.ingest(read_paths([EXAMPLES / "articles"], config.max_article_chars))
    assert len(report.added) == 8
    assert not config.chroma_dir.exists()  # nothing was written to the embedded store
    stats = index.stats()
    assert stats["consistent"] and stats["vectors"] == stats["indexable"]
    hits = search(index, "How many prisoners crossed Halden Bridge?", k=3)
    assert any("65" in h.text for h in hits)
    again = index.ingest(read_paths([EXAMPLES / "articles"], config.max_article_chars))
    assert again.added == [] and index.stats()["vectors"] == stats["vectors"]
    index.close()
