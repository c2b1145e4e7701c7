"""Whether two names in a claim and its source mean the same actor.

Through the actor index when a catalog is given (any alias, a role such as "the Turkish foreign
minister", a demonym such as "Valdorian"); by spelling otherwise, or when the index knows only one of
the two: the same words, one name inside the other ("Blinken" / "Antony Blinken"), or a nationality
and its country ("Turkish" / "Turkey").
"""

from __future__ import annotations

import re

from bot.meaning.clauses import Name
from bot.text import fold
from index.actors import country_for_demonym, demonym_candidates, resolve_name

_POSSESSIVE = re.compile(r"\s*['’]s?$")


class NameMatcher:
    """Compares names, resolving each through the actor index once."""

    def __init__(self, catalog=None) -> None:
        self.catalog = catalog
        self._ids: dict[str, frozenset[str]] = {}

    def same(self, a: Name, b: Name) -> bool:
        """One actor (and, when both say, on the same side: 'pro-Israel' is not 'anti-Israel')."""
        if a.stance and b.stance and a.stance != b.stance:
            return False
        ids_a, ids_b = self.ids(a.text), self.ids(b.text)
        if ids_a and ids_b:
            return bool(ids_a & ids_b)
        return same_spelling(a.text, b.text)

    def ids(self, name: str) -> frozenset[str]:
        """The actor ids a name may denote (several when it is ambiguous, none when unknown)."""
        if self.catalog is None:
            return frozenset()
        if name not in self._ids:
            resolution = resolve_name(self.catalog, name)
            found = [resolution.actor] if resolution.actor else list(resolution.candidates)
            self._ids[name] = frozenset(a.id for a in found)
        return self._ids[name]


def same_spelling(a: str, b: str) -> bool:
    """The same name by its words: equal, one inside the other, or a nationality and its country."""
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    if set(wa) <= set(wb) or set(wb) <= set(wa):
        return True
    return bool(_countries(wa) & (_countries(wb) | {" ".join(wb)}) or _countries(wb) & {" ".join(wa)})


def _words(name: str) -> tuple[str, ...]:
    folded = _POSSESSIVE.sub("", fold(name))
    words = re.findall(r"[\w-]+", folded)
    return tuple(words[1:] if words[:1] == ["the"] else words)


def _countries(words: tuple[str, ...]) -> set[str]:
    if len(words) != 1:
        return set()
    known = country_for_demonym(words[0])
    return {fold(known)} if known else {fold(c) for c in demonym_candidates(words[0])}
