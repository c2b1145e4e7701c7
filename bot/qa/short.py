"""The short answer: the typed phrase of the cited sentence that answers a factoid question.

"How long did the meeting last?" over "The meeting with the FM lasted for nearly three hours."
gives "nearly three hours": a span of the expected type (here TIME) that the question does not
already state, nearest to the question's own words. It is always a verbatim slice of the sentence.
"""

from __future__ import annotations

import re

import numpy as np

from bot.qa.features import Candidate, Question, answers_type, by_article, locative
from bot.spans import Sentence, Span
from bot.text import content_words, fold
from index.bm25 import tokenize

MAX_WORDS = 12  # a longer span is no short answer
_ABBREVIATION = re.compile(r"(?:\b(?:[A-Za-z]\.){2,}|\b(?:Jr|Sr|Inc|Co|Corp|Ltd|St)\.)$")
AGREEING = 3  # other articles stating the same short answer beyond this add nothing


def short_answer(q: Question, sentence: Sentence) -> str | None:
    """The verbatim phrase of `sentence` that answers `q`, or None when the question is no factoid
    or the sentence holds no span of the type it asks for."""
    best = answer_span(q, sentence)
    if not best:
        return None
    phrase = _with_head(sentence.text, best, q).strip(" ,;:")
    # a full stop the span took from the sentence goes, the one of "U.S." or "Inc." stays
    return phrase if _ABBREVIATION.search(phrase) else phrase.strip(" .")


def answer_span(q: Question, sentence: Sentence) -> Span | None:
    """The typed span of `sentence` that answers `q` (the short answer before its head noun joins it)."""
    if not q.expect.factoid:
        return None
    spans = [s for s in sentence.spans if answers_type(q, s.label, s.text) and len(s.text.split()) <= MAX_WORDS]
    if not spans:
        return None
    return min(spans, key=lambda s: (s.label not in q.expect.labels or _secondary(q, s),
                                     q.expect.kind == "place" and not locative(sentence.text, s),
                                     _distance(sentence.text, s, q), s.start))


def _secondary(q: Question, span: Span) -> bool:
    # "Who…" is first a person; an organisation or nationality answers only when no person does.
    return q.expect.kind == "person" and span.label != "PERSON"


def _distance(text: str, span: Span, q: Question) -> int:
    """Tokens between the span and the nearest question word in the sentence (far = likely another fact)."""
    before = tokenize(text[:span.start])
    after = tokenize(text[span.end:])
    wanted = set(q.words)
    left = next((i for i, t in enumerate(reversed(before)) if t in wanted), 99)
    right = next((i for i, t in enumerate(after) if t in wanted), 99)
    return min(left, right)


def _with_head(text: str, span: Span, q: Question) -> str:
    """'65' → '65 prisoners' when the word after a count is what "how many prisoners" asks about."""
    phrase = text[span.start:span.end]
    head = q.expect.head
    if not head:
        return phrase
    rest = text[span.end:]
    word = rest.split(maxsplit=1)[0] if rest.strip() else ""
    if word and rest[:1] == " " and content_words(word.strip(",.;:")) & content_words(head):
        return phrase + " " + word.strip(",.;:")
    return phrase


def agreement(q: Question, cands: list[Candidate]) -> np.ndarray:
    """For each candidate, the share (of AGREEING) of the context's other articles that state its short
    answer: a fact several reports give is likelier the answer than one a single near-miss paragraph
    holds ("$250 million" in one story, "$255 million" in three). 0 for open questions."""
    out = np.zeros(len(cands))
    if not q.expect.factoid:
        return out
    texts = {aid: [fold(h.text) for h in hits] for aid, hits in by_article(cands).items()}
    for i, cand in enumerate(cands):
        span = answer_span(q, cand.sentence)
        if span:
            wanted = fold(span.text.strip(" ,;:."))
            others = sum(any(wanted in t for t in paragraphs) for article, paragraphs in texts.items()
                         if article != cand.hit.article_id)
            out[i] = min(others, AGREEING) / AGREEING
    return out
