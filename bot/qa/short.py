"""The short answer: the typed phrase of the cited sentence that answers a factoid question.

"How long did the meeting last?" over "The meeting with the FM lasted for nearly three hours."
gives "nearly three hours": a span of the expected type (here TIME) that the question does not
already state, nearest to the question's own words. It is always a verbatim slice of the sentence.
"""

from __future__ import annotations

from bot.qa.features import Question, answers_type, locative
from bot.spans import Sentence, Span
from bot.text import content_words
from index.bm25 import tokenize

MAX_WORDS = 12  # a longer span is no short answer


def short_answer(q: Question, sentence: Sentence) -> str | None:
    """The verbatim phrase of `sentence` that answers `q`, or None when the question is no factoid
    or the sentence holds no span of the type it asks for."""
    if not q.expect.factoid:
        return None
    spans = [s for s in sentence.spans if answers_type(q, s.label, s.text) and len(s.text.split()) <= MAX_WORDS]
    if not spans:
        return None
    best = min(spans, key=lambda s: (s.label not in q.expect.labels or _secondary(q, s),
                                     q.expect.kind == "place" and not locative(sentence.text, s),
                                     _distance(sentence.text, s, q), s.start))
    return _with_head(sentence.text, best, q).strip(" ,;:.")


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
