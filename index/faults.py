"""Storage faults said in one line: a full disk, a read-only or failing device, a damaged database.

Chroma, SQLite and the file system each word these differently (ENOSPC, "database or disk is
full", a Rust error string); `storage_problem` looks through an exception and its causes and
names the fault the way a user can act on it.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

_FULL = ("database or disk is full", "no space left on device", "disk quota exceeded", "file too large")
_DAMAGED = ("database disk image is malformed", "file is not a database")
_READ_ONLY = ("attempt to write a readonly database", "read-only file system")
_IO = ("disk i/o error",)
LOW_SPACE = 1 << 20  # bytes: a storage error with less free than this is a full disk, whatever its wording
_KINDS = ((_FULL, "the disk is full"), (_DAMAGED, "a database file is damaged"),
          (_READ_ONLY, "the data directory is read-only"), (_IO, "the disk failed a read or write"))


def storage_problem(exc: BaseException, data_dir: Path | None = None) -> str | None:
    """'the disk is full (...)' and the like when `exc` (or what caused it) is a storage fault; else None.
    With `data_dir`, any storage error while its disk has almost no space left counts as a full disk
    (numpy's short write says only "10909 requested and 2016 written")."""
    for error in _chain(exc):
        if data_dir is not None and isinstance(error, (OSError, sqlite3.Error)) and _free(data_dir) < LOW_SPACE:
            return f"the disk is full ({_first_line(error)})"
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return f"the disk is full ({error.strerror or error})"
        if isinstance(error, OSError) and error.errno == errno.EROFS:
            return f"the data directory is read-only ({error.strerror or error})"
        text = str(error).lower()
        if not isinstance(error, (sqlite3.Error, OSError)) and not _chroma(error):
            continue  # an article saying "disk is full" is not a full disk
        for needles, what in _KINDS:
            if any(n in text for n in needles):
                return f"{what} ({_first_line(error)})"
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _free(path: Path) -> int:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return LOW_SPACE


def _chroma(error: BaseException) -> bool:
    # Chroma's Rust core reports SQLite and file-system failures as text inside its own error types.
    return type(error).__module__.startswith(("chromadb", "index.vectors"))


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0][:200] if lines else type(error).__name__
