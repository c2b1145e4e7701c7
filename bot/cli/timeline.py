"""`newsbot timeline "QUERY"`: a dated, cited timeline of a story or an actor, for a terminal (or as JSON)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console, Group
from rich.text import Text

from bot.citations import Citation
from bot.render import sources_texts
from bot.runtime import emit_json, err_console, parse_when, tz
from bot.services import Services
from bot.settings import Settings
from bot.timeline import Timeline, build_timeline


def register(app: typer.Typer) -> None:
    app.command("timeline")(timeline_cmd)


def timeline_cmd(
    query: Annotated[str, typer.Argument(help="A topic ('Egypt protests') or an actor ('Fidan', 'Qaddafi').")],
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD) or ISO datetime.")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (inclusive) or ISO datetime (exclusive).")] = None,
    max_entries: Annotated[int | None, typer.Option("--max-entries", min=1, max=100,
                                                    help="At most this many dated entries (default 12).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """What happened, day by day: the days that mattered, each told in cited sentences, oldest first."""
    if not query.strip():
        err_console.print("[bold red]error:[/] give a topic or an actor, e.g. newsbot timeline \"Egypt protests\"")
        raise typer.Exit(2)
    settings = Settings()
    zone = tz(settings)
    start, end = parse_when(since, zone), parse_when(until, zone, end=True)
    if start and end and start >= end:
        err_console.print("[bold red]error:[/] --since must be before --until", highlight=False)
        raise typer.Exit(2)
    services = Services.open(settings)
    try:
        result = build_timeline(services, query, since=start, until=end, max_entries=max_entries)
    finally:
        services.close()
    if as_json:
        emit_json(result.to_json())
    else:
        Console(highlight=False, soft_wrap=False).print(render(result))
    if not result.entries:
        raise typer.Exit(1)


def render(timeline: Timeline) -> Group:
    """Entries with [n] markers and "also reported by", then the numbered sources."""
    who = f" ({timeline.actor['type']})" if timeline.actor else ""
    parts: list[Text] = [Text.assemble((f"Timeline: {_label(timeline)}{who}", "bold"),
                                       (f"  ({timeline.engine}, {timeline.matched} matching articles)", "dim"))]
    if timeline.message:
        parts.append(Text(timeline.message))
    for key, label in (("topics", "closest articles"),):
        for headline in timeline.suggestions.get(key, []):
            parts.append(Text(f"  {label}: {headline}", "dim"))
    for entry in timeline.entries:
        markers = "".join(f"[{c.marker}]" for c in entry.citations)
        parts.append(Text.assemble(("\n" + entry.date, "bold cyan"), "  ", entry.text, (f" {markers}", "green")))
        if entry.also_reported_by:
            parts.append(Text("            also reported by " + ", ".join(entry.also_reported_by), "dim"))
    parts += [Text(f"(note: {note})", "dim") for note in timeline.notes]
    parts += sources_texts(_citations(timeline))
    return Group(*parts)


def _label(timeline: Timeline) -> str:
    return timeline.actor["name"] if timeline.actor else timeline.query


def _citations(timeline: Timeline) -> list[Citation]:
    seen: dict[int, Citation] = {}
    for entry in timeline.entries:
        for c in entry.citations:
            seen.setdefault(c.marker, c)
    return [seen[m] for m in sorted(seen)]
