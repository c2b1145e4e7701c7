"""What a period's coverage dwells on: words many of its articles use (SumBasic-style salience),
and boilerplate paragraphs a site repeats across unrelated stories (never bullets).

A briefing's bullets should carry the facts the day's articles keep repeating; a sentence made of
words few articles use is background. Computed once per briefing over every article of the window.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.briefing.stories import StoryGroup
from bot.text import content_words, fold

DEPTH = 40  # paragraphs read per article: live blogs and transcripts bury the day's facts deep


@dataclass(frozen=True)
class Salience:
    """Per-word share of the window's articles that use it, and the boilerplate paragraphs."""

    weights: dict[str, float]
    boilerplate: frozenset[str]  # folded texts

    def of(self, text: str) -> float:
        """Mean salience of the text's content words (0 for none): high when it says what many articles say."""
        words = content_words(text)
        return sum(self.weights.get(w, 0.0) for w in words) / len(words) if words else 0.0

    def is_boilerplate(self, text: str) -> bool:
        return fold(text) in self.boilerplate


def day_salience(groups: list[StoryGroup]) -> Salience:
    """Salience over every article of the window's stories."""
    df: Counter[str] = Counter()
    seen_in: dict[str, set[int]] = {}
    articles = 0
    for g, group in enumerate(groups):
        for doc in group.docs:
            articles += 1
            paragraphs = doc.article.indexable[:DEPTH]
            df.update(set().union(*(content_words(p.text) for p in paragraphs)) if paragraphs else set())
            for p in paragraphs:
                seen_in.setdefault(fold(p.text), set()).add(g)
    # The same paragraph in two different stories is the site's furniture; within one story it is an update.
    boilerplate = frozenset(text for text, stories in seen_in.items() if len(stories) > 1)
    weights = {w: n / articles for w, n in df.items() if n > 1} if articles > 1 else {}
    return Salience(weights, boilerplate)
