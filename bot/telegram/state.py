"""What the handlers share (kept in `application.bot_data`): services, the bot's store, access lists,
the per-user rate limiter, and the worker threads that keep CPU-heavy work off the event loop."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from telegram.ext import ContextTypes

from bot.services import Services
from bot.telegram.store import BotStore
from index.store import Index, IngestReport

T = TypeVar("T")
STATE_KEY = "newsbot"


class ReadWriteLock:
    """Many readers (questions, briefings) or one writer (ingest, feed polls) at a time: an ingest
    rebuilds BM25 and re-resolves actors, which a concurrent search must not see half-done."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._cond.wait_for(lambda: not self._writing)
            self._writing = True  # new readers wait from here on, so a writer is not starved
            self._cond.wait_for(lambda: self._readers == 0)
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


class RateLimiter:
    """At most `per_minute` costly requests per user in any 60-second window."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._hits: dict[int, deque[float]] = defaultdict(deque)

    def check(self, user_id: int) -> float:
        """0 when allowed (and counted); otherwise the seconds to wait."""
        if self.per_minute <= 0:
            return 0.0
        now, hits = self.clock(), self._hits[user_id]
        while hits and now - hits[0] >= 60:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return 60 - (now - hits[0])
        hits.append(now)
        return 0.0


@dataclass
class BotState:
    """Long-lived objects of one running bot."""

    services: Services
    store: BotStore
    allowed: frozenset[int]  # empty = everyone
    admins: frozenset[int]
    limiter: RateLimiter
    workers: ThreadPoolExecutor
    placeholder_after: float = 1.0  # seconds of work before "Looking through the articles…" is shown
    index_lock: ReadWriteLock = field(default_factory=ReadWriteLock)
    chat_locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)

    def may_use(self, user_id: int | None) -> bool:
        return not self.allowed or (user_id is not None and (user_id in self.allowed or user_id in self.admins))

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admins

    def chat_lock(self, chat_id: int) -> asyncio.Lock:
        """One question at a time per chat, so follow-ups see the previous turn; chats run in parallel."""
        return self.chat_locks.setdefault(chat_id, asyncio.Lock())

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run read-side work (answers, briefings, dossiers) on a worker thread."""
        return await asyncio.get_running_loop().run_in_executor(self.workers, self._locked_read, fn, args)

    async def io(self, fn: Callable[..., T], *args: Any) -> T:
        """Run network-bound admin work (fetching pages and feeds, then ingesting) on the default executor,
        so slow sites never hold the answer workers; its index writes go through `writer()`."""
        return await asyncio.to_thread(fn, *args)

    def writer(self) -> Index:
        """The index, whose `ingest` waits for the exclusive lock only once its items are fetched."""
        return cast(Index, LockedIngest(self.services.index, self.index_lock))

    def _locked_read(self, fn: Callable[..., T], args: tuple) -> T:
        with self.index_lock.read():
            return fn(*args)


class LockedIngest:
    """An Index stand-in: reads pass through; `ingest` gathers its (lazily fetched) items first, then
    writes under the exclusive lock, so answers wait for the write but never for the network."""

    def __init__(self, index: Index, lock: ReadWriteLock) -> None:
        self._index = index
        self._lock = lock

    def __getattr__(self, name: str) -> Any:
        return getattr(self._index, name)

    def ingest(self, items: Iterable[Any], progress: Callable[[int], None] | None = None) -> IngestReport:
        ready = list(items)
        with self._lock.write():
            return self._index.ingest(ready, progress)


def get_state(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """The BotState `build_application` stored in bot_data."""
    return context.bot_data[STATE_KEY]


def id_set(text: str) -> frozenset[int]:
    """'1, 2,3' -> {1, 2, 3}; anything that is not an integer id is refused."""
    ids = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    bad = [part for part in ids if not part.lstrip("-").isdigit()]
    if bad:
        raise ValueError(f"not a Telegram user id: {', '.join(bad)}")
    return frozenset(int(part) for part in ids)
