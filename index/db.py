"""How every SQLite file of newsbot is opened: the catalog, conversations, deliveries, follows, the bot's state.

One connection per object, shared by its threads (the object serialises use with its own lock), in
autocommit mode (callers BEGIN where they need a transaction), in WAL mode so readers never wait for the
writer, and patient for 30 s when another process holds the write lock.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def connect(path: Path, schema: str, foreign_keys: bool = False) -> sqlite3.Connection:
    """Open (creating the folder and the schema if missing) the database at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    if foreign_keys:
        conn.execute("PRAGMA foreign_keys=ON")
    conn.executescript(schema)
    return conn
