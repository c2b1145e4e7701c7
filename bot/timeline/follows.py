"""Follows and what they alerted, in SQLite: who follows which actor or topic, how far through the catalog each
follow has looked, every matching article's alert state, and how many alerts a recipient got each day.

An alert row goes pending -> sending -> sent. `claim` moves pending rows to sending in one transaction
just before a message goes out; `finish` marks them sent once the send succeeded, or back to pending
when it failed (retried at the next check, never duplicated). A process killed mid-send leaves rows in
`sending`; `recover` counts them as sent, since the message may have reached the chat: at most once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

from index.db import connect

_SCHEMA = """
CREATE TABLE IF NOT EXISTS follows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    query TEXT NOT NULL,
    actor_id TEXT,                   -- NULL: a topic
    label TEXT NOT NULL,
    quiet TEXT,                      -- 'HH:MM-HH:MM' in the follow's time zone, or NULL
    timezone TEXT NOT NULL,
    cursor INTEGER NOT NULL,         -- catalog article rowid up to which new articles were matched
    created_ts REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS follows_recipient ON follows(recipient);
CREATE TABLE IF NOT EXISTS follow_alerts (
    follow_id INTEGER NOT NULL REFERENCES follows(id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    article_id TEXT NOT NULL,
    story TEXT NOT NULL,             -- canonical article of its near-duplicate group: copies alert once
    status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'copy')),
    matched_ts REAL NOT NULL,
    held INTEGER NOT NULL DEFAULT 0,  -- it waited for the follow's quiet hours to end
    sent_ts REAL,
    PRIMARY KEY (follow_id, article_id)
);
CREATE INDEX IF NOT EXISTS follow_alerts_recipient ON follow_alerts(recipient, status);
CREATE TABLE IF NOT EXISTS follow_days (
    recipient TEXT NOT NULL,
    day TEXT NOT NULL,               -- local date of the sends
    messages INTEGER NOT NULL,
    PRIMARY KEY (recipient, day)
);
"""


@dataclass(frozen=True)
class Follow:
    """One recipient's follow of an actor (actor_id) or a topic (query)."""

    id: int
    recipient: str
    query: str
    actor_id: str | None
    label: str
    quiet: str | None
    timezone: str
    cursor: int

    @property
    def kind(self) -> str:
        return "actor" if self.actor_id else "topic"

    def to_json(self) -> dict:
        return {"id": self.id, "query": self.query, "kind": self.kind, "actor_id": self.actor_id,
                "label": self.label, "quiet": self.quiet, "timezone": self.timezone}


@dataclass(frozen=True)
class Pending:
    """A matched article waiting to be alerted."""

    follow_id: int
    article_id: str
    story: str
    matched_ts: float
    held: bool = False


class FollowStore:
    """Thread-safe SQLite store of follows and their alerts (one connection, one lock)."""

    def __init__(self, path: Path) -> None:
        self.conn = connect(path, _SCHEMA, foreign_keys=True)
        self.lock = threading.Lock()

    # -- follows -----------------------------------------------------------------
    def add(self, recipient: str, query: str, actor_id: str | None, label: str, quiet: str | None,
            timezone: str, cursor: int) -> Follow:
        """A new follow of an actor or a topic, looking at articles after `cursor`."""
        with self.lock:
            follow_id = self.conn.execute(
                "INSERT INTO follows (recipient, query, actor_id, label, quiet, timezone, cursor, created_ts)"
                " VALUES (?,?,?,?,?,?,?,?)", (recipient, query, actor_id, label, quiet, timezone, cursor,
                                              time.time())).lastrowid
        found = self.get(int(follow_id or 0))
        assert found is not None
        return found

    def update(self, follow_id: int, actor_id: str | None, label: str, quiet: str | None, timezone: str) -> Follow:
        """Re-following keeps the follow's place in the catalog; its quiet hours and names are replaced."""
        with self.lock:
            self.conn.execute("UPDATE follows SET actor_id=?, label=?, quiet=?, timezone=? WHERE id=?",
                              (actor_id, label, quiet, timezone, follow_id))
        found = self.get(follow_id)
        assert found is not None
        return found

    def get(self, follow_id: int) -> Follow | None:
        with self.lock:
            row = self.conn.execute(f"SELECT {_FOLLOW} FROM follows WHERE id=?", (follow_id,)).fetchone()
        return Follow(*row) if row else None

    def follows(self, recipient: str | None = None) -> list[Follow]:
        """A recipient's follows (everyone's when None), oldest first: /following numbers them so."""
        where, params = ("WHERE recipient=?", (recipient,)) if recipient else ("", ())
        with self.lock:
            rows = self.conn.execute(f"SELECT {_FOLLOW} FROM follows {where} ORDER BY id", params).fetchall()
        return [Follow(*r) for r in rows]

    def recipients(self) -> list[str]:
        with self.lock:
            return [r[0] for r in self.conn.execute("SELECT DISTINCT recipient FROM follows ORDER BY recipient")]

    def remove(self, follow_id: int) -> bool:
        with self.lock:
            return self.conn.execute("DELETE FROM follows WHERE id=?", (follow_id,)).rowcount > 0

    def forget(self, recipient: str) -> None:
        """Drop every follow and alert of a recipient (e.g. a chat that blocked the bot)."""
        with self.lock, self.conn:
            self.conn.execute("DELETE FROM follows WHERE recipient=?", (recipient,))
            self.conn.execute("DELETE FROM follow_alerts WHERE recipient=?", (recipient,))
            self.conn.execute("DELETE FROM follow_days WHERE recipient=?", (recipient,))

    # -- matches -----------------------------------------------------------------------
    def record(self, follow: Follow, matches: list[tuple[str, str]], cursor: int) -> None:
        """Store matched (article, story) pairs and move the follow's cursor, in one transaction.

        An article whose story this follow already alerted on (or has pending) is a copy."""
        now = time.time()
        with self.lock, self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            for article_id, story in matches:
                known = self.conn.execute("SELECT 1 FROM follow_alerts WHERE follow_id=? AND story=? AND"
                                          " status != 'copy' LIMIT 1", (follow.id, story)).fetchone()
                self.conn.execute("INSERT OR IGNORE INTO follow_alerts (follow_id, recipient, article_id, story,"
                                  " status, matched_ts) VALUES (?,?,?,?,?,?)",
                                  (follow.id, follow.recipient, article_id, story, "copy" if known else "pending",
                                   now))
            self.conn.execute("UPDATE follows SET cursor=MAX(cursor, ?) WHERE id=?", (cursor, follow.id))

    def pending(self, recipient: str) -> list[Pending]:
        with self.lock:
            rows = self.conn.execute("SELECT follow_id, article_id, story, matched_ts, held FROM follow_alerts"
                                     " WHERE recipient=? AND status='pending' ORDER BY matched_ts, rowid",
                                     (recipient,)).fetchall()
        return [Pending(int(f), a, s, float(t), bool(h)) for f, a, s, t, h in rows]

    def hold(self, items: list[Pending]) -> None:
        """Mark pending rows as held for quiet hours (their message says so when it goes out)."""
        with self.lock, self.conn:
            self.conn.executemany("UPDATE follow_alerts SET held=1 WHERE follow_id=? AND article_id=?",
                                  [(p.follow_id, p.article_id) for p in items if not p.held])

    def copies(self, recipient: str, stories: list[str]) -> dict[str, list[str]]:
        """Story -> article ids of its other matched copies (for "also reported by")."""
        out: dict[str, list[str]] = {}
        with self.lock:
            for story in dict.fromkeys(stories):
                rows = self.conn.execute("SELECT article_id FROM follow_alerts WHERE recipient=? AND story=?",
                                         (recipient, story)).fetchall()
                out[story] = [r[0] for r in rows]
        return out

    def sent_stories(self, recipient: str) -> set[str]:
        with self.lock:
            rows = self.conn.execute("SELECT DISTINCT story FROM follow_alerts WHERE recipient=? AND status='sent'",
                                     (recipient,)).fetchall()
        return {r[0] for r in rows}

    # -- delivery ------------------------------------------------------------------------
    def claim(self, recipient: str, items: list[Pending]) -> list[Pending]:
        """Move these pending rows to `sending`; returns those this call claimed (another may have won some)."""
        claimed = []
        with self.lock, self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            for item in items:
                changed = self.conn.execute("UPDATE follow_alerts SET status='sending' WHERE follow_id=? AND"
                                            " article_id=? AND status='pending'",
                                            (item.follow_id, item.article_id)).rowcount
                if changed:
                    claimed.append(item)
        return claimed

    def finish(self, recipient: str, items: list[Pending], sent: bool, day: str, count: bool = True) -> None:
        """After the send: sent (and, with `count`, counted for the day), or back to pending for the next check."""
        with self.lock, self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            for item in items:
                self.conn.execute("UPDATE follow_alerts SET status=?, sent_ts=? WHERE follow_id=? AND article_id=?"
                                  " AND status='sending'", ("sent" if sent else "pending", time.time() if sent
                                                            else None, item.follow_id, item.article_id))
            if sent and items and count:
                self.conn.execute("INSERT INTO follow_days VALUES (?,?,1) ON CONFLICT(recipient, day)"
                                  " DO UPDATE SET messages = messages + 1", (recipient, day))

    def sent_on(self, recipient: str, day: str) -> int:
        """Alert messages sent to the recipient on that local day."""
        with self.lock:
            row = self.conn.execute("SELECT messages FROM follow_days WHERE recipient=? AND day=?",
                                    (recipient, day)).fetchone()
        return int(row[0]) if row else 0

    def recover(self) -> int:
        """Rows a killed process left in `sending` count as sent (the message may have gone out); how many."""
        with self.lock:
            return self.conn.execute("UPDATE follow_alerts SET status='sent', sent_ts=? WHERE status='sending'",
                                     (time.time(),)).rowcount

    def close(self) -> None:
        with self.lock:
            self.conn.close()


_FOLLOW = "id, recipient, query, actor_id, label, quiet, timezone, cursor"
