"""How long the readers take on each hostile file of tests/fuzz_corpus.py, against ordinary articles.

    .venv/bin/python bench/hostile.py

Prints one line per file (outcome, milliseconds, ratio to the good file of the same reader family —
HTML, JSON or plain text — read in the same run, so shared-core noise cancels) and the worst ratio.
Nothing is ingested.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.dates import parse_date  # noqa: E402
from index.sources import SourceError, read_file  # noqa: E402
from tests.fuzz_corpus import write_folder  # noqa: E402

CAP = 200_000
REPEAT = 3
GOOD = {"html": "good-two.html", "json": "good-three.jsonl", "text": "good-one.md"}


def _family(name: str) -> str:
    suffix = Path(name).suffix
    return "html" if suffix in (".html", ".htm") else "json" if suffix in (".json", ".jsonl") else "text"


def timed(path: Path) -> tuple[float, list]:
    best, items = float("inf"), []
    for _ in range(REPEAT):
        started = time.perf_counter()
        items = list(read_file(path, CAP))
        best = min(best, time.perf_counter() - started)
    return best, items


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        kinds = write_folder(folder)
        list(read_file(folder / "good-two.html", CAP))  # imports trafilatura once
        parse_date("20 novembre 2026")  # loads dateparser's languages once
        baselines = {family: timed(folder / name)[0] for family, name in GOOD.items()}
        worst = 0.0
        for name, kind in sorted(kinds.items(), key=lambda kv: (kv[1], kv[0])):
            seconds, items = timed(folder / name)
            outcome = "; ".join(f"error: {i.message}" if isinstance(i, SourceError) else f"article ({len(i.warnings)}"
                                " warnings)" for i in items)
            ratio = seconds / baselines[_family(name)]
            worst = max(worst, ratio) if kind != "good" else worst
            print(f"{kind:9} {name:28} {seconds * 1000:8.1f} ms  x{ratio:7.1f}  {outcome[:90]}")
        shown = ", ".join(f"{f} {b * 1000:.1f} ms" for f, b in baselines.items())
        print(f"good files: {shown}; worst hostile file x{worst:.1f} its family's good file")


if __name__ == "__main__":
    main()
