"""The same ingest → search round trip against a real Chroma server (`chroma run`) on 127.0.0.1."""

import pytest

from index.search import search
from index.sources import read_paths
from index.store import Index
from tests.chroma_server import ChromaServer
from tests.conftest import EXAMPLES, make_config


@pytest.fixture()
def chroma_url(tmp_path, chroma_binary):
    server = ChromaServer(chroma_binary, tmp_path / "server").start()
    yield server.url
    server.stop()


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
