"""The Index: one object over catalog, vectors and BM25, with atomic ingest and rebuild."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from index.actors import resolve_if_dirty, store_mentions
from index.articles import Article, flag_furniture
from index.bm25 import BM25Index
from index.catalog import Catalog
from index.config import IndexConfig
from index.dedupe import link_duplicates
from index.nlp import annotation, parse
from index.sources import Item, SourceError
from index.vectors import VectorRecord, VectorStore

FLUSH_PARAGRAPHS = 256  # vectors are written in chunks of about this many paragraphs


@dataclass
class IngestReport:
    """What an ingest run did, for the CLI summary and the JSON output."""

    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason)
    resumed: list[str] = field(default_factory=list)
    paragraphs: int = 0
    reflagged: int = 0  # reindex: paragraphs whose furniture flag the current rules changed
    seconds: float = 0.0

    @property
    def paragraphs_per_second(self) -> float:
        return self.paragraphs / self.seconds if self.seconds > 0 else 0.0


Progress = Callable[[int], None]  # called with the number of paragraphs just stored


class Index:
    """Write side and lookups. Build with `Index.open(config)`; tests may inject parts."""

    def __init__(self, config: IndexConfig, catalog: Catalog, vectors: VectorStore, bm25: BM25Index) -> None:
        self.config = config
        self.catalog = catalog
        self.vectors = vectors
        self.bm25 = bm25
        self._bm25_loaded = False
        self._bm25_version: int | None = None

    @classmethod
    def open(cls, config: IndexConfig, embeddings=None, check_model: bool = True) -> Index:
        """Open (creating if needed) the index under the configured data directory."""
        from index.embed import load_embeddings

        embeddings = embeddings or load_embeddings(config)
        catalog = Catalog(config.catalog_path)
        vectors = VectorStore(config, embeddings, check_model=check_model)
        return cls(config, catalog, vectors, BM25Index(config.bm25_dir))

    @property
    def embeddings(self):
        return self.vectors.store.embeddings

    def close(self) -> None:
        self.catalog.close()

    # -- ingest -----------------------------------------------------------------
    def ingest(self, items: Iterable[Item], progress: Progress | None = None) -> IngestReport:
        """Store new articles: catalog first (pending), then vectors, then mark indexed."""
        report, started = IngestReport(), time.perf_counter()
        batch: list[Article] = []
        seen: set[str] = set()
        for item in items:
            article = self._admit(item, report, seen)
            if article is None:
                continue
            batch.append(article)
            if sum(len(a.indexable) for a in batch) >= FLUSH_PARAGRAPHS:
                self._flush(batch, report, progress)
                batch = []
        self._flush(batch, report, progress)
        self._resume_pending(report, progress)
        self._resolve_actors()
        if report.added or report.resumed or not self._bm25_current():
            self.rebuild_bm25()
        report.seconds = time.perf_counter() - started
        return report

    def _admit(self, item: Item, report: IngestReport, seen: set[str]) -> Article | None:
        if isinstance(item, SourceError):
            report.failed.append((item.origin, item.message))
            return None
        article = item
        if article.id in seen:
            report.skipped.append((article.origin, f"duplicate of article {article.id} earlier in this run"))
            return None
        seen.add(article.id)
        state = self.catalog.state(article.id)
        if state == "indexed":
            report.skipped.append((article.origin, f"already indexed as {article.id}"))
            return None
        if state == "pending":  # an earlier run died between catalog and vectors: finish it
            report.resumed.append(article.id)
            return self.catalog.article(article.id)
        twin = self.catalog.id_by_hash(article.content_hash)
        if twin:
            report.skipped.append((article.origin, f"same text as article {twin}"))
            return None
        self.catalog.add_pending(article)
        report.added.append(article.id)
        return article

    def _flush(self, batch: list[Article], report: IngestReport, progress: Progress | None) -> None:
        if not batch:
            return
        records = [_record(a, p.number, p.text) for a in batch for p in a.indexable]
        self.vectors.upsert(records)
        if self.config.extract_actors:  # before `indexed`, so an interrupted batch is re-extracted on resume
            docs = list(parse(batch))  # one spaCy pass: sentences and entity spans, then actor mentions
            self.catalog.store_annotations([(a.id, n, annotation(doc)) for a, n, doc in docs])
            store_mentions(self.catalog, batch, docs)
        self.catalog.mark_indexed([a.id for a in batch])
        link_duplicates(self.catalog, batch)  # near-duplicate stories across outlets, see index/dedupe.py
        report.paragraphs += len(records)
        if progress:
            progress(len(records))

    def _resume_pending(self, report: IngestReport, progress: Progress | None) -> None:
        pending = [i for i in self.catalog.pending_ids() if i not in report.resumed]
        articles = list(self.catalog.articles(pending).values())
        for start in range(0, len(articles), 32):
            self._flush(articles[start:start + 32], report, progress)
        report.resumed.extend(a.id for a in articles)

    def _resolve_actors(self) -> None:
        if self.config.extract_actors:  # aliases depend on the whole corpus: resolve again after new mentions
            resolve_if_dirty(self.catalog)

    # -- derived indexes --------------------------------------------------------
    def rebuild_bm25(self) -> None:
        self.bm25.build(list(self.catalog.indexable(state="indexed")))
        self._bm25_loaded = True

    def _bm25_current(self) -> bool:
        # Counting paragraphs costs ~50 ms on a large catalog: only recount after a write,
        # which SQLite's data_version reveals (also for writes by other processes).
        version = self.catalog.data_version()
        if self._bm25_loaded and version == self._bm25_version:
            return True
        if not self._bm25_loaded:
            self._bm25_loaded = self.bm25.load()
        current = self._bm25_loaded and len(self.bm25) == self.catalog.counts().get("indexable", 0)
        self._bm25_version = version if current else None
        return current

    def ensure_bm25(self) -> BM25Index:
        """The BM25 index, rebuilt first if it is missing or disagrees with the catalog."""
        if not self._bm25_current():
            self.rebuild_bm25()
        return self.bm25

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Re-flag page furniture with the current rules, then rebuild vectors, BM25, annotations and
        mentions from the catalog's citable paragraphs (after a rule or model change, or damage)."""
        report = IngestReport()
        started = time.perf_counter()
        report.reflagged = self.reflag()
        self.vectors.reset()
        self.catalog.mark_all_pending()
        self._resume_pending(report, progress)
        self._resolve_actors()
        self.rebuild_bm25()
        report.seconds = time.perf_counter() - started
        return report

    def reflag(self) -> int:
        """Flag every stored paragraph with the current furniture rules (numbers and text never change);
        returns how many flags changed. Derived indexes are stale until rebuilt: `reindex` does both."""
        changed = 0
        for article_id in self.catalog.article_ids():
            article = self.catalog.article(article_id)
            if article is not None:
                flagged = flag_furniture(article.paragraphs, article.title, article.author, article.source)
                changed += self.catalog.set_furniture(article.id, flagged)
        return changed

    def stats(self) -> dict:
        """Counts of articles, paragraphs, vectors and BM25 rows, whether they agree, and furniture by kind."""
        counts = self.catalog.counts()
        vectors = self.vectors.count()
        bm25 = len(self.bm25) if self.bm25.load() else 0
        expected = counts.get("indexable", 0)
        return {
            **counts,
            "vectors": vectors,
            "bm25": bm25,
            "embedding_model": self.vectors.model_id,
            "consistent": counts.get("pending", 0) == 0 and vectors == expected and bm25 == expected,
            "furniture": self.catalog.furniture_counts(),
        }


def _record(article: Article, number: int, text: str) -> VectorRecord:
    date_ts = article.published_ts or int(time.time())
    return VectorRecord(article.id, number, text, article.title, article.published_ts, date_ts, article.source)
