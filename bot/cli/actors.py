"""CLI commands about actors: `newsbot actors` (ranking) and `newsbot actor NAME` (dossier)."""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from bot.actors import RankedActor, build_dossier, rank_actors
from bot.runtime import emit_json, err_console, open_index, parse_when, tz
from bot.settings import Settings
from index.actors import resolve_name, suggest

TYPES = ("person", "org", "place")


def register(app: typer.Typer) -> None:
    app.command("actors")(actors_cmd)
    app.command("actor")(actor_cmd)


def actors_cmd(
    date: Annotated[str | None, typer.Option("--date", help="Only articles of this day (YYYY-MM-DD).")] = None,
    kind: Annotated[str | None, typer.Option("--type", help="person, org or place.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many actors.")] = 30,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """Actors ranked by the number of articles that mention them, with their main role."""
    if kind is not None and kind not in TYPES:
        _fail(f"--type must be one of {', '.join(TYPES)}, not '{kind}'", as_json, code=2)
    settings = Settings()
    zone = tz(settings)
    since, until = parse_when(date, zone), parse_when(date, zone, end=True)
    index = open_index(settings)
    ranked = rank_actors(index.catalog, type=kind, since=since, until=until, limit=limit)
    if as_json:
        emit_json([r.to_json() for r in ranked])
        return
    if not ranked:
        err_console.print("No actors" + (f" on {date}" if date else "") + ". Ingest articles first?")
        return
    _print_ranking(ranked, date)


def actor_cmd(
    name: Annotated[str, typer.Argument(help="A name, surname, alias or role, e.g. 'Fidan'.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
) -> None:
    """A dossier of one actor: aliases, roles, dated timeline and quotes with citations."""
    settings = Settings()
    index = open_index(settings)
    resolution = resolve_name(index.catalog, name)
    if resolution.actor is None:
        choices = [a.name for a in resolution.candidates] or suggest(index.catalog, name)
        if resolution.ambiguous:  # each with its main role, so the reader can tell namesakes apart
            listed = [a.name + (f" ({a.main_role})" if a.main_role else "") for a in resolution.candidates[:8]]
            message = f"'{name}' could mean several actors: {', '.join(listed)}; give a fuller name"
        else:
            message = f"no actor named '{name}'" + (f"; did you mean: {', '.join(choices)}?" if choices else "")
        _fail(message, as_json, suggestions=choices)
    llm = _llm(settings)
    payload = build_dossier(index, resolution.actor, llm=llm)
    if as_json:
        emit_json(payload)
        return
    _print_dossier(payload)


def _llm(settings: Settings):
    if not settings.llm_configured:
        return None
    from bot.llm import LLMEngine

    return LLMEngine(settings)


def _fail(message: str, as_json: bool, suggestions: list[str] | None = None, code: int = 1) -> NoReturn:
    if as_json:  # the error is the JSON answer, so scripts read it like any other
        emit_json({"error": message, "suggestions": suggestions or []})
    else:
        err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


def _print_ranking(ranked: list[RankedActor], date: str | None) -> None:
    table = Table(title="Actors" + (f" on {date}" if date else ""))
    for column, justify in (("#", "right"), ("actor", "left"), ("type", "left"), ("articles", "right"),
                            ("mentions", "right"), ("main role", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for rank, r in enumerate(ranked, start=1):
        table.add_row(str(rank), r.actor.name, r.actor.type, str(r.articles), str(r.mentions),
                      r.actor.main_role or "")
    Console().print(table)


def _print_dossier(d: dict) -> None:
    out = Console(highlight=False)
    out.print(f"[bold]{d['name']}[/] ({d['type']})" + (f" — {d['roles'][0]}" if d["roles"] else ""))
    out.print(f"aliases: {', '.join(d['aliases'][:12])}")
    if d["roles"]:
        out.print(f"roles: {', '.join(d['roles'][:6])}")
    out.print(f"{d['mentions']} mentions in {d['articles']} articles, {d['first_seen']} to {d['last_seen']}")
    if d.get("summary"):
        out.print(f"\n[bold]Summary[/]\n{d['summary']['text']}")
    for title, entries in (("Timeline", d["timeline"]), ("Quotes", d["quotes"])):
        if entries:
            out.print(f"\n[bold]{title}[/]")
        for e in entries:
            marks = "".join(f"[{c['marker']}]" for c in e["citations"])
            out.print(f"{e['date']}  {e['text']} {marks}", markup=False)
    if d["related"]:
        out.print("\n[bold]Often mentioned with[/]: " + ", ".join(f"{r['name']} ({r['count']})" for r in d["related"]))
    cited = {c["marker"]: c for e in d["timeline"] + d["quotes"] for c in e["citations"]}
    if cited:
        out.print("\n[bold]Sources[/]")
    for marker in sorted(cited):
        c = cited[marker]
        out.print(f"[{marker}] {c['title']} ¶{c['paragraph']} ({c['source'] or 'unknown outlet'}, "
                  f"{(c['published'] or 'undated')[:10]})" + (f" {c['url']}" if c["url"] else ""), markup=False)
