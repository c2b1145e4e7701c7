"""Paragraph vectors in Chroma (embedded PersistentClient, or a server via NEWSBOT_CHROMA_URL).

Ids are "<article_id>::<paragraph>", so writes are idempotent upserts. The collection
records which embedding model made its vectors; opening it with another is refused.

A store that cannot be reached (a stopped server) or opened (a damaged directory) does not stop
the index from opening: every call then raises `VectorStoreUnavailable` with the reason, and
connects again on the next call, so a long-running bot recovers when the server is back.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from urllib.parse import urlparse

from langchain_core.embeddings import Embeddings

from index.config import IndexConfig
from index.embed import model_id_of

log = logging.getLogger(__name__)


class ModelMismatch(RuntimeError):
    """The collection was built with a different embedding model."""


class VectorStoreUnavailable(RuntimeError):
    """The vector store cannot be reached or opened, or refused a write; the message says which and why."""


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
    try:
        return chromadb.PersistentClient(path=str(config.chroma_dir), settings=settings)
    except Exception:
        _forget_system(str(config.chroma_dir))
        raise


def _forget_system(path: str) -> None:
    # Chroma caches one System per directory, even one whose start failed; without dropping it every
    # later client for that directory fails with an AttributeError instead of trying again.
    from chromadb.api.shared_system_client import SharedSystemClient

    getattr(SharedSystemClient, "_identifier_to_system", {}).pop(path, None)


class VectorStore:
    """The paragraph collection, wrapped by langchain-chroma for queries."""

    def __init__(self, config: IndexConfig, embeddings: Embeddings, client=None, check_model: bool = True) -> None:
        self.config = config
        self.embeddings = embeddings
        self.name = config.collection
        self.model_id = model_id_of(embeddings)
        self._client = client
        self._store = None
        self._check = check_model
        try:
            self._connect()
        except VectorStoreUnavailable as exc:  # tried again on use; the catalog and BM25 work meanwhile
            log.info("%s", exc)  # each command reports it where it matters (stats, notes, ingest's error)

    @property
    def where(self) -> str:
        """The store, as the user configured it."""
        return f"the Chroma server at {self.config.chroma_url}" if self.config.chroma_url else \
            f"the vector store in {self.config.chroma_dir}"

    @property
    def client(self):
        return self._connect()[0]

    @property
    def store(self):
        return self._connect()[1]

    def _connect(self):
        """(client, langchain store), connecting first if needed; VectorStoreUnavailable when that fails."""
        if self._store is not None:
            return self._client, self._store
        from langchain_chroma import Chroma

        try:
            client = self._client or chroma_client(self.config)
            if self._check:
                self._check_model(client)
            store = Chroma(collection_name=self.name, embedding_function=self.embeddings, client=client,
                           collection_metadata={"hnsw:space": "cosine", "embedding_model": self.model_id})
        except ModelMismatch:
            raise
        except Exception as exc:  # noqa: BLE001 - chromadb raises ValueError, InternalError, httpx errors...
            raise self._unavailable("cannot be reached" if self.config.chroma_url else "cannot be opened", exc) \
                from exc
        self._client, self._store = client, store
        return client, store

    def _unavailable(self, what: str, exc: BaseException) -> VectorStoreUnavailable:
        hint = "" if self.config.chroma_url else "; `newsbot reindex` rebuilds it from the catalog"
        return VectorStoreUnavailable(f"{self.where} {what} ({type(exc).__name__}: {_first_line(exc)}){hint}")

    def _call(self, what: str, fn):
        """Run one Chroma operation; any failure is VectorStoreUnavailable, and the next call reconnects."""
        try:
            return fn()
        except (VectorStoreUnavailable, ModelMismatch):
            raise
        except Exception as exc:  # noqa: BLE001 - see _connect
            self.reconnect()
            raise self._unavailable(what, exc) from exc

    def reconnect(self) -> None:
        """Connect afresh on the next call: a server may be back; and Chroma's embedded engine, once a write
        failed for want of disk space, hangs on every later write in this process unless it is started anew."""
        self._store = None
        if not self.config.chroma_url and self._client is not None:
            _forget_system(str(self.config.chroma_dir))
            self._client = None

    def _check_model(self, client) -> None:
        existing = {c.name if hasattr(c, "name") else c for c in client.list_collections()}
        if self.name not in existing:
            return
        stored = (client.get_collection(self.name).metadata or {}).get("embedding_model")
        if stored and stored != self.model_id:
            raise ModelMismatch(
                f"the vector index was built with '{stored}' but '{self.model_id}' is configured; "
                "run `newsbot reindex` to rebuild it with the configured model"
            )

    def upsert(self, records: list[VectorRecord]) -> None:
        """Embed and store paragraphs (title as context); safe to repeat."""
        if not records:
            return
        texts = [f"{r.title}\n\n{r.text}" for r in records]
        vectors = self.embeddings.embed_documents(texts)  # the embedder's own errors are not the store's
        collection = self._call("refused the write", lambda: self.client.get_collection(self.name))
        self._call("refused the write", lambda: collection.upsert(
            ids=[vector_id(r.article_id, r.number) for r in records], embeddings=vectors,
            metadatas=[_metadata(r) for r in records], documents=texts))

    def query(self, embedding: list[float], k: int, where: dict | None,
              keys: list[tuple[str, int]] | None = None) -> list[tuple[str, int, float]]:
        """(article_id, paragraph, cosine distance) of the k nearest paragraphs (among `keys`, if given)."""
        if keys is not None:  # Chroma filters ids far faster than metadata (700 ms vs 30-80 at 100k)
            if not keys:
                return []
            hits = self._call("failed a query", lambda: self.store.similarity_search_by_vector_with_relevance_scores(
                embedding, k=k, ids=[vector_id(a, n) for a, n in keys]))
            return [(*parse_vector_id(doc.id), float(dist)) for doc, dist in hits if doc.id]
        # No count() first: at a million vectors it costs more than the query, and Chroma 1.x
        # returns fewer hits (not an error) when k exceeds what the collection holds.
        hits = self._call("failed a query", lambda: self.store.similarity_search_by_vector_with_relevance_scores(
            embedding, k=k, filter=where))
        return [(*parse_vector_id(doc.id), float(dist)) for doc, dist in hits if doc.id]

    def vectors(self, keys: list[tuple[str, int]]) -> dict[tuple[str, int], list[float]]:
        """Stored vectors of these paragraphs (absent keys are left out), so readers need not re-embed."""
        collection = self._call("cannot be read", lambda: self.client.get_collection(self.name))
        found: dict[tuple[str, int], list[float]] = {}
        for start in range(0, len(keys), 500):  # bounded requests, also against a Chroma server
            chunk = [vector_id(a, n) for a, n in keys[start:start + 500]]
            got = self._call("cannot be read", lambda c=chunk: collection.get(ids=c, include=["embeddings"]))
            embeddings = got.get("embeddings")
            if embeddings is None:
                continue
            found.update({parse_vector_id(vid): list(vec) for vid, vec in zip(got["ids"], embeddings, strict=True)})
        return found

    def delete(self, keys: list[tuple[str, int]]) -> None:
        """Remove these paragraphs' vectors (absent ones are ignored, so repeating it is safe)."""
        collection = self._call("refused the write", lambda: self.client.get_collection(self.name))
        for start in range(0, len(keys), 500):
            chunk = [vector_id(a, n) for a, n in keys[start:start + 500]]
            self._call("refused the write", lambda c=chunk: collection.delete(ids=c))

    def catch_up(self) -> None:
        """Make this client's index apply what other processes wrote (embedded Chroma does on any write)."""
        self._call("cannot be read", lambda: self.client.get_collection(self.name).delete(ids=["::catch-up"]))

    def count(self) -> int:
        return self._call("cannot be read", lambda: self.client.get_collection(self.name).count())

    def reset(self) -> None:
        """Drop and recreate the collection (used by reindex, also after a model change). An embedded
        store that cannot be opened (damaged files) is moved aside to `chroma.damaged-<time>` first."""
        self._check = False
        try:
            client = self.client
        except VectorStoreUnavailable:
            if self.config.chroma_url:
                raise
            client = self._quarantine()
        try:
            client.delete_collection(self.name)
        except Exception:  # noqa: BLE001 - absent collection: nothing to drop
            pass
        self._store = None
        self._connect()

    def _quarantine(self):
        damaged = self.config.chroma_dir
        aside = damaged.with_name(f"{damaged.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        log.warning("moving the damaged vector store %s aside to %s", damaged, aside)
        _forget_system(str(damaged))
        if damaged.exists():
            shutil.move(str(damaged), str(aside))
        self._client = None
        return self.client


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def _metadata(r: VectorRecord) -> dict:
    meta: dict = {"article_id": r.article_id, "paragraph": r.number, "title": r.title[:500], "date_ts": r.date_ts}
    if r.published_ts is not None:
        meta["published_ts"] = r.published_ts
    if r.source:
        meta["source"] = r.source
    return meta
