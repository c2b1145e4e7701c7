"""The fitted ranker matches the features it reads; eval's reader-facing metrics."""

import numpy as np

from bot.qa import fitted
from bot.qa.answer import Answer
from bot.qa.evaluate import answer_words, is_exact, short_answer_matches
from bot.qa.features import FEATURES, relative
from bot.qa.ranker import ANSWER_FEATURES, Ranker
from bot.verify import ShortAnswer


def test_the_fitted_weights_were_fitted_on_these_features():
    # A feature added, removed or renamed without re-running bench/fit_answers.py fails here.
    assert tuple(fitted.FEATURES) == FEATURES and tuple(fitted.ANSWER_FEATURES) == ANSWER_FEATURES
    ranker = Ranker.fitted()
    assert len(ranker.order.coef) == len(ranker.lexical.coef) == len(FEATURES)
    assert len(ranker.answer.coef) == len(ANSWER_FEATURES)
    assert 0 < ranker.answer_at <= ranker.extra_at


def test_the_ordering_model_prefers_a_typed_on_topic_sentence():
    ranker = Ranker.fitted()
    base = dict.fromkeys(FEATURES, 0.0) | {"sem": 0.6, "overlap": 0.6, "weighted_context": 0.8, "term_coverage": 1.0,
                                          "head_coverage": 1.0, "named_sentence": 1.0, "named_paragraph": 1.0,
                                          "novelty": 0.5, "type_paragraph": 1.0}
    typed = base | {"type_strict": 1.0}
    untyped = base | {"type_missing": 1.0}
    rows = np.array([[row[f] for f in FEATURES] for row in (typed, untyped)])
    s_typed, s_untyped = ranker.order.score(relative(rows))  # the derived columns (prior, gaps) filled in
    assert s_typed > s_untyped


def _answer(text: str, short: str | None = None, abstained: bool = False) -> Answer:
    return Answer("q", "q", text, [], abstained, "extractive", short_answer=ShortAnswer(short, 1) if short else None)


def test_exact_reads_the_answer_shown_and_ignores_markers():
    assert is_exact(_answer("The meeting lasted for nearly three hours [1]."), ("nearly three hours",))
    assert is_exact(_answer("Talks ran long [1].", "nearly three hours"), ("three hours",))
    assert not is_exact(_answer("I couldn't find that.", abstained=True), ("three hours",))
    assert answer_words(_answer("The meeting lasted for nearly three hours [1][2].")) == 7


def test_short_answer_match_is_containment_either_way():
    assert short_answer_matches("Hakan Fidan", ("Fidan",)) and short_answer_matches("12", ("12 Republicans",))
    assert not short_answer_matches("Ankara", ("Hakan Fidan",)) and not short_answer_matches("", ("x",))
