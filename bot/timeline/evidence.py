"""The evidence a timeline is chosen from: the matching articles of a window and their candidate sentences,
each with the day its event happened, its paragraph's relevance and where it stands in the article.

Nothing is embedded here: topic relevance comes from the paragraph vectors stored at ingest, so a
window of hundreds of articles costs one vector fetch. Sentence boundaries come from the ingest-time
NLP pass when stored, fetched in one query (bot.spans.Splitter; the rules split a paragraph without).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.spans import Splitter
from bot.standalone import sentence_shaped, strip_dateline
from bot.timeline.dates import event_date
from bot.timeline.scope import MATCH_PARAGRAPHS, TOPIC_THRESHOLD, Scope, actor_spans, paragraph_relevance
from index.articles import Article
from index.dedupe import duplicate_groups
from index.search import Hit
from index.store import Index

MIN_OWN_WORDS = 5  # a sentence that is all quotation ("Now we have to…") says what happened only with its context
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
DEPTH = 10  # paragraphs of a topic article read for sentences and day references: wire copy puts the news first


@dataclass(frozen=True)
class Candidate:
    """A sentence that could tell a day's development, with the paragraph it cites."""

    text: str
    hit: Hit
    day: date  # when its event happened
    explicit: bool  # the sentence named that day itself ("on Saturday")
    published: date
    relevance: float  # its paragraph's closeness to the topic (1.0 for a sentence naming the followed actor)
    position: int  # paragraph position among the article's citable paragraphs (0 = lead)
    index: int  # sentence index in its paragraph
    story: int  # near-duplicate group: syndicated copies share one

    @property
    def prior(self) -> float:
        """1 for an article's first sentence, falling with depth: wire copy puts the news first."""
        return 1.0 / (1.0 + self.position + self.index)


@dataclass(frozen=True)
class Evidence:
    """Matching articles (id -> published day and story group) and their candidate sentences."""

    articles: dict[str, tuple[date, int, str]]  # id -> (published day, story group, outlet)
    candidates: list[Candidate]


def gather(index: Index, scope: Scope, since_ts: int | None, until_ts: int | None, zone: ZoneInfo,
           article_ids: Iterable[str] | None = None, threshold: float = TOPIC_THRESHOLD) -> Evidence:
    """The window's (or the given articles') matching articles and candidate sentences for `scope`."""
    catalog = index.catalog
    pending = set(catalog.pending_ids())  # not yet in the vector store: an ingest is running or died
    ids = list(article_ids) if article_ids is not None else catalog.article_ids_between(since_ts, until_ts)
    ids = [i for i in dict.fromkeys(ids) if i not in pending]
    spans: dict[tuple[str, int], list[tuple[int, int]]] = {}
    if scope.actor is not None:
        spans = actor_spans(catalog, scope.actor.id, ids)
        ids = [i for i in ids if i in {a for a, _ in spans}]
    articles = catalog.articles(ids)
    headers = catalog.headers(ids)
    days = {i: _local_day(int(headers[i]["date_ts"]), zone) for i in articles if i in headers}
    if scope.actor is not None:
        matched, relevance = list(days), {k: 1.0 for k in spans}
    else:
        keys = [(a.id, p.number) for a in articles.values() if a.id in days for p in a.indexable[:DEPTH]]
        relevance = paragraph_relevance(index, scope, keys)
        matched = [i for i in days if _article_relevance(articles[i], relevance) >= threshold]
    stories = _story_of(index, matched)
    depth = DEPTH if scope.actor is None else None
    read = [(article, position, paragraph) for article in (articles[i] for i in matched)
            for position, paragraph in enumerate(article.indexable[:depth])
            if (article.id, paragraph.number) in relevance]
    splitter = Splitter.fetch(catalog, [(a.id, p.number) for a, _, p in read])
    out: list[Candidate] = []
    for article, position, paragraph in read:
        key = (article.id, paragraph.number)
        hit = Hit(article.id, article.title, article.url, article.source, article.published, paragraph.number,
                  paragraph.text, relevance[key])
        within = spans.get(key) if scope.actor is not None else None
        out += _sentences(hit, splitter, days[article.id], position, stories[article.id], within)
    return Evidence({i: (days[i], stories[i], articles[i].source or "unknown outlet") for i in matched}, out)


def _article_relevance(article: Article, relevance: dict[tuple[str, int], float]) -> float:
    scores = [relevance[(article.id, p.number)] for p in article.indexable[:MATCH_PARAGRAPHS]
              if (article.id, p.number) in relevance]
    return max(scores, default=0.0)


def _sentences(hit: Hit, splitter: Splitter, published: date, position: int, story: int,
               spans: list[tuple[int, int]] | None) -> list[Candidate]:
    """The paragraph's sentences fit to stand alone (for an actor: those naming them), dated."""
    out = []
    for sentence in splitter.sentences(hit.key, hit.text, typed=False):
        i, start, end = sentence.index, sentence.start, sentence.end
        if spans is not None and not any(start <= s and e <= end for s, e in spans):
            continue
        text = strip_dateline(sentence.text)
        if not sentence_shaped(text) or len(_QUOTED.sub("", text).split()) < MIN_OWN_WORDS:
            continue
        when = event_date(text, published)
        out.append(Candidate(text, hit, when.day, when.explicit, published, hit.score, position, i, story))
    return out


def _story_of(index: Index, article_ids: list[str]) -> dict[str, int]:
    """Article id -> number of its near-duplicate group (each article its own when links are missing)."""
    try:
        groups = duplicate_groups(index.catalog, article_ids)
    except Exception:  # noqa: BLE001 - older catalogs have no duplicate links
        groups = [{i} for i in article_ids]
    return {a: n for n, group in enumerate(groups) for a in group}


def _local_day(ts: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(ts, tz=UTC).astimezone(zone).date()
