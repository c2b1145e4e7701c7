"""Scheduled messages (daily briefings) delivered exactly once, through restarts and a flaky Bot API.

A briefing is rendered once per chat and day, split into parts and written here, all parts in one
transaction, before anything is sent; each part is marked sent (with its message id) as soon as
Telegram confirms it. A restart, a retry or a second firing of the job therefore finds the day's
briefing already there and only sends the parts still pending, in order; nothing is rendered or
sent twice. A part whose request timed out stays pending and is sent again later: Telegram may
have delivered it, but a briefing missing a part is worse than one part shown twice (the only
case where that can happen). A chat that blocked the bot drops its pending parts.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.telegram.render import NO_PREVIEW, Rendered
from bot.telegram.split import split_html
from index.db import connect

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8  # sends of one part before it is given up (with RETRY_EVERY apart: about an hour)
RETRY_EVERY = 60.0  # seconds between delivery attempts after a failure
KEEP = 30 * 86_400  # seconds sent parts are kept: a day's key must outlive the day
_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT NOT NULL,              -- e.g. brief:<chat>:<day>; one delivery per key, ever
    part INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    html TEXT NOT NULL,
    markup TEXT,                    -- inline keyboard as JSON (last part only)
    state TEXT NOT NULL,            -- 'pending', 'sent' or 'dropped'
    message_id INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    ts REAL NOT NULL,
    PRIMARY KEY (key, part)
);
"""


@dataclass(frozen=True)
class Part:
    """One message of a delivery, as stored."""

    key: str
    part: int
    chat_id: int
    html: str
    markup: str | None
    attempts: int


class Outbox:
    """The outbox table; one connection, one lock."""

    def __init__(self, path: Path) -> None:
        self.conn = connect(path, _SCHEMA)
        self.lock = threading.Lock()
        self._callbacks: dict[str, Callable[[], None]] = {}

    def on_delivered(self, key: str, callback: Callable[[], None]) -> None:
        """Call `callback` once every part of `key` is sent (in this process: after a restart the callback
        is gone, and a briefing's stories then count as new again, repeated rather than lost)."""
        self._callbacks[key] = callback

    def _settle(self, key: str) -> None:
        if not self.pending(key) and key in self._callbacks:
            self._callbacks.pop(key)()

    def has(self, key: str) -> bool:
        with self.lock:
            return self.conn.execute("SELECT 1 FROM outbox WHERE key=? LIMIT 1", (key,)).fetchone() is not None

    def put(self, key: str, chat_id: int, rendered: Rendered) -> bool:
        """Store a delivery's parts (keyboard on the last); False when `key` was stored before."""
        parts = split_html(rendered.html) or ["…"]
        markup = json.dumps(rendered.keyboard.to_dict()) if rendered.keyboard else None
        now = time.time()
        with self.lock, self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            if self.conn.execute("SELECT 1 FROM outbox WHERE key=? LIMIT 1", (key,)).fetchone():
                return False
            self.conn.executemany(
                "INSERT INTO outbox (key, part, chat_id, html, markup, state, ts) VALUES (?,?,?,?,?, 'pending', ?)",
                [(key, n, chat_id, html, markup if n == len(parts) - 1 else None, now) for n, html in enumerate(parts)])
            self.conn.execute("DELETE FROM outbox WHERE state != 'pending' AND ts < ?", (now - KEEP,))
        return True

    def pending(self, key: str | None = None) -> list[Part]:
        """Parts still to send (of one key, or of all), in delivery order."""
        query = "SELECT key, part, chat_id, html, markup, attempts FROM outbox WHERE state='pending'"
        with self.lock:
            rows = self.conn.execute(query + (" AND key=?" if key else "") + " ORDER BY ts, key, part",
                                     (key,) if key else ()).fetchall()
        return [Part(*row) for row in rows]

    def sent(self, part: Part, message_id: int) -> None:
        with self.lock:
            self.conn.execute("UPDATE outbox SET state='sent', message_id=?, ts=? WHERE key=? AND part=?",
                              (message_id, time.time(), part.key, part.part))
        self._settle(part.key)

    def failed(self, part: Part, error: str) -> None:
        """Count a failed attempt; after MAX_ATTEMPTS the delivery's remaining parts are dropped."""
        with self.lock:
            self.conn.execute("UPDATE outbox SET attempts=attempts+1, error=? WHERE key=? AND part=?",
                              (error, part.key, part.part))
        if part.attempts + 1 >= MAX_ATTEMPTS:
            self.drop(part.key, f"given up after {MAX_ATTEMPTS} attempts: {error}")

    def drop(self, key: str, error: str) -> None:
        with self.lock:
            self.conn.execute("UPDATE outbox SET state='dropped', error=? WHERE key=? AND state='pending'",
                              (error, key))
        self._callbacks.pop(key, None)  # not delivered: the stories stay new for the next briefing

    def state(self, key: str) -> list[tuple[int, str, int | None]]:
        """(part, state, message id) of a delivery, for inspection and tests."""
        with self.lock:
            rows = self.conn.execute("SELECT part, state, message_id FROM outbox WHERE key=? ORDER BY part",
                                     (key,)).fetchall()
        return [(int(p), str(s), m) for p, s, m in rows]

    def close(self) -> None:
        with self.lock:
            self.conn.close()


async def deliver(bot: Bot, outbox: Outbox, key: str | None = None) -> list[int]:
    """Send pending parts in order (of one key, or of all); returns the chats that blocked the bot.

    A delivery stops at its first failing part, so parts never arrive out of order; the others go on."""
    blocked: list[int] = []
    stuck: set[str] = set()
    for part in outbox.pending(key):
        if part.key in stuck:
            continue
        markup = InlineKeyboardMarkup.de_json(json.loads(part.markup), bot) if part.markup else None
        try:
            message = await bot.send_message(part.chat_id, part.html, parse_mode=ParseMode.HTML, reply_markup=markup,
                                             link_preview_options=NO_PREVIEW)
        except Forbidden as exc:  # blocked or kicked: nothing will ever reach this chat
            outbox.drop(part.key, str(exc))
            blocked.append(part.chat_id)
            stuck.add(part.key)
        except BadRequest as exc:  # the message itself is refused: sending it again cannot help
            log.error("delivery %s part %d refused: %s", part.key, part.part, exc)
            outbox.drop(part.key, str(exc))
            stuck.add(part.key)
        except TelegramError as exc:  # 429s and 5xx the limiter gave up on, timeouts: try again later
            log.warning("delivery %s part %d failed, will retry: %s", part.key, part.part, exc)
            outbox.failed(part, str(exc))
            stuck.add(part.key)
        else:
            outbox.sent(part, message.message_id)
    return blocked
