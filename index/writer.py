"""One writer at a time per data directory, across processes and threads.

`newsbot serve` (feed polls, admin uploads), `ingest`, `reindex` and `prune` all write through
`store.Index`, which holds this lock around every batch it writes. It is an OS file lock
(filelock: flock on <data>/writer.lock), so a killed writer never leaves it held. Readers never
take it: the catalog is SQLite in WAL mode, and every write commits whole (see index/catalog.py).
The same lock applies with NEWSBOT_CHROMA_URL: the catalog, the source of truth, is on this disk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger(__name__)
NOTICE_AFTER = 2.0  # seconds of waiting before the writer says why it is not moving


class WriterLock:
    """Reentrant within a thread; threads of one process queue on a threading lock first."""

    def __init__(self, data_dir: Path, notify: Callable[[str], None] | None = None) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.notify = notify or log.warning
        self._file = FileLock(data_dir / "writer.lock", thread_local=False)
        self._threads = threading.RLock()
        self._depth = 0

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Write under the lock, waiting for another writer (and saying so after NOTICE_AFTER seconds)."""
        if not self._threads.acquire(timeout=NOTICE_AFTER):
            self.notify(f"waiting for another newsbot writer in this process ({self.data_dir})")
            self._threads.acquire()
        try:
            with self._file_held(self._wait_for_file):
                yield
        finally:
            self._threads.release()

    @contextmanager
    def try_hold(self) -> Iterator[bool]:
        """The lock if it is free right now (True), else nothing (False): for optional upkeep by readers."""
        if not self._threads.acquire(blocking=False):
            yield False
            return
        try:
            with self._file_held(self._file_if_free) as held:
                yield held
        finally:
            self._threads.release()

    @contextmanager
    def _file_held(self, acquire: Callable[[], bool]) -> Iterator[bool]:
        """The file lock for the outermost holder in this process (the caller holds the thread lock)."""
        if self._depth == 0 and not acquire():
            yield False
            return
        self._depth += 1
        try:
            yield True
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._file.release()

    def _wait_for_file(self) -> bool:
        try:
            self._file.acquire(timeout=NOTICE_AFTER)
        except Timeout:
            self.notify(f"waiting for another newsbot process writing to {self.data_dir}")
            self._file.acquire()
        return True

    def _file_if_free(self) -> bool:
        try:
            self._file.acquire(timeout=0)
        except Timeout:
            return False
        return True
