"""The extractive summariser: the article's most central sentences, verbatim, each citing its own paragraph.

A sentence scores by its closeness to the article's centroid (sentence embeddings) plus a lead prior
(news puts what matters first); MMR keeps bullets from repeating each other or the gist. A long article
is read in parts: each part's most central sentences are picked by TF-IDF (cheap enough for a thousand
paragraphs: map), and only those are embedded and selected from (reduce). So the embedding cost stays
bounded whatever the length, and every sentence keeps the number of the paragraph it came from.
Paragraphs are split into sentences by their stored annotations (bot.spans.Splitter), by rule otherwise.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from bot.spans import Splitter
from bot.summary.parts import Draft, Point, split_parts
from bot.text import content_words
from index.search import Hit

MIN_WORDS, MAX_WORDS = 6, 60  # shorter is a fragment or a heading; longer reads as a wall of text
GIST_MAX_WORDS = 40  # the gist is one line
LEAD_PARAGRAPHS = 3  # the gist comes from the article's first paragraphs
LEAD_SENTENCES = 12  # of which at most this many sentences are considered in a long article
LEAD_WEIGHT = 0.15  # lead prior against a cosine centrality that varies by ~0.3 between sentences
LEAD_DECAY = 3.0  # prior halves by the 4th paragraph
MMR_LAMBDA = 0.7  # relevance vs novelty in maximal marginal relevance
REDUNDANT = 0.8  # cosine above which two sentences say the same thing
MAX_EMBEDDED = 160  # sentences embedded per summary; a longer article is pre-selected part by part
_SENTENCE_ENDS = (".", "!", '"', "”", "’", "'", ")")
DANGLING_PENALTY = 0.1  # "He said ..." out of context: whom does it mean?

# Datelines ("HALDEN BRIDGE — ", "TRIPOLI (Reuters) - ") are furniture in a one-line bullet; cutting a prefix
# keeps the bullet a verbatim substring of its paragraph.
_DATELINE = re.compile(r"^(?:[^\n]{0,60}?\((?:Reuters|AP|AFP|CNN|UPI|dpa)\)\s*(?:[-—–]+\s*)?|"
                       r"[A-ZÀ-ÞØ][A-ZÀ-ÞØ .'’-]{2,}(?:,\s*[A-Z][\w .'’–-]{1,30})?(?:\s*\([^)]{1,30}\))?"
                       r"\s+[—–-]+\s+(?=[A-Z\"“‘]))")
_DANGLING = re.compile(r"^[\"“‘(]?(?:he|she|they|it|his|her|their|its|this|these|those|that|but|and|so|also)\b|"
                       r"\b(?:he|she|they) (?:said|says|told|added)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """A candidate sentence: its text, its paragraph's number and that paragraph's rank in the article."""

    text: str
    paragraph: int
    rank: int  # 0 = the article's first citable paragraph
    order: int  # position among all candidates, in reading order

    @property
    def words(self) -> int:
        return len(self.text.split())


def candidates(hits: list[Hit], splitter: Splitter) -> list[Sentence]:
    """Sentences fit for a bullet, in reading order (any sentence of 3+ words when none is)."""
    split = [(rank, hit, s) for rank, hit in enumerate(hits) for s in splitter.texts(hit.key, hit.text)]
    chosen = [(rank, hit, s) for rank, hit, s in split if _bullet_like(s)]
    if not chosen:
        chosen = [(rank, hit, s) for rank, hit, s in split if len(s.split()) >= 3]
    return [Sentence(strip_dateline(s), hit.paragraph, rank, i) for i, (rank, hit, s) in enumerate(chosen)]


def strip_dateline(sentence: str) -> str:
    """The sentence without a leading dateline (when something substantial is left)."""
    rest = _DATELINE.sub("", sentence, count=1)
    return rest if len(rest.split()) >= 3 else sentence


def _bullet_like(sentence: str) -> bool:
    words = len(sentence.split())
    # A sentence ends like one: credits, headlines and list items ("From wire reports") do not.
    return (MIN_WORDS <= words <= MAX_WORDS and sentence.rstrip().endswith(_SENTENCE_ENDS)
            and any(c.islower() for c in sentence))


def summarize_extractive(hits: list[Hit], count: int, embeddings, splitter: Splitter) -> Draft:
    """A gist and up to `count` bullets made of the article's own sentences; Draft(None, ()) for no text."""
    pool = candidates(hits, splitter)
    if not pool:
        return Draft(None, ())
    notes: tuple[str, ...] = ()
    parts = split_parts(hits)
    if len(parts) > 1 or len(pool) > MAX_EMBEDDED:
        pool = map_parts(pool, parts, count)
        notes = (f"long article: read in {len(parts)} parts, then the parts' key sentences were compared",)
    vectors = np.asarray(embeddings.embed_documents([s.text for s in pool]), dtype=np.float32)
    centrality = vectors @ _unit(vectors.mean(axis=0))
    prior = np.array([lead_prior(s.rank) for s in pool], dtype=np.float32)
    dangling = np.array([bool(_DANGLING.search(s.text)) for s in pool], dtype=np.float32)
    gist = _gist(pool, centrality - DANGLING_PENALTY * dangling, prior)
    chosen = mmr(vectors, centrality + LEAD_WEIGHT * prior - DANGLING_PENALTY * dangling, count, taken=[gist])
    bullets = [_point(pool[i]) for i in sorted(chosen)]  # pool is in reading order
    return Draft(_point(pool[gist]), tuple(bullets), notes)


def lead_gist(hits: list[Hit], embeddings, splitter: Splitter) -> Point | None:
    """The gist alone (for an LLM summary whose own gist failed the citation check)."""
    pool = [s for s in candidates(hits[:LEAD_PARAGRAPHS * 3], splitter) if s.rank < LEAD_PARAGRAPHS][:LEAD_SENTENCES]
    if not pool:
        return None
    vectors = np.asarray(embeddings.embed_documents([s.text for s in pool]), dtype=np.float32)
    prior = np.array([lead_prior(s.rank) for s in pool], dtype=np.float32)
    return _point(pool[_gist(pool, vectors @ _unit(vectors.mean(axis=0)), prior)])


def lead_prior(rank: int) -> float:
    """1 for the first paragraph, decaying with depth: the inverted pyramid of news writing."""
    return 1.0 / (1.0 + rank / LEAD_DECAY)


def _gist(pool: list[Sentence], centrality: np.ndarray, prior: np.ndarray) -> int:
    """The most central one-line sentence of the lead paragraphs (the lead prior counts double here)."""
    score = centrality + 2 * LEAD_WEIGHT * prior
    lead = [i for i, s in enumerate(pool) if s.rank < LEAD_PARAGRAPHS and s.words <= GIST_MAX_WORDS]
    within = lead or [i for i, s in enumerate(pool) if s.words <= GIST_MAX_WORDS] or list(range(len(pool)))
    return max(within, key=lambda i: float(score[i]))


def mmr(vectors: np.ndarray, relevance: np.ndarray, count: int, taken: list[int]) -> list[int]:
    """Up to `count` indices by maximal marginal relevance, avoiding `taken` and near-duplicates of it."""
    chosen: list[int] = []
    selected = list(taken)
    remaining = [i for i in range(len(vectors)) if i not in selected]
    while remaining and len(chosen) < count:
        similarity = (vectors[remaining] @ vectors[selected].T).max(axis=1) if selected else np.zeros(len(remaining))
        scores = MMR_LAMBDA * relevance[remaining] - (1 - MMR_LAMBDA) * similarity
        best = int(np.argmax(scores))
        index = remaining.pop(best)
        if similarity[best] < REDUNDANT:
            chosen.append(index)
            selected.append(index)
    return chosen


def map_parts(pool: list[Sentence], parts: list[list[Hit]], count: int) -> list[Sentence]:
    """The lead sentences plus each part's most central ones by TF-IDF, within the embedding budget."""
    per_part = max(2, min(count, MAX_EMBEDDED // len(parts)))
    idf = _idf(pool)
    keep = {s.order for s in pool if s.rank < LEAD_PARAGRAPHS}
    keep = set(sorted(keep)[:LEAD_SENTENCES])  # one giant lead paragraph must not blow the embedding budget
    for part in parts:
        numbers = {h.paragraph for h in part}
        members = [s for s in pool if s.paragraph in numbers]
        keep.update(s.order for s in _tfidf_central(members, idf)[:per_part])
    return [s for s in pool if s.order in keep]


def _tfidf_central(members: list[Sentence], idf: dict[str, float]) -> list[Sentence]:
    """Members by cosine between their TF-IDF vector and the part's summed vector, best first."""
    vectors = [{w: n * idf[w] for w, n in Counter(_terms(s.text)).items()} for s in members]
    centroid: Counter[str] = Counter()
    for v in vectors:
        centroid.update(v)
    norm = math.sqrt(sum(x * x for x in centroid.values())) or 1.0

    def score(v: dict[str, float]) -> float:
        length = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return sum(x * centroid[w] for w, x in v.items()) / (length * norm)

    ranked = sorted(zip(members, vectors, strict=True), key=lambda mv: score(mv[1]), reverse=True)
    return [m for m, _ in ranked]


def _idf(pool: list[Sentence]) -> dict[str, float]:
    frequency: Counter[str] = Counter(w for s in pool for w in set(_terms(s.text)))
    return {w: math.log((1 + len(pool)) / (1 + n)) + 1.0 for w, n in frequency.items()}


def _terms(text: str) -> list[str]:
    return sorted(content_words(text))


def _point(sentence: Sentence) -> Point:
    return Point(sentence.text, (sentence.paragraph,))


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)
