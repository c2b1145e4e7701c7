"""Extractive story text: a headline and 2–4 verbatim sentences, each citing its paragraph.

Candidates are the sentences of the story's lead paragraphs (every article's lead first, then
second paragraphs, ...). Each is scored by closeness to the story's sentence centroid plus a
lead prior, then picked by MMR: a sentence saying what a chosen one (or a delivered bullet)
already says is skipped, so a claim carried by three outlets appears once, citing two of them.
A story's paragraphs are split into sentences by their stored annotations (`story_splitter`: one query
a story), by rule when they have none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.briefing.deliveries import Recall
from bot.briefing.salience import DEPTH, Salience
from bot.briefing.stories import Doc, StoryGroup
from bot.citations import Citation, CitedText
from bot.claims import same_claim
from bot.spans import Splitter
from bot.standalone import sentence_shaped, strip_dateline
from bot.verify import unsupported_reason
from index.catalog import Catalog
from index.search import Hit

MAX_BULLETS = 4
MIN_BULLETS = 2
LEAD_DEPTH = 4  # an article's paragraphs beyond this are never bullets: wire copy puts the news first
POOL_PARAGRAPHS = 12  # paragraphs per story whose sentences are embedded; bounds a briefing's cost
MAX_CANDIDATES = 24  # sentences per story, leads first
# Sentence score = closeness to the story's sentence centroid + LEAD_WEIGHT x lead prior (1 for an
# article's first sentence, 1/(1 + paragraph + sentence) after) + SALIENCE_WEIGHT x day salience
# (bot/briefing/salience.py); paragraphs are pre-ranked by salience + LEAD_BONUS x lead prior. Calibrated with
# bench/briefing.py on timeline17-dev (34 days): against the 0.2/0.5/0.15 first tried, ROUGE-1 recall
# over lead-N went from +11.5% to +14.2%, and to +17.1% once a story told by one article is told by its
# own lead (no day salience); a stronger lead prior (0.2), or 3 or 6 lead paragraphs, scored 1-3 points less.
LEAD_WEIGHT = 0.1
LEAD_BONUS = 0.1
SALIENCE_WEIGHT = 1.0
MMR_LAMBDA = 0.75
NEW_OUTLET_BONUS = 0.04  # prefer citing an outlet the story's bullets do not cite yet
KEEP_RATIO = 0.6  # bullets after the second must score this close to the first
HEADLINE_WORDS = 16
_SITE_SUFFIX = re.compile(r"\s+(?:\||—|–|-)\s+[^|—–-]{2,40}$")


@dataclass(frozen=True)
class Candidate:
    """A sentence of a story paragraph, with the paragraph it cites."""

    text: str
    hit: Hit
    prior: float  # lead prior, 1.0 for the first sentence of an article's first paragraph


def pool(group: StoryGroup, salience: Salience | None = None) -> list[tuple[Hit, int]]:
    """The story's candidate paragraphs with their position in the article: salient ones near the top first."""
    scored: list[tuple[float, int, Hit]] = []
    for doc in group.docs:
        article = doc.article
        paragraphs = (doc.lead or tuple(article.indexable))[:LEAD_DEPTH] if salience is None else \
            [p for p in article.indexable[:DEPTH] if not salience.is_boilerplate(p.text)]
        for position, p in enumerate(paragraphs):
            value = LEAD_BONUS / (1.0 + position) + (salience.of(p.text) if salience else 0.0)
            scored.append((value, position, Hit(article.id, article.title, article.url, article.source,
                                                article.published, p.number, p.text, value)))
    scored.sort(key=lambda t: -t[0])
    return [(hit, position) for _, position, hit in scored[:POOL_PARAGRAPHS]]


def story_splitter(catalog: Catalog | None, group: StoryGroup, paragraphs: list[tuple[Hit, int]]) -> Splitter:
    """The stored annotations a story's bullets and headline are split by: its pool's and its leads'."""
    leads = [(d.id, d.lead[0].number) for d in group.docs if d.lead]
    return Splitter.fetch(catalog, [h.key for h, _ in paragraphs] + leads)


def candidates(paragraphs: list[tuple[Hit, int]], splitter: Splitter) -> list[Candidate]:
    """Bullet-shaped sentences of the pool: whole, informative, not a question, a list or a caption."""
    out = []
    for hit, position in paragraphs:
        for i, raw in enumerate(splitter.texts(hit.key, hit.text)):
            text = strip_dateline(raw)  # scraped pages glue highlights and a dateline onto later sentences too
            if sentence_shaped(text):
                out.append(Candidate(text, hit, 1.0 / (1.0 + position + i)))
    return sorted(out, key=lambda c: -c.prior)[:MAX_CANDIDATES]


def extract(embeddings, group: StoryGroup, paragraphs: list[tuple[Hit, int]], recall: Recall, splitter: Splitter,
            salience: Salience | None = None, said: list[tuple[str, np.ndarray]] | None = None) -> list[CitedText]:
    """2–4 cited sentences for the story by centroid + MMR; [] when everything was already delivered.

    `said` holds (text, vector) of the briefing's earlier bullets: a claim two stories share is told once;
    this story's bullets are appended to it."""
    cands = candidates(paragraphs, splitter)
    if not cands:
        return []
    vectors = np.asarray(embeddings.embed_documents([c.text for c in cands]), dtype=np.float32)
    centroid = vectors.mean(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-12)
    scores = vectors @ centroid + LEAD_WEIGHT * np.array([c.prior for c in cands])
    if salience is not None:
        scores += SALIENCE_WEIGHT * np.array([salience.of(c.text) for c in cands])
    said = said if said is not None else []
    fresh = [i for i in range(len(cands)) if not recall.repeated(cands[i].text, vectors[i])
             and not any(same_claim(cands[i].text, text, float(vector @ vectors[i])) for text, vector in said)]
    chosen = _mmr(cands, vectors, scores, fresh, bullet_budget(group))
    said += [(cands[i].text, vectors[i]) for i in chosen]
    return [CitedText(cands[i].text, _citations(cands, vectors, i)) for i in chosen]


def bullet_budget(group: StoryGroup) -> int:
    """2 bullets for a story one article tells, up to 4 for one that many do: coverage earns space."""
    return min(MAX_BULLETS, max(MIN_BULLETS, group.distinct + 1))


def _mmr(cands: list[Candidate], vectors: np.ndarray, scores: np.ndarray, pool_ids: list[int],
         budget: int = MAX_BULLETS) -> list[int]:
    chosen: list[int] = []
    outlets: set[str | None] = set()
    remaining = list(pool_ids)
    while remaining and len(chosen) < budget:
        def value(i: int) -> float:
            redundancy = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            bonus = NEW_OUTLET_BONUS if cands[i].hit.source not in outlets else 0.0
            return MMR_LAMBDA * float(scores[i]) - (1 - MMR_LAMBDA) * redundancy + bonus

        best = max(remaining, key=value)
        remaining.remove(best)
        if any(same_claim(cands[best].text, cands[j].text, float(vectors[best] @ vectors[j])) for j in chosen):
            continue
        if len(chosen) >= MIN_BULLETS and scores[best] < KEEP_RATIO * scores[chosen[0]]:
            break
        chosen.append(best)
        outlets.add(cands[best].hit.source)
    return chosen


def _citations(cands: list[Candidate], vectors: np.ndarray, i: int) -> tuple[Citation, ...]:
    """The sentence's own paragraph, plus one other outlet's paragraph that supports it too."""
    own = cands[i]
    cited = [Citation.from_hit(0, own.hit)]
    for j in np.argsort(-(vectors @ vectors[i])):
        other = cands[int(j)]
        if other.hit.source == own.hit.source or not same_claim(own.text, other.text, float(vectors[j] @ vectors[i])):
            continue
        # Lexical only: extractive briefings stay as they were and pay for no parse.
        if unsupported_reason(own.text, [other.hit.text], meaning=False) is None:
            cited.append(Citation.from_hit(0, other.hit))
            break
    return tuple(cited)


def headline(group: StoryGroup, splitter: Splitter) -> str:
    """The most central article's title without dateline, site name or truncation debris."""
    doc = next((d for d in group.docs if d.titled), group.docs[0])
    article = doc.article
    lead = strip_dateline(doc.lead[0].text) if doc.lead else ""
    if not doc.titled:  # every title here is a site's widget: the lead's first sentence says what happened
        return _shortened(_first_sentence(doc, splitter) if lead else article.title)
    title = _without_site(article.title, article.source)
    before = _before_dateline(title)
    if before:
        return _shortened(before)
    title = strip_dateline(title)
    stem = title.rstrip(".… ")
    if lead.startswith(stem) and len(lead) > len(stem) and not title.endswith((".", "!", "?", "\"", "”")):
        title = _first_sentence(doc, splitter)  # a title cut from the lead (wire feeds do this): its first sentence
    return _shortened(title)


def _first_sentence(doc: Doc, splitter: Splitter) -> str:
    """The first sentence of the article's lead after its dateline (verbatim: the dateline is a prefix)."""
    paragraph = doc.lead[0]
    lead = strip_dateline(paragraph.text)
    cut = len(paragraph.text) - len(lead)
    for sentence in splitter.sentences((doc.id, paragraph.number), paragraph.text, typed=False):
        if sentence.start >= 0 and sentence.end > cut:
            return paragraph.text[max(sentence.start, cut):sentence.end].strip()
    return lead


def _shortened(title: str) -> str:
    words = title.split()
    if len(words) > HEADLINE_WORDS:
        return " ".join(words[:HEADLINE_WORDS]).rstrip(",;:") + "…"
    return title.rstrip(".")


def _before_dateline(title: str) -> str | None:
    """'Analysis: Gaddafi holds on LONDON | Thu Feb 24 ...' -> 'Analysis: Gaddafi holds on' (wire titles)."""
    if "|" not in title[:160]:
        return None
    words = title[:title.index("|")].split()
    city = next((i for i, w in enumerate(words) if len(re.sub(r"[^A-Z]", "", w)) >= 3 and w == w.upper()), None)
    return " ".join(words[:city]) if city is not None and city >= 3 else None


def _without_site(title: str, source: str | None) -> str:
    """'Headline — Harbor Wire' -> 'Headline' when the suffix is the outlet's name."""
    match = _SITE_SUFFIX.search(title)
    if match and source and match.group(0).strip(" |—–-").lower() == source.lower():
        return title[:match.start()].strip()
    return title.strip()
