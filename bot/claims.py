"""Whether two sentences state the same claim: what briefings, timelines and alerts use to say a thing once
and to leave out what a recipient was already told.
"""

from __future__ import annotations

from bot.text import content_words, numbers

# Two sentences state one claim when (MiniLM cosine, content-word overlap) say so. On examples/ the
# same fact told by two outlets scores 0.53-0.73 cosine (the day-2 leads 0.73, the "40 sailors" pair
# 0.53 with the number shared), while different facts of one story reach 0.54 (two Aydar quotes).
# Within a briefing the loose rule applies (say it once). Against what was delivered only the strict
# one does: day 2's "negotiators signed a 72-hour ceasefire" is 0.79 from day 1's "Aidar urged them to
# accept a 72-hour ceasefire" and shares 44% of its words, yet it is the news. So a delivered claim is
# repeated only near-verbatim: cosine >= 0.9, or 80% of the new sentence's content words already said.
SAME_COSINE = 0.7
RELATED_COSINE = 0.5  # ... and above this, shared numbers or many shared words make it the same claim
SHARED_WORDS = 0.3
REPEAT_COSINE = 0.9
REPEAT_CONTAINED = 0.8


def same_claim(a: str, b: str, cosine: float, strict: bool = False) -> bool:
    """Do two sentences (with the cosine of their embeddings) state the same claim? Strict: does `a` repeat `b`?"""
    if strict:
        words = content_words(a)
        contained = len(words & content_words(b)) / len(words) if words else 1.0
        return cosine >= REPEAT_COSINE or contained >= REPEAT_CONTAINED
    if cosine >= SAME_COSINE:
        return True
    return cosine >= RELATED_COSINE and (overlap(content_words(a), content_words(b)) >= SHARED_WORDS
                                         or bool(numbers(a) & numbers(b)))


def overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller word set found in the other (a reworded claim keeps most of its words)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0
