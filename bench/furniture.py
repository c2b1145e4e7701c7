"""Page-furniture detection (index/furniture.py) against hand labels: precision and recall, overall and by kind.

Usage: python bench/furniture.py [--errors] [--speed] [--sample dev|held-out]

Labels: bench/data/furniture_labels.jsonl, one line per labelled article, `furniture` mapping each
paragraph number that is furniture to its kind; every other paragraph of that article is reporting.
Articles come from ../shared/data (rtqa-dev, timeline17-dev, the seed) and from the repo's own
real-looking pages (tests/fixtures/furniture). Splits, reported separately:
  dev       labelled, then used while writing and correcting the rules
  held-out  labelled blind (without the detector's output) and scored once the rules were frozen
  fixtures  our own pages, written as test cases (so not independent of the rules)
No threshold is fitted: the rules are hand-written shapes, so there is nothing to cross-validate, and the
held-out split is the figure to quote. The bar (issue 12): precision >= 0.95; then recall as high as we can.
--speed prints the detector's cost per paragraph as a ratio to the embedding model's, measured in this run.
"""

from __future__ import annotations

import argparse
import hashlib
import time
from collections import Counter, defaultdict

from common import ROOT, SHARED, read_jsonl, require

from index.articles import Paragraph, split_paragraphs
from index.furniture import KINDS, classify
from index.sources import read_file

LABELS = ROOT / "bench" / "data" / "furniture_labels.jsonl"
FIXTURES = ROOT / "tests" / "fixtures" / "furniture"
CORPORA = {
    "rtqa-dev": SHARED / "rtqa-dev" / "articles.jsonl",
    "timeline17-dev/EgyptianProtest_cnn": SHARED / "timeline17-dev" / "EgyptianProtest_cnn.articles.jsonl",
    "timeline17-dev/LibyaWar_reuters": SHARED / "timeline17-dev" / "LibyaWar_reuters.articles.jsonl",
}
SPLITS = ("dev", "held-out", "fixtures")
SAMPLE = {"rtqa-dev": (40, 150), "timeline17-dev/EgyptianProtest_cnn": (12, 160),
          "timeline17-dev/LibyaWar_reuters": (12, 100)}  # articles per corpus, most paragraphs a page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--errors", action="store_true", help="list every paragraph the detector gets wrong")
    parser.add_argument("--speed", action="store_true", help="detector cost per paragraph vs the embedding model")
    parser.add_argument("--sample", choices=("dev", "held-out"), help="print a split's articles, unflagged")
    args = parser.parse_args()
    require(SHARED)
    if args.sample:
        _print_sample(args.sample)
        return
    labels = read_jsonl(LABELS)
    pages = _pages(labels)
    for split in SPLITS:
        rows = [(label, pages[(label["corpus"], label["id"])]) for label in labels if label["split"] == split]
        if rows:
            _report(split, rows, args.errors)
    if args.speed:
        _speed()


def _print_sample(split: str) -> None:
    """The labelled sample: per corpus, the first articles in sha1 order (pages up to a size), alternating splits."""
    for corpus, (count, cap) in SAMPLE.items():
        records = sorted(read_jsonl(require(CORPORA[corpus])),
                         key=lambda r: hashlib.sha1(f"{corpus}/{r['id']}".encode()).hexdigest())
        chosen = [r for r in records if len(split_paragraphs(r["text"])) <= cap][:count]
        for record in chosen[(0 if split == "dev" else 1)::2]:
            print(f"### {corpus} {record['id']} [{record.get('source')}] T: {(record.get('title') or '')[:100]}")
            for p in split_paragraphs(record["text"]):
                print(f"{p.number}\t{p.text[:150]}")


def _pages(labels: list[dict]) -> dict[tuple[str, str], tuple[Paragraph, ...]]:
    """The labelled articles' paragraphs, numbered and flagged exactly as ingest does."""
    wanted = {(label["corpus"], label["id"]) for label in labels}
    found: dict[tuple[str, str], tuple[Paragraph, ...]] = {}
    for corpus, path in CORPORA.items():
        for record in read_jsonl(require(path)):
            if (corpus, record["id"]) in wanted:
                found[(corpus, record["id"])] = _flagged(record)
    for corpus, folder in (("seed", SHARED / "seed"), ("fixtures", FIXTURES)):
        for key in [k for k in wanted if k[0] == corpus]:
            path = folder / key[1].split("#")[0]
            articles = {a.id: a for a in read_file(require(path), 10**7) if hasattr(a, "paragraphs")}
            article = articles[key[1].split("#")[1]] if "#" in key[1] else next(iter(articles.values()))
            found[key] = article.paragraphs
    missing = wanted - found.keys()
    if missing:
        raise SystemExit(f"labelled articles not found: {sorted(missing)[:5]}")
    return found


def _flagged(record: dict) -> tuple[Paragraph, ...]:
    # As index.articles.make_article does, without refusing a page that is all furniture (it is scored too).
    blocks = split_paragraphs(record["text"])
    title = " ".join((record.get("title") or "").split()) or (blocks[0].text[:120] if blocks else "")
    return split_paragraphs(record["text"], title, record.get("author"), record.get("source"))


def _report(split: str, rows: list[tuple[dict, tuple[Paragraph, ...]]], show_errors: bool) -> None:
    outcome: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    errors: list[str] = []
    for label, paragraphs in rows:
        truth = {int(n): kind for n, kind in label["furniture"].items()}
        for p in paragraphs:
            actual, found = truth.get(p.number), p.furniture
            outcome[("t" if actual else "f") + ("p" if found else "n")] += 1
            if actual:
                by_kind[actual]["labelled"] += 1
                by_kind[actual]["found"] += bool(found)
                by_kind[actual]["same kind"] += found == actual
            if found:
                by_kind[found]["flagged"] += 1
                by_kind[found]["flagged furniture"] += bool(actual)
            if bool(actual) != bool(found):
                errors.append(f"  {'missed' if actual else 'LOST  '} {label['corpus']}:{label['id']} ¶{p.number}"
                              f" {actual or found}: {p.text[:110]}")
    # t/f: labelled furniture or not; p/n: flagged or not
    tp, fp, fn = outcome["tp"], outcome["fp"], outcome["tn"]
    print(f"\n== {split}: {len(rows)} articles, {sum(outcome.values())} paragraphs, {tp + fn} labelled furniture")
    print(f"precision {_ratio(tp, tp + fp)}   recall {_ratio(tp, tp + fn)}   "
          f"reporting paragraphs lost {fp} of {fp + outcome['fn']}")
    print(f"{'kind':<12}{'labelled':>9}{'recall':>8}{'same kind':>10}{'flagged':>9}{'precision':>10}")
    for kind in KINDS:
        c = by_kind.get(kind, Counter())
        if c:
            print(f"{kind:<12}{c['labelled']:>9}{_ratio(c['found'], c['labelled']):>8}"
                  f"{_ratio(c['same kind'], c['labelled']):>10}{c['flagged']:>9}"
                  f"{_ratio(c['flagged furniture'], c['flagged']):>10}")
    if show_errors:
        print("\n".join(errors) or "  no errors")


def _chunks(flags: list[str | None], pages: list[tuple[list[str], str]]) -> list[list[str | None]]:
    out, start = [], 0
    for blocks, _ in pages:
        out.append(flags[start:start + len(blocks)])
        start += len(blocks)
    return out


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "  -  "


def _speed() -> None:
    from index.config import IndexConfig
    from index.embed import MiniLMEmbeddings
    from index.models import model_dir

    records = read_jsonl(require(CORPORA["rtqa-dev"]))[:200]
    pages = [([p.text for p in split_paragraphs(r["text"])], r.get("title") or "") for r in records]
    started = time.perf_counter()
    flags = [kind for blocks, title in pages for kind in classify(blocks, title=title)]
    detect_s = time.perf_counter() - started
    embeddings = MiniLMEmbeddings(model_dir(IndexConfig(data_dir=ROOT / "data").models_dir))
    texts = [text for (blocks, _), kinds in zip(pages, _chunks(flags, pages), strict=True)
             for text, kind in zip(blocks, kinds, strict=True) if kind is None][:400]
    embeddings.encode(texts[:16])  # warm-up
    started = time.perf_counter()
    embeddings.encode(texts)
    embed_s = time.perf_counter() - started
    per_rule, per_embed = detect_s / len(flags), embed_s / len(texts)
    print(f"\nspeed: {len(flags)} paragraphs classified in {detect_s:.2f}s; {len(texts)} embedded in {embed_s:.2f}s")
    print(f"furniture rules per paragraph / embedding per paragraph = {per_rule / per_embed:.3f}")


if __name__ == "__main__":
    main()
