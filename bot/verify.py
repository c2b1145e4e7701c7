"""The verifier every engine's output goes through before anything is shown.

A marker that points at no paragraph in the context is dropped; a sentence left without
a valid marker, with a quotation that is not verbatim in what it cites, with a number or
name its sources do not contain, or whose content its sources do not cover, is cut; so is
a reworded one that misreports who did what (bot.meaning). A short answer must be a few words
found verbatim both in a kept sentence citing its marker and in the paragraph it cites, or it is cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from bot.citations import Citation
from bot.meaning import Evidence, meaning_reason, prefetch
from bot.text import content_words, fold, names, numbers, quotations
from index.search import Hit

# Calibrated on rtqa-dev (bench/calibrate_verifier.py): a sentence against its own source
# paragraph vs against an unrelated retrieved paragraph. See the issue note for figures.
MIN_COVERAGE = 0.5  # share of the sentence's content words found in the cited paragraphs
STRONG_COVERAGE = 0.8  # coverage that needs no semantic check
MIN_SIMILARITY = 0.45  # cosine similarity between sentence and best cited paragraph


@dataclass(frozen=True)
class DraftSentence:
    """An engine's claim: text plus the context numbers (1-based) it cites."""

    text: str
    markers: tuple[int, ...]


@dataclass(frozen=True)
class ShortAnswer:
    """The phrase that answers a factoid question ("nearly three hours") and the context number it cites."""

    text: str
    marker: int

    def to_json(self) -> dict:
        return {"text": self.text, "marker": self.marker}


MAX_SHORT_WORDS = 12


@dataclass
class Verified:
    """Sentences that survived, their citations renumbered [1..m], and what was cut and why."""

    sentences: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    cut: list[dict] = field(default_factory=list)
    short: ShortAnswer | None = None  # its marker renumbered like the sentences'

    @property
    def empty(self) -> bool:
        return not self.sentences

    def text(self) -> str:
        """The answer with its markers, e.g. 'Talks opened in Sørhavn [1].'"""
        return " ".join(_with_markers(s, m) for s, m in self.sentences)


def verify(drafts: list[DraftSentence], context: list[Hit], embeddings=None, actors=None,
           short: ShortAnswer | None = None) -> Verified:
    """Check each draft sentence (and the short answer) against what it cites; renumber surviving citations.

    `actors` (the index's catalog) lets the meaning check resolve names through the actor index."""
    result = Verified()
    renumber: dict[int, int] = {}
    actors = Evidence.of(actors, context)
    prefetch([(d.text, [context[m - 1].text for m in d.markers if 1 <= m <= len(context)]) for d in drafts], actors)
    for draft in drafts:
        valid = tuple(dict.fromkeys(m for m in draft.markers if 1 <= m <= len(context)))
        invalid = [m for m in draft.markers if m not in valid]
        if invalid:
            result.cut.append({"kind": "marker", "text": draft.text, "markers": invalid,
                               "reason": f"cites [{', '.join(map(str, invalid))}] but only 1-{len(context)} exist"})
        if not valid:
            result.cut.append({"kind": "sentence", "text": draft.text, "reason": "no valid citation"})
            continue
        reason = unsupported_reason(draft.text, [context[m - 1].text for m in valid], embeddings, actors)
        if reason:
            result.cut.append({"kind": "sentence", "text": draft.text, "reason": reason})
            continue
        for m in valid:
            renumber.setdefault(m, len(renumber) + 1)
        result.sentences.append((draft.text.strip(), tuple(renumber[m] for m in valid)))
    result.citations = [Citation.from_hit(new, context[old - 1]) for old, new in renumber.items()]
    if short is not None:
        reason = short_answer_reason(short, result.sentences, renumber, context)
        if reason:
            result.cut.append({"kind": "short_answer", "text": short.text, "reason": reason})
        else:
            result.short = ShortAnswer(short.text.strip(), renumber[short.marker])
    return result


def short_answer_reason(short: ShortAnswer, kept: list[tuple[str, tuple[int, ...]]], renumber: dict[int, int],
                        context: list[Hit]) -> str | None:
    """Why the short answer cannot stand, or None: it must be short, cite a kept sentence's paragraph,
    and be verbatim inside that sentence and inside the cited paragraph."""
    phrase = fold(short.text).strip(" ,.;:")
    if not phrase:
        return "the short answer is empty"
    if len(phrase.split()) > MAX_SHORT_WORDS:
        return f"the short answer has more than {MAX_SHORT_WORDS} words"
    if short.marker not in renumber:
        return f"the short answer cites [{short.marker}], which no kept sentence cites"
    citing = [text for text, markers in kept if renumber[short.marker] in markers]
    if not any(phrase in fold(text) for text in citing):
        return "the short answer is not verbatim in the sentence that cites it"
    if phrase not in fold(context[short.marker - 1].text):
        return "the short answer is not verbatim in the cited paragraph"
    return None


def unsupported_reason(sentence: str, sources: list[str], embeddings=None, actors=None,
                       meaning: bool = True) -> str | None:
    """Why `sentence` is not supported by `sources`, or None when it is.

    A sentence that is not a verbatim extract and passes the lexical checks then goes through the
    meaning check (bot.meaning: who did what, negation, order, qualifiers, plans told as done)
    unless `meaning` is False; verbatim extracts never pay for it."""
    joined = " ".join(sources)
    folded = fold(joined)
    for quote in quotations(sentence):
        if fold(quote).strip(" ,.;:") not in folded:
            return f"quotation not found verbatim in the cited paragraph: “{quote}”"
    if fold(sentence).strip(" .") in folded:
        return None  # verbatim extract: supported by construction
    reason = lexical_reason(sentence, sources, embeddings)
    if reason or not meaning:
        return reason
    return meaning_reason(sentence, sources, actors)


def lexical_reason(sentence: str, sources: list[str], embeddings=None) -> str | None:
    """The word-level checks: numbers and names present, content words covered, meaning close enough."""
    joined = " ".join(sources)
    folded = fold(joined)
    missing_numbers = numbers(sentence) - numbers(joined)
    if missing_numbers:
        return f"number(s) {', '.join(sorted(missing_numbers))} not in the cited paragraphs"
    missing_names = [n for n in names(sentence) if not _name_in(n, folded)]
    if missing_names:
        return f"name(s) {', '.join(sorted(missing_names))} not in the cited paragraphs"
    words = content_words(sentence)
    coverage = len(words & content_words(joined)) / len(words) if words else 0.0
    if coverage >= STRONG_COVERAGE:
        return None
    if coverage < MIN_COVERAGE:
        return f"cited paragraphs cover only {coverage:.0%} of its content words"
    if embeddings is not None and similarity(sentence, sources, embeddings) < MIN_SIMILARITY:
        return "meaning too far from the cited paragraphs"
    return None


def similarity(sentence: str, sources: list[str], embeddings) -> float:
    """Best cosine similarity between the sentence and any one source."""
    vectors = np.asarray(embeddings.embed_documents([sentence, *sources]))
    return float((vectors[1:] @ vectors[0]).max())


def _name_in(name: str, folded_source: str) -> bool:
    # Each word of the name (a possessive 's aside), or its first five letters (Turkish ~ Turkey), must occur.
    words = [re.sub(r"'s?$", "", w) for w in name.split()]
    return all(w in folded_source or (len(w) > 5 and w[:5] in folded_source) for w in words)


def _with_markers(sentence: str, markers: tuple[int, ...]) -> str:
    tags = "".join(f"[{m}]" for m in markers)
    stripped = sentence.rstrip()
    if stripped and stripped[-1] in ".!?":
        return f"{stripped[:-1]} {tags}{stripped[-1]}"
    return f"{stripped} {tags}"
