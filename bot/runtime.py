"""What every entry point shares: settings, opening the index, dates, JSON output, errors."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NoReturn
from zoneinfo import ZoneInfo

from rich.console import Console

from bot.settings import Settings
from index.faults import storage_problem
from index.models import ModelUnavailable
from index.store import Index
from index.vectors import ModelMismatch, VectorStoreUnavailable

log = logging.getLogger(__name__)

# Progress bars, logs and human output that must not pollute `--json` go to stderr.
err_console = Console(stderr=True, soft_wrap=True)  # messages never wrap mid-path


OWN_LOGGERS = ("bot", "index")  # newsbot's own; everything else is a library's


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time, so a progress bar that redirects stderr keeps its
    lines above the bar (and one line stays one line in a log file)."""

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


class _OwnFirst(logging.Filter):
    """newsbot's records pass at the handler's level; a library's only from `floor` up (or from WARNING for
    the libraries in `heeded`). trafilatura logs "discarding data: None" as a WARNING and an unparsable page
    as an ERROR: to a user that is noise, since newsbot reports every item's outcome itself."""

    def __init__(self, floor: int, heeded: tuple[str, ...], tracebacks: bool) -> None:
        super().__init__()
        self.floor, self.heeded, self.tracebacks = floor, heeded, tracebacks

    def filter(self, record: logging.LogRecord) -> bool:
        top = record.name.split(".")[0]
        if top in OWN_LOGGERS:
            return True
        if record.levelno < (logging.WARNING if top in self.heeded else self.floor):
            return False
        if not self.tracebacks:  # a library's traceback (PTB logs one per network blip) is for --verbose
            record.exc_info, record.exc_text = None, None
        return True


def configure_logging(verbose: bool = False, heeded: tuple[str, ...] = ()) -> None:
    """Log to stderr (alongside progress bars): newsbot's warnings and only critical library records;
    `heeded` libraries' warnings too (the Telegram library for `serve`); with `verbose`, newsbot's debug
    records (tracebacks of failed items included) and every library's warnings."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    handler = _StderrHandler()
    handler.addFilter(_OwnFirst(logging.WARNING if verbose else logging.CRITICAL, heeded, tracebacks=verbose))
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.WARNING)  # libraries' INFO/DEBUG chatter is never even formatted
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.NOTSET)
    logging.captureWarnings(True)  # Python warnings (DeprecationWarning...) go through the same filter


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


def run_failure(command: str, exc: Exception, data_dir: Path | None = None,
                hint: str = " (--verbose shows the traceback)") -> str:
    """One line for a run that stopped: the storage fault a user can fix, else the exception's name
    and `hint` (its traceback is logged at DEBUG)."""
    log.debug("%s stopped", command, exc_info=exc)
    if isinstance(exc, VectorStoreUnavailable):
        return f"{command} stopped: {exc}"
    problem = storage_problem(exc, data_dir)
    if problem:
        return (f"{command} stopped: {problem}. Nothing stored before is lost; free some space (or fix the "
                f"device) and run it again.")
    return f"{command} stopped: {type(exc).__name__}: {exc}{hint}"


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
