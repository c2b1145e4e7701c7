"""Fit the extractive answer ranker (bot/qa/fitted.py) and report cross-validated figures.

Questions: rtqa-dev (60), bench/data/dev_questions.jsonl (written on rtqa-dev distractor articles,
the Blinken–Fidan seed article and examples/), examples/questions.jsonl, and the unanswerable sets
(examples/, bench/data/unanswerable.jsonl, bench/data/near_unanswerable.jsonl). Every question with
gold articles is asked twice: as is, and with its gold articles withheld from retrieval (an honest
engine then abstains or answers from another outlet's copy).

Each candidate sentence is labelled by whether it holds an answer string. Folds are by question
(both scenarios of a question in one fold): the lexical and full logistic models and the two
thresholds are fitted on four folds and scored on the fifth; the figures printed are pooled over the
held-out folds only. `--write` then fits on everything and writes bot/qa/fitted.py.

Usage: python bench/fit_answers.py [--data-dir DIR] [--folds 5] [--write] [--cache FILE]
  --data-dir: an index holding rtqa-dev, examples/articles and the seed article (else one is built)
"""

from __future__ import annotations

import argparse
import json
import pickle
import statistics
import textwrap
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import numpy as np
from common import ROOT, SHARED, read_jsonl, require, temp_config

from bot.qa.answer import Answerer
from bot.qa.evaluate import resolve_gold, short_answer_matches
from bot.qa.extractive import MAX_EMBEDDED, Scored, choose, featurise, ranked
from bot.qa.features import FEATURES, SIMILARITY, Candidate, Question, with_similarity
from bot.qa.ranker import Logistic, Ranker
from bot.text import fold
from index.config import IndexConfig
from index.sources import from_record, read_paths
from index.store import Index

QUESTION_SETS = [SHARED / "rtqa-dev" / "questions.jsonl", ROOT / "bench/data/dev_questions.jsonl",
                 ROOT / "examples/questions.jsonl", ROOT / "examples/unanswerable.jsonl",
                 ROOT / "bench/data/unanswerable.jsonl", ROOT / "bench/data/near_unanswerable.jsonl"]
LEXICAL_FEATURES = [i for i, name in enumerate(FEATURES) if name not in SIMILARITY]
# The answering bar is the one that maximises support on the training folds while keeping these
# (the targets, met on the training folds); when no bar meets them all, the one with the best utility.
FLOORS = {"precision": 0.80, "abstention": 0.9}
CEILINGS = {"wrong_when_withheld": 0.20}
WRONG_COST = 2.0  # utility fallback: one wrong answer costs as much as two right ones
PADDING_COST = 0.25  # an extra sentence that does not hold the answer, against one that makes it exact
SEED = 12


@dataclass
class Case:
    """One question in one scenario, with every candidate sentence of its context."""

    qid: str
    scenario: str  # "asked" or "withheld"
    answers: tuple[str, ...]
    text: str
    candidates: list[Candidate]
    typed_markers: set[int]
    paragraphs: int
    similarity: np.ndarray
    holds: np.ndarray  # sentence holds an answer string
    # Recomputed on every load from the above, so a changed feature re-fits without re-retrieving:
    question: Question | None = None
    rows: np.ndarray = field(default_factory=lambda: np.zeros((0, len(FEATURES))))


def build_index(data_dir: str | None) -> Index:
    if data_dir:
        return Index.open(IndexConfig(data_dir=Path(data_dir)))
    index = Index.open(temp_config())
    started = time.perf_counter()
    index.ingest(from_record(r, r["id"]) for r in read_jsonl(SHARED / "rtqa-dev" / "articles.jsonl"))
    index.ingest(read_paths([ROOT / "examples/articles", SHARED / "seed/blinken-turkey.txt"], 200_000))
    print(f"built the index in {time.perf_counter() - started:.0f} s")
    return index


def collect(index: Index) -> list[Case]:
    """Retrieve, split and featurise every question in both scenarios (what `newsbot ask` does)."""
    from bot.qa import entity_finder, paragraph_boost

    answerer = Answerer(index, find_entities=entity_finder(index.catalog), boost=paragraph_boost(index.catalog))
    engine = answerer.extractive
    cases: list[Case] = []
    for path in QUESTION_SETS:
        for raw in read_jsonl(require(path)):
            asked = date.fromisoformat(raw["date"]) if raw.get("date") else date.today()
            gold = tuple(sorted(resolve_gold(index.catalog, tuple(raw.get("gold_article_ids") or ()))))
            for scenario, withhold in [("asked", ()), *([("withheld", gold)] if gold else [])]:
                text = raw["question"]
                context = [] if answerer.unknown_names(text) else answerer.retrieve(text, today=asked,
                                                                                    withhold=withhold)
                q, cands, typed_markers, paragraphs = engine.split(text, context)
                sims = engine.similarities(text, cands) if cands else np.zeros((0, 3))
                holds = np.array([any(fold(a) in fold(c.text) for a in raw["answers"]) for c in cands], dtype=bool)
                cases.append(Case(raw["id"], scenario, tuple(raw["answers"]), text, cands, typed_markers,
                                  paragraphs, sims, holds))
    return cases


def featurised(case: Case) -> Case:
    """The case with its question parsed and its lexical rows computed by the current features."""
    q = Question.parse(case.text)
    return replace(case, question=q, rows=featurise(q, case.candidates, case.typed_markers, case.paragraphs))


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


def fit_order(groups: list[tuple[np.ndarray, np.ndarray]], like: Logistic, l2: float = 1.0,
              steps: int = 300, rate: float = 0.5) -> Logistic:
    """Weights that rank each question's sentences: maximise log P(an answering sentence) under a
    softmax over the question's shortlist (questions with no answering sentence teach nothing here).
    Standardised like `like`; plain gradient ascent, the problem is small and convex."""
    zs = [((rows - like.mean) / like.scale, holds.astype(float)) for rows, holds in groups]
    w = np.zeros(len(like.mean))
    for _ in range(steps):
        grad = -l2 * w
        for z, y in zs:
            s = z @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * y
            q /= q.sum()
            grad += z.T @ (q - p)
        w += rate * grad / len(zs)
    return Logistic(like.mean, like.scale, w, 0.0)


def lexical_rows(rows: np.ndarray) -> np.ndarray:
    out = rows.copy()
    out[:, [FEATURES.index(name) for name in SIMILARITY]] = 0.0
    return out


def shortlist(case: Case, lex: Logistic) -> tuple[list[Candidate], np.ndarray, np.ndarray]:
    """What the engine embeds and scores: the lexical model's top sentences, similarity filled in."""
    if not case.candidates:
        return [], np.zeros((0, len(FEATURES))), np.zeros(0, dtype=bool)
    keep = np.argsort(-lex.probability(case.rows), kind="stable")[:MAX_EMBEDDED]
    rows = with_similarity(case.rows[keep], case.similarity[keep])
    return [case.candidates[i] for i in keep], rows, case.holds[keep]


def fit(cases: list[Case]) -> Ranker:
    """Both models and both thresholds, from these cases only."""
    x = np.vstack([c.rows for c in cases if len(c.rows)])
    y = np.concatenate([c.holds for c in cases if len(c.rows)]).astype(float)
    lex_x = lexical_rows(x)
    lex = fit_logistic(lex_x[:, LEXICAL_FEATURES], y)
    lex = _expand(lex, LEXICAL_FEATURES)
    short = [shortlist(c, lex) for c in cases]
    full = fit_logistic(np.vstack([r for _, r, _ in short if len(r)]),
                        np.concatenate([h for _, r, h in short if len(r)]).astype(float))
    order = fit_order([(r, h) for _, r, h in short if len(r) and h.any()], full)
    ranker = _answering_bars(cases, Ranker(lex, full, order, 0.5, 0.5, 1.01))
    extra_at = max([*np.arange(min(ranker.answer_at, ranker.open_at), 1.0, 0.02), 1.01],
                   key=lambda t: _exactness(cases, replace(ranker, extra_at=t)))
    return replace(ranker, extra_at=float(min(extra_at, 1.01)))


def _expand(model: Logistic, columns: list[int]) -> Logistic:
    """A lexical model over all features: zero weight (mean 0, scale 1) on the similarity columns."""
    n = len(FEATURES)
    mean, scale, coef = np.zeros(n), np.ones(n), np.zeros(n)
    mean[columns], scale[columns], coef[columns] = model.mean, model.scale, model.coef
    return Logistic(mean, scale, coef, model.bias)


@dataclass(frozen=True)
class Outcome:
    answered: bool
    supported: bool  # an answer string in the cited paragraphs
    exact: bool  # ... in the answer's sentences
    padding: int  # sentences without an answer string
    words: int
    short: str | None


def outcome(case: Case, ranker: Ranker) -> Outcome:
    cands, rows, _ = shortlist(case, ranker.lexical)
    if not cands or case.question is None:
        return Outcome(False, False, False, 0, 0, None)
    drafts, short = choose(Scored(case.question, cands, rows, ranker.full.probability(rows)), ranker)
    if not drafts:
        return Outcome(False, False, False, 0, 0, None)
    by_marker = {c.marker: c.hit.text for c in case.candidates}
    cited = fold(" ".join(by_marker[m] for d in drafts for m in d.markers))
    said = [fold(d.text) for d in drafts]
    answers = [fold(a) for a in case.answers]
    holds = [any(a in s for a in answers) for s in said]
    return Outcome(True, any(a in cited for a in answers), any(holds), holds.count(False) - (not any(holds)),
                   sum(len(d.text.split()) for d in drafts), short.text if short else None)


def _answering_bars(cases: list[Case], ranker: Ranker) -> Ranker:
    """The two bars (factoid, open) with the best support among those meeting FLOORS and CEILINGS,
    else the best utility. Whether a case is answered depends only on its best probability, so each
    case is scored once and the grid is searched on arrays."""
    always = replace(ranker, answer_at=0.0, open_at=0.0)
    best_p, supported, factoid = [], [], []
    for case in cases:
        cands, rows, _ = shortlist(case, ranker.lexical)
        probs = ranker.full.probability(rows)
        order = ranked(Scored(case.question, cands, rows, probs), ranker) if cands and case.question else []
        best_p.append(float(probs[order[0]]) if order else -1.0)
        supported.append(outcome(case, always).supported)
        factoid.append(bool(case.question and case.question.expect.factoid))
    p, ok, fact = np.array(best_p), np.array(supported), np.array(factoid)
    asked = np.array([c.scenario == "asked" for c in cases])
    has = np.array([bool(c.answers) for c in cases])
    answerable, unanswerable, withheld = asked & has, asked & ~has, ~asked
    bars = np.arange(0.03, 0.96, 0.01)
    best: tuple[tuple[float, float], float, float] | None = None
    for a in bars:
        for o in bars:
            answered = p >= np.where(fact, a, o)
            support = (answered & ok & answerable).sum() / max(1, answerable.sum())
            precision = (answered & ok & answerable).sum() / max(1, (answered & answerable).sum())
            abstention = (~answered & unanswerable).sum() / max(1, unanswerable.sum())
            wrong = (answered & ~ok & withheld).sum() / max(1, withheld.sum())
            utility = float((answered & ok).sum() - WRONG_COST * (answered & ~ok).sum())
            feasible = (precision >= FLOORS["precision"] and abstention >= FLOORS["abstention"]
                        and wrong <= CEILINGS["wrong_when_withheld"])
            score = (float(feasible), support if feasible else utility, a + o)
            if best is None or score > (best[1], best[2], sum(best[0])):
                best = ((float(a), float(o)), score[0], score[1])
    assert best is not None
    return replace(ranker, answer_at=best[0][0], open_at=best[0][1])


def _exactness(cases: list[Case], ranker: Ranker) -> float:
    results = [outcome(c, ranker) for c in cases]
    return sum(o.exact for o in results) - PADDING_COST * sum(o.padding for o in results)


def report(cases: list[Case], results: list[Outcome]) -> dict:
    """The issue's figures over these cases."""
    asked = [(c, o) for c, o in zip(cases, results, strict=True) if c.scenario == "asked"]
    answerable = [(c, o) for c, o in asked if c.answers]
    unanswerable = [(c, o) for c, o in asked if not c.answers]
    answered = [(c, o) for c, o in answerable if o.answered]
    withheld = [(c, o) for c, o in zip(cases, results, strict=True) if c.scenario == "withheld"]
    shorts = [(c, o) for c, o in answered if o.short]

    def ratio(part: int, whole: int) -> float | None:
        return round(part / whole, 3) if whole else None

    return {
        "answerable": len(answerable), "unanswerable": len(unanswerable), "withheld": len(withheld),
        "support": ratio(sum(o.supported and o.answered for _, o in answerable), len(answerable)),
        "exact": ratio(sum(o.exact for _, o in answerable), len(answerable)),
        "precision": ratio(sum(o.supported for _, o in answered), len(answered)),
        "median_words": statistics.median([o.words for _, o in answered]) if answered else None,
        "abstention": ratio(sum(not o.answered for _, o in unanswerable), len(unanswerable)),
        "wrong_when_withheld": ratio(sum(o.answered and not o.supported for _, o in withheld), len(withheld)),
        "short_answer_given": ratio(len(shorts), len(answered)),
        "short_answer_match": ratio(sum(short_answer_matches(o.short or "", c.answers) for c, o in shorts),
                                    len(shorts)),
        "single_sentence": ratio(sum(o.words and o.padding == 0 for _, o in answered), len(answered)),
    }


def folds(cases: list[Case], k: int) -> list[int]:
    ids = sorted({c.qid for c in cases})
    order = np.random.default_rng(SEED).permutation(len(ids))
    fold_of = {ids[i]: n % k for n, i in enumerate(order)}
    return [fold_of[c.qid] for c in cases]


def write(ranker: Ranker, figures: dict, path: Path) -> None:
    def numbers(values) -> str:
        text = ", ".join(f"{float(v):.6g}" for v in values)
        return "[\n" + textwrap.fill(text, 100, initial_indent=" " * 8, subsequent_indent=" " * 8) + "\n    ]"

    def model(m: Logistic) -> str:
        body = "".join(f'    "{k}": {numbers(getattr(m, k))},\n' for k in ("mean", "scale", "coef"))
        return "{\n" + body + f'    "bias": {float(m.bias):.6g},\n' + "}"

    names = textwrap.fill(", ".join(repr(f) for f in FEATURES), 100, initial_indent="    ", subsequent_indent="    ")

    path.write_text(
        '"""Fitted by bench/fit_answers.py: do not edit; re-run it after a feature change.\n\n'
        f"Cross-validated ({figures.pop('folds')} folds, figures on held-out questions only):\n"
        + "".join(f"    {k}: {v}\n" for k, v in figures.items()) + '"""\n\n'
        f"FEATURES = (\n{names},\n)\n"
        f"LEXICAL = {model(ranker.lexical)}\n"
        f"FULL = {model(ranker.full)}\n"
        f'ORDER = {{"coef": {numbers(ranker.order.coef)}}}  # standardised like FULL\n'
        f"ANSWER_AT = {ranker.answer_at:.3f}\n"
        f"OPEN_AT = {ranker.open_at:.3f}\n"
        f"EXTRA_AT = {ranker.extra_at:.3f}\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="fit on all questions and write bot/qa/fitted.py")
    parser.add_argument("--cache", help="pickle of the featurised cases (re-used when present)")
    args = parser.parse_args()
    require(SHARED / "rtqa-dev")
    if args.cache and Path(args.cache).exists():
        cases = pickle.loads(Path(args.cache).read_bytes())
    else:
        index = build_index(args.data_dir)
        started = time.perf_counter()
        cases = collect(index)
        print(f"featurised {len(cases)} cases in {time.perf_counter() - started:.0f} s")
        if args.cache:
            Path(args.cache).write_bytes(pickle.dumps(cases))
    cases = [featurised(c) for c in cases]
    fold_ids = folds(cases, args.folds)
    results: list[Outcome | None] = [None] * len(cases)
    for k in range(args.folds):
        ranker = fit([c for c, f in zip(cases, fold_ids, strict=True) if f != k])
        print(f"fold {k}: answer_at {ranker.answer_at:.2f} open_at {ranker.open_at:.2f} extra_at {ranker.extra_at:.2f}")
        for i, (case, f) in enumerate(zip(cases, fold_ids, strict=True)):
            if f == k:
                results[i] = outcome(case, ranker)
    figures = report(cases, [r for r in results if r is not None])
    print(json.dumps({"cross_validated": figures}, indent=1))
    if args.write:
        ranker = fit(cases)
        write(ranker, {"folds": args.folds, **figures}, ROOT / "bot/qa/fitted.py")
        print(f"wrote bot/qa/fitted.py (answer_at {ranker.answer_at:.2f}, open_at {ranker.open_at:.2f}, "
              f"extra_at {ranker.extra_at:.2f})")


if __name__ == "__main__":
    main()
