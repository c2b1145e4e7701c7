"""Relations between events and quantities in one parsed sentence: which event came first ("before",
"after", "since", "until") and which comparative qualifies what ("more inflow", "over 9,700").
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.meaning.lexicon import AFTER, ANTONYMS, BEFORE, CONTENT_POS, FUNCTION_LEMMAS


@dataclass(frozen=True)
class Order:
    """'earlier' happened before 'later' (content lemmas of each event), as the marker word says."""

    earlier: frozenset[str]
    later: frozenset[str]
    marker: str


@dataclass(frozen=True)
class Comparative:
    """A comparative word and what it qualifies ("more" -> "inflow", "over" -> "9,700")."""

    word: str
    anchor: str


def orders(doc, names: dict):
    """The before/after relations of the sentence's events (content lemmas of each side)."""
    for t in doc:
        lemma = t.lower_
        if lemma not in BEFORE | AFTER:
            continue
        if lemma in ("prior", "ahead"):
            nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
            if nxt is None or nxt.lower_ not in ("to", "of"):
                continue
        if t.dep_ == "mark":
            event, governor = t.head, t.head.head
        elif t.dep_ in ("prep", "advmod") and t.head.pos_ in ("VERB", "AUX", "NOUN"):
            event, governor = t, t.head
        else:
            continue
        if governor.i == event.i:
            continue
        event_words = _words(event.subtree, names) - {lemma}
        governor_words = _words((x for x in governor.subtree if x.i not in {e.i for e in event.subtree}), names)
        if event_words and governor_words:
            later, earlier = (event_words, governor_words) if lemma in BEFORE else (governor_words, event_words)
            yield Order(frozenset(earlier), frozenset(later), t.text)


def _words(tokens, names: dict) -> set[str]:
    """Content lemmas, names included (they tell the events apart), lower-cased."""
    return {t.lemma_.lower() for t in tokens if (t.pos_ in CONTENT_POS and not t.is_stop
                                                 and t.lemma_.lower() not in FUNCTION_LEMMAS)}


def comparatives(doc):
    """The comparatives of the sentence with the word or number each qualifies."""
    for t in doc:
        word = t.lower_
        if word not in ANTONYMS and t.lemma_.lower() not in ANTONYMS:
            continue
        word = word if word in ANTONYMS else t.lemma_.lower()
        head = t.head
        if head.i == t.i:
            continue
        if head.lower_ == "than" or (head.pos_ == "ADP" and head.head.i != head.i):
            head = head.head
        anchor = head.text.lower() if head.pos_ == "NUM" else head.lemma_.lower()
        yield Comparative(word, anchor)
