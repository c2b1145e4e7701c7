"""Ingest is atomic across catalog, vectors and BM25; re-runs never duplicate."""

import pytest

from index.articles import make_article
from index.embed import model_id_of
from index.sources import SourceError, read_paths
from index.vectors import ModelMismatch, VectorStore
from tests.conftest import EXAMPLES


def _articles(n: int, prefix: str = "a"):
    return [make_article(title=f"Story {prefix}{i}", given_id=f"{prefix}{i}",
                         text=f"Unique opening {prefix}{i} about harbour cranes.\n\nSecond fact {i} here.")
            for i in range(n)]


def test_ingest_examples_round_trip(new_index):
    index = new_index()
    report = index.ingest(read_paths([EXAMPLES / "articles"], 200_000))
    assert len(report.added) == 8 and not report.failed
    stats = index.stats()
    assert stats["consistent"] and stats["vectors"] == stats["indexable"] == stats["bm25"] > 40


def test_reingest_is_idempotent_and_reports_skips(new_index):
    index = new_index()
    index.ingest(_articles(3))
    again = index.ingest(_articles(3))
    assert again.added == [] and len(again.skipped) == 3
    assert index.stats()["vectors"] == 6 and index.stats()["consistent"]


def test_same_text_under_another_id_is_skipped(new_index):
    index = new_index()
    [original] = _articles(1)
    copy = make_article(title="Copy", given_id="other", text="Unique opening a0 about harbour cranes.\n\n"
                        "Second fact 0 here.")
    report = index.ingest([original, copy])
    assert report.added == ["a0"] and "same text" in report.skipped[0][1]


def test_source_errors_are_counted_not_raised(new_index):
    report = new_index().ingest([SourceError("f.jsonl:3", "invalid JSON"), *_articles(1)])
    assert report.failed == [("f.jsonl:3", "invalid JSON")] and report.added == ["a0"]


class ExplodingVectors:
    """Wraps the real store; the first upsert dies like a process killed mid-ingest."""

    def __init__(self, real: VectorStore) -> None:
        self.real, self.armed = real, True

    def __getattr__(self, name):
        return getattr(self.real, name)

    def upsert(self, records):
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt("killed between catalog and vectors")
        self.real.upsert(records)


def test_crash_between_catalog_and_vectors_is_finished_by_the_next_run(new_index):
    index = new_index()
    real = index.vectors
    index.vectors = ExplodingVectors(real)
    with pytest.raises(KeyboardInterrupt):
        index.ingest(_articles(2))
    assert index.catalog.counts()["pending"] == 2 and real.count() == 0
    assert not index.stats()["consistent"]
    report = index.ingest(_articles(2))  # the same command run again
    assert sorted(report.resumed) == ["a0", "a1"] and report.added == []
    stats = index.stats()
    assert stats["consistent"] and stats["articles"] == 2 and stats["vectors"] == 4


def test_pending_articles_are_finished_by_an_unrelated_ingest(new_index):
    index = new_index()
    index.vectors = ExplodingVectors(index.vectors)
    with pytest.raises(KeyboardInterrupt):
        index.ingest(_articles(1, "x"))
    index.ingest(_articles(1, "y"))
    assert index.stats()["consistent"] and index.stats()["articles"] == 2


def test_reindex_rebuilds_vectors_and_bm25_from_the_catalog(new_index):
    index = new_index()
    index.ingest(_articles(3))
    index.vectors.reset()
    assert not index.stats()["consistent"]
    index.reindex()
    assert index.stats()["consistent"] and index.stats()["vectors"] == 6


def test_an_index_built_with_another_model_is_refused(new_index, embeddings):
    index = new_index()
    index.ingest(_articles(1))

    class OtherModel:
        model_id = "some-other-model"

        def __getattr__(self, name):
            return getattr(embeddings, name)

    with pytest.raises(ModelMismatch, match="newsbot reindex"):
        VectorStore(index.config, OtherModel(), client=index.vectors.client)
    assert model_id_of(embeddings) == "all-MiniLM-L6-v2-onnx-int8"
