"""Stories: a window's articles grouped by event and ranked by how widely they are covered.

Two articles tell the same story when their lead vectors (stored paragraph embeddings, so
nothing is re-embedded), the actors they name and their key terms agree, or when ingest
linked them as near-duplicates (index/dedupe.py). Groups are merged by average linkage
while the mean similarity between them stays above LINK_THRESHOLD.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np

from bot.text import content_words, fold
from index.actors import directory
from index.articles import Article, Paragraph
from index.catalog import Catalog
from index.dedupe import duplicate_groups
from index.store import Index
from index.vectors import VectorStoreUnavailable

log = logging.getLogger(__name__)

LEAD_PARAGRAPHS = 6  # an article's vector is the mean of its first paragraphs, where wire copy puts the news
ACTOR_PARAGRAPHS = 10  # actors named further down are often background (or, on web pages, furniture)
TERM_PARAGRAPHS = 2  # key terms come from the title and the lead
UNTITLED_WORDS = 80  # an article whose title is furniture is embedded from this much of its lead
MAX_ARTICLES = 400  # clustering is quadratic; a larger window keeps its most recent articles
# Weights and threshold calibrated on examples/ and timeline17-dev (bench/briefing.py, see the issue note):
# the two day-1 talks articles score 0.61 and day 2's pair 0.71, while the storm story scores at most
# 0.25 against them; on timeline17 0.45 keeps a day's distinct events apart (Libya 2011-08-23: Tripoli
# compound vs oil vs diplomacy) while merging each event's wire updates.
W_VECTOR, W_ACTORS, W_TERMS = 0.6, 0.2, 0.2
LINK_THRESHOLD = 0.45
# An article this close to a story's centroid covers it even when it is told from another angle (and so
# clustered apart): on examples/ the talks and ceasefire articles score 0.7-0.9 against their story, the
# storm 0.2; on timeline17 a day's Egypt articles 0.6-0.8 against the protest story, widgets below 0.5.
COVERAGE_COSINE = 0.6


@dataclass(frozen=True)
class Doc:
    """One article of the window with what grouping needs."""

    article: Article
    date_ts: int
    vector: np.ndarray  # unit vector: the mean of its lead paragraphs' stored vectors
    terms: frozenset[str]
    actors: frozenset[str]  # actor ids (empty when actor extraction is off)
    lead: tuple[Paragraph, ...] = ()  # its first citable paragraphs, page furniture left out
    titled: bool = True  # False when the title is page furniture (shared by unrelated pages)

    @property
    def id(self) -> str:
        return self.article.id

    @property
    def source(self) -> str:
        return self.article.source or "unknown outlet"


@dataclass(frozen=True)
class StoryGroup:
    """Articles telling one story, most central first, with their centroid."""

    docs: tuple[Doc, ...]
    centroid: np.ndarray
    distinct: int  # articles counted once per near-duplicate group (syndicated copies count once)
    coverage: int = 0  # articles of the window close to the story, its own or not (a side-angle counts)

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(d.source for d in self.docs))

    @property
    def latest_ts(self) -> int:
        return max(d.date_ts for d in self.docs)

    @property
    def article_ids(self) -> list[str]:
        return [d.id for d in self.docs]


def window_docs(index: Index, since_ts: int | None, until_ts: int | None) -> list[Doc]:
    """The indexed articles dated in [since, until), each with its lead vector, key terms and actors."""
    catalog = index.catalog
    ids = catalog.article_ids_between(since_ts, until_ts)
    headers = catalog.headers(ids)
    pending = set(catalog.pending_ids())  # not yet in the vector store: an ingest is running or died
    ids = [i for i in ids if i in headers and i not in pending]
    ids = sorted(ids, key=lambda i: headers[i]["date_ts"])[-MAX_ARTICLES:]
    articles = catalog.articles(ids)
    furniture = furniture_titles(list(articles.values()))
    leads = {a.id: _lead(a, furniture) for a in articles.values()}
    vectors = _lead_vectors(index, {i: [p.number for p in lead] for i, lead in leads.items()
                                    if fold(articles[i].title) not in furniture})
    untitled = [a for a in articles.values() if fold(a.title) in furniture and leads[a.id]]
    if untitled:  # stored vectors carry the furniture title: embed these leads alone (a few texts a day)
        texts = [" ".join(" ".join(p.text for p in leads[a.id][:2]).split()[:UNTITLED_WORDS]) for a in untitled]
        fresh = index.embeddings.embed_documents(texts)
        vectors.update({a.id: _unit(np.asarray(v, dtype=np.float32)) for a, v in zip(untitled, fresh, strict=True)})
    actors = article_actors(catalog, ids)
    return [Doc(a, int(headers[a.id]["date_ts"]), vectors[a.id], _key_terms(a, leads[a.id], furniture),
                frozenset(actors.get(a.id, ())), leads[a.id], fold(a.title) not in furniture)
            for a in articles.values() if a.id in vectors]


def furniture_titles(articles: list[Article]) -> set[str]:
    """Folded titles worn by several pages with different text: a site's widget, not a headline.

    (Timeline17's CNN pages: 58 carry "2 men charged in death of Chicago teen ...".) Syndicated
    copies share a title too, but also their lead, so they are not furniture."""
    by_title: dict[str, set[str]] = {}
    for a in articles:
        title = fold(a.title).rstrip(".")
        body = " ".join(fold(p.text) for p in a.indexable[:LEAD_PARAGRAPHS] if fold(p.text).rstrip(".") != title)
        by_title.setdefault(fold(a.title), set()).add(body)
    return {title for title, bodies in by_title.items() if len(bodies) > 1}


def group_stories(catalog: Catalog, docs: list[Doc], threshold: float | None = None) -> list[StoryGroup]:
    """Stories of these articles, ranked by distinct outlets, then coverage (articles), then recency."""
    if not docs:
        return []
    duplicates = _duplicate_sets(catalog, [d.id for d in docs])
    sim = similarity_matrix(docs, duplicates)
    clusters = average_link(sim, threshold or LINK_THRESHOLD)
    groups = [_story([docs[i] for i in members], duplicates, docs) for members in clusters]
    return sorted(groups, key=lambda g: (len(g.sources), g.coverage, g.distinct, g.latest_ts), reverse=True)


def similarity_matrix(docs: list[Doc], duplicates: list[set[str]] | None = None) -> np.ndarray:
    """Pairwise story similarity: vectors, IDF-weighted shared actors and key terms; duplicates are 1."""
    vectors = np.stack([d.vector for d in docs])
    sim = W_VECTOR * np.clip(vectors @ vectors.T, 0.0, 1.0)
    sim += W_ACTORS * _weighted_overlap([d.actors for d in docs])
    sim += W_TERMS * _weighted_overlap([d.terms for d in docs])
    position = {d.id: i for i, d in enumerate(docs)}
    for group in duplicates or []:
        members = [position[a] for a in group if a in position]
        for i in members:
            sim[i, members] = 1.0
    return sim


def average_link(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Agglomerative clustering: merge the two closest groups while their mean similarity ≥ threshold."""
    n = len(sim)
    groups: dict[int, list[int]] = {i: [i] for i in range(n)}
    link = sim.astype(float).copy()
    np.fill_diagonal(link, -np.inf)
    while len(groups) > 1:
        a, b = (int(x) for x in np.unravel_index(np.argmax(link), link.shape))
        if link[a, b] < threshold:
            break
        size_a, size_b = len(groups[a]), len(groups[b])
        merged = (size_a * link[a] + size_b * link[b]) / (size_a + size_b)  # Lance–Williams, average linkage
        link[a], link[:, a] = merged, merged
        link[a, a] = -np.inf
        link[b], link[:, b] = -np.inf, -np.inf
        groups[a] += groups.pop(b)
    return [sorted(m) for m in groups.values()]


def article_actors(catalog: Catalog, article_ids: list[str]) -> dict[str, list[str]]:
    """Actor ids named in each article's first paragraphs, most mentioned first; {} without actor tables."""
    try:
        directory(catalog)  # resolves mentions to actors first if ingest left them dirty
        rows = []
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start:start + 500]
            with catalog.lock:
                rows += catalog.conn.execute(
                    "SELECT article_id, actor_id, COUNT(*) FROM mentions WHERE actor_id IS NOT NULL AND paragraph <= ?"
                    f" AND article_id IN ({','.join('?' * len(chunk))}) GROUP BY article_id, actor_id"
                    " ORDER BY COUNT(*) DESC", (ACTOR_PARAGRAPHS, *chunk)).fetchall()
    except Exception as exc:  # noqa: BLE001 - actors are a bonus: a missing or changing schema must not stop a briefing
        log.info("no actor mentions for briefing (%s)", exc)
        return {}
    out: dict[str, list[str]] = {}
    for article_id, actor_id, _ in rows:
        out.setdefault(article_id, []).append(actor_id)
    return out


def actor_names(catalog: Catalog, docs: tuple[Doc, ...], limit: int = 5) -> list[str]:
    """The story's key actors: named in the most of its articles (people and organisations first)."""
    counts = Counter(a for d in docs for a in d.actors)
    if not counts:
        return []
    try:
        actors = directory(catalog).actors
    except Exception:  # noqa: BLE001 - see article_actors
        return []
    ranked = sorted((a for a in counts if a in actors),
                    key=lambda a: (-counts[a], actors[a].type == "place", -actors[a].mentions))
    return [actors[a].name for a in ranked[:limit]]


def local_date(ts: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(ts, tz=UTC).astimezone(zone).date()


def _lead_vectors(index: Index, leads: dict[str, list[int]]) -> dict[str, np.ndarray]:
    """Unit mean vector of each article's lead paragraphs; paragraphs missing from the store are embedded."""
    keys = [(a, n) for a, numbers in leads.items() for n in numbers]
    try:
        stored = index.vectors.vectors(keys)
    except VectorStoreUnavailable:  # e.g. the Chroma server is down: embed the leads here instead
        stored = {}
    missing = [k for k in keys if k not in stored]
    if missing:  # e.g. a collection rebuilt by another process; cheap for a few paragraphs
        texts = index.catalog.paragraph_texts(missing)
        fresh = index.embeddings.embed_documents([texts.get(k, "") for k in missing])
        stored.update(zip(missing, fresh, strict=True))
    out = {}
    for article_id, numbers in leads.items():
        if numbers:
            out[article_id] = _unit(np.mean([np.asarray(stored[(article_id, n)], dtype=np.float32)
                                             for n in numbers], axis=0))
    return out


def _lead(article: Article, furniture: set[str]) -> tuple[Paragraph, ...]:
    if fold(article.title) not in furniture:
        return tuple(article.indexable[:LEAD_PARAGRAPHS])
    title = fold(article.title).rstrip(".")
    lead = (p for p in article.indexable if fold(p.text).rstrip(".") != title)
    return tuple(p for _, p in zip(range(LEAD_PARAGRAPHS), lead, strict=False))


def _key_terms(article: Article, lead: tuple[Paragraph, ...], furniture: set[str]) -> frozenset[str]:
    title = "" if fold(article.title) in furniture else article.title
    return frozenset(content_words(" ".join([title, *(p.text for p in lead[:TERM_PARAGRAPHS])])))


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)


def _weighted_overlap(sets: list[frozenset[str]]) -> np.ndarray:
    """IDF-weighted Jaccard between every pair of sets: what every article shares counts for little."""
    n = len(sets)
    df = Counter(x for s in sets for x in s)
    if not df:
        return np.zeros((n, n))
    column = {x: k for k, x in enumerate(df)}
    weight = np.array([math.log((n + 1) / (df[x] + 0.5)) for x in column])
    member = np.zeros((n, len(column)))
    for i, s in enumerate(sets):
        member[i, [column[x] for x in s]] = 1.0
    shared = (member * weight) @ member.T
    total = member @ weight
    union = total[:, None] + total[None, :] - shared
    out = np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)
    np.fill_diagonal(out, 0.0)
    return out


def _duplicate_sets(catalog: Catalog, article_ids: list[str]) -> list[set[str]]:
    try:
        return [g for g in duplicate_groups(catalog, article_ids) if len(g) > 1]
    except Exception as exc:  # noqa: BLE001 - duplicate links are optional (older catalogs have none)
        log.info("no duplicate links for briefing (%s)", exc)
        return []


def _story(docs: list[Doc], duplicates: list[set[str]], window: list[Doc]) -> StoryGroup:
    centroid = _unit(np.mean([d.vector for d in docs], axis=0))
    ordered = tuple(sorted(docs, key=lambda d: -float(d.vector @ centroid)))
    ids = {d.id for d in docs}
    copies = sum(len(g & ids) - 1 for g in duplicates if len(g & ids) > 1)
    coverage = sum(float(d.vector @ centroid) >= COVERAGE_COSINE for d in window)
    return StoryGroup(ordered, centroid, len(docs) - copies, max(coverage, len(docs) - copies))
