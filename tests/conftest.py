"""Shared fixtures: the real offline embedding model, throwaway indexes, the dev data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.services import Services
from bot.settings import Settings
from index.config import IndexConfig
from index.embed import MiniLMEmbeddings
from index.models import provision
from index.sources import read_paths
from index.store import Index
from tests.fakes import FakeOpenAI

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED_DATA = ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def models_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model provisioned once per test session from the installed packages."""
    root = tmp_path_factory.mktemp("models")
    provision(root)
    return root


@pytest.fixture(scope="session")
def embeddings(models_root: Path) -> MiniLMEmbeddings:
    from index.models import MODEL_ID

    return MiniLMEmbeddings(models_root / MODEL_ID)


def make_config(data_dir: Path, models_root: Path, **overrides) -> IndexConfig:
    """An IndexConfig whose models dir points at the session's provisioned copy."""
    data_dir.mkdir(parents=True, exist_ok=True)
    models = data_dir / "models"
    if not models.exists():
        models.symlink_to(models_root, target_is_directory=True)
    return IndexConfig(data_dir=data_dir, **overrides)


@pytest.fixture()
def new_index(tmp_path: Path, models_root: Path, embeddings: MiniLMEmbeddings):
    """A factory of empty indexes under tmp_path (closed at teardown)."""
    opened: list[Index] = []

    def factory(name: str = "idx", **overrides) -> Index:
        index = Index.open(make_config(tmp_path / name, models_root, **overrides), embeddings=embeddings)
        opened.append(index)
        return index

    yield factory
    for index in opened:
        index.close()


@pytest.fixture(scope="session")
def examples_index(tmp_path_factory: pytest.TempPathFactory, models_root: Path, embeddings: MiniLMEmbeddings):
    """One index of examples/articles, shared read-only by read-side tests."""
    config = make_config(tmp_path_factory.mktemp("examples"), models_root)
    index = Index.open(config, embeddings=embeddings)
    report = index.ingest(read_paths([EXAMPLES / "articles"], config.max_article_chars))
    assert not report.failed, report.failed
    yield index
    index.close()


@pytest.fixture()
def data_dir(tmp_path: Path, models_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory that CLI commands use (NEWSBOT_DATA_DIR), offline LLM settings cleared."""
    (tmp_path / "models").symlink_to(models_root, target_is_directory=True)
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(tmp_path))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "NEWSBOT_CHROMA_URL"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data, or a clean skip when this checkout has no dev data beside it."""
    if not (SHARED_DATA / "rtqa-dev" / "articles.jsonl").exists():
        pytest.skip("../shared/data is absent")
    return SHARED_DATA


@pytest.fixture(scope="session")
def chroma_binary() -> str:
    path = shutil.which("chroma") or str(Path(__import__("sys").executable).parent / "chroma")
    if not Path(path).exists():
        pytest.skip("the chroma CLI is not installed")
    return path


@pytest.fixture()
def fake_openai():
    """The fake OpenAI-compatible server on 127.0.0.1 that the LLM path is tested against."""
    with FakeOpenAI() as server:
        yield server


@pytest.fixture()
def llm_services(examples_index: Index, tmp_path: Path, fake_openai: FakeOpenAI):
    """Services over the shared examples index whose LLM is the fake server (no retries, short timeout)."""
    settings = Settings(_env_file=None, NEWSBOT_DATA_DIR=str(tmp_path), NEWSBOT_TIMEZONE="UTC",
                        OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="test", NEWSBOT_LLM_MODEL="fake-model",
                        NEWSBOT_LLM_TIMEOUT=5, NEWSBOT_LLM_MAX_RETRIES=0)
    opened = Services.open(settings, index=examples_index)
    yield opened
    opened.memory.close()  # the shared index stays open for other tests
