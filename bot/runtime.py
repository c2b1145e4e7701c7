"""What every entry point shares: settings, opening the index, dates, JSON output, errors."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time, timedelta
from typing import NoReturn
from zoneinfo import ZoneInfo

from rich.console import Console

from bot.settings import Settings
from index.models import ModelUnavailable
from index.store import Index
from index.vectors import ModelMismatch

# Progress bars, logs and human output that must not pollute `--json` go to stderr.
err_console = Console(stderr=True, soft_wrap=True)  # messages never wrap mid-path


class UserError(Exception):
    """A problem the user can fix; shown as one line, never as a traceback."""


def fail(message: str, code: int = 2) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise SystemExit(code)


def open_index(settings: Settings, check_model: bool = True) -> Index:
    """Open the index or exit with a clear message (missing model package, model mismatch, server down)."""
    try:
        index = Index.open(settings.index_config(), check_model=check_model)
    except (ModelUnavailable, ModelMismatch) as exc:
        fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - e.g. an unreachable Chroma server
        if settings.chroma_url:
            fail(f"cannot reach the Chroma server at {settings.chroma_url}: {exc}")
        raise
    index.writer.notify = lambda message: err_console.print(message, highlight=False)
    return index


def tz(settings: Settings) -> ZoneInfo:
    """The configured time zone (Settings validated the name when it loaded)."""
    return ZoneInfo(settings.timezone)


def parse_when(value: str | None, zone: ZoneInfo, end: bool = False) -> datetime | None:
    """'YYYY-MM-DD' (start of that day, or the next day's start when `end`) or an ISO datetime."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day + timedelta(days=1 if end else 0), time(), tzinfo=zone)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    except ValueError:
        fail(f"'{value}' is not a date (YYYY-MM-DD) or ISO datetime")


def emit_json(payload: object) -> None:
    """Print JSON, and only JSON, on stdout."""
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n")
