"""The fitted answer ranker: logistic regression over `bot.qa.features`, weights from bot/qa/fitted.py.

Three models: a lexical one (no similarity) picks which sentences are worth embedding; an ordering
one, fitted as a softmax over each question's sentences, says which of them answers best; the full
one gives that sentence the probability that it answers the question at all. The thresholds that decide
whether to answer, and whether a further sentence may join, were fitted with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.qa import fitted
from bot.qa.features import FEATURES


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic regression: p = sigmoid(((x - mean) / scale) · coef + bias)."""

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
        """P(answers) for each row of features (rows in `FEATURES` order)."""
        if not len(rows):
            return np.zeros(0)
        z = ((rows - self.mean) / self.scale) @ self.coef + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


@dataclass(frozen=True)
class Ranker:
    """The models and the fitted decision thresholds."""

    lexical: Logistic
    full: Logistic
    order: Logistic  # fitted to rank one question's sentences (softmax over them): which sentence is best
    answer_at: float  # for a factoid question the best sentence needs this probability, else the engine abstains
    open_at: float  # ... for a question with no expected answer type ("What did Turkey demand?")
    extra_at: float  # a further sentence needs this probability on its own

    def bar(self, factoid: bool) -> float:
        """The probability the best sentence needs: the two kinds of question are calibrated apart."""
        return self.answer_at if factoid else self.open_at

    @classmethod
    def fitted(cls) -> Ranker:
        """The weights `bench/fit_answers.py` wrote; refuses weights fitted on other features."""
        if tuple(fitted.FEATURES) != FEATURES:
            raise RuntimeError("bot/qa/fitted.py was fitted on other features: run bench/fit_answers.py")
        order = Logistic.from_dict({**fitted.FULL, "coef": fitted.ORDER["coef"], "bias": 0.0})  # FULL's scaling
        return cls(Logistic.from_dict(fitted.LEXICAL), Logistic.from_dict(fitted.FULL), order,
                   fitted.ANSWER_AT, fitted.OPEN_AT, fitted.EXTRA_AT)
