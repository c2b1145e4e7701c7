"""What a timeline or a follow is about: an actor (any alias, resolved through the actor index) or a topic
(the query's meaning, compared with each article's opening paragraphs), and which articles match it.

A query that names an actor and nothing else ("Fidan", "Qaddafi", "the US Secretary of State") follows the
actor: an article matches when a stored mention of them falls in it. Anything else ("Egypt protests") is a
topic: an article matches when one of its first paragraphs is at least TOPIC_THRESHOLD close to the query.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz

from bot.entities import TITLE_WORDS
from bot.text import fold
from index.actors import Actor, directory, resolve_name, suggest
from index.catalog import Catalog
from index.search import search
from index.store import Index

log = logging.getLogger(__name__)

SPELLING_RATIO = 75  # a query word this close to a word of the actor's names is a spelling of it ("Mubarek")
_NAME_WORDS = frozenset(("the", "of", "a", "an", "mr", "mrs", "ms", "dr", *TITLE_WORDS))
MATCH_PARAGRAPHS = 6  # an article is about a topic when its opening says so; later paragraphs are background
# Cosine between the query's embedding and the closest of an article's first paragraphs (stored vectors,
# embedded with the title). Fitted by bench/follow_calibration.py (F0.5) on 14 labelled topic queries over
# rtqa-dev and timeline17-dev, 10,490 judged pairs; cross-validated by query, the held-out precision is 0.885
# pooled (0.67 averaged over the 12 rtqa-dev queries), recall 0.67. 0.45 had been guessed first.
TOPIC_THRESHOLD = 0.43


@dataclass(frozen=True)
class Scope:
    """A resolved query: an actor, or a topic with its query vector."""

    query: str
    actor: Actor | None = None
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        return self.actor.name if self.actor else self.query

    def to_json(self) -> dict | None:
        return self.actor.to_json() if self.actor else None


def resolve_scope(index: Index, query: str) -> Scope:
    """The actor the query names on its own, else the query as a topic."""
    query = " ".join(query.split())
    actor = named_actor(index.catalog, query)
    if actor is not None:
        return Scope(query, actor)
    return Scope(query, None, np.asarray(index.embeddings.embed_query(query), dtype=np.float32))


def named_actor(catalog: Catalog, query: str) -> Actor | None:
    """The one actor the whole query names (an alias, a misspelling of one, a role); None for a topic."""
    try:
        resolution = resolve_name(catalog, query)
        if resolution.actor is None:
            return None
        # "prisoner exchange at Halden Bridge" names the place but is a topic: the actor must be all of it.
        return resolution.actor if not _beyond_the_name(query, resolution.actor) else None
    except Exception as exc:  # noqa: BLE001 - no actor tables (extraction off): every query is a topic
        log.info("actor lookup unavailable (%s)", exc)
        return None


def _beyond_the_name(query: str, actor: Actor) -> bool:
    """Does the query say more than the actor's name (a misspelling of it, a title, "the")?"""
    named = {w for alias in (actor.name, *actor.aliases, *actor.roles) for w in fold(alias).split()}
    extra = [w for w in re.findall(r"[\w'’-]+", fold(query)) if w not in named and w not in _NAME_WORDS]
    return any(max((fuzz.ratio(w, n) for n in named), default=0) < SPELLING_RATIO for w in extra)


def ambiguous_names(catalog: Catalog, query: str) -> list[str]:
    """The actors a query could mean when it names one but not which ("Voss": Marek or Tomas); else []."""
    try:
        resolution = resolve_name(catalog, query)
    except Exception:  # noqa: BLE001 - see named_actor
        return []
    return [a.name for a in resolution.candidates] if resolution.ambiguous else []


def paragraph_relevance(index: Index, scope: Scope, keys: list[tuple[str, int]]) -> dict[tuple[str, int], float]:
    """Cosine of each paragraph's stored vector with the topic (paragraphs missing from the store are embedded)."""
    if scope.vector is None or not keys:
        return {}
    stored = index.vectors.vectors(keys)
    missing = [k for k in keys if k not in stored]
    if missing:  # e.g. a collection rebuilt by another process; cheap for a few paragraphs
        texts = index.catalog.paragraph_texts(missing)
        stored.update(zip(missing, index.embeddings.embed_documents([texts.get(k, "") for k in missing]),
                          strict=True))
    matrix = np.asarray([stored[k] for k in keys], dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1) * max(float(np.linalg.norm(scope.vector)), 1e-12)
    scores = matrix @ scope.vector / np.maximum(norms, 1e-12)
    return {k: float(s) for k, s in zip(keys, scores, strict=True)}


def actor_spans(catalog: Catalog, actor_id: str, article_ids: list[str] | None = None,
                ) -> dict[tuple[str, int], list[tuple[int, int]]]:
    """(article, paragraph) -> character spans of the actor's stored mentions (any alias)."""
    directory(catalog)  # resolves pending mentions first
    out: dict[tuple[str, int], list[tuple[int, int]]] = {}
    with catalog.lock:
        rows = catalog.conn.execute("SELECT article_id, paragraph, start, end FROM mentions WHERE actor_id=?",
                                    (actor_id,)).fetchall()
    wanted = set(article_ids) if article_ids is not None else None
    for article_id, paragraph, start, end in rows:
        if wanted is None or article_id in wanted:
            out.setdefault((article_id, paragraph), []).append((start, end))
    return out


def closest(index: Index, query: str, limit: int = 5) -> tuple[list[str], list[str]]:
    """For a query nothing matched: the closest actors' names and the headlines of the closest articles."""
    actors: list[str] = []
    try:
        actors = suggest(index.catalog, query, limit=limit)
    except Exception as exc:  # noqa: BLE001 - see named_actor
        log.info("no actor suggestions (%s)", exc)
    headlines: list[str] = []
    for hit in search(index, query, k=limit * 2):
        if hit.title not in headlines:
            headlines.append(hit.title)
    return actors, headlines[:limit]
