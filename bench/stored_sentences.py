"""Stored sentence annotations against the rule splitter, where summaries and dossiers read them.

On rtqa-dev (real CNN-era articles with multi-sentence paragraphs), ingested with the spaCy pass:
- split: the paragraphs whose stored split differs from the rule split (`bot.text.sentences`), and in
  each splitter's sentences the signatures of a wrong split: a sentence ending on an abbreviation or an
  initial before the next one ("Shares of J.P." | "Morgan fell"), one starting in lower case (both false
  splits), one over 70 words (a missed split). Heuristics, so also:
- labelled: bench/data/sentence_split_labels.tsv holds paragraphs where the two disagree (a seeded random
  sample, printed by --print-disagreements), each labelled by reading it: which split a reader would
  want (stored / rule / neither). The share each splitter gets right is that figure.
- summaries of the questions' gold articles and dossiers of the most-mentioned actors, each made twice in
  this run over the same index: split by rule (the code before: `Splitter.fetch` patched to fetch nothing)
  and by the stored annotations. Reported: points (gist, bullets, dossier lines) that change, wrong-split
  signatures in what a reader sees, and the time of the annotated run over the rule run.

Usage: python bench/stored_sentences.py [--data-dir DIR] [--summaries N] [--actors N] [--print-disagreements N]
(ingesting rtqa-dev with spaCy takes minutes; --data-dir keeps the index for reuse)
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from common import RTQA, read_jsonl, require, rtqa_articles

from bot.actors import build_dossier
from bot.context import Context
from bot.settings import Settings
from bot.spans import Splitter
from bot.summary import SummaryError, summarize
from bot.text import sentences
from index.actors import directory
from index.config import IndexConfig
from index.store import Index

LABELS = Path(__file__).resolve().parent / "data" / "sentence_split_labels.tsv"
LONG_WORDS = 70
# A sentence ending like this is cut before the rest of it: initials ("J.P.", "U.N."), titles and
# abbreviations the rule list lacks ("Maj.", "Calif."). "U.S." may end a sentence, so it counts too: a heuristic.
_CUT_AFTER = re.compile(r"(?:\b[A-Z]\.){1,3}$|\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Maj|Brig|Adm|Cmdr|Col|Lt|Sgt|Capt|Sen|Rep|"
                        r"Gov|Rev|St|Jr|Sr|No|Jan|Feb|Aug|Sept|Oct|Nov|Dec|Calif|Fla|Ariz|Mass|Penn|Conn|Ill|"
                        r"Mich|Wash|Va|Pa|Ga|La|Md|Mo|Minn|Wis|Tenn|Ky|Ala|Okla|Ore|Nev|Colo|Kan|Neb)\.$")


def signatures(split: list[str]) -> dict[str, int]:
    """Wrong-split signatures among one paragraph's sentences."""
    return {"cut_after_abbreviation": sum(bool(_CUT_AFTER.search(s)) for s in split[:-1]),
            "starts_lower_case": sum(s[:1].islower() for s in split[1:]),
            "over_70_words": sum(len(s.split()) > LONG_WORDS for s in split)}


def point_signatures(texts: list[str]) -> dict[str, int]:
    """The same signatures in what a reader sees: a point ending on an abbreviation or starting lower-case."""
    return {"ends_on_abbreviation": sum(bool(_CUT_AFTER.search(t)) for t in texts),
            "starts_lower_case": sum(t[:1].islower() for t in texts),
            "over_70_words": sum(len(t.split()) > LONG_WORDS for t in texts)}


def open_index(data_dir: Path) -> Index:
    require(RTQA)
    index = Index.open(IndexConfig(data_dir=data_dir / "rtqa", extract_actors=True))
    started = time.perf_counter()
    report = index.ingest(rtqa_articles())
    if report.added:
        print(f"ingested {len(report.added)} articles in {time.perf_counter() - started:.0f} s")
    return index


def paragraphs(index: Index) -> Iterator[tuple[tuple[str, int], str]]:
    catalog = index.catalog
    for article in catalog.articles(catalog.article_ids_between(None, None)).values():
        for p in article.indexable:
            yield (article.id, p.number), p.text


def compare_splits(index: Index) -> list[tuple[tuple[str, int], str, list[str], list[str]]]:
    """Split figures over every annotated paragraph; returns the disagreements (key, text, stored, rule)."""
    items = list(paragraphs(index))
    stored = index.catalog.annotations([k for k, _ in items])
    totals = {"stored": dict.fromkeys(signatures([]), 0), "rule": dict.fromkeys(signatures([]), 0)}
    counts = {"stored": 0, "rule": 0}
    differ = []
    for key, text in items:
        if key not in stored:
            continue
        by_store = Splitter(stored).texts(key, text)  # what the capabilities read
        by_rule = sentences(text)
        for name, split in (("stored", by_store), ("rule", by_rule)):
            counts[name] += len(split)
            for sig, n in signatures(split).items():
                totals[name][sig] += n
        if by_store != by_rule:
            differ.append((key, text, by_store, by_rule))
    annotated = sum(k in stored for k, _ in items)
    print(f"\nsplit: {annotated} annotated paragraphs of {len(items)}; the two splits differ in {len(differ)}"
          f" ({len(differ) / max(annotated, 1):.1%})")
    for name in ("rule", "stored"):
        sigs = "  ".join(f"{sig} {n}" for sig, n in totals[name].items())
        print(f"  {name:6s} {counts[name]:6d} sentences  {sigs}")
    return differ


def labelled(differ: list) -> None:
    """The labelled sample's verdicts, per set (dev rows shaped bot.spans' glue rules; held-out rows did not)."""
    if not LABELS.exists():
        return
    rows = [line.split("\t") for line in LABELS.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]
    known = {key for key, *_ in differ}
    for name in ("dev", "held-out"):
        labels = [r[2] for r in rows if r[3] == name and (r[0], int(r[1])) in known]
        if labels:
            n = len(labels)
            print(f"labelled disagreements, {name} ({n} still disagreeing): stored split right"
                  f" {labels.count('stored') / n:.2f}, rule split right {labels.count('rule') / n:.2f},"
                  f" neither {labels.count('neither') / n:.2f}")


def print_disagreements(differ: list, count: int, seed: int) -> None:
    for key, _text, by_store, by_rule in random.Random(seed).sample(differ, min(count, len(differ))):
        print(f"\n{key[0]}\t{key[1]}\n  STORED: " + "\n          ".join(by_store) + "\n  RULE:   "
              + "\n          ".join(by_rule))


@contextmanager
def rules_only() -> Iterator[None]:
    """The code before: every capability's Splitter fetches no annotations, so the rules split."""
    original = Splitter.__dict__["fetch"]
    Splitter.fetch = classmethod(lambda cls, catalog, keys: cls())  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        Splitter.fetch = original  # type: ignore[method-assign]


def both_ways(label: str, make: Callable[[], list[list[str]]]) -> None:
    """Run `make` (one list of point texts per item) by rule and by annotation; print what changed."""
    rule_runs, stored_runs = [], []
    for _ in range(2):  # alternated, best of two each: the machine's load moves under a single run
        started = time.perf_counter()
        with rules_only():
            before = make()
        rule_runs.append(time.perf_counter() - started)
        started = time.perf_counter()
        after = make()
        stored_runs.append(time.perf_counter() - started)
    rule_s, stored_s = min(rule_runs), min(stored_runs)
    points = [(b, a) for bs, as_ in zip(before, after, strict=True) for b, a in zip(bs, as_, strict=False)]
    flat_before, flat_after = [t for ts in before for t in ts], [t for ts in after for t in ts]
    changed_items = sum(b != a for b, a in zip(before, after, strict=True))
    print(f"\n{label}: {len(before)} made twice; {changed_items} change ({changed_items / max(len(before), 1):.0%});"
          f" points {len(flat_before)} -> {len(flat_after)}, {sum(b != a for b, a in points)} of the aligned differ")
    for name, texts in (("rule", flat_before), ("stored", flat_after)):
        sigs = "  ".join(f"{sig} {n}" for sig, n in point_signatures(texts).items())
        words = statistics.mean(len(t.split()) for t in texts) if texts else 0.0
        print(f"  {name:6s} mean words {words:5.1f}  {sigs}")
    print(f"  time: annotated / rule = {stored_s / max(rule_s, 1e-9):.2f} (best of two alternated runs:"
          f" {rule_s:.1f} s by rule, {stored_s:.1f} s annotated)")


def summaries(ctx: Context, limit: int) -> None:
    questions = read_jsonl(RTQA / "questions.jsonl")
    ids = list(dict.fromkeys(i for q in questions for i in q.get("gold_article_ids", [])))[:limit]

    def make() -> list[list[str]]:
        out = []
        for article_id in ids:
            try:
                s = summarize(ctx, article_id, bullets=5)
                out.append([s.gist.text, *(b.text for b in s.bullets)])
            except SummaryError:
                out.append([])
        return out

    both_ways("summaries of the gold articles", make)


def dossiers(index: Index, limit: int) -> None:
    with index.catalog.lock:
        rows = index.catalog.conn.execute("SELECT actor_id, COUNT(*) AS n FROM mentions WHERE actor_id IS NOT NULL"
                                          " GROUP BY actor_id ORDER BY n DESC, actor_id LIMIT ?", (limit,)).fetchall()
    actors = directory(index.catalog).actors
    chosen = [actors[r[0]] for r in rows if r[0] in actors]

    def make() -> list[list[str]]:
        out = []
        for actor in chosen:
            d = build_dossier(index, actor)
            out.append([e["text"] for e in d["timeline"] + d["quotes"]])
        return out

    both_ways(f"dossiers of the {len(chosen)} most-mentioned actors", make)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", help="keep (and reuse) the rtqa-dev index here")
    parser.add_argument("--summaries", type=int, default=80, help="gold articles summarised (each twice)")
    parser.add_argument("--actors", type=int, default=30, help="most-mentioned actors whose dossiers are built")
    parser.add_argument("--print-disagreements", type=int, default=0, help="print N disagreements to label")
    parser.add_argument("--seed", type=int, default=13, help="of the printed sample (12 gave the dev rows)")
    args = parser.parse_args()
    data_dir = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    index = open_index(data_dir)
    differ = compare_splits(index)
    labelled(differ)
    if args.print_disagreements:
        print_disagreements(differ, args.print_disagreements, args.seed)
        return
    settings = Settings(NEWSBOT_DATA_DIR=str(data_dir / "rtqa"), NEWSBOT_TIMEZONE="UTC", OPENAI_API_KEY="",
                        OPENAI_BASE_URL="")
    summaries(Context(settings, index, None), args.summaries)
    dossiers(index, args.actors)
    index.close()


if __name__ == "__main__":
    main()
