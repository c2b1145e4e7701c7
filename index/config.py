"""What the index needs to know, handed down from the one Settings object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class IndexConfig:
    """Configuration of the write side; built by `bot.settings.Settings.index_config()`."""

    data_dir: Path
    chroma_url: str | None = None
    embeddings: str = "local"  # "local" (MiniLM ONNX) or "openai"
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_embedding_model: str = "text-embedding-3-small"
    max_article_chars: int = 200_000
    collection: str = "paragraphs"
    embed_batch_size: int = 32
    extract_actors: bool = True  # spaCy NER at ingest (index/actors/extract.py); off = no actor mentions
    retain_days: int | None = None  # NEWSBOT_RETAIN_DAYS: older articles are pruned (serve, daily) and not ingested

    @property
    def catalog_path(self) -> Path:
        return self.data_dir / "catalog.sqlite3"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def bm25_dir(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"


@dataclass(frozen=True)
class FetchLimits:
    """Bounds on one page or feed fetch; built by `bot.settings.Settings.fetch_limits()`."""

    timeout: float = 20.0  # total wall-clock seconds for one URL, redirects and body included
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    connect_timeout: float = 10.0
    user_agent: str = "newsbot/0.1 (+https://example.org/newsbot)"
    public_only: bool = False  # refuse private, loopback and link-local hosts at every hop (untrusted links)
