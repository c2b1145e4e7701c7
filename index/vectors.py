"""Paragraph vectors in Chroma (embedded PersistentClient, or a server via NEWSBOT_CHROMA_URL).

Ids are "<article_id>::<paragraph>", so writes are idempotent upserts. The collection
records which embedding model made its vectors; opening it with another is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlparse

from langchain_core.embeddings import Embeddings

from index.config import IndexConfig
from index.embed import model_id_of


class ModelMismatch(RuntimeError):
    """The collection was built with a different embedding model."""


@dataclass(frozen=True)
class VectorRecord:
    """One paragraph to store: its text is embedded with the article title as context."""

    article_id: str
    number: int
    text: str
    title: str
    published_ts: int | None
    date_ts: int  # published, else ingestion time: what date filters use
    source: str | None


def vector_id(article_id: str, number: int) -> str:
    return f"{article_id}::{number}"


def parse_vector_id(vid: str) -> tuple[str, int]:
    article_id, number = vid.rsplit("::", 1)
    return article_id, int(number)


def chroma_client(config: IndexConfig):
    """A Chroma client with telemetry off: HTTP when a URL is configured, else on disk."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if config.chroma_url:
        url = urlparse(config.chroma_url)
        return chromadb.HttpClient(host=url.hostname or "localhost", port=url.port or 8000,
                                   ssl=url.scheme == "https", settings=settings)
    config.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(config.chroma_dir), settings=settings)


class VectorStore:
    """The paragraph collection, wrapped by langchain-chroma for writes and queries."""

    def __init__(self, config: IndexConfig, embeddings: Embeddings, client=None, check_model: bool = True) -> None:
        from langchain_chroma import Chroma

        self.client = client or chroma_client(config)
        self.name = config.collection
        self.model_id = model_id_of(embeddings)
        if check_model:
            self._check_model()
        self.store = Chroma(
            collection_name=self.name,
            embedding_function=embeddings,
            client=self.client,
            collection_metadata={"hnsw:space": "cosine", "embedding_model": self.model_id},
        )

    def _check_model(self) -> None:
        existing = {c.name if hasattr(c, "name") else c for c in self.client.list_collections()}
        if self.name not in existing:
            return
        stored = (self.client.get_collection(self.name).metadata or {}).get("embedding_model")
        if stored and stored != self.model_id:
            raise ModelMismatch(
                f"the vector index was built with '{stored}' but '{self.model_id}' is configured; "
                "run `newsbot reindex` to rebuild it with the configured model"
            )

    def upsert(self, records: list[VectorRecord]) -> None:
        """Embed and store paragraphs (title as context); safe to repeat."""
        if not records:
            return
        self.store.add_texts(
            texts=[f"{r.title}\n\n{r.text}" for r in records],
            metadatas=[_metadata(r) for r in records],
            ids=[vector_id(r.article_id, r.number) for r in records],
        )

    def query(self, embedding: list[float], k: int, where: dict | None,
              keys: list[tuple[str, int]] | None = None) -> list[tuple[str, int, float]]:
        """(article_id, paragraph, cosine distance) of the k nearest paragraphs (among `keys`, if given)."""
        if keys is not None:  # Chroma filters ids far faster than metadata (700 ms vs 30-80 at 100k)
            if not keys:
                return []
            hits = self.store.similarity_search_by_vector_with_relevance_scores(
                embedding, k=k, ids=[vector_id(a, n) for a, n in keys])
            return [(*parse_vector_id(doc.id), float(dist)) for doc, dist in hits if doc.id]
        # No count() first: at a million vectors it costs more than the query, and Chroma 1.x
        # returns fewer hits (not an error) when k exceeds what the collection holds.
        hits = self.store.similarity_search_by_vector_with_relevance_scores(embedding, k=k, filter=where)
        return [(*parse_vector_id(doc.id), float(dist)) for doc, dist in hits if doc.id]

    def vectors(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], list[float]]:
        """Stored vectors of these paragraphs (absent keys are left out), so readers need not re-embed."""
        collection = self.client.get_collection(self.name)
        found: dict[tuple[str, int], list[float]] = {}
        for start in range(0, len(keys), 500):  # bounded requests, also against a Chroma server
            chunk = [vector_id(a, n) for a, n in keys[start:start + 500]]
            got = collection.get(ids=chunk, include=["embeddings"])
            embeddings = got.get("embeddings")
            if embeddings is None:
                continue
            found.update({parse_vector_id(vid): list(vec) for vid, vec in zip(got["ids"], embeddings, strict=True)})
        return found

    def delete(self, keys: list[tuple[str, int]]) -> None:
        """Remove these paragraphs' vectors (absent ones are ignored, so repeating it is safe)."""
        collection = self.client.get_collection(self.name)
        for start in range(0, len(keys), 500):
            collection.delete(ids=[vector_id(a, n) for a, n in keys[start:start + 500]])

    def catch_up(self) -> None:
        """Make this client's index apply what other processes wrote (embedded Chroma does on any write)."""
        self.client.get_collection(self.name).delete(ids=["::catch-up"])

    def count(self) -> int:
        return self.client.get_collection(self.name).count()

    def reset(self) -> None:
        """Drop and recreate the collection (used by reindex, also after a model change)."""
        from langchain_chroma import Chroma

        try:
            self.client.delete_collection(self.name)
        except Exception:  # noqa: BLE001 - absent collection: nothing to drop
            pass
        self.store = Chroma(
            collection_name=self.name,
            embedding_function=self.store.embeddings,
            client=self.client,
            collection_metadata={"hnsw:space": "cosine", "embedding_model": self.model_id},
        )


def _metadata(r: VectorRecord) -> dict:
    meta: dict = {"article_id": r.article_id, "paragraph": r.number, "title": r.title[:500], "date_ts": r.date_ts}
    if r.published_ts is not None:
        meta["published_ts"] = r.published_ts
    if r.source:
        meta["source"] = r.source
    return meta
