"""What the handlers share (kept in `application.bot_data`): services, the bot's store, access lists,
the per-user rate limiter, and the worker threads that keep CPU-heavy work off the event loop."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from telegram.ext import ContextTypes

from bot.services import Services
from bot.telegram.journal import Journal
from bot.telegram.outbox import Outbox
from bot.telegram.store import BotStore
from index.store import Index

T = TypeVar("T")
STATE_KEY = "newsbot"


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
    outbox: Outbox  # daily briefings, sent exactly once through restarts
    journal: Journal  # updates in progress, replayed after a crash
    placeholder_after: float = 1.0  # seconds of work before "Looking through the articles…" is shown
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
        """Run read-side work (answers, briefings, dossiers) on a worker thread; writers never block it."""
        return await asyncio.get_running_loop().run_in_executor(self.workers, lambda: fn(*args))

    async def io(self, fn: Callable[..., T], *args: Any) -> T:
        """Run network-bound admin work (fetching pages and feeds, then ingesting) on the default executor,
        so slow sites never hold the answer workers; its index writes go through `writer()`."""
        return await asyncio.to_thread(fn, *args)

    def writer(self) -> Index:
        """The index to write through: its `ingest` fetches items first and takes the data directory's
        writer lock (index/writer.py) only around each batch it stores, so answers never wait for it."""
        return self.services.index


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
