"""CLI command `newsbot summarize ARTICLE_ID|URL|PATH`: a cited gist and bullets of one article."""

from __future__ import annotations

from typing import Annotated, NoReturn

import typer

from bot.citations import CitedText
from bot.render import sources_block
from bot.runtime import emit_json, err_console
from bot.services import Services
from bot.settings import Settings
from bot.summary import DEFAULT_BULLETS, Summary, SummaryError, summarize


def register(app: typer.Typer) -> None:
    app.command("summarize")(summarize_cmd)


def summarize_cmd(
    target: Annotated[str, typer.Argument(help="An article id in the index, an http(s) link, or a file "
                                               "(.txt .md .html .json .jsonl; FILE#ID for one article of many).")],
    bullets: Annotated[int, typer.Option("--bullets", help="How many bullets (held to 3-6; short articles get "
                                                           "fewer).")] = DEFAULT_BULLETS,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    add: Annotated[bool, typer.Option("--add", help="Also add a link or file that is not indexed yet to the "
                                                    "index.")] = False,
) -> None:
    """Summarise one article: a one-line gist and bullets, each cited to its paragraph(s)."""
    services = Services.open(Settings())
    try:
        summary = summarize(services, target, bullets=bullets, add_to_index=add)
    except SummaryError as exc:
        _refuse(str(exc), as_json)
    finally:
        services.close()
    if as_json:
        emit_json(summary.to_json())
    else:
        typer.echo(summary_text(summary))


def summary_text(summary: Summary) -> str:
    """Title and outlet, the gist, the bullets with [n] markers, key actors, notes, then numbered sources."""
    article = summary.article
    dateline = " · ".join(x for x in (article.get("source") or "unknown outlet",
                                      (article.get("published") or "undated")[:10], article.get("url")) if x)
    parts = [article["title"], dateline, "", marked(summary.gist), ""]
    parts += [f"• {marked(b)}" for b in summary.bullets]
    if summary.actors:
        parts += ["", "Key actors: " + ", ".join(summary.actors)]
    parts += [f"(note: {n})" for n in summary.notes]
    parts += ["", "Sources:", sources_block(summary.citations)]
    return "\n".join(parts)


def marked(item: CitedText) -> str:
    """The text with its citation markers before the final full stop: 'Talks opened [1].'"""
    tags = "".join(f"[{c.marker}]" for c in item.citations)
    text = item.text.rstrip()
    if text and text[-1] in ".!?":
        return f"{text[:-1]} {tags}{text[-1]}"
    return f"{text} {tags}"


def _refuse(message: str, as_json: bool) -> NoReturn:
    if as_json:  # the refusal is the JSON answer, so scripts read it like any other
        emit_json({"error": message})
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)
