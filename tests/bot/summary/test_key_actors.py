"""An article's key actors read the same whether it is indexed or only read for a summary."""

from types import SimpleNamespace

import pytest

from bot.summary.actors import key_actors
from index.sources import read_paths
from tests.bot.actors.test_actors import HashEmbeddings
from tests.conftest import make_config


@pytest.fixture(scope="module")
def seed(shared_data, tmp_path_factory, models_root):
    from index.store import Index

    index = Index.open(make_config(tmp_path_factory.mktemp("seed-summary"), models_root), embeddings=HashEmbeddings())
    [article] = list(read_paths([shared_data / "seed" / "blinken-turkey.txt"], 200_000))
    index.ingest([article])
    yield index, article
    index.close()


@pytest.mark.parametrize("indexed", [True, False])
def test_blinken_and_fidan_once_each_and_no_outlet_or_promo(seed, indexed):
    index, article = seed
    ctx = SimpleNamespace(index=index, settings=SimpleNamespace(extract_actors=True))
    names = key_actors(ctx, article, indexed=indexed)  # type: ignore[arg-type]
    assert names.count("Antony Blinken") == 1 and names.count("Hakan Fidan") == 1
    assert not {n for n in names if "Blinken" in n or "Fidan" in n} - {"Antony Blinken", "Hakan Fidan"}
    assert not set(names) & {"AP", "Associated Press", "Reuters", "WhatsApp", "WhatsApp Channel", "US"}
