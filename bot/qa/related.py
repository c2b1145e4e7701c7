"""Related reading: retrieved paragraphs near the question that the answer did not use.

They are cited like the answer, but never counted as it: when the engine abstains, or answers in
one sentence, a reader still has somewhere to go. Near means the paragraph holds every name the
question asks about and at least half of its key terms; far paragraphs are not shown at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.citations import Citation
from bot.qa.features import Question
from bot.spans import sentences_of
from bot.text import content_words, fold, term_coverage
from index.search import Hit

MAX_RELATED = 3
MIN_TERM_COVERAGE = 0.5
PREVIEW_WORDS = 30  # a longer preview sentence is cut, with "…" where it stops


@dataclass(frozen=True)
class Related:
    """A cited paragraph near the question, with its sentence nearest to it as a preview."""

    citation: Citation
    sentence: str

    def to_json(self) -> dict:
        return {**self.citation.to_json(), "sentence": self.sentence}


def related(question: str, context: list[Hit], used: set[tuple[str, int]], first_marker: int) -> list[Related]:
    """Up to three retrieved paragraphs, best first, not among `used`, one per article, numbered from `first_marker`."""
    q = Question.parse(question)
    out: list[Related] = []
    articles = {key[0] for key in used}
    for hit in context:
        if hit.key in used or used & set(hit.twins) or hit.article_id in articles:
            continue
        words = content_words(hit.title) | content_words(hit.text)
        folded = fold(f"{hit.title} {hit.text}")
        if term_coverage(set(q.terms), words) < MIN_TERM_COVERAGE or not all(
                all(w in folded for w in name.split()) for name in q.names):
            continue
        articles.add(hit.article_id)
        out.append(Related(Citation.from_hit(first_marker + len(out), hit), _preview(hit, q)))
        if len(out) == MAX_RELATED:
            break
    return out


def _preview(hit: Hit, q: Question) -> str:
    """The paragraph's sentence sharing most words with the question (the first one on a tie), cut to length."""
    sentences = [s.text for s in sentences_of(hit.text, None)] or [hit.text]
    best = max(sentences, key=lambda s: len(content_words(s) & q.words))
    words = best.split()
    return best if len(words) <= PREVIEW_WORDS else " ".join(words[:PREVIEW_WORDS]) + "…"
