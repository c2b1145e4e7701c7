"""Roles: the title written before a person's name, read from spaCy's tokens, and what a role may hold.

A role ends in a title head ("minister", "leader"); forms of address ("Dr.", "Ayatollah", "Sheikh",
"Sir") belong to the name as written, so 'Iran's supreme leader, Ayatollah Ali Khamenei' has the role
"Iran's supreme leader" and 'WHO Director-General Dr. Tedros' has "WHO Director-General".
"""

from __future__ import annotations

import re

from index.actors.aliases import is_title_word
from index.actors.tables import FAMILY_GENDER, HONORIFICS, NAME_PREFIXES

OPENERS = frozenset({"GPE", "NORP", "ORG"})  # an entity that may open a title: "Turkish", "U.S.", "NATO"
STOP = frozenset("the a an and but or then when as after before while if in on at by for with from to of that "
                 "this said says told according meanwhile also however since under during".split())
MAX_ROLE_TOKENS = 8


def clean_role(role: str | None) -> str | None:
    """The role without forms of address, ending in a title head: 'Director-General Dr.' -> 'Director-General'."""
    if not role:
        return None
    words = [w for w in role.split() if w.lower().strip(",") not in NAME_PREFIXES]
    if not any(is_title_word(re.sub(r"[,;:]$", "", w), head_only=True) for w in words):
        return None
    return " ".join(words).strip(" ,") or None


def sentence_start(doc, i: int) -> bool:
    return i == 0 or doc[i - 1].text in {".", "!", "?", '"', "“", "”", ":", "-", "--", "—", "(", "\n"}


def role_before(doc, start: int, common: set[str]) -> tuple[str | None, int]:
    """The title written right before a name ('Turkish Foreign Minister', 'U.S. Secretary of State')."""
    end = start - 1
    while end >= 0 and doc[end].lower_ in NAME_PREFIXES:  # "Director-General Dr. Tedros": Dr. is the name's
        end -= 1
    if end >= 1 and doc[end].text == "," and is_title_word(doc[end - 1].text, head_only=True):
        end -= 1  # apposition: "The NMC's secretary-general, Amara Quell"
    head = _title_head(doc, end)
    if head is None:
        return None, start
    first, j = head, head - 1
    while j >= 0:
        tok = doc[j]
        if tok.ent_type_ in OPENERS:
            first = _ent_start(doc, j)
            break
        if tok.text in ("'s", "’s") and j >= 1 and doc[j - 1].ent_type_ in OPENERS:
            first = _ent_start(doc, j - 1)
            break
        # Other capitalised words may belong to a title ("Opposition leader"), but not words the article also
        # writes in lower case or a sentence's first word ("Dear President", "So President Mubarak").
        plain = tok.is_title and tok.lower_ not in common and not sentence_start(doc, j)
        if tok.ent_type_ or tok.lower_ in STOP or not (is_title_word(tok.text) or tok.text == "-" or plain):
            break
        first, j = j, j - 1
    while first < head and (doc[first].lower_ in STOP or doc[first].text == "-"):
        first += 1
    if len(doc[first:end + 1]) > MAX_ROLE_TOKENS:
        return None, start
    return clean_role(doc[first:end + 1].text.strip(" ,")), first


def _title_head(doc, end: int) -> int | None:
    """Index of the title's head word ending at `end`, also across 'of': 'Secretary of State'."""
    if end < 0 or doc[end].ent_type_ == "PERSON":
        return None
    if is_title_word(doc[end].text, head_only=True) and doc[end].text.lower() not in HONORIFICS:
        return end
    for gap in (1, 2):  # "Minister of Defence", "Minister of Foreign Affairs"
        of = end - gap
        if of >= 1 and doc[of].lower_ == "of" and all(t.is_title for t in doc[of + 1:end + 1]) \
                and is_title_word(doc[of - 1].text, head_only=True):
            return of - 1
    return None


def _ent_start(doc, i: int) -> int:
    while i > 0 and doc[i].ent_iob_ == "I":
        i -= 1
    return i


def gender_before(doc, first: int) -> str | None:
    """'Mrs. Aydar' -> 'f', 'His son, General Tomas Voss' -> 'm': a word right before the name or title."""
    i = first - 1
    if i >= 0 and doc[i].lower_ in HONORIFICS:
        return HONORIFICS[doc[i].lower_]
    if i >= 0 and doc[i].text == ",":
        i -= 1
    return FAMILY_GENDER.get(doc[i].lower_) if i >= 0 else None
