"""The Index: one object over the catalog (with its lexical index) and the vectors, with atomic ingest and rebuild."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from index import prune
from index.actors import resolve_if_dirty, store_mentions
from index.articles import Article, flag_furniture
from index.catalog import Catalog
from index.config import IndexConfig
from index.dedupe import link_duplicates
from index.nlp import annotation, parse
from index.sources import Item, SourceError
from index.vectors import VectorRecord, VectorStore, VectorStoreUnavailable
from index.writer import WriterLock

FLUSH_PARAGRAPHS = 256  # vectors are written in chunks of about this many paragraphs


@dataclass(frozen=True)
class PruneReport:
    """What a prune removed (or, with dry_run, would remove)."""

    plan: prune.PrunePlan
    articles: int = 0
    paragraphs: int = 0
    dry_run: bool = False
    seconds: float = 0.0


@dataclass
class IngestReport:
    """What an ingest run did, for the CLI summary and the JSON output."""

    added: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason)
    resumed: list[str] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (origin, what was repaired to read it)
    paragraphs: int = 0
    reflagged: int = 0  # reindex: paragraphs whose furniture flag the current rules changed
    seconds: float = 0.0
    # Why vectors could not be written (e.g. the Chroma server is down). The run still catalogued every
    # article as pending, and the next ingest (or reindex) with the store back finishes them.
    stopped: str | None = None

    @property
    def paragraphs_per_second(self) -> float:
        return self.paragraphs / self.seconds if self.seconds > 0 else 0.0


Progress = Callable[[int], None]  # called with the number of paragraphs just stored


class Index:
    """Write side and lookups. Build with `Index.open(config)`; tests may inject parts."""

    def __init__(self, config: IndexConfig, catalog: Catalog, vectors: VectorStore) -> None:
        self.config = config
        self.catalog = catalog
        self.vectors = vectors
        self.writer = WriterLock(config.data_dir)  # set `writer.notify` to show "waiting for ..." elsewhere
        self._seen_version = catalog.data_version()

    @classmethod
    def open(cls, config: IndexConfig, embeddings=None, check_model: bool = True) -> Index:
        """Open (creating if needed) the index under the configured data directory."""
        from index.embed import load_embeddings

        embeddings = embeddings or load_embeddings(config)
        catalog = Catalog(config.catalog_path)
        vectors = VectorStore(config, embeddings, check_model=check_model)
        shutil.rmtree(config.data_dir / "bm25", ignore_errors=True)  # the bm25s files of older versions
        return cls(config, catalog, vectors)

    @property
    def embeddings(self):
        return self.vectors.embeddings

    def close(self) -> None:
        self.catalog.close()

    # -- ingest -----------------------------------------------------------------
    def ingest(self, items: Iterable[Item], progress: Progress | None = None) -> IngestReport:
        """Store new articles: catalog first (pending), then vectors, then mark indexed.

        Items are read (files parsed, pages fetched) outside the writer lock; each batch is
        admitted and written under it, so two writers interleave batch by batch."""
        try:
            return self._ingest(items, progress)
        except Exception:
            self.vectors.reconnect()  # after a storage fault (disk full) the vector store starts afresh
            raise

    def _ingest(self, items: Iterable[Item], progress: Progress | None) -> IngestReport:
        report, started = IngestReport(), time.perf_counter()
        with self.writer.hold():
            self._recover(report, progress)
        batch: list[Article] = []
        seen: set[str] = set()
        for item in items:
            article = self._candidate(item, report, seen)
            if article is None:
                continue
            batch.append(article)
            if sum(len(a.indexable) for a in batch) >= FLUSH_PARAGRAPHS:
                self._write_batch(batch, report, progress)
                batch = []
        self._write_batch(batch, report, progress)
        with self.writer.hold():
            self._resolve_actors()
        report.seconds = time.perf_counter() - started
        return report

    def _candidate(self, item: Item, report: IngestReport, seen: set[str]) -> Article | None:
        if isinstance(item, SourceError):
            report.failed.append((item.origin, item.message))
            return None
        if item.id in seen:
            report.skipped.append((item.origin, f"duplicate of article {item.id} earlier in this run"))
            return None
        seen.add(item.id)
        cutoff = self.retention_cutoff()
        if cutoff is not None and item.published_ts is not None and item.published_ts < cutoff:
            report.skipped.append((item.origin, f"dated {item.published.date() if item.published else ''}, older than"
                                                f" the {self.config.retain_days} days kept (NEWSBOT_RETAIN_DAYS)"))
            return None
        return item

    def _write_batch(self, batch: list[Article], report: IngestReport, progress: Progress | None) -> None:
        if not batch:
            return
        with self.writer.hold():  # admission too: another writer may have stored the same article meanwhile
            admitted = [a for a in (self._admit(article, report) for article in batch) if a is not None]
            self._flush(admitted, report, progress)

    def _admit(self, article: Article, report: IngestReport) -> Article | None:
        state = self.catalog.state(article.id)
        if state == "indexed":
            if article.id not in report.resumed:  # not when this run just finished it
                report.skipped.append((article.origin, f"already indexed as {article.id}"))
            return None
        if state == "pending":  # a writer died between catalog and vectors: finish it
            report.resumed.append(article.id)
            return self.catalog.article(article.id)
        twin = self.catalog.id_by_hash(article.content_hash)
        if twin:
            report.skipped.append((article.origin, f"same text as article {twin}"))
            return None
        self.catalog.add_pending(article)
        report.added.append(article.id)
        if article.warnings:
            report.warnings.append((article.origin, "; ".join(article.warnings)))
        return article

    def _recover(self, report: IngestReport, progress: Progress | None) -> None:
        """Finish what a killed writer left: a prune's queue, then pending articles (under the writer lock)."""
        try:
            if prune.queued(self.catalog):
                prune.drain(self.catalog, self.vectors)
        except VectorStoreUnavailable as exc:  # the queue stays; the next run with the store back drains it
            report.stopped = str(exc)
            return
        self._resume_pending(report, progress)

    def _flush(self, batch: list[Article], report: IngestReport, progress: Progress | None) -> None:
        if not batch or report.stopped is not None:
            return  # once the vector store is gone, articles stay pending in the catalog for the next run
        records = [_record(a, p.number, p.text) for a in batch for p in a.indexable]
        try:
            self.vectors.upsert(records)
        except VectorStoreUnavailable as exc:
            report.stopped = str(exc)
            return
        if self.config.extract_actors:  # before `indexed`, so an interrupted batch is re-extracted on resume
            docs = list(parse(batch))  # one spaCy pass: sentences and entity spans, then actor mentions
            self.catalog.store_annotations([(a.id, n, annotation(doc)) for a, n, doc in docs])
            store_mentions(self.catalog, batch, docs)
        link_duplicates(self.catalog, batch)  # near-duplicate stories across outlets, see index/dedupe.py
        self.catalog.mark_indexed([a.id for a in batch])  # with its lexical rows, in one transaction
        report.paragraphs += len(records)
        if progress:
            progress(len(records))

    def _resume_pending(self, report: IngestReport, progress: Progress | None) -> None:
        pending = [i for i in self.catalog.pending_ids() if i not in report.resumed]
        for start in range(0, len(pending), 32):  # a chunk at a time: reindex goes through the whole catalog
            articles = list(self.catalog.articles(pending[start:start + 32]).values())
            self._flush(articles, report, progress)
            report.resumed.extend(a.id for a in articles)

    def _resolve_actors(self) -> None:
        if self.config.extract_actors:  # aliases depend on the whole corpus: resolve again after new mentions
            resolve_if_dirty(self.catalog)

    # -- derived indexes --------------------------------------------------------
    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Re-flag page furniture with the current rules, then rebuild vectors, the lexical index,
        annotations and mentions from the catalog's citable paragraphs (after a rule or model change, or damage)."""
        report = IngestReport()
        started = time.perf_counter()
        with self.writer.hold():
            if prune.queued(self.catalog):
                prune.drain(self.catalog, self.vectors)
            report.reflagged = self.reflag()
            self.vectors.reset()
            self.catalog.mark_all_pending()
            self._resume_pending(report, progress)
            self._resolve_actors()
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

    # -- retention ----------------------------------------------------------------
    def retention_cutoff(self) -> int | None:
        """The epoch second before which articles are not kept (NEWSBOT_RETAIN_DAYS), or None."""
        if not self.config.retain_days:
            return None
        return int(time.time()) - self.config.retain_days * 86_400

    def prune(self, before_ts: int, dry_run: bool = False, progress: Progress | None = None) -> PruneReport:
        """Remove every article dated before `before_ts` from catalog, vectors, lexical index, actor
        mentions and duplicate links; a killed prune is finished by the next writer."""
        started = time.perf_counter()
        if dry_run:
            return PruneReport(prune.plan(self.catalog, before_ts), dry_run=True)
        with self.writer.hold():
            plan = prune.plan(self.catalog, before_ts)
            prune.enqueue(self.catalog, before_ts)
            articles, paragraphs = prune.drain(self.catalog, self.vectors, progress)
            self._resolve_actors()
        return PruneReport(plan, articles, paragraphs, seconds=time.perf_counter() - started)

    def remove(self, article_ids: list[str]) -> tuple[int, int]:
        """Remove these articles everywhere, as a prune does; returns (articles, paragraphs) removed."""
        with self.writer.hold():
            prune.enqueue_ids(self.catalog, article_ids)
            removed = prune.drain(self.catalog, self.vectors)
            self._resolve_actors()
        return removed

    def refresh(self) -> None:
        """Let this process's vector reader see what other processes wrote since it last looked.

        Embedded Chroma applies other processes' writes to its in-memory index only on a write
        of its own; an empty delete is one. Done only when the catalog shows another process
        committed, and only if the writer lock is free right now: a reader never waits."""
        version = self.catalog.data_version()
        if version == self._seen_version or self.config.chroma_url:
            return
        with self.writer.try_hold() as held:
            if held:
                self.vectors.catch_up()
                self._seen_version = version

    def stats(self) -> dict:
        """Counts of articles, paragraphs, vectors and lexical rows, whether they agree, and furniture by kind."""
        counts = self.catalog.counts()
        try:
            vectors: int | None = self.vectors.count()
            problem = None
        except VectorStoreUnavailable as exc:
            vectors, problem = None, str(exc)
        keys, bm25 = self.catalog.lexical_counts()
        expected = counts.get("indexable", 0)
        return {
            **counts,
            "vectors": vectors,
            "bm25": bm25,
            "embedding_model": self.vectors.model_id,
            "pruning": prune.queued(self.catalog),
            "consistent": counts.get("pending", 0) == 0 and vectors == expected and bm25 == keys == expected
            and not prune.queued(self.catalog),
            "furniture": self.catalog.furniture_counts(),
            **({"vector_store": problem} if problem else {}),
        }


def _record(article: Article, number: int, text: str) -> VectorRecord:
    date_ts = article.published_ts or int(time.time())
    return VectorRecord(article.id, number, text, article.title, article.published_ts, date_ts, article.source)
