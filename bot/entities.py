"""Named entities of a text without the actor index: the record follow-ups and summaries share.

`heuristic_entities` splits capitalised runs into title words (roles) and a name and types them
by keywords; Q&A uses it when the actor index knows nothing, summaries when NER is off.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


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
