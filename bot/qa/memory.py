"""Conversation memory: the last N turns per session id, persisted in the data directory."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from index.db import connect

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    session TEXT NOT NULL,
    ts REAL NOT NULL,
    question TEXT NOT NULL,
    standalone TEXT NOT NULL,
    answer TEXT NOT NULL,
    evidence TEXT NOT NULL,
    entities TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_session ON turns(session, ts);
"""


@dataclass(frozen=True)
class Turn:
    """One exchange: what was asked, how it was understood, what was answered and cited."""

    question: str
    standalone: str
    answer: str
    evidence: tuple[tuple[str, int], ...] = ()  # (article_id, paragraph) of the cited paragraphs
    entities: tuple[tuple[str, str], ...] = ()  # (name, type) mentioned, most salient first


class Memory:
    """SQLite-backed turns; thread-safe so Telegram's worker threads can share it."""

    def __init__(self, path: Path, max_turns: int = 6) -> None:
        self.max_turns = max_turns
        self.conn = connect(path, _SCHEMA)
        self.lock = threading.Lock()

    def history(self, session: str) -> list[Turn]:
        """The last `max_turns` turns of a session, oldest first."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT question, standalone, answer, evidence, entities FROM turns WHERE session=?"
                " ORDER BY ts DESC LIMIT ?", (session, self.max_turns)).fetchall()
        return [Turn(q, s, a, tuple(map(tuple, json.loads(ev))), tuple(map(tuple, json.loads(en))))
                for q, s, a, ev, en in reversed(rows)]

    def add(self, session: str, turn: Turn) -> None:
        with self.lock:
            self.conn.execute("INSERT INTO turns VALUES (?,?,?,?,?,?,?)", (
                session, time.time(), turn.question, turn.standalone, turn.answer,
                json.dumps(turn.evidence), json.dumps(turn.entities)))
            # Keep the table bounded: older turns are never read again.
            self.conn.execute(
                "DELETE FROM turns WHERE session=? AND ts NOT IN (SELECT ts FROM turns WHERE session=?"
                " ORDER BY ts DESC LIMIT ?)", (session, session, self.max_turns))

    def reset(self, session: str) -> None:
        """Forget a session (the /reset command)."""
        with self.lock:
            self.conn.execute("DELETE FROM turns WHERE session=?", (session,))

    def close(self) -> None:
        with self.lock:
            self.conn.close()
