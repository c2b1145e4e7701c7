"""Actor-aware Q&A: the actor index as the follow-up resolver's entity finder and as a retrieval boost."""

from __future__ import annotations

from bot.entities import Entity, EntityFinder, heuristic_entities
from index.actors import actors_in_text, boost_keys
from index.catalog import Catalog


def entity_finder(catalog: Catalog) -> EntityFinder:
    """Entities of a text from the actor index (aliases, roles, gender); the name heuristic when it knows none."""

    def find(text: str) -> list[Entity]:
        try:
            actors = actors_in_text(catalog, text)
        except Exception:  # noqa: BLE001 - no actor tables yet (e.g. extraction off): fall back
            actors = []
        if not actors:
            return heuristic_entities(text)
        return [Entity(a.name, a.type, tuple(w.lower() for w in a.title_words), a.gender) for a in actors]

    return find


def paragraph_boost(catalog: Catalog):
    """A callable giving the paragraphs that name the question's actors (any alias), for retrieval."""

    def boost(question: str) -> set[tuple[str, int]]:
        try:
            return boost_keys(catalog, question)
        except Exception:  # noqa: BLE001 - no actor tables: no boost
            return set()

    return boost
