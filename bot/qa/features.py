"""What the answer ranker knows about a candidate sentence: the features its fitted weights read.

One vector per sentence of a retrieved paragraph. `bench/fit_answers.py` fits the weights
(bot/qa/fitted.py) on these exact vectors, so changing a feature here means re-running it
(tests/bot/qa/test_ranker.py fails until the names agree).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.qa.qtype import Expected, expected
from bot.spans import Sentence
from bot.text import content_words, fold, head_terms, names, numbers, question_terms, term_coverage
from index.bm25 import tokenize
from index.search import Hit

FEATURES = (
    "sem",              # cosine similarity of question and sentence (0 in the lexical first pass)
    "sem_gap",          # how far below the best sentence's similarity this one is
    "sem_titled",       # cosine similarity of question and "title. sentence"
    "sem_paragraph",    # cosine similarity of question and "title. paragraph"
    "overlap",          # share of the question's content words in the sentence
    "overlap_gap",      # how far below the best sentence's overlap this one is
    "title_overlap",    # share of the question's content words in the article's title
    "context_overlap",  # ... in the sentence's paragraph and title
    "term_coverage",    # share of the question's key terms in the paragraph and title
    "head_coverage",    # the thing asked for ("population" of X) is in the paragraph
    "named_sentence",   # share of the question's names in the sentence
    "named_paragraph",  # ... in the paragraph or title
    "type_sentence",    # factoid question and the sentence holds a span of the expected type
    "type_missing",     # factoid question and the sentence holds none
    "type_paragraph",   # factoid question and the paragraph holds one
    "type_near",        # ... and such a span stands within four words of a question word
    "quote_said",       # a what-did-X-say question and the sentence quotes or reports speech
    "novelty",          # share of the sentence's words that are not the question's
    "proximity",        # a question name right before another question word ("Valdoria demanded")
    "numbers_missing",  # a number the question states is absent from the paragraph
    "years_missing",    # a year the question names is neither the article's nor in the paragraph
    "rank",             # retrieval rank of the paragraph, 0 = best, scaled to 0..1
    "first_sentence",   # the paragraph's first sentence
    "lead",             # the article's first three paragraphs
    "short",            # fewer than 8 words
    "long",             # more than 40 words
    "asks",             # the sentence is itself a question
    # Open questions ("What did Turkey demand?") have no answer type to look for: these let the
    # ranker weigh the question's words, who-did-it and reported speech differently for them.
    "open_overlap",     # open question: `overlap`
    "open_proximity",   # open question: `proximity`
    "open_said",        # open question: `quote_said`
)
_SAID = re.compile(r"\b(said|says|told|demanded|demands|called|urged|warned|announced|asked|added|wrote|stressed|"
                   r"insisted|sought|proposed|made it clear)\b|[\"“”]")
_QUOTE_QUESTION = re.compile(r"\b(say|said|tell|told|demand|want|ask|write|wrote|propose|call|warn|announce|claim)\b")
_YEAR = re.compile(r"\b(19|20)\d\d\b")


@dataclass(frozen=True)
class Question:
    """The parts of a question every candidate is compared with, computed once."""

    text: str
    words: frozenset[str]
    terms: frozenset[str]
    heads: frozenset[str]
    names: frozenset[str]
    numbers: frozenset[str]
    years: frozenset[str]
    expect: Expected
    about_speech: bool

    @classmethod
    def parse(cls, text: str) -> Question:
        return cls(text, frozenset(content_words(text)), frozenset(question_terms(text)),
                   frozenset(head_terms(text)), frozenset(names(text)), frozenset(numbers(text)),
                   frozenset(m.group(0) for m in _YEAR.finditer(text)), expected(text),
                   bool(_QUOTE_QUESTION.search(text.lower())))


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved paragraph: `marker` is the paragraph's 1-based place in the context."""

    sentence: Sentence
    marker: int
    hit: Hit

    @property
    def text(self) -> str:
        return self.sentence.text


def lexical(q: Question, cand: Candidate, ranks: int, paragraph_typed: bool) -> np.ndarray:
    """Every feature but the two similarity ones (left 0): cheap, for choosing what to embed.

    `ranks` is the number of context paragraphs; `paragraph_typed` whether any sentence of the
    candidate's paragraph holds a span of the expected type (see `typed`)."""
    s, hit = cand.sentence, cand.hit
    words = content_words(s.text)
    where = content_words(hit.title) | content_words(hit.text)
    folded_where = fold(f"{hit.title} {hit.text}")
    folded_sentence = fold(s.text)
    q_words = set(q.words)
    is_typed = typed(q, s)
    have_years = {m.group(0) for m in _YEAR.finditer(f"{hit.title} {hit.text}")}
    if hit.published:
        have_years.add(str(hit.published.year))
    values = {
        "overlap": len(q_words & words) / len(q_words) if q_words else 0.0,
        "context_overlap": len(q_words & (words | where)) / len(q_words) if q_words else 0.0,
        "title_overlap": len(q_words & content_words(hit.title)) / len(q_words) if q_words else 0.0,
        "term_coverage": term_coverage(set(q.terms), where | words),
        "head_coverage": term_coverage(set(q.heads), where | words),
        "named_sentence": _named(q.names, folded_sentence),
        "named_paragraph": _named(q.names, folded_where),
        "type_sentence": float(is_typed),
        "type_missing": float(q.expect.factoid and not is_typed),
        "type_paragraph": float(is_typed or paragraph_typed),
        "type_near": float(is_typed and any(answers_type(q, span.label, span.text) and near_question(q, s.text, span)
                                            for span in s.spans)),
        "quote_said": float(q.about_speech and bool(_SAID.search(s.text))),
        "novelty": len(words - q_words) / len(words) if words else 0.0,
        "proximity": proximity(s.text, q.names, q_words),
        "numbers_missing": float(bool(q.numbers - numbers(f"{hit.title} {hit.text}"))),
        "years_missing": float(not q.years <= have_years),
        "rank": (cand.marker - 1) / max(1, ranks - 1),
        "first_sentence": float(s.index == 0),
        "lead": float(hit.paragraph <= 3),
        "short": float(len(s.text.split()) < 8),
        "long": float(len(s.text.split()) > 40),
        "asks": float(s.text.rstrip("”\"' ").endswith("?")),
    }
    return np.array([values.get(name, 0.0) for name in FEATURES])


def relative(rows: np.ndarray) -> np.ndarray:
    """Fill in the features derived from the others: comparisons with the question's other
    candidates, and the open-question interactions."""
    out = rows.copy()
    if len(out):
        col = {name: FEATURES.index(name) for name in FEATURES}
        out[:, col["overlap_gap"]] = out[:, col["overlap"]].max() - out[:, col["overlap"]]
        is_open = 1.0 - out[:, col["type_sentence"]] - out[:, col["type_missing"]]
        out[:, col["open_overlap"]] = is_open * out[:, col["overlap"]]
        out[:, col["open_proximity"]] = is_open * out[:, col["proximity"]]
        out[:, col["open_said"]] = is_open * out[:, col["quote_said"]]
    return out


def near_question(q: Question, text: str, span, window: int = 4) -> bool:
    """A question word stands within `window` tokens of the span, before or after it."""
    before = tokenize(text[:span.start])[-window:]
    after = tokenize(text[span.end:])[:window]
    return bool(q.words & set(before + after))


SIMILARITY = tuple(name for name in FEATURES if name.startswith("sem"))  # 0 in the lexical pass


def with_similarity(rows: np.ndarray, similarities: np.ndarray) -> np.ndarray:
    """Fill in the similarity features once the shortlisted sentences are embedded; `similarities`
    has one row per candidate: (sentence, "title. sentence", "title. paragraph")."""
    out = rows.copy()
    if not len(out):
        return out
    sentence, titled, paragraph = similarities[:, 0], similarities[:, 1], similarities[:, 2]
    out[:, FEATURES.index("sem")] = sentence
    out[:, FEATURES.index("sem_gap")] = sentence.max() - sentence
    out[:, FEATURES.index("sem_titled")] = titled
    out[:, FEATURES.index("sem_paragraph")] = paragraph
    return out


def typed(q: Question, sentence: Sentence) -> bool:
    """A factoid question and a span of the sentence of the type it asks for."""
    return q.expect.factoid and any(answers_type(q, span.label, span.text) for span in sentence.spans)


def answers_type(q: Question, label: str, text: str) -> bool:
    """A span of the expected type that is not the question's own words ("Turkey" does not answer about Turkey)."""
    if not q.expect.accepts(label):
        return False
    if q.expect.kind in ("duration", "number") and not numbers(text):
        return False  # "Monday" is a date but not how long; "several" is no count
    if q.expect.kind == "number" and _YEAR.fullmatch(text.strip()):
        return False  # "2022" answers when, not how many
    words = content_words(text)
    if q.expect.kind in ("duration", "number"):
        return bool(numbers(text) - q.numbers) or bool(words - q.words)
    return bool(words) and not words & q.words  # "the Kestrel Republic" does not answer about Valdoria–Kestrel


def _named(q_names: frozenset[str], folded: str) -> float:
    if not q_names:
        return 1.0
    return sum(all(w in folded for w in n.split()) for n in q_names) / len(q_names)


def proximity(sentence: str, q_names: frozenset[str] | set[str], q_words: set[str], window: int = 4) -> float:
    """1.0 when a name from the question stands right before another question word ("Valdoria demanded")."""
    tokens = tokenize(sentence)
    name_tokens = {t for n in q_names for t in tokenize(n)}
    others = q_words - name_tokens
    for i, token in enumerate(tokens):
        if token in name_tokens and others & set(tokens[i + 1:i + 1 + window]):
            return 1.0
    return 0.0
