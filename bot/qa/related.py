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
    """Up to three retrieved paragraphs, best first, not among `used` and not from an article the answer
    cites, numbered from `first_marker`: one per article, unless the engine abstained (`used` empty), when
    further near paragraphs of the same articles fill the free places (one article may be all there is)."""
    q = Question.parse(question)
    near = [hit for hit in context if hit.key not in used and not used & set(hit.twins) and _near(hit, q)]
    answered = {key[0] for key in used}
    chosen: list[Hit] = []
    for hit in near:
        if hit.article_id not in answered and hit.article_id not in {h.article_id for h in chosen}:
            chosen.append(hit)
    if not used:
        chosen += [hit for hit in near if hit not in chosen]
    return [Related(Citation.from_hit(first_marker + i, hit), _preview(hit, q))
            for i, hit in enumerate(sorted(chosen[:MAX_RELATED], key=near.index))]


def _near(hit: Hit, q: Question) -> bool:
    """The paragraph (with its title) holds every name the question asks about and half its key terms."""
    words = content_words(hit.title) | content_words(hit.text)
    folded = fold(f"{hit.title} {hit.text}")
    return term_coverage(set(q.terms), words) >= MIN_TERM_COVERAGE and all(
        all(w in folded for w in name.split()) for name in q.names)


def _preview(hit: Hit, q: Question) -> str:
    """The paragraph's sentence sharing most words with the question (the first one on a tie), cut to length."""
    sentences = [s.text for s in sentences_of(hit.text, None)] or [hit.text]
    best = max(sentences, key=lambda s: len(content_words(s) & q.words))
    words = best.split()
    return best if len(words) <= PREVIEW_WORDS else " ".join(words[:PREVIEW_WORDS]) + "…"
