"""Which kind of place a name is, for "which country / which state" questions.

spaCy's GPE label covers countries, states and cities alike, so "Hurricane Roslyn made landfall in
which country?" was answered with "near Santa Cruz in northern Nayarit state" (Nayarit is a GPE).
A question whose head noun is "country" or "state" is answered by a name of that kind: the ISO 3166
tables (pycountry; the actor index's country names) say which names are.
"""

from __future__ import annotations

import functools

from index.actors import is_country, name_key

# The head nouns of "which X" that name a kind of place with a table (qtype gives heads in the singular).
KINDS = {"country": "country", "nation": "country", "state": "state"}


def place_kind(head: str | None) -> str | None:
    """'country' or 'state' when the question asks for one ("which country…"), else None."""
    return KINDS.get(head or "")


def is_kind(kind: str, text: str) -> bool:
    """Whether `text` names a place of this kind ("Sri Lanka", "the U.S.", "Britain" are countries)."""
    if kind == "country":
        return is_country(text)
    return kind == "state" and name_key(text) in _states()


@functools.cache
def _states() -> frozenset[str]:
    """Every ISO 3166-2 subdivision of the United States, and every one of type State elsewhere."""
    import pycountry

    return frozenset(name_key(s.name) for s in pycountry.subdivisions
                     if s.country_code == "US" or s.type == "State")
