"""The key actors of one article: from the actor index when the article is indexed, else found on the spot.

Indexed articles use the resolved actors (canonical names, aliases merged). An article read only for a
summary is extracted and resolved the same way in a throwaway in-memory catalog; when actor extraction
is off or unavailable, the capitalised-name heuristic of bot.entities stands in.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import Counter
from dataclasses import replace
from pathlib import Path

from bot.context import Context
from bot.entities import heuristic_entities
from index.actors import directory, resolve_actors, store_mentions
from index.articles import Article
from index.catalog import Catalog

log = logging.getLogger(__name__)
MAX_ACTORS = 8
PERSON_WEIGHT = 3
MAX_PARAGRAPHS = 150  # NER over a very long article costs seconds; its actors show up early anyway


def key_actors(ctx: Context, article: Article, indexed: bool) -> list[str]:
    """Up to MAX_ACTORS names, people weighted above places and organisations (ties: first mentioned first)."""
    if indexed:
        found = _indexed(ctx.index.catalog, article.id)
        if found:
            return found
    if ctx.settings.extract_actors:
        try:
            return _extracted(article)
        except Exception as exc:  # noqa: BLE001 - a missing or broken NER model must not cost the summary
            log.info("actor extraction unavailable (%s); using the name heuristic", exc)
    return _heuristic(article)


def _indexed(catalog: Catalog, article_id: str) -> list[str]:
    try:
        actors = {a.id: (a.name, a.type) for a in directory(catalog).actors.values()}
        return _ranked(catalog, article_id, actors)
    except sqlite3.Error as exc:
        log.info("no actor index to read (%s)", exc)
        return []


def _extracted(article: Article) -> list[str]:
    """An article read only for a summary is resolved as ingest would resolve it, in a throwaway catalog:
    its surnames join the full names it gives, whatever type spaCy guessed, and tables type its places."""
    head = replace(article, paragraphs=tuple(article.indexable[:MAX_PARAGRAPHS]))
    catalog = Catalog(Path(":memory:"))
    try:
        catalog.add_pending(head)
        store_mentions(catalog, [head])
        resolve_actors(catalog)
        with catalog.lock:
            rows = catalog.conn.execute("SELECT id, name, type FROM actors").fetchall()
        return _ranked(catalog, head.id, {r[0]: (r[1], r[2]) for r in rows})
    finally:
        catalog.close()


def _ranked(catalog: Catalog, article_id: str, actors: dict[str, tuple[str, str]]) -> list[str]:
    with catalog.lock:
        rows = catalog.conn.execute(
            "SELECT actor_id, COUNT(*) AS n, MIN(paragraph * 100000 + start) AS first FROM mentions"
            " WHERE article_id=? AND actor_id IS NOT NULL GROUP BY actor_id", (article_id,)).fetchall()
    found = [(actors[r[0]], r[1] * _weight(actors[r[0]][1]), r[2]) for r in rows if r[0] in actors]
    found.sort(key=lambda t: (-t[1], t[2]))
    return [name for (name, _), _, _ in found][:MAX_ACTORS]


def _weight(kind: str) -> int:
    """People are who a summary's reader asks about: a person named twice outranks a place named five times."""
    return PERSON_WEIGHT if kind == "person" else 1


def _heuristic(article: Article) -> list[str]:
    found = [(e.name, e.type) for p in article.indexable[:MAX_PARAGRAPHS] for e in heuristic_entities(p.text)]
    names = rank_names(found)
    # The heuristic also catches sentence-initial words and one-off capitals: keep names seen twice or more.
    counts = Counter(name for name, _ in found)
    return [n for n in names if counts[n] > 1 or len(n.split()) > 1][:MAX_ACTORS]


def rank_names(mentions: list[tuple[str, str]]) -> list[str]:
    """Names by mention count, a lone surname counting for the full name of the person it ends."""
    people = [n for n, kind in mentions if kind == "person" and len(n.split()) > 1]
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i, (name, kind) in enumerate(mentions):
        if kind == "person" and len(name.split()) == 1:
            name = next((full for full in people if full.split()[-1] == name), name)
        counts[name] += _weight(kind)
        first.setdefault(name, i)
    return sorted(counts, key=lambda n: (-counts[n], first[n]))
