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
