"""The fitted answer ranker: linear models over `bot.qa.features`, weights from bot/qa/fitted.py.

Two decisions, two models. Which sentence: an ordering model, fitted as a softmax over each
question's sentences, ranks them (a lexical-only logistic model first picks the ones worth
embedding). Whether to answer at all: an answerability model, a logistic regression over what
the chosen sentence has going for it (its own features, its lead over the runner-up, how much of
the ordering model's mass it holds), gives the probability that the cited paragraph holds the
answer. The bars on that probability, for answering and for a further sentence, were fitted with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.qa import fitted
from bot.qa.features import FEATURES

# What the answerability model reads about a chosen sentence: these candidate features, plus
# `share` (its softmax mass under the ordering model) and `margin` (its score over the best other).
# Few on purpose: it learns from one row per case (bench/answer_fitting.py), and with all 40 features it fitted noise
# (held out, the examples' unanswerable questions scored above answerable seed-article ones). The
# second row tells a near miss from an answer: the span of the asked type, the question's words around
# it, other reports agreeing, no rare question word missing (from the paragraph, or from the whole article),
# no whole name missing ("DP World Tour" ≠ "PGA Tour"), and how much older the report is than the context's
# newest (another week's story on the same topic).
CHOSEN = ("sem", "sem_paragraph", "named_sentence", "term_coverage", "weighted_context", "prior",
          "type_strict", "span_near", "agree", "missing_rare", "missing_article", "weighted", "named_whole", "stale")
ANSWER_FEATURES = ("share", "margin", "factoid", *CHOSEN)
# Read by the answerability model only: the ordering and lexical models weigh them 0 (bench/answer_fitting.py).
# An article that never uses the question's rarest word tells a near miss from an answer (held out, three
# fold seeds, at answering bar 0.16: wrong-when-withheld 0.215 -> 0.197, support 0.786 -> 0.790, abstention
# 0.724 -> 0.730), but among the sentences of one context it picks the wrong one: read by all three models,
# precision at bar 0.14 fell 0.865 -> 0.854 (seed 12) and 0.860 -> 0.842 (seed 7); read here only, 0.860 and 0.852.
ANSWER_ONLY = ("missing_article",)
MAX_MARGIN = 5.0  # a lead beyond this says nothing more


@dataclass(frozen=True)
class Logistic:
    """A standardised linear model: p = sigmoid(((x - mean) / scale) · coef + bias)."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    bias: float

    @classmethod
    def from_dict(cls, raw: dict) -> Logistic:
        return cls(np.asarray(raw["mean"]), np.asarray(raw["scale"]), np.asarray(raw["coef"]), float(raw["bias"]))

    def score(self, rows: np.ndarray) -> np.ndarray:
        """The linear score (log-odds) of each row."""
        if not len(rows):
            return np.zeros(0)
        return ((rows - self.mean) / self.scale) @ self.coef + self.bias

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """P(answers) for each row of features."""
        if not len(rows):
            return np.zeros(0)
        return 1.0 / (1.0 + np.exp(-np.clip(self.score(rows), -30, 30)))


def answer_rows(rows: np.ndarray, scores: np.ndarray, factoid: bool) -> np.ndarray:
    """The answerability features of every candidate as if it were the one chosen; `scores` are the
    ordering model's scores of the same candidates."""
    if not len(rows):
        return np.zeros((0, len(ANSWER_FEATURES)))
    shifted = np.exp(scores - scores.max())
    share = shifted / shifted.sum()
    if len(scores) > 1:
        top, second = np.sort(scores)[::-1][:2]
        best_other = np.where(scores >= top, second, top)
    else:
        best_other = scores - MAX_MARGIN
    margin = np.clip(scores - best_other, -MAX_MARGIN, MAX_MARGIN)
    chosen = rows[:, [FEATURES.index(name) for name in CHOSEN]]
    return np.column_stack([share, margin, np.full(len(rows), float(factoid)), chosen])


@dataclass(frozen=True)
class Ranker:
    """The three models and the fitted bars."""

    lexical: Logistic  # which sentences are worth embedding (similarity columns weigh 0)
    order: Logistic  # which sentence answers best (a score; only its differences within a question matter)
    answer: Logistic  # over ANSWER_FEATURES: P(the chosen sentence's paragraph holds the answer)
    answer_at: float  # the best sentence needs this probability, else the engine abstains
    extra_at: float  # a further sentence needs this probability on its own

    def answerable(self, rows: np.ndarray, factoid: bool) -> np.ndarray:
        """For each candidate, the probability that answering with it would be right."""
        return self.answer.probability(answer_rows(rows, self.order.score(rows), factoid))

    @classmethod
    def fitted(cls) -> Ranker:
        """The weights `bench/fit_answers.py` wrote; refuses weights fitted on other features."""
        if tuple(fitted.FEATURES) != FEATURES or tuple(fitted.ANSWER_FEATURES) != ANSWER_FEATURES:
            raise RuntimeError("bot/qa/fitted.py was fitted on other features: run bench/fit_answers.py")
        return cls(Logistic.from_dict(fitted.LEXICAL), Logistic.from_dict(fitted.ORDER),
                   Logistic.from_dict(fitted.ANSWER), fitted.ANSWER_AT, fitted.EXTRA_AT)
