"""The `newsbot` command: one Typer app; each area registers its own commands."""

from __future__ import annotations

import logging

import typer
from pydantic import ValidationError

from bot import cli_actors, cli_answer, cli_brief, cli_feeds, cli_index, cli_serve, cli_summarize
from bot.runtime import fail
from bot.settings import settings_problem

app = typer.Typer(
    help="newsbot: news briefings and answers whose every claim cites its source paragraph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
cli_index.register(app)
cli_feeds.register(app)
cli_answer.register(app)
cli_actors.register(app)
cli_serve.register(app)
cli_summarize.register(app)
cli_brief.register(app)


def main() -> None:
    """Console-script entry point."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("bm25s", "chromadb", "httpx"):  # libraries that log chatter at INFO/DEBUG
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        app()
    except ValidationError as exc:  # a bad value in the environment or .env: say which, no traceback
        fail(settings_problem(exc))
