"""Calibrate TOPIC_THRESHOLD (bot/timeline/scope.py): when is an article about a followed topic?

An article matches a topic query when the closest of its first MATCH_PARAGRAPHS citable paragraphs
(embedded as the index stores them: "title\\n\\ntext") is at least TOPIC_THRESHOLD close to the query.
Labels (bench/follow_labels.tsv, hand-made): for each query, the articles of its corpus that are about
it; every other article of that corpus is taken as not about it (pooled judgements, as TREC does: the
pool was every article scoring >= 0.25 or naming the topic in its title, read by hand). Two queries
come with their own labels: timeline17-dev's topic corpora ("Libya war", "Egypt protests"), judged
against each other and rtqa-dev.

The threshold is cross-validated by query: for each query, the threshold that maximises F0.5 (precision
weighs more: a wrong alert costs a reader more than a late one) on the other queries is applied to it;
precision and recall are pooled over the held-out queries. The shipped value is the one fitted on all.

Usage: python bench/follow_calibration.py [--data-dir DIR] [--cache DIR] [--pool QUERY]
(--pool prints the candidate pool of a query, for labelling)
"""

from __future__ import annotations

import argparse
import csv
import hashlib
from pathlib import Path

import numpy as np
from common import ROOT, SHARED, read_jsonl, require

from bot.timeline.scope import MATCH_PARAGRAPHS, TOPIC_THRESHOLD
from index.config import IndexConfig
from index.embed import load_embeddings
from index.sources import from_record
from index.store import Index

LABELS = ROOT / "bench" / "follow_labels.tsv"
CORPORA = {"rtqa": SHARED / "rtqa-dev" / "articles.jsonl",
           "libya": SHARED / "timeline17-dev" / "LibyaWar_reuters.articles.jsonl",
           "egypt": SHARED / "timeline17-dev" / "EgyptianProtest_cnn.articles.jsonl"}
TOPIC_CORPORA = {"Libya war": "libya", "Egypt protests": "egypt"}  # labelled by corpus membership
POOL_FLOOR = 0.25
GRID = np.round(np.arange(0.25, 0.71, 0.01), 2)
BETA = 0.5


def articles() -> dict[str, tuple[str, str, list[str], list[int]]]:
    """id -> (corpus, title, texts embedded for its first paragraphs, their numbers)."""
    out = {}
    for corpus, path in CORPORA.items():
        for record in read_jsonl(path):
            try:
                article = from_record(record, f"{path.name}:{record.get('id')}")
            except ValueError:  # a record the ingest would refuse too
                continue
            opening = article.indexable[:MATCH_PARAGRAPHS]
            if opening:
                out[article.id] = (corpus, article.title, [f"{article.title}\n\n{p.text}" for p in opening],
                                   [p.number for p in opening])
    return out


def paragraph_vectors(items: dict, cache: Path, embeddings, indexes: Path | None) -> dict[str, np.ndarray]:
    """Vectors of every article's opening paragraphs: the timeline17 topics' as stored in bench/timeline.py's
    indexes when given (the same text, embedded the same way), the rest embedded here and cached by text hash."""
    out: dict[str, np.ndarray] = {}
    if indexes is not None:
        for corpus, topic in (("libya", "LibyaWar_reuters"), ("egypt", "EgyptianProtest_cnn")):
            index = Index.open(IndexConfig(data_dir=indexes / topic, extract_actors=False), embeddings=embeddings)
            keys = [(a, n) for a, v in items.items() if v[0] == corpus for n in v[3]]
            stored = index.vectors.vectors(keys)
            for a, v in items.items():
                if v[0] == corpus and all((a, n) in stored for n in v[3]):
                    out[a] = np.asarray([stored[(a, n)] for n in v[3]], dtype=np.float32)
            index.close()
    cache.mkdir(parents=True, exist_ok=True)
    for corpus in CORPORA:
        todo = {a: v for a, v in items.items() if a not in out and v[0] == corpus}
        texts = [t for v in todo.values() for t in v[2]]
        key = hashlib.sha256("\0".join(texts).encode()).hexdigest()[:16]
        path = cache / f"follow-vectors-{corpus}-{key}.npy"
        if path.exists():
            matrix = np.load(path)
        else:
            matrix = np.asarray(embeddings.embed_documents(texts), dtype=np.float32) if texts else np.zeros((0, 0))
            np.save(path, matrix)
        at = 0
        for article_id, v in todo.items():
            out[article_id] = matrix[at:at + len(v[2])]
            at += len(v[2])
    return out


def relevance(query_vector: np.ndarray, vectors: dict[str, np.ndarray]) -> dict[str, float]:
    q = query_vector / max(float(np.linalg.norm(query_vector)), 1e-12)
    return {a: float((m @ q / np.maximum(np.linalg.norm(m, axis=1), 1e-12)).max()) for a, m in vectors.items()}


def read_labels(items: dict) -> dict[str, tuple[set[str], set[str]]]:
    """query -> (relevant ids, judged ids: its corpus)."""
    out: dict[str, tuple[set[str], set[str]]] = {}
    with LABELS.open(encoding="utf-8") as f:
        for row in csv.reader((line for line in f if not line.startswith("#")), delimiter="\t"):
            if len(row) < 3:
                continue
            query, corpus, article_id = row[0], row[1], row[2]
            relevant, _ = out.setdefault(query, (set(), {a for a, v in items.items() if v[0] == corpus}))
            relevant.add(article_id)
    for query, corpus in TOPIC_CORPORA.items():
        out[query] = ({a for a, v in items.items() if v[0] == corpus}, set(items))
    return out


def counts(scores: dict[str, float], relevant: set[str], judged: set[str], threshold: float) -> tuple[int, int, int]:
    """(true positives, predicted positives, relevant)."""
    predicted = {a for a in judged if scores[a] >= threshold}
    return len(predicted & relevant), len(predicted), len(relevant)


def f_beta(tp: int, predicted: int, relevant: int) -> float:
    p = tp / predicted if predicted else 0.0
    r = tp / relevant if relevant else 0.0
    return (1 + BETA ** 2) * p * r / (BETA ** 2 * p + r) if p + r else 0.0


def fit(per_query: dict[str, tuple[dict, set, set]], queries: list[str]) -> float:
    def total(t: float) -> float:
        tp = pp = rel = 0
        for q in queries:
            a, b, c = counts(*per_query[q], t)
            tp, pp, rel = tp + a, pp + b, rel + c
        return f_beta(tp, pp, rel)
    return float(max(GRID, key=total))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", default=str(Path.home() / ".cache" / "newsbot-bench"))
    parser.add_argument("--data-dir", help="bench/timeline.py's indexes: reuse the timeline17 topics' stored vectors")
    parser.add_argument("--pool", help="print the candidate pool of this query (id, score, title) and stop")
    parser.add_argument("--corpus", default="rtqa", choices=list(CORPORA))
    args = parser.parse_args()
    require(SHARED / "rtqa-dev")
    embeddings = load_embeddings(IndexConfig(data_dir=ROOT / "data"))
    items = articles()
    vectors = paragraph_vectors(items, Path(args.cache), embeddings, Path(args.data_dir) if args.data_dir else None)
    if args.pool:
        scores = relevance(np.asarray(embeddings.embed_query(args.pool)), vectors)
        for a in sorted((a for a in scores if items[a][0] == args.corpus), key=lambda a: -scores[a]):
            if scores[a] >= POOL_FLOOR:
                print(f"{a}\t{scores[a]:.3f}\t{items[a][1][:90]}")
        return
    labels = read_labels(items)
    per_query = {q: (relevance(np.asarray(embeddings.embed_query(q)), vectors), rel, judged)
                 for q, (rel, judged) in labels.items()}
    print(f"{len(per_query)} queries, {sum(len(r) for _, r, _ in per_query.values())} relevant articles of"
          f" {sum(len(j) for _, _, j in per_query.values())} judged pairs")
    tp = pp = rel = 0
    macro: list[float] = []
    for held in per_query:
        t = fit(per_query, [q for q in per_query if q != held])
        a, b, c = counts(*per_query[held], t)
        tp, pp, rel = tp + a, pp + b, rel + c
        macro.append(a / b if b else 0.0)
        print(f"  {held:40s} threshold {t:.2f} (fitted on the others): precision {a / b if b else 0:.3f}"
              f" recall {a / c if c else 0:.3f} ({a}/{b} predicted, {c} relevant)")
    print(f"held-out, pooled: precision {tp / max(pp, 1):.3f} recall {tp / max(rel, 1):.3f}; mean precision over"
          f" the queries {sum(macro) / len(macro):.3f}")
    fitted = fit(per_query, list(per_query))
    print(f"fitted on all queries: {fitted:.2f} (TOPIC_THRESHOLD in bot/timeline/scope.py is {TOPIC_THRESHOLD})")


if __name__ == "__main__":
    main()
