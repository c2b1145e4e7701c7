"""Hybrid retrieval: dense (Chroma) + BM25 (SQLite FTS5) fused by reciprocal rank, with filters and
near-duplicate collapsing (syndicated copies of one paragraph count once)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from index.articles import normalise_text, parse_published
from index.store import Index
from index.vectors import VectorStoreUnavailable

LEXICAL_ONLY = "results come from the keyword (BM25) index alone"
RRF_K = 60  # the constant from Cormack et al. (2009); damps the weight of top ranks
DUPLICATE_JACCARD = 0.8  # word-set overlap above which two paragraphs are one syndicated text


@dataclass(frozen=True)
class Filters:
    """Restrictions on what a search may return; all optional."""

    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()
    article_ids: tuple[str, ...] = ()
    exclude_ids: tuple[str, ...] = ()  # articles to leave out (eval: "what if the answering article were missing")

    @property
    def active(self) -> bool:
        return bool(self.since or self.until or self.sources or self.article_ids)  # exclude_ids: see search()


@dataclass(frozen=True)
class Hit:
    """One retrieved paragraph with everything a citation needs."""

    article_id: str
    title: str
    url: str | None
    source: str | None
    published: datetime | None
    paragraph: int
    text: str
    score: float
    also: tuple[str, ...] = field(default=())  # other outlets carrying the same paragraph
    twins: tuple[tuple[str, int], ...] = field(default=())  # keys of the collapsed copies

    @property
    def key(self) -> tuple[str, int]:
        return (self.article_id, self.paragraph)

    def to_json(self) -> dict:
        return {
            "article_id": self.article_id, "title": self.title, "url": self.url, "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "paragraph": self.paragraph, "text": self.text, "score": round(self.score, 6),
            "also_reported_by": list(self.also),
        }


def search(index: Index, query: str, k: int = 8, filters: Filters | None = None, pool: int = 50,
           boost: set[tuple[str, int]] | None = None, notes: list[str] | None = None) -> list[Hit]:
    """The k best paragraphs for `query`; `boost` keys (e.g. paragraphs naming an actor) rank higher.
    With the vector store unreachable, BM25 alone answers and `notes` says so."""
    filters = filters or Filters()
    if not query.strip():
        return []
    index.refresh()  # see what other processes wrote (cheap: a version check)
    try:
        dense = index.vectors.query(index.embeddings.embed_query(query), pool, _where(filters),
                                    _window(index, filters))
    except VectorStoreUnavailable as exc:
        dense = []
        if notes is not None and not any(LEXICAL_ONLY in n for n in notes):
            notes.append(f"{exc}; {LEXICAL_ONLY}")
    sparse = _bm25(index, query, pool, filters)
    fused = rrf([[(a, n) for a, n, _ in dense], [(a, n) for a, n, _ in sparse]])
    if filters.exclude_ids:  # a few withheld articles: dropping their keys from the fused ranking is exact enough
        fused = {key: score for key, score in fused.items() if key[0] not in filters.exclude_ids}
    if boost:
        fused = {key: s + (1.0 / RRF_K if key in boost else 0.0) for key, s in fused.items()}
    ranked = sorted(fused.items(), key=lambda kv: kv[1], reverse=True)[: pool]
    hits = collapse_duplicates(_hydrate(index, ranked))[:k]
    return with_followers(index, hits)[:k]


SHORT_PARAGRAPH_WORDS = 12  # a shorter hit is usually a heading or a lead-in ("Who won?"): its answer follows


def with_followers(index: Index, hits: list[Hit]) -> list[Hit]:
    """Put the next paragraph right after each short hit, where the answer to a heading usually is."""
    out: list[Hit] = []
    present = {h.key for h in hits} | {twin for h in hits for twin in h.twins}  # a collapsed copy is present
    for hit in hits:
        out.append(hit)
        if len(hit.text.split()) >= SHORT_PARAGRAPH_WORDS:
            continue
        follower = index.catalog.next_citable(hit.article_id, hit.paragraph)
        if follower and (hit.article_id, follower.number) not in present:
            present.add((hit.article_id, follower.number))
            out.append(replace(hit, paragraph=follower.number, text=follower.text, score=hit.score * 0.99,
                               also=(), twins=()))
    return out


def rrf(rankings: list[list[tuple[str, int]]]) -> dict[tuple[str, int], float]:
    """Reciprocal rank fusion of several ranked key lists."""
    scores: dict[tuple[str, int], float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            scores[key] = scores.get(key, 0.0) + 1.0 / (RRF_K + rank)
    return scores


def _where(filters: Filters) -> dict | None:
    clauses: list[dict] = []
    if filters.since:
        clauses.append({"date_ts": {"$gte": int(filters.since.timestamp())}})
    if filters.until:
        clauses.append({"date_ts": {"$lt": int(filters.until.timestamp())}})
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if filters.article_ids:
        clauses.append({"article_id": {"$in": list(filters.article_ids)}})
    if filters.exclude_ids:
        clauses.append({"article_id": {"$nin": list(filters.exclude_ids)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


WINDOW_KEYS = 50_000  # up to this many paragraphs a filter admits, dense search gets their ids


def _window(index: Index, filters: Filters) -> list[tuple[str, int]] | None:
    """The paragraphs a filter admits, from the catalog's date index (None: no filter, or too many)."""
    if not filters.active:
        return None
    return index.catalog.filtered_keys(_ts(filters.since), _ts(filters.until), filters.sources, filters.article_ids,
                                       WINDOW_KEYS)


def _ts(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment else None


def _bm25(index: Index, query: str, pool: int, filters: Filters) -> list[tuple[str, int, float]]:
    """The lexical ranking, filtered inside SQLite (exactly, however narrow the window)."""
    return index.catalog.lexical_search(query, pool, _ts(filters.since), _ts(filters.until), filters.sources,
                                        filters.article_ids)


def _hydrate(index: Index, ranked: list[tuple[tuple[str, int], float]]) -> list[Hit]:
    """Attach stored text and article metadata; keys missing from the catalog are dropped."""
    keys = [key for key, _ in ranked]
    texts = index.catalog.paragraph_texts(keys)
    headers = index.catalog.headers([a for a, _ in keys])
    hits = []
    for (article_id, number), score in ranked:
        row = headers.get(article_id)
        if row is None or (article_id, number) not in texts:
            continue
        hits.append(Hit(article_id, row["title"], row["url"], row["source"], parse_published(row["published"]),
                        number, texts[(article_id, number)], score))
    return hits


def collapse_duplicates(hits: list[Hit]) -> list[Hit]:
    """Keep the best-ranked copy of near-identical paragraphs; note the other outlets."""
    kept: list[tuple[Hit, set[str]]] = []
    for hit in hits:
        words = set(normalise_text(hit.text).split())
        twin = next((i for i, (k, w) in enumerate(kept) if k.article_id != hit.article_id
                     and _jaccard(words, w) >= DUPLICATE_JACCARD), None)
        if twin is None:
            kept.append((hit, words))
            continue
        first, w = kept[twin]
        extra = hit.source or hit.article_id
        also = first.also + ((extra,) if extra != first.source and extra not in first.also else ())
        kept[twin] = (replace(first, also=also, twins=first.twins + (hit.key,)), w)
    return [h for h, _ in kept]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
