"""CLI commands for feeds: `newsbot feeds add|list|remove|poll`."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from bot.runtime import emit_json, err_console, fail, open_index
from bot.settings import Settings
from index.catalog import Catalog
from index.live import FetchError, PollReport, add_feed, list_feeds, poll, remove_feed


def register(app: typer.Typer) -> None:
    feeds = typer.Typer(help="RSS/Atom feeds: subscribe, list, unsubscribe, poll.", no_args_is_help=True)
    feeds.command("add")(add_cmd)
    feeds.command("list")(list_cmd)
    feeds.command("remove")(remove_cmd)
    feeds.command("poll")(poll_cmd)
    app.add_typer(feeds, name="feeds")


def add_cmd(
    url: Annotated[str, typer.Argument(help="The feed's http(s) URL.")],
    name: Annotated[str | None, typer.Option("--name", help="A name to show (default: the feed's title).")] = None,
) -> None:
    """Subscribe to a feed (it is fetched once to check that it is RSS or Atom)."""
    settings = Settings()
    catalog = _catalog(settings)
    try:
        feed = add_feed(catalog, url, name, limits=settings.fetch_limits())
    except FetchError as exc:
        fail(f"{url}: {exc}")
    err_console.print(f"subscribed to {feed.name or feed.url} ({feed.url}); `newsbot feeds poll` fetches its items",
                      highlight=False)


def list_cmd(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The subscribed feeds, with items seen and the last error."""
    feeds = list_feeds(_catalog(Settings()))
    if as_json:
        emit_json([f.to_json() for f in feeds])
        return
    if not feeds:
        err_console.print("No feeds; add one with `newsbot feeds add URL`.")
        return
    table = Table(title="feeds")
    for column in ("name", "url", "items", "last polled", "last error"):
        table.add_column(column)
    for f in feeds:
        polled = f.last_polled.strftime("%Y-%m-%d %H:%M") if f.last_polled else "never"
        table.add_row(f.name or "", f.url, str(f.items), polled, f.last_error or "")
    err_console.print(table)


def remove_cmd(url: Annotated[str, typer.Argument(help="The feed URL as listed.")]) -> None:
    """Unsubscribe from a feed; articles already ingested stay."""
    if not remove_feed(_catalog(Settings()), url):
        fail(f"not subscribed to {url}; see `newsbot feeds list`")
    err_console.print(f"unsubscribed from {url}", highlight=False)


def poll_cmd(
    urls: Annotated[list[str] | None, typer.Argument(help="Only these feeds (default: all).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Fetch new items of the subscribed feeds and ingest them (conditional GET: unchanged feeds cost little)."""
    settings = Settings()
    index = open_index(settings)
    with err_console.status("polling feeds"):
        report = poll(index, urls or None, settings.fetch_limits())
    _print_poll(report, as_json)
    if report.ingest.stopped:
        fail(f"{report.ingest.stopped}. The new articles are kept in the catalog; the next poll or ingest with "
             "the vector store back finishes them.", code=1)
    if report.feeds and all(f.status == "error" for f in report.feeds):
        raise typer.Exit(1)


def _print_poll(report: PollReport, as_json: bool) -> None:
    if as_json:
        emit_json(report.to_json())
        return
    for f in report.feeds:
        if f.status == "error":
            err_console.print(f"[red]failed[/] {f.url}: {f.error}", highlight=False)
            continue
        if f.status == "not_modified":
            err_console.print(f"{f.url}: not modified", highlight=False)
            continue
        err_console.print(f"{f.url}: {f.new_items} new items, {len(f.added)} added, {f.known} already known, "
                          f"{len(f.failed)} failed", highlight=False)
        for link, reason in f.failed:
            err_console.print(f"  [red]failed[/] {link}: {reason}", highlight=False)
    err_console.print(f"articles added {len(report.added)}; {report.seconds:.1f}s")


def _catalog(settings: Settings) -> Catalog:
    # Subscriptions live in the catalog only: no need to load the embedding model to list or edit them.
    return Catalog(settings.index_config().catalog_path)
