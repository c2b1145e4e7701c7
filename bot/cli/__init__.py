"""The `newsbot` command: one Typer app; each command group registers its own commands.

A front end: it may use every capability's package, `bot.services` and the shared modules, and it
starts the Telegram front end for `newsbot serve`. Nothing below imports it.
"""

from __future__ import annotations

import typer
from pydantic import ValidationError

from bot.cli import actors, answer, brief, feeds, follow, index, serve, summarize, timeline
from bot.runtime import configure_logging, fail
from bot.settings import settings_problem

app = typer.Typer(
    help="newsbot: news briefings and answers whose every claim cites its source paragraph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
index.register(app)
feeds.register(app)
answer.register(app)
actors.register(app)
serve.register(app)
summarize.register(app)
brief.register(app)
timeline.register(app)
follow.register(app)


def main() -> None:
    """Console-script entry point."""
    configure_logging()
    try:
        app()
    except ValidationError as exc:  # a bad value in the environment or .env: say which, no traceback
        fail(settings_problem(exc))
