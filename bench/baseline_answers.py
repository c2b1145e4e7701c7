"""The extractive engine as it was before issue 12 (main at b92876c), frozen as the baseline that
bench/fit_answers.py scores on the same questions and folds as the fitted engine.

Hand-weighted (0.45·similarity + 0.2·overlap + …, tuned on rtqa-dev), regex sentences, up to three
sentences per answer. Not used by the product: kept here only so the comparison is reproducible.
"""


from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.qa.extractive import redundant
from bot.qa.features import proximity
from bot.text import (
    content_words,
    fold,
    head_terms,
    names,
    numbers,
    question_terms,
    sentences,
    term_coverage,
)
from bot.verify import DraftSentence
from index.search import Hit

# Calibrated with `newsbot eval` on rtqa-dev plus bench/data/unanswerable.jsonl (see the issue note).
ABSTAIN_BELOW = 0.42
MIN_TERM_COVERAGE = 0.25  # share of the question's terms the answering paragraph (with title) must contain
MAX_SENTENCES = 3
SECOND_SENTENCE_RATIO = 0.6  # a further sentence must score this close to the best one
CANDIDATE_PARAGRAPHS = 8
MAX_EMBEDDED = 16  # sentences embedded per question (latency: ~5 ms each here)

_WHEN = re.compile(r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
                   r"january|february|march|april|may|june|july|august|september|october|november|"
                   r"december|\d{4}|week|month|morning|evening|night)\b", re.IGNORECASE)
_WHERE = re.compile(r"\b(in|at|near|from|to|outside|inside)\s+(the\s+)?[A-Z]")
_SAID = re.compile(r"\b(said|says|told|demanded|demands|called|urged|warned|announced|asked|added)\b")


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved paragraph with its context number and score."""

    text: str
    marker: int
    rank: int
    score: float = 0.0


def question_type(question: str) -> str:
    """who | where | when | number | quote | other, from the question's wording."""
    q = question.lower()
    if re.search(r"\bhow (many|much|long|old|far)\b|\bwhat (percentage|number|amount)\b", q):
        return "number"
    if re.match(r"\s*(who|whom|whose)\b", q) or re.search(r"\bwhich (person|man|woman|company|country)", q):
        return "who"
    if re.match(r"\s*where\b", q):
        return "where"
    if re.search(r"\b(which|what) (\w+ )?(country|city|state|company|team|airline|university|school|"
                 r"platform|brand|network|party|organi[sz]ation|group|agency|nation|club|firm)\b", q):
        return "who"  # the answer is a name
    if re.match(r"\s*when\b", q) or "what date" in q or "what day" in q:
        return "when"
    if re.search(r"\b(say|said|tell|told|demand|want|ask)\b", q):
        return "quote"
    return "other"


def type_bonus(kind: str, sentence: str, question: str) -> float:
    """1.0 when the sentence holds the kind of fact the question asks for (and not only the question's own)."""
    if kind == "number":
        return 1.0 if numbers(sentence) - numbers(question) else 0.0
    if kind == "who":
        return 1.0 if names(sentence) - names(question) else 0.0
    if kind == "where":
        return 1.0 if _WHERE.search(sentence) else 0.0
    if kind == "when":
        return 1.0 if _WHEN.search(sentence) else 0.0
    if kind == "quote":
        return 1.0 if ('"' in sentence or "“" in sentence or _SAID.search(sentence)) else 0.3
    return 0.5


class BaselineEngine:
    """The pre-issue-12 extractive engine."""

    name = "baseline"

    def __init__(self, embed, abstain_below: float = ABSTAIN_BELOW) -> None:
        self._embed = embed  # texts -> unit vectors (the fitted engine's cached embedder)
        self.abstain_below = abstain_below

    def draft(self, question: str, context: list[Hit]) -> list[DraftSentence]:
        """1–3 cited sentences answering `question`, or [] to abstain."""
        terms, heads = question_terms(question), head_terms(question)
        # A sentence whose paragraph lacks most of the question's terms, or the very thing it asks for
        # ("population" in "what is the population of X"), is about something near the question,
        # not the question itself: it may not answer, however similar it sounds.
        ranked = [c for c in self.rank(question, context)
                  if term_coverage(terms, _words(context[c.marker - 1])) >= MIN_TERM_COVERAGE
                  and term_coverage(heads, _words(context[c.marker - 1])) == 1.0
                  and _years_match(question, context[c.marker - 1])]
        if not ranked or ranked[0].score < self.abstain_below:
            return []
        chosen = [ranked[0]]
        for cand in ranked[1:]:
            if len(chosen) == MAX_SENTENCES or cand.score < ranked[0].score * SECOND_SENTENCE_RATIO:
                break
            if not any(redundant(cand.text, c.text) for c in chosen):
                chosen.append(cand)
        return [DraftSentence(c.text, (c.marker,)) for c in chosen]

    def rank(self, question: str, context: list[Hit]) -> list[Candidate]:
        """Sentences of the top paragraphs, best first (only the lexically likeliest are embedded)."""
        cands = [Candidate(s, marker, marker) for marker, hit in enumerate(context[:CANDIDATE_PARAGRAPHS], 1)
                 for s in sentences(hit.text) if len(s.split()) >= 4]
        if not cands:
            return []
        q_words, kind, q_names = content_words(question), question_type(question), names(question)

        def score(cand: Candidate, sem: float) -> Candidate:
            hit = context[cand.marker - 1]
            return replace(cand, score=self._score(cand, sem, hit, q_words, q_names, kind, question))

        # Embedding dominates latency; a neutral-similarity first pass picks which sentences earn it.
        shortlist = sorted((score(c, 0.5) for c in cands), key=lambda c: c.score, reverse=True)[:MAX_EMBEDDED]
        vectors = self._embed([question, *[c.text for c in shortlist]])
        semantic = vectors[1:] @ vectors[0]
        scored = [score(c, float(sem)) for c, sem in zip(shortlist, semantic, strict=True)]
        return sorted(scored, key=lambda c: c.score, reverse=True)

    @staticmethod
    def _score(cand: Candidate, sem: float, hit: Hit, q_words: set[str], q_names: set[str], kind: str,
               question: str) -> float:
        words = content_words(cand.text)
        context_words = words | content_words(hit.title) | content_words(hit.text)
        overlap = len(q_words & words) / len(q_words) if q_words else 0.0
        context_overlap = len(q_words & context_words) / len(q_words) if q_words else 0.0
        # Names the question asks about must appear in the paragraph or its title, or it is off-topic.
        where = fold(f"{hit.title} {hit.text}")
        named = sum(all(w in where for w in n.split()) for n in q_names) / len(q_names) if q_names else 1.0
        novelty = 1.0 if words - q_words else 0.0  # restating the question answers nothing
        near = proximity(cand.text, q_names, q_words)
        # A number the question states (a year, an amount) that the paragraph lacks: likely another event.
        unmatched_numbers = 0.8 if numbers(question) - numbers(f"{hit.title} {hit.text}") else 1.0
        evidence = (0.45 * sem + 0.2 * overlap + 0.15 * context_overlap + 0.1 * type_bonus(kind, cand.text, question)
                    + 0.05 * named + 0.05 * novelty + 0.1 * near)
        return unmatched_numbers * evidence * (1.0 - 0.04 * (cand.rank - 1)) - 0.15 * (1.0 - named)


_YEAR = re.compile(r"\b(19|20)\d\d\b")


def _years_match(question: str, hit: Hit) -> bool:
    """A year the question names must be the article's year or appear in the paragraph or title."""
    asked = {m.group(0) for m in _YEAR.finditer(question)}
    have = {m.group(0) for m in _YEAR.finditer(f"{hit.title} {hit.text}")}
    if hit.published:
        have.add(str(hit.published.year))
    return asked <= have


def _words(hit: Hit) -> set[str]:
    return content_words(hit.title) | content_words(hit.text)
