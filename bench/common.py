"""Helpers shared by the benchmarks: dev-data paths, temporary indexes, percentiles."""

from __future__ import annotations

import dataclasses
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as `python bench/x.py` from a checkout

SHARED = ROOT.parent / "shared" / "data"


def require(path: Path) -> Path:
    """Exit cleanly (status 0) when the dev data is absent."""
    if not path.exists():
        print(f"skipped: {path} is absent")
        raise SystemExit(0)
    return path


def read_jsonl(path: Path, limit: int | None = None) -> list[dict]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    return rows[:limit] if limit else rows


RTQA = SHARED / "rtqa-dev"
# The user's files the answer fit indexes beside rtqa-dev (bench/fit_answers.py), and its questions'
# gold articles are checked against (bench/check_questions.py): one list, so the two never disagree.
QA_PAGES = [ROOT / "examples" / "articles", SHARED / "seed" / "blinken-turkey.txt"]
PAGE_CHARS = 200_000  # as NEWSBOT_MAX_ARTICLE_CHARS' default


def rtqa_articles():
    """rtqa-dev's articles as the catalog ingests them (each record's id is its origin)."""
    from index.sources import from_record

    return (from_record(r, r["id"]) for r in read_jsonl(RTQA / "articles.jsonl"))


def temp_config(**overrides):
    """An IndexConfig in a fresh temp dir (fields the config lacks are ignored)."""
    from index.config import IndexConfig

    names = {f.name for f in dataclasses.fields(IndexConfig)}
    data_dir = Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    return IndexConfig(data_dir=data_dir, **{k: v for k, v in overrides.items() if k in names})


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))] if ordered else float("nan")


_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """ROUGE tokens: lowercased [a-z0-9]+ runs, no stemming, stop words kept."""
    return _TOKEN.findall(text.lower())


def ngram_overlap(reference: list[str], candidate: list[str], n: int) -> tuple[int, int, int]:
    """(clipped matches, reference n-grams, candidate n-grams)."""
    ref = Counter(zip(*(reference[i:] for i in range(n)), strict=False))
    cand = Counter(zip(*(candidate[i:] for i in range(n)), strict=False))
    return sum(min(c, cand[g]) for g, c in ref.items()), sum(ref.values()), sum(cand.values())


def topic_services(topic: str, data_dir: Path, actors: bool = True, days: set[str] | None = None,
                   paragraphs: int | None = None):
    """Services over an index of a timeline17-dev topic (only `days`, when given); indexed articles are reused.

    `paragraphs` keeps each article's first N paragraphs only (their numbers unchanged): a faster ingest
    for benchmarks that never read further."""
    from bot.services import Services
    from bot.settings import Settings
    from index.config import IndexConfig
    from index.sources import from_record
    from index.store import Index

    corpus = SHARED / "timeline17-dev" / f"{topic}.articles.jsonl"
    index = Index.open(IndexConfig(data_dir=data_dir / topic, extract_actors=actors))
    records = [r for r in read_jsonl(corpus) if days is None or str(r.get("published", ""))[:10] in days]
    if paragraphs:
        records = [{**r, "text": "\n\n".join(str(r.get("text", "")).split("\n\n")[:paragraphs])} for r in records]
    started = time.perf_counter()
    report = index.ingest(from_record(r, f"{corpus.name}:{r.get('id')}") for r in records)
    if report.added or report.resumed:
        print(f"  ingested {len(report.added)} articles, {report.paragraphs} paragraphs"
              f" in {time.perf_counter() - started:.0f} s")
    settings = Settings(NEWSBOT_DATA_DIR=str(data_dir / topic), NEWSBOT_TIMEZONE="UTC", OPENAI_API_KEY="",
                        OPENAI_BASE_URL="", NEWSBOT_EXTRACT_ACTORS=actors)
    return Services.open(settings, index=index)
