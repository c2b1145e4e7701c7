"""Offline follow-up condensing: pronouns and descriptions resolve to the conversation's actors.

"and what did he demand?" after a question about Aydar becomes "and what did Selin Aydar
demand?". Entities come from an `EntityFinder` (the actor index when available, else a
capitalised-name heuristic) and are searched most-recent-first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.entities import Entity, EntityFinder, heuristic_entities
from bot.qa.memory import Turn

MALE_PRONOUNS = {"he": "{}", "him": "{}", "his": "{}'s"}
FEMALE_PRONOUNS = {"she": "{}", "her": "{}", "hers": "{}'s"}
GROUP_PRONOUNS = {"they": "{}", "them": "{}", "their": "{}'s"}
_DESCRIPTION = re.compile(r"\bthe\s+((?:[A-Z][a-z]+(?:an|ish|ese|i|ic)\s+)?(?:foreign |prime |defen[cs]e |vice |"
                          r"deputy )?(?:minister|president|general|secretary|chancellor|king|leader|envoy|mediator|"
                          r"spokesman|spokeswoman|ambassador|mayor|governor|ceo|commander|premier))\b",
                          re.IGNORECASE)


def condense(question: str, history: Sequence[Turn], find: EntityFinder = heuristic_entities) -> str:
    """Replace pronouns and role descriptions with the most recent matching entity's name."""
    if not history:
        return question
    recent = _recent_entities(history, find)
    rewritten = _DESCRIPTION.sub(lambda m: _by_role(m, recent), question)
    for pronouns, gender in ((MALE_PRONOUNS, "m"), (FEMALE_PRONOUNS, "f")):
        person = next((e for e in recent if e.type == "person" and e.gender in (gender, None)), None)
        rewritten = _replace_pronouns(rewritten, pronouns, person)
    group = next((e for e in recent if e.type in ("org", "place")), None)
    return _replace_pronouns(rewritten, GROUP_PRONOUNS, group)


def _recent_entities(history: Sequence[Turn], find: EntityFinder) -> list[Entity]:
    """Entities of the conversation, most recent turn first; within a turn, the question's first."""
    seen: dict[str, Entity] = {}
    for turn in reversed(history):
        for entity in [*find(turn.standalone), *find(turn.answer)]:
            seen.setdefault(entity.name.lower(), entity)
        for name, kind in turn.entities:
            seen.setdefault(name.lower(), Entity(name, kind))
    return list(seen.values())


def _by_role(match: re.Match, recent: list[Entity]) -> str:
    """'the Turkish minister' -> the most recent person whose roles hold 'minister' and, when one is said,
    the nationality ('turkish'); the head word alone when no one has both."""
    wanted = match.group(1).lower().split()
    people = [e for e in recent if e.type == "person"]
    for needed in (set(w for w in wanted if w not in _PLAIN), set(wanted[-1:])):
        for entity in people:
            if needed <= set(entity.roles):
                return entity.name
    return match.group(0)


_PLAIN = frozenset("foreign prime defence defense vice deputy".split())


def _replace_pronouns(text: str, table: dict[str, str], entity: Entity | None) -> str:
    if entity is None:
        return text
    pattern = re.compile(r"\b(" + "|".join(table) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: table[m.group(1).lower()].format(entity.name), text)
