"""Which days get an entry and which sentences tell them.

A day is worth an entry when many stories were published on it or when later reporting refers back to
it ("the Security Council on Saturday imposed sanctions"): score = log(1 + stories published that day)
+ REFERENCE_WEIGHT x log(1 + articles that name the day). A quiet day the later reporting keeps
returning to is where the story changed; a busy day of follow-ups is not.

A day's entry is its best sentence: close to the topic, saying what the day's reporting repeats
(salience), early in its article; a second sentence from another story joins it only when it scores
almost as well and says something else.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from bot.claims import overlap
from bot.text import content_words
from bot.timeline.evidence import Candidate, Evidence

# Fitted by bench/timeline_fit.py on timeline17-dev: REFERENCE_WEIGHT by 4-fold cross-validation over time
# on Libya (held-out mean date F1 0.164 against the baseline's 0.079; 3.0 fitted on all folds), the sentence
# weights on Egypt only (grid over salience 0-1, lead 0-0.4, second 0.8-never; Egypt's concatenated +
# date-aligned ROUGE-1 F1 peaks at 0.5 / 0.1 / 0.8), so Libya's ROUGE in bench/timeline.py is held out.
REFERENCE_WEIGHT = 3.0
SALIENCE_WEIGHT = 0.5
LEAD_WEIGHT = 0.1
SECOND_RATIO = 0.8  # a second sentence must score this close to the first
SAME_WORDS = 0.5  # content-word overlap at which a sentence repeats an earlier entry
NEW_WORDS = 0.3  # ... and below which a day's second sentence adds something to its first
MIN_REFERENCES = 2  # a day nothing was published on needs this many articles referring to it: one may be misread


@dataclass(frozen=True)
class Weights:
    """The knobs bench/timeline_fit.py fits; the defaults are the fitted values."""

    reference: float = REFERENCE_WEIGHT
    salience: float = SALIENCE_WEIGHT
    lead: float = LEAD_WEIGHT
    second: float = SECOND_RATIO


@dataclass(frozen=True)
class Picked:
    """A day's entry before citation: its sentences and the other outlets that told the same."""

    day: date
    sentences: tuple[Candidate, ...]
    also: tuple[str, ...]
    articles: int  # matching stories published that day


def day_scores(evidence: Evidence, first: date | None, last: date | None, weights: Weights) -> dict[date, float]:
    """Every day of [first, last] with a candidate sentence, scored by publications and later references."""
    published = Counter(day for day, _ in {(d, story) for d, story, _ in evidence.articles.values()})
    referring: dict[date, set[str]] = defaultdict(set)
    for c in evidence.candidates:
        if c.explicit:
            referring[c.day].add(c.hit.article_id)
    days = {c.day for c in evidence.candidates if (first is None or c.day >= first) and (last is None or c.day <= last)
            and (published[c.day] or len(referring[c.day]) >= MIN_REFERENCES)}
    return {d: math.log1p(published[d]) + weights.reference * math.log1p(len(referring[d])) for d in days}


def pick_entries(evidence: Evidence, scores: dict[date, float], limit: int, weights: Weights) -> list[Picked]:
    """The `limit` best days that have a sentence not already told, each with its sentences, oldest first."""
    by_day: dict[date, list[Candidate]] = defaultdict(list)
    for c in evidence.candidates:
        by_day[c.day].append(c)
    published = Counter(d for d, _ in {(d, story) for d, story, _ in evidence.articles.values()})
    told: list[set[str]] = []
    out: list[Picked] = []
    for day in sorted(scores, key=lambda d: (-scores[d], d)):
        if len(out) >= limit:
            break
        chosen = _pick_day(by_day[day], told, weights)
        if chosen:
            told += [content_words(c.text) for c in chosen]
            out.append(Picked(day, tuple(chosen), _also(by_day[day], chosen), published[day]))
    return sorted(out, key=lambda p: p.day)


def _pick_day(cands: list[Candidate], told: list[set[str]], weights: Weights) -> list[Candidate]:
    salience = _salience(cands)
    scored = sorted(((c.relevance + weights.salience * salience(c) + weights.lead * c.prior, n, c)
                     for n, c in enumerate(cands)), key=lambda t: (-t[0], t[1]))
    fresh = [(s, c) for s, _, c in scored if not _repeats(content_words(c.text), told)]
    if not fresh:
        return []
    best_score, best = fresh[0]
    chosen = [best]
    for s, c in fresh[1:]:
        if s < weights.second * best_score:
            break
        if c.story != best.story and overlap(content_words(c.text), content_words(best.text)) < NEW_WORDS:
            chosen.append(c)
            break
    return chosen


def _salience(cands: list[Candidate]):
    """Mean share of the day's stories whose sentences use each of the sentence's content words."""
    stories: dict[int, set[str]] = defaultdict(set)
    words = {id(c): content_words(c.text) for c in cands}
    for c in cands:
        stories[c.story] |= words[id(c)]
    df = Counter(w for ws in stories.values() for w in ws)
    n = max(len(stories), 1)

    def of(c: Candidate) -> float:
        ws = words[id(c)]
        return sum(df[w] for w in ws) / (len(ws) * n) if ws and n > 1 else 0.0
    return of


def _repeats(words: set[str], told: list[set[str]]) -> bool:
    return any(overlap(words, other) >= SAME_WORDS for other in told)


def _also(cands: list[Candidate], chosen: list[Candidate]) -> tuple[str, ...]:
    """Other outlets whose sentences on the day tell what the entry tells (or carry a copy of its story)."""
    cited = {c.hit.source or "unknown outlet" for c in chosen}
    stories = {c.story for c in chosen}
    words = [content_words(c.text) for c in chosen]
    out: list[str] = []
    for c in cands:
        outlet = c.hit.source or "unknown outlet"
        if outlet in cited or outlet in out:
            continue
        if c.story in stories or _repeats(content_words(c.text), words):
            out.append(outlet)
    return tuple(out)
