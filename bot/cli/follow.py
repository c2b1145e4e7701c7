"""`newsbot follow add|list|remove|check --for PROFILE`: follows for scripts and tests, kept in
<data>/follows.sqlite3; `check` prints what a Telegram chat would be sent (and records it as delivered)."""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer
from rich.console import Console

from bot.runtime import emit_json, err_console
from bot.services import Services
from bot.settings import Settings
from bot.timeline import AlertBatch, FollowStore, add_follow, due, match_new, numbered, parse_quiet

CLI_RECIPIENT = "cli:"
Profile = Annotated[str, typer.Option("--for", help="The profile whose follows these are.")]


def register(app: typer.Typer) -> None:
    follow = typer.Typer(help="Follow an actor or a topic; `check` shows the alerts new articles raise.",
                         no_args_is_help=True)
    follow.command("add")(add_cmd)
    follow.command("list")(list_cmd)
    follow.command("remove")(remove_cmd)
    follow.command("check")(check_cmd)
    app.add_typer(follow, name="follow")


def add_cmd(
    query: Annotated[str, typer.Argument(help="An actor ('Aydar') or a topic ('Valdoria ceasefire').")],
    profile: Profile,
    quiet: Annotated[str | None, typer.Option(help="Hold alerts during these hours, e.g. 22:00-07:00.")] = None,
) -> None:
    """Follow an actor (any alias) or a topic: articles ingested from now on that match it raise alerts."""
    if quiet is not None and parse_quiet(quiet) is None:
        _fail(f"--quiet wants two times like 22:00-07:00, not '{quiet}'")
    settings = Settings()
    services, store = _open(settings)
    try:
        added = add_follow(services, store, CLI_RECIPIENT + profile, query, quiet, settings.timezone)
    finally:
        store.close()
        services.close()
    if isinstance(added, str):
        _fail(added, code=1)
    what = f"actor {added.label}" if added.actor_id else f"topic “{added.label}”"
    err_console.print(f"following {what}" + (f", quiet {added.quiet}" if added.quiet else ""), highlight=False)


def list_cmd(profile: Profile, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """The profile's follows, numbered as `remove` takes them."""
    store = FollowStore(Settings().data_dir / "follows.sqlite3")
    follows = store.follows(CLI_RECIPIENT + profile)
    store.close()
    if as_json:
        emit_json([f.to_json() for f in follows])
        return
    if not follows:
        err_console.print(f"'{profile}' follows nothing; add one with `newsbot follow add QUERY --for {profile}`")
    for n, f in enumerate(follows, start=1):
        quiet = f"  (quiet {f.quiet} {f.timezone})" if f.quiet else ""
        Console(highlight=False).print(f"{n}. {f.label} [{f.kind}]{quiet}", markup=False)


def remove_cmd(which: Annotated[str, typer.Argument(help="The number `list` shows, or the query.")],
               profile: Profile) -> None:
    """Stop following."""
    store = FollowStore(Settings().data_dir / "follows.sqlite3")
    try:
        follows = store.follows(CLI_RECIPIENT + profile)
        target = follows[int(which) - 1] if which.isdigit() and 0 < int(which) <= len(follows) else next(
            (f for f in follows if which.lower() in (f.query.lower(), f.label.lower())), None)
        if target is None:
            _fail(f"'{profile}' does not follow '{which}'; see `newsbot follow list --for {profile}`", code=1)
        store.remove(target.id)
    finally:
        store.close()
    err_console.print(f"stopped following {target.label}", highlight=False)


def check_cmd(
    profile: Profile,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what is due without recording it as sent.")] = False,
) -> None:
    """Match newly ingested articles against the follows and print the one alert that is due (as Telegram would)."""
    settings = Settings()
    services, store = _open(settings)
    recipient = CLI_RECIPIENT + profile
    try:
        match_new(services, store, recipient)
        batch = due(services, store, recipient)
        if batch is not None and not dry_run:
            store.finish(recipient, store.claim(recipient, batch.rows), sent=True, day=batch.day)
    finally:
        store.close()
        services.close()
    if as_json:
        emit_json(batch.to_json() if batch else {"recipient": recipient, "items": []})
    elif batch is None or not batch.items:
        err_console.print("nothing new for " + profile)
    else:
        _print(batch)


def _print(batch: AlertBatch) -> None:
    out = Console(highlight=False)
    if batch.held:
        out.print("(held during quiet hours)")
    sources = {}
    for item, sentences in numbered(batch):
        out.print(f"\nNew on {item.follow.label} — {item.date}", style="bold", markup=False)
        for text, cited in sentences:
            out.print(f"  {text} " + "".join(f"[{c.marker}]" for c in cited), markup=False)
            sources.update({c.marker: c for c in cited})
        if item.also_reported_by:
            out.print("  also reported by " + ", ".join(item.also_reported_by), style="dim", markup=False)
    for follow_id, count in batch.more.items():
        label = next(i.follow.label for i in batch.items if i.follow.id == follow_id)
        out.print(f"\n…and {count} more report(s) on {label}: `newsbot timeline`", style="dim", markup=False)
    out.print("\nSources", style="bold")
    for marker in sorted(sources):
        c = sources[marker]
        out.print(f"[{marker}] {c.label()}" + (f"\n    {c.url}" if c.url else ""), markup=False)


def _open(settings: Settings) -> tuple[Services, FollowStore]:
    return Services.open(settings), FollowStore(settings.data_dir / "follows.sqlite3")


def _fail(message: str, code: int = 2) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)
