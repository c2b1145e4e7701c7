"""`newsbot brief`: the day's stories, each bullet cited, rendered with rich (or as JSON)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import typer
from rich.console import Console, Group
from rich.text import Text

from bot.briefing import Briefing, Story, brief
from bot.citations import Citation
from bot.render import sources_texts
from bot.runtime import emit_json, fail, parse_when, tz
from bot.services import Services
from bot.settings import Settings

CLI_RECIPIENT = "cli:"  # CLI profiles are namespaced apart from Telegram chat ids


def register(app: typer.Typer) -> None:
    app.command("brief")(brief_cmd)


def brief_cmd(
    day: Annotated[str | None, typer.Option("--date", help="Day to brief, YYYY-MM-DD (default: today).")] = None,
    since: Annotated[str | None, typer.Option(help="Brief everything since this date or ISO datetime.")] = None,
    max_stories: Annotated[int, typer.Option("--max-stories", min=1, max=20, help="At most this many stories.")] = 5,
    profile: Annotated[str | None, typer.Option("--for", help="Profile whose earlier briefings are left out.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """The day's stories across outlets, ranked by coverage; every bullet cites its paragraph."""
    if day and since:
        fail("use --date or --since, not both")
    settings = Settings()
    zone = tz(settings)
    services = Services.open(settings)
    try:
        result = brief(services, day=_day(day), since=parse_when(since, zone), max_stories=max_stories,
                       recipient=f"{CLI_RECIPIENT}{profile}" if profile else None)
    finally:
        services.close()
    if as_json:
        emit_json(result.to_json())
    else:
        Console(highlight=False, soft_wrap=False).print(render(result))


def render(briefing: Briefing) -> Group:
    """The briefing for a terminal: headlines, bullets with [n] markers, then the numbered sources."""
    parts: list[Text] = [Text.assemble((_title(briefing), "bold"),
                                       (f"  ({briefing.engine}, generated {briefing.generated_at})", "dim"))]
    if briefing.message:
        parts.append(Text(briefing.message))
    for n, story in enumerate(briefing.stories, start=1):
        parts += _story(n, story)
    parts += [Text(f"(note: {note})", "dim") for note in briefing.notes]
    parts += sources_texts(_citations(briefing))
    return Group(*parts)


def _title(briefing: Briefing) -> str:
    since, until = briefing.window
    if not since or (since.endswith("T00:00:00" + since[19:]) and until.startswith(_next_day(briefing.date))):
        return f"Briefing for {briefing.date}"
    return f"Briefing since {since.replace('T', ' ')}"


def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _story(n: int, story: Story) -> list[Text]:
    articles = len(story.articles)
    facts = [f"{len(story.sources)} source{'s' * (len(story.sources) != 1)}",
             f"{articles} article{'s' * (articles != 1)}"]
    if story.actors:
        facts.append("actors: " + ", ".join(story.actors))
    lines = [Text.assemble(("\n", ""), (f"{n}. {story.headline}", "bold cyan"),
                           ("  [update]" if story.update else "", "bold yellow")),
             Text("   " + " · ".join(facts), "dim")]
    for bullet in story.bullets:
        markers = "".join(f"[{c.marker}]" for c in bullet.citations)
        lines.append(Text.assemble("   • ", bullet.text, (f" {markers}", "green")))
    if story.also_reported_by:
        lines.append(Text("   also reported by " + ", ".join(story.also_reported_by), "dim"))
    return lines


def _citations(briefing: Briefing) -> list[Citation]:
    seen: dict[int, Citation] = {}
    for story in briefing.stories:
        for bullet in story.bullets:
            for c in bullet.citations:
                seen.setdefault(c.marker, c)
    return [seen[m] for m in sorted(seen)]


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"'{value}' is not a date (YYYY-MM-DD)")
