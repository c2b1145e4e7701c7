"""The bot's own state in <data>/telegram.sqlite3: daily-briefing subscriptions, the payloads of inline
buttons too long for Telegram's 64-byte callback data, and (in `follows`, bot.timeline's tables in the
same file) the chats' follows and the alerts they were sent. All of it survives a restart."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bot.timeline import FollowStore
from index.db import connect

CALLBACK_LIMIT = 64  # bytes of callback_data Telegram accepts
_SCHEMA = """
CREATE TABLE IF NOT EXISTS subscriptions (
    chat_id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,        -- HH:MM
    timezone TEXT NOT NULL,  -- IANA name
    created_ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS callbacks (
    key TEXT PRIMARY KEY,
    payload TEXT NOT NULL,
    created_ts REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Subscription:
    """A chat's daily briefing: local time of day and its time zone."""

    chat_id: int
    at: str
    timezone: str


class BotStore:
    """Thread-safe SQLite store (one connection, one lock) for the Telegram front end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = connect(path, _SCHEMA)
        self.lock = threading.Lock()
        self.follows = FollowStore(path)

    # -- subscriptions -----------------------------------------------------------
    def subscribe(self, chat_id: int, at: str, timezone: str) -> Subscription:
        """Create or replace the chat's subscription."""
        with self.lock:
            self.conn.execute("INSERT INTO subscriptions VALUES (?,?,?,?) ON CONFLICT(chat_id) DO UPDATE"
                              " SET at=excluded.at, timezone=excluded.timezone", (chat_id, at, timezone, time.time()))
        return Subscription(chat_id, at, timezone)

    def unsubscribe(self, chat_id: int) -> bool:
        """Remove the chat's subscription; True when there was one."""
        with self.lock:
            return self.conn.execute("DELETE FROM subscriptions WHERE chat_id=?", (chat_id,)).rowcount > 0

    def subscribed_at(self, chat_id: int) -> float | None:
        """When the chat's subscription was first made (seconds since the epoch), or None."""
        with self.lock:
            row = self.conn.execute("SELECT created_ts FROM subscriptions WHERE chat_id=?", (chat_id,)).fetchone()
        return float(row[0]) if row else None

    def subscriptions(self) -> list[Subscription]:
        """Every stored subscription."""
        with self.lock:
            rows = self.conn.execute("SELECT chat_id, at, timezone FROM subscriptions ORDER BY chat_id").fetchall()
        return [Subscription(int(c), a, z) for c, a, z in rows]

    # -- inline-button payloads ---------------------------------------------------
    def callback_data(self, kind: str, payload: str) -> str:
        """'kind:payload' when it fits in 64 bytes, else 'kind#<hash>' with the payload stored here."""
        direct = f"{kind}:{payload}"
        if len(direct.encode("utf-8")) <= CALLBACK_LIMIT:
            return direct
        key = hashlib.sha256(f"{kind}\0{payload}".encode()).hexdigest()[:24]
        with self.lock:
            self.conn.execute("INSERT OR IGNORE INTO callbacks VALUES (?,?,?)", (key, payload, time.time()))
        return f"{kind}#{key}"

    def resolve(self, data: str) -> tuple[str, str] | None:
        """(kind, payload) of callback data made by `callback_data`; None when unknown."""
        if "#" in data and (":" not in data or data.index("#") < data.index(":")):
            kind, _, key = data.partition("#")
            with self.lock:
                row = self.conn.execute("SELECT payload FROM callbacks WHERE key=?", (key,)).fetchone()
            return (kind, row[0]) if row else None
        kind, sep, payload = data.partition(":")
        return (kind, payload) if sep else None

    def close(self) -> None:
        self.follows.close()
        with self.lock:
            self.conn.close()
