"""The fitting behind bench/fit_answers.py: the three models and two bars of bot/qa/ranker.py, from cases only.

`fit(cases)` sees only the cases it is given (the training folds). Inside it the answerability model
is trained on the sentences the ordering model would choose for questions it was not fitted on (an
inner cross-validation), so it learns how often a choice is right on unseen questions, not on the
questions the ordering model already knows; its bar is set on those inner held-out predictions too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bot.qa.extractive import MAX_EMBEDDED, Scored, choose, ranked
from bot.qa.features import FEATURES, SIMILARITY, Candidate, Question, with_similarity
from bot.qa.ranker import ANSWER_FEATURES, ANSWER_ONLY, Logistic, Ranker, answer_rows
from bot.text import fold
from bot.verify import DraftSentence, verify
from index.search import Hit

LEXICAL_FEATURES = [i for i, name in enumerate(FEATURES) if name not in SIMILARITY and name not in ANSWER_ONLY]
INNER_FOLDS = 4
# The "Done when" targets. The bars fall short of them least, summed in rate units (a bar that
# buys support with wrong answers pays in precision and wrong-when-withheld, one that buys abstention pays in
# support and exactness).
AT_LEAST = {"support": 0.85, "exact": 0.75, "precision": 0.85, "abstention": 0.90}
AT_MOST = {"wrong_when_withheld": 0.15}
SEED = 12
# The ordering model learns from the cases with an answering sentence. The prior's weight is not shrunk,
# the others are: with 143 answerable questions a shrinkage of 100 held it close to the old hand-weighted
# score; with 324 a weaker one did better on held-out folds (support 0.667 -> 0.685, precision 0.800 -> 0.828).
ORDER_L2, ORDER_STEPS = 3.0, 600
# The answerability model learns from one row per case with a sentence it may choose (every scenario of
# every question: up to 971 rows) over a few features (ranker.CHOSEN). A shrinkage of 10 was measured
# against this 1 on the same 971 cases, held out (fold seeds 12 / 7): wrong-when-withheld 0.223 -> 0.203 /
# 0.218 -> 0.196, but support 0.782 -> 0.777 / 0.772 -> 0.762 and precision 0.861 -> 0.853 / 0.855 -> 0.846:
# a trade, not a gain, so it stays 1. Separate weights for open questions (share, margin, sem, weighted,
# named_sentence): support 0.782 -> 0.772 (seed 12).
ANSWER_L2 = 1.0


@dataclass
class Case:
    """One question in one scenario, with every candidate sentence of its context."""

    qid: str
    source: str  # the question file it comes from
    scenario: str  # "asked", "withheld" (gold articles kept out) or "alone" (an index of one article)
    answers: tuple[str, ...]
    text: str
    candidates: list[Candidate]
    paragraphs: int
    similarity: np.ndarray
    holds: np.ndarray  # sentence holds an answer string
    context: list[Hit]  # the retrieved paragraphs, best first (markers are 1-based places here)
    idf: dict[str, float]  # of the question's content words, in the index it was asked of
    baseline: list[DraftSentence]  # what the pre-issue-12 engine drafted from the same context
    articles: dict[str, str]  # the whole stored text of each candidate's article, folded (ExtractiveEngine.articles)
    # Recomputed on every load from the above, so a changed feature re-fits without re-retrieving:
    question: Question | None = None
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, len(FEATURES))))

    @property
    def paragraph_holds(self) -> np.ndarray:
        """For each candidate, whether its paragraph holds an answer string (what support counts)."""
        return np.array([any(fold(a) in fold(c.hit.text) for a in self.answers) for c in self.candidates], dtype=bool)


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0) -> Logistic:
    """L2-regularised logistic regression by Newton's method on standardised features."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w + b, -30, 30)))
        g_w = z.T @ (p - y) + l2 * w
        g_b = float(np.sum(p - y))
        s = p * (1 - p)
        h = np.zeros((len(w) + 1, len(w) + 1))
        h[:-1, :-1] = (z * s[:, None]).T @ z + l2 * np.eye(len(w))
        h[:-1, -1] = h[-1, :-1] = z.T @ s
        h[-1, -1] = s.sum() + 1e-9
        step = np.linalg.solve(h, np.append(g_w, g_b))
        w, b = w - step[:-1], b - step[-1]
        if np.abs(step).max() < 1e-7:
            break
    return Logistic(mean, scale, w, b)


def fit_order(groups: list[tuple[np.ndarray, np.ndarray]], l2: float = 3.0, steps: int = 300,
              rate: float = 0.5) -> Logistic:
    """Weights that rank each question's sentences: maximise log P(an answering sentence) under a
    softmax over the question's shortlist (questions with no answering sentence teach nothing here).
    Plain gradient ascent on standardised features: the problem is small and convex. The `prior`
    column is not shrunk: the other weights learn corrections to the old hand-weighted score, and
    with little data the model falls back on it rather than on nothing. The ANSWER_ONLY columns keep
    weight 0: the answerability model reads them, the ordering does not."""
    x = np.vstack([rows for rows, _ in groups])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    zs = [((rows - mean) / scale, holds.astype(float)) for rows, holds in groups]
    w = np.zeros(x.shape[1])
    shrink = np.full(x.shape[1], l2)
    shrink[FEATURES.index("prior")] = 0.0
    learns = np.array([name not in ANSWER_ONLY for name in FEATURES], dtype=float)
    for _ in range(steps):
        grad = -shrink * w
        for z, y in zs:
            s = z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y
            q /= q.sum()
            grad += z.T @ (q - p)
        w += rate * learns * grad / len(zs)
    return Logistic(mean, scale, w, 0.0)


def shortlist(case: Case, lex: Logistic) -> tuple[list[Candidate], np.ndarray, np.ndarray]:
    """What the engine embeds and scores: the lexical model's top sentences, similarity filled in;
    with, for each, whether its paragraph holds an answer string."""
    if not case.candidates:
        return [], np.zeros((0, len(FEATURES))), np.zeros(0, dtype=bool)
    keep = np.argsort(-lex.score(case.rows), kind="stable")[:MAX_EMBEDDED]
    rows = with_similarity(case.rows[keep], case.similarity[keep])
    return [case.candidates[i] for i in keep], rows, keep


def _lexical(cases: list[Case]) -> Logistic:
    x = np.vstack([c.rows for c in cases if len(c.rows)])
    y = np.concatenate([c.holds for c in cases if len(c.rows)]).astype(float)
    model = fit_logistic(x[:, LEXICAL_FEATURES], y)
    n = len(FEATURES)  # over all features: zero weight (mean 0, scale 1) on the similarity columns
    mean, scale, coef = np.zeros(n), np.ones(n), np.zeros(n)
    mean[LEXICAL_FEATURES], scale[LEXICAL_FEATURES], coef[LEXICAL_FEATURES] = model.mean, model.scale, model.coef
    return Logistic(mean, scale, coef, model.bias)


def _order(cases: list[Case], lex: Logistic) -> Logistic:
    groups = []
    for case in cases:
        _, rows, keep = shortlist(case, lex)
        if len(rows) and case.holds[keep].any():
            groups.append((rows, case.holds[keep]))
    return fit_order(groups, l2=ORDER_L2, steps=ORDER_STEPS)


def _choices(cases: list[Case], lex: Logistic, order: Logistic) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Answerability rows of the sentence the ordering model picks for each case, whether its
    paragraph holds the answer, and which case each row is."""
    x, y, which = [], [], []
    for n, case in enumerate(cases):
        cands, rows, keep = shortlist(case, lex)
        if not cands or case.question is None:
            continue
        probe = Ranker(lex, order, order, 0.0, 1.01)
        best = ranked(Scored(case.question, cands, rows, np.zeros(len(cands))), probe)
        if not best:
            continue
        features = answer_rows(rows, order.score(rows), case.question.expect.factoid)
        x.append(features[best[0]])
        y.append(bool(case.paragraph_holds[keep][best[0]]))
        which.append(n)
    return (np.array(x).reshape(-1, len(ANSWER_FEATURES)), np.array(y, dtype=float), np.array(which, dtype=int))


def fit(cases: list[Case]) -> Ranker:
    """The three models and both bars, from these cases only."""
    lex = _lexical(cases)
    order = _order(cases, lex)
    # Out-of-fold choices: the ordering model of the other inner folds picks each case's sentence.
    inner = folds(cases, INNER_FOLDS, SEED + 1)
    parts = []
    for k in range(INNER_FOLDS):
        train = [c for c, f in zip(cases, inner, strict=True) if f != k]
        test = [c for c, f in zip(cases, inner, strict=True) if f == k]
        inner_lex = _lexical(train)
        inner_order = _order(train, inner_lex)
        parts.append((test, inner_lex, inner_order, *_choices(test, inner_lex, inner_order)[:2]))

    def answer_model(chosen: list[tuple]) -> Logistic:
        return fit_logistic(np.vstack([p[3] for p in chosen]), np.concatenate([p[4] for p in chosen]), ANSWER_L2)

    answer = answer_model(parts)
    # The bars are set on held-out cases too: each inner fold answered by the models of the others.
    held_out: list[tuple[Case, Scored]] = []
    for k, (test, inner_lex, inner_order, *_) in enumerate(parts):
        probe = Ranker(inner_lex, inner_order, answer_model([p for n, p in enumerate(parts) if n != k]), 0.0, 1.01)
        held_out += [(case, scored(case, probe)) for case in test]
    answer_at, extra_at = _bars(held_out, lex)
    return Ranker(lex, order, answer, answer_at, extra_at)


def scored(case: Case, ranker: Ranker) -> Scored:
    """The case's shortlist with its features and answerability under these models."""
    cands, rows, _ = shortlist(case, ranker.lexical)
    if not cands or case.question is None:
        return Scored(case.question or Question.parse(case.text), [], rows, np.zeros(0))
    return Scored(case.question, cands, rows, ranker.answerable(rows, case.question.expect.factoid))


BARS = np.round(np.arange(0.02, 0.61, 0.01), 2)  # for answering
EXTRA_BARS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8)  # for a further sentence (and 1.01: never)


def _bars(held_out: list[tuple[Case, Scored]], lex: Logistic) -> tuple[float, float]:
    """(answer_at, extra_at): among the bars that keep the median answer within MAX_MEDIAN_WORDS, the ones
    falling short of the issue's targets least, then the most support and exactness and the fewest words.

    There is no floor at the pre-issue-12 engine's support any more: on the inner held-out cases (models
    fitted on 60% of the questions) that floor was only just reachable, so it, not the targets, set the
    bar, at the lowest bar that reached it (0.03-0.11 by fold, against 0.17 the outer folds would pick
    under the same floor), and wrong-when-withheld paid for it. Answers lost against that engine are
    still reported (`abstained_where_other_right` in bench/fit_answers.py)."""
    cases = [case for case, _ in held_out]
    memo: dict[tuple, Outcome] = {}  # most bars leave a case's answer as it was: verify each answer once

    def judge(n: int, case: Case, drafts: list[DraftSentence], short) -> Outcome:
        key = (n, tuple(drafts), short)
        if key not in memo:
            memo[key] = judged(case, drafts, short)
        return memo[key]

    best: tuple | None = None
    for answer_at in BARS:
        for extra_at in [*[b for b in EXTRA_BARS if b >= answer_at], 1.01]:
            probe = Ranker(lex, lex, lex, float(answer_at), float(extra_at))  # choose() reads only the bars
            mine = figures(cases, [judge(n, c, *choose(s, probe)) if s.candidates else NO_ANSWER
                                   for n, (c, s) in enumerate(held_out)])
            kept = mine["median"] <= MAX_MEDIAN_WORDS
            key = (kept, -round(shortfall(mine), 3), mine["support"], mine["exact"], -mine["words"])
            if best is None or key > best[0]:
                best = (key, float(answer_at), float(extra_at))
    assert best is not None
    return best[1], best[2]


MAX_MEDIAN_WORDS = 40  # the target: one good sentence, not three
WORDS_SCALE = 100.0  # ten words over the median weigh like 0.1 of a rate


def shortfall(mine: dict[str, float]) -> float:
    """How far these figures fall short of the issue's targets, summed in rate units."""
    return (sum(max(0.0, bar - mine[name]) for name, bar in AT_LEAST.items())
            + sum(max(0.0, mine[name] - bar) for name, bar in AT_MOST.items())
            + max(0.0, mine["median"] - MAX_MEDIAN_WORDS) / WORDS_SCALE)


def figures(cases: list[Case], results: list[Outcome]) -> dict[str, float]:
    """The figures the bars trade off, as fractions (0 where a set is empty)."""
    def share(part: list[bool], whole: list[bool]) -> float:
        total = sum(whole)
        return sum(p and w for p, w in zip(part, whole, strict=True)) / total if total else 0.0

    asked = [c.scenario in ("asked", "alone") for c in cases]
    answerable = [a and bool(c.answers) for a, c in zip(asked, cases, strict=True)]
    unanswerable = [a and not c.answers for a, c in zip(asked, cases, strict=True)]
    withheld = [c.scenario == "withheld" for c in cases]
    answered = [o.answered for o in results]
    supported = [o.supported for o in results]
    words = [o.words for o, a, b in zip(results, answerable, answered, strict=True) if a and b]
    return {"support": share(supported, answerable),
            "exact": share([o.exact for o in results], answerable),
            "precision": share(supported, [a and b for a, b in zip(answerable, answered, strict=True)]),
            "abstention": share([not b for b in answered], unanswerable),
            "wrong_when_withheld": share([b and not s for b, s in zip(answered, supported, strict=True)], withheld),
            "abstained": share([not b for b in answered], answerable),
            "median": float(np.median(words)) if words else 0.0,
            "words": float(sum(o.words for o in results))}


@dataclass(frozen=True)
class Outcome:
    answered: bool
    supported: bool  # an answer string in the cited paragraphs
    exact: bool  # ... in the answer shown (short answer and sentences)
    padding: int  # sentences without an answer string, beyond the first
    words: int
    short: str | None


def outcome(case: Case, ranker: Ranker) -> Outcome:
    """What the engine answers for this case with these models, verified as `newsbot ask` does."""
    s = scored(case, ranker)
    return judged(case, *choose(s, ranker)) if s.candidates else NO_ANSWER


def judged(case: Case, drafts: list[DraftSentence], short=None) -> Outcome:
    """Verify drafts against the case's context and score them against its answers."""
    verified = verify(drafts, case.context, short=short) if drafts else None
    if verified is None or verified.empty:
        return NO_ANSWER
    answers = [fold(a) for a in case.answers]
    cited = fold(" ".join(c.text for c in verified.citations))
    said = [fold(text) for text, _ in verified.sentences]
    holds = [any(a in s for a in answers) for s in said]
    shown = fold(verified.short.text) if verified.short else ""
    exact = any(holds) or any(a in shown for a in answers)
    return Outcome(True, any(a in cited for a in answers), exact, holds.count(False) - (not any(holds)),
                   sum(len(text.split()) for text, _ in verified.sentences),
                   verified.short.text if verified.short else None)


NO_ANSWER = Outcome(False, False, False, 0, 0, None)


def folds(cases: list[Case], k: int, seed: int = SEED) -> list[int]:
    """A fold for each case, by question: every scenario of a question falls in the same fold."""
    ids = sorted({(c.source, c.qid) for c in cases})
    order = np.random.default_rng(seed).permutation(len(ids))
    fold_of = {ids[i]: n % k for n, i in enumerate(order)}
    return [fold_of[(c.source, c.qid)] for c in cases]
