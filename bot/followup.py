"""Offline follow-up condensing: pronouns and descriptions resolve to the conversation's actors.

"and what did he demand?" after a question about Aydar becomes "and what did Selin Aydar
demand?". Entities come from an `EntityFinder` (the actor index when available, else a
capitalised-name heuristic) and are searched most-recent-first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.memory import Turn


@dataclass(frozen=True)
class Entity:
    """A named actor seen in the conversation; `roles` are lower-case title words."""

    name: str
    type: str  # person | org | place
    roles: tuple[str, ...] = ()
    gender: str | None = None  # 'm' / 'f' when known, so "she" skips a man mentioned later


EntityFinder = Callable[[str], list[Entity]]

TITLE_WORDS = frozenset(
    "president prime minister foreign defence defense finance secretary general gen. chancellor king queen "
    "prince sheikh leader spokesman spokeswoman spokesperson ambassador envoy mayor governor senator judge "
    "chief commander admiral colonel col. ceo chairman director premier vice deputy state interior "
    "justice mr. mrs. ms. dr. sir lord pope".split()
)
_ORG_WORDS = re.compile(r"\b(council|ministry|party|agency|union|organi[sz]ation|company|corp|inc|bank|army|navy|"
                        r"guard|court|committee|association|university|group|forces|government|parliament|"
                        r"nations|fund|commission)\b", re.IGNORECASE)
_PLACE_WORDS = re.compile(r"\b(republic|kingdom|city|island|islands|strait|sea|bridge|port|state)\b", re.IGNORECASE)
_NAME_RUN = re.compile(r"(?<![.!?]\s)\b([A-Z][\w’'.-]+(?:\s+(?:al-|bin |de |van |von )?[A-Z][\w’'-]+)*)")

MALE_PRONOUNS = {"he": "{}", "him": "{}", "his": "{}'s"}
FEMALE_PRONOUNS = {"she": "{}", "her": "{}", "hers": "{}'s"}
GROUP_PRONOUNS = {"they": "{}", "them": "{}", "their": "{}'s"}
_DESCRIPTION = re.compile(r"\bthe\s+((?:foreign |prime |defen[cs]e |vice |deputy )?(?:minister|president|general|"
                          r"secretary|chancellor|king|leader|envoy|mediator|spokesman|spokeswoman|ambassador|"
                          r"mayor|governor|ceo|commander|premier))\b", re.IGNORECASE)


def heuristic_entities(text: str) -> list[Entity]:
    """Capitalised runs split into title words (roles) and a name, typed by keywords."""
    out: list[Entity] = []
    for run in _NAME_RUN.findall(text):
        words = run.split()
        roles = []
        while words and words[0].lower() in TITLE_WORDS:
            roles.append(words.pop(0).lower())
        if not words or (len(words) == 1 and words[0].lower() in _COMMON_CAPITALISED):
            continue
        name = " ".join(words).removesuffix("'s").removesuffix("’s")
        kind = "org" if _ORG_WORDS.search(name) else "place" if _PLACE_WORDS.search(name) else (
            "person" if len(words) >= 2 or roles else "place")
        out.append(Entity(name, kind, tuple(roles)))
    return out


_COMMON_CAPITALISED = frozenset(
    "the a an and but what who whom whose when where why how which did does do is are was were will would "
    "can could should i in on at on for of to after before during monday tuesday wednesday thursday friday "
    "saturday sunday january february march april may june july august september october november december "
    "also then there this that these those it its".split()
)


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
    wanted = match.group(1).lower().split()
    for entity in recent:
        if entity.type == "person" and set(wanted[-1:]) <= set(entity.roles):
            return entity.name
    return match.group(0)


def _replace_pronouns(text: str, table: dict[str, str], entity: Entity | None) -> str:
    if entity is None:
        return text
    pattern = re.compile(r"\b(" + "|".join(table) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: table[m.group(1).lower()].format(entity.name), text)
