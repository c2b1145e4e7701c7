"""The extractive engine: picks and cites source sentences; it never writes a word of its own.

Every sentence of the top retrieved paragraphs (split, and its entities typed, by the ingest-time
spaCy pass when the catalog has it) is featurised (bot/qa/features.py); the fitted ordering model
ranks them and the answerability model says how likely the best one is to answer (bot/qa/ranker.py).
Below the fitted bar the engine abstains. A further sentence joins only when it clears a bar of its
own, holds the question's terms or the answer's type, and adds something new: one good sentence is
the answer, not the first of three. For a factoid question the typed phrase of the best sentence is
the short answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from bot.qa.features import (
    FEATURES,
    Candidate,
    Question,
    lexical,
    missing_in_article,
    owned,
    relative,
    staleness,
    typed,
    whole_names,
    with_similarity,
)
from bot.qa.ranker import Ranker
from bot.qa.short import agreement, short_answer
from bot.spans import sentences_of
from bot.text import content_words, fold
from bot.verify import DraftSentence, ShortAnswer
from index.search import Hit

# Retrieval finds a paragraph holding the answer among its top 8 for 86% of dev questions, its top 24
# for 96.5%; the lexical model then picks the sentences worth embedding, so reading more costs little.
CANDIDATE_PARAGRAPHS = 24
MIN_WORDS = 4  # shorter "sentences" are headings, datelines, credits
MAX_SENTENCES = 3
MAX_EMBEDDED = 16  # sentences embedded per question, chosen by the lexical model (latency: ~5 ms each)
MIN_NEW_WORDS = 3  # a further sentence must add this many content words the answer does not have yet
EMBEDDING_CACHE_SIZE = 20_000  # sentence vectors kept (~30 MB)
MIN_TERM_COVERAGE = 0.25  # share of the question's key terms the answering paragraph (with title) must hold
# Every name the question gives must be written somewhere in the answering article: a near miss swaps one
# ("How many did Hurricane Fiona kill in Florida?" of an article that never names Florida). Measured on
# held-out folds (bench/fit_answers.py, re-fitted; two fold seeds): abstention 0.65 and 0.62 -> 0.78, support
# within 0.01 of what it was.
MIN_NAMED_WHOLE = 1.0
_COVERAGE, _HEAD, _YEARS, _PROXIMITY, _SAID, _WHOLE = (FEATURES.index(name) for name in (
    "term_coverage", "head_coverage", "years_missing", "proximity", "quote_said", "named_whole"))
# Kinds of question whose answer is always a typed span: a sentence without one cannot answer them
# ("Which company bought the Eiffel Tower?" is not answered by "The Eiffel Tower is now 20 feet taller").
# "Which holiday/condiment/product…" (kind "name") is often answered by a common noun, so it is not here.
TYPED_KINDS = frozenset({"person", "org", "place", "when", "number", "duration", "age"})


@dataclass(frozen=True)
class Scored:
    """The shortlisted candidates of one question with their features and the probability that
    answering with each would be right."""

    question: Question
    candidates: list[Candidate]
    rows: np.ndarray
    probabilities: np.ndarray


class ExtractiveEngine:
    """Offline answers made only of cited source sentences."""

    name = "extractive"

    def __init__(self, embeddings, catalog=None, ranker: Ranker | None = None) -> None:
        self.embeddings = embeddings
        self.catalog = catalog  # for the stored sentence and entity offsets; None splits by rule
        self._ranker = ranker  # loaded on first use: bench/fit_answers.py featurises before any fit exists
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()  # the Telegram bot answers on several threads

    @property
    def ranker(self) -> Ranker:
        if self._ranker is None:
            self._ranker = Ranker.fitted()
        return self._ranker

    def draft(self, question: str, context: list[Hit]) -> tuple[list[DraftSentence], ShortAnswer | None]:
        """1–3 cited sentences answering `question` and the short answer (or None); [] to abstain."""
        return choose(self.score(question, context), self.ranker)

    def score(self, question: str, context: list[Hit]) -> Scored:
        """Candidates worth embedding (by the lexical model), with their answerability."""
        q, cands, rows = self.candidates(question, context)
        if not cands:
            return Scored(q, [], np.zeros((0, len(FEATURES))), np.zeros(0))
        keep = np.argsort(-self.ranker.lexical.score(rows), kind="stable")[:MAX_EMBEDDED]
        cands, rows = [cands[i] for i in keep], rows[keep]
        rows = with_similarity(rows, self.similarities(question, cands))
        return Scored(q, cands, rows, self.ranker.answerable(rows, q.expect.factoid))

    def candidates(self, question: str, context: list[Hit]) -> tuple[Question, list[Candidate], np.ndarray]:
        """Every sentence of the top paragraphs with its lexical features (similarity left 0)."""
        q, cands, paragraphs = self.split(question, context)
        # the whole articles: is each of the question's names, and its rarest word, written anywhere in them?
        return q, cands, featurise(q, cands, paragraphs, self.articles(cands))

    def split(self, question: str, context: list[Hit]) -> tuple[Question, list[Candidate], int]:
        """The candidate sentences of the top paragraphs and how many paragraphs were read."""
        q = Question.parse(question, self.catalog.idf if self.catalog is not None else None)
        top = context[:CANDIDATE_PARAGRAPHS]
        stored = self.catalog.annotations([h.key for h in top]) if self.catalog is not None else {}
        cands: list[Candidate] = []
        for marker, hit in enumerate(top, 1):
            sentences = sentences_of(hit.text, stored.get(hit.key))
            cands += [Candidate(s, marker, hit, sentences[i - 1].text if i else "")
                      for i, s in enumerate(sentences) if len(s.text.split()) >= MIN_WORDS]
        return q, cands, len(top)

    def articles(self, cands: list[Candidate]) -> dict[str, str]:
        """The whole stored text of each candidate's article (title and every paragraph), folded, for
        `whole_names` and `missing_in_article`; {} without a catalog (the context's paragraphs stand in)."""
        if self.catalog is None:
            return {}
        found = self.catalog.articles([c.hit.article_id for c in cands])
        return {aid: fold(" ".join([a.title, *(p.text for p in a.paragraphs)])) for aid, a in found.items()}

    def similarities(self, question: str, cands: list[Candidate]) -> np.ndarray:
        """Cosine similarity of the question with each candidate's sentence, its sentence after the
        article title, and its paragraph after the title (one row per candidate)."""
        paragraphs = list(dict.fromkeys(f"{c.hit.title}. {c.hit.text}" for c in cands))
        texts = [question, *[c.text for c in cands], *[f"{c.hit.title}. {c.text}" for c in cands], *paragraphs]
        vectors = self._embed(texts)
        sims = vectors[1:] @ vectors[0]
        n = len(cands)
        by_paragraph = dict(zip(paragraphs, sims[2 * n:], strict=True))
        return np.column_stack([sims[:n], sims[n:2 * n],
                                [by_paragraph[f"{c.hit.title}. {c.hit.text}"] for c in cands]])

    def _embed(self, texts: list[str]) -> np.ndarray:
        """Embed texts, reusing vectors of sentences seen before (popular paragraphs recur across questions)."""
        with self._cache_lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        fresh = np.asarray(self.embeddings.embed_documents(missing)) if missing else np.zeros((0, 0))
        with self._cache_lock:
            for text, vector in zip(missing, fresh, strict=True):
                self._cache[text] = vector
            for text in texts:
                self._cache.move_to_end(text)
            while len(self._cache) > EMBEDDING_CACHE_SIZE:
                self._cache.popitem(last=False)
            return np.stack([self._cache[t] for t in texts])


def featurise(q: Question, cands: list[Candidate], paragraphs: int,
              articles: dict[str, str] | None = None) -> np.ndarray:
    """The lexical feature rows of the candidates (similarity columns 0); `paragraphs` is how many were
    read, `articles` the candidates' whole articles (see `ExtractiveEngine.articles`)."""
    if not cands:
        return np.zeros((0, len(FEATURES)))
    typed_markers = {c.marker for c in cands if typed(q, c.sentence)}  # paragraphs holding a span of the asked type
    rows = np.array([lexical(q, c, paragraphs, c.marker in typed_markers) for c in cands])
    rows[:, FEATURES.index("agree")] = agreement(q, cands)
    rows[:, FEATURES.index("stale")] = staleness(cands)
    rows[:, FEATURES.index("named_whole")] = whole_names(q, cands, articles)
    rows[:, FEATURES.index("missing_article")] = missing_in_article(q, cands, articles)
    return relative(rows)


def ranked(scored: Scored, ranker: Ranker) -> list[int]:
    """Candidate indices, best first by the ordering model; for a question whose answer is a typed
    span (how long, who, where, when, how many), only the sentences that hold one; for an open question
    about what someone said or demanded, only sentences that report speech."""
    order = [int(i) for i in np.argsort(-ranker.order.score(scored.rows), kind="stable")]
    # A sentence whose paragraph lacks most of the question's terms, the very thing it asks for
    # ("population" in "what is the population of X") or the year it names, or whose article never
    # writes one of the question's names, or whose paragraph never names whose thing is asked for ("the
    # prime minister of Luneria"), is about something near the question, not the question itself: it may
    # not answer, however similar it sounds.
    rows = scored.rows
    order = [i for i in order if rows[i, _COVERAGE] >= MIN_TERM_COVERAGE and rows[i, _HEAD] == 1.0
             and rows[i, _YEARS] == 0.0 and rows[i, _WHOLE] >= MIN_NAMED_WHOLE
             and owned(scored.question, scored.candidates[i])]
    if scored.question.expect.kind in TYPED_KINDS:
        order = [i for i in order if typed(scored.question, scored.candidates[i].sentence)]
    elif scored.question.about_speech:  # "What did Fidan say / Turkey demand?" is answered by reported speech
        order = [i for i in order if rows[i, _SAID] > 0]
    return order


def choose(scored: Scored, ranker: Ranker) -> tuple[list[DraftSentence], ShortAnswer | None]:
    """The best sentence if it clears the answering bar, then only further sentences that answer on their own."""
    probs, cands, q = scored.probabilities, scored.candidates, scored.question
    order = ranked(scored, ranker)
    if not order or probs[order[0]] < ranker.answer_at:
        return [], None
    chosen = [cands[order[0]]]
    phrase = short_answer(q, chosen[0].sentence)
    known = set(q.words) | content_words(chosen[0].text)
    overlap = FEATURES.index("overlap")
    for i in order[1:]:
        cand = cands[i]
        if len(chosen) == MAX_SENTENCES:
            break
        if probs[i] < ranker.extra_at:
            continue
        on_topic = typed(q, cand.sentence) if q.expect.factoid else scored.rows[i, overlap] > 0
        # When the first sentence has the question's name doing the asked thing ("Valdoria demanded"),
        # a further one must too: "the Kestrelian delegation demanded … that Valdoria pay" is another's demand.
        on_topic = on_topic and scored.rows[i, _PROXIMITY] >= scored.rows[order[0], _PROXIMITY]
        new = content_words(cand.text) - known
        if on_topic and len(new) >= MIN_NEW_WORDS and not any(redundant(cand.text, c.text) for c in chosen):
            chosen.append(cand)
            known |= new
    return ([DraftSentence(c.text, (c.marker,)) for c in chosen],
            ShortAnswer(phrase, chosen[0].marker) if phrase else None)


def redundant(a: str, b: str) -> bool:
    """Two sentences sharing most of the shorter one's content words say the same thing."""
    wa, wb = content_words(a), content_words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) > 0.6
