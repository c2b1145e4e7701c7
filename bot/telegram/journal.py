"""Updates in progress, kept in <data>/telegram.sqlite3, so a bot killed mid-answer answers after a restart.

PTB confirms an update to Telegram as soon as it has fetched it, so a process killed while answering
(kill -9, a crash, the machine going down) would silently lose that question. Every update is
written here before its handlers run and marked done when they finish; at start-up the updates of
the last REPLAY_WITHIN seconds that never finished are put back on the update queue and handled as
if they had just arrived. An update is handled once per process even when Telegram redelivers it.
The placeholder message an interrupted answer had sent is remembered, so the replay edits it into
the answer instead of leaving a stale "Looking through the articles…" behind.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import SimpleUpdateProcessor

from index.db import connect

log = logging.getLogger(__name__)
REPLAY_WITHIN = 600  # seconds: an older unanswered question is stale, answering it now would confuse
MAX_TRIES = 2  # an update that was running each time the process died is not tried again (it may be the cause)
KEEP_DONE = 86_400  # seconds a finished update is remembered, against redeliveries
_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    update_id INTEGER PRIMARY KEY,
    payload TEXT NOT NULL,          -- the Update as JSON, to replay it
    state TEXT NOT NULL,            -- 'running' or 'done'
    placeholder INTEGER,            -- message id of a placeholder sent while it ran
    tries INTEGER NOT NULL DEFAULT 1,
    ts REAL NOT NULL
);
"""


class Journal:
    """The journal table; one connection, one lock (handlers run on the event loop and worker threads)."""

    def __init__(self, path: Path) -> None:
        self.conn = connect(path, _SCHEMA)
        self.lock = threading.Lock()
        self._active: set[int] = set()  # update ids handled (or being handled) by this process

    def begin(self, update: Update) -> bool:
        """Record an update as running; False when this process already has it or it was done before."""
        with self.lock:
            if update.update_id in self._active:
                return False
            row = self.conn.execute("SELECT state FROM journal WHERE update_id=?", (update.update_id,)).fetchone()
            if row and row[0] == "done":
                return False
            self._active.add(update.update_id)
            self.conn.execute("INSERT INTO journal (update_id, payload, state, ts) VALUES (?,?, 'running', ?)"
                              " ON CONFLICT(update_id) DO UPDATE SET state='running', tries=tries+1",
                              (update.update_id, update.to_json(), time.time()))
        return True

    def done(self, update_id: int) -> None:
        with self.lock:
            self.conn.execute("UPDATE journal SET state='done', ts=? WHERE update_id=?", (time.time(), update_id))
            self.conn.execute("DELETE FROM journal WHERE state='done' AND ts < ?", (time.time() - KEEP_DONE,))

    def set_placeholder(self, update_id: int, message_id: int) -> None:
        with self.lock:
            self.conn.execute("UPDATE journal SET placeholder=? WHERE update_id=?", (message_id, update_id))

    def placeholder(self, update_id: int) -> int | None:
        """The placeholder an earlier, interrupted run of this update sent (None if it sent none)."""
        with self.lock:
            row = self.conn.execute("SELECT placeholder FROM journal WHERE update_id=?", (update_id,)).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def interrupted(self) -> list[dict[str, Any]]:
        """Payloads of updates a previous process began and never finished, oldest first; older than
        REPLAY_WITHIN ones are given up (marked done) instead."""
        cutoff = time.time() - REPLAY_WITHIN
        with self.lock:
            rows = self.conn.execute("SELECT update_id, payload, ts, tries FROM journal WHERE state='running'"
                                     " ORDER BY update_id").fetchall()
            rows = [r for r in rows if r[0] not in self._active]
            given_up = [(r[0],) for r in rows if r[2] < cutoff or r[3] >= MAX_TRIES]
            self.conn.executemany("UPDATE journal SET state='done' WHERE update_id=?", given_up)
        if given_up:
            log.warning("%d interrupted update(s) not handled again (too old, or running at each crash)",
                        len(given_up))
        return [json.loads(r[1]) for r in rows if (r[0],) not in given_up]

    def close(self) -> None:
        with self.lock:
            self.conn.close()


class JournalingProcessor(SimpleUpdateProcessor):
    """Handles updates concurrently (like `concurrent_updates(True)`), each journaled while it runs."""

    def __init__(self, journal: Journal, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.journal = journal

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        if not self.journal.begin(update):
            log.info("update %s was already handled; skipped", update.update_id)
            if hasattr(coroutine, "close"):
                coroutine.close()  # never awaited: close it, so Python does not warn
            return
        try:
            await coroutine
        finally:  # also when a handler failed: the error handler has answered for it
            self.journal.done(update.update_id)
