"""Helpers shared by the benchmarks: dev-data paths, temporary indexes, percentiles."""

from __future__ import annotations

import dataclasses
import json
import sys
import tempfile
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


def temp_config(**overrides):
    """An IndexConfig in a fresh temp dir (fields the config lacks are ignored)."""
    from index.config import IndexConfig

    names = {f.name for f in dataclasses.fields(IndexConfig)}
    data_dir = Path(tempfile.mkdtemp(prefix="newsbot-bench-"))
    return IndexConfig(data_dir=data_dir, **{k: v for k, v in overrides.items() if k in names})


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))] if ordered else float("nan")
