"""The journal (updates in progress) and the outbox (deliveries) on their own, across reopenings."""

from __future__ import annotations

import sqlite3
import time

from telegram import Update

from bot.telegram.journal import MAX_TRIES, REPLAY_WITHIN, Journal
from bot.telegram.outbox import MAX_ATTEMPTS, Outbox
from bot.telegram.render import Rendered


def _update(update_id: int, text: str = "hello") -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "chat": {"id": 1, "type": "private"},
        "from": {"id": 1, "is_bot": False, "first_name": "A"}, "text": text}}, None)


def test_journal_replays_what_a_dead_process_left_running_once(tmp_path):
    path = tmp_path / "telegram.sqlite3"
    first = Journal(path)
    for n in (1, 2, 3):
        assert first.begin(_update(n))
    assert not first.begin(_update(1))  # the same update again in the same process: skipped
    first.done(2)
    first.set_placeholder(3, 77)
    first.close()  # the process dies with 1 and 3 running

    second = Journal(path)
    assert [p["update_id"] for p in second.interrupted()] == [1, 3]
    assert second.placeholder(3) == 77 and second.placeholder(1) is None
    assert second.begin(_update(1)) and not second.begin(_update(2))  # 2 was done before
    second.close()  # dies again while 1 runs: 1 may be what kills it

    third = Journal(path)
    assert MAX_TRIES == 2 and [p["update_id"] for p in third.interrupted()] == [3]
    third.close()


def test_journal_gives_up_on_stale_updates(tmp_path):
    path = tmp_path / "telegram.sqlite3"
    journal = Journal(path)
    journal.begin(_update(5))
    journal.close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE journal SET ts=?", (time.time() - REPLAY_WITHIN - 1,))
    again = Journal(path)
    assert again.interrupted() == [] and again.interrupted() == []
    again.close()


def test_outbox_keeps_one_delivery_per_key_in_order_and_settles_once(tmp_path):
    path = tmp_path / "telegram.sqlite3"
    outbox = Outbox(path)
    long = "\n\n".join(f"Paragraph {n} " + "word " * 150 for n in range(12))  # several Telegram messages
    assert outbox.put("brief:1:2026-12-01", 1, Rendered(long))
    assert not outbox.put("brief:1:2026-12-01", 1, Rendered("again"))  # rendered once per key, ever
    parts = outbox.pending("brief:1:2026-12-01")
    assert len(parts) >= 2 and [p.part for p in parts] == list(range(len(parts)))
    settled: list[str] = []
    outbox.on_delivered("brief:1:2026-12-01", lambda: settled.append("done"))
    for n, part in enumerate(parts[:-1]):
        outbox.sent(part, 100 + n)
    assert settled == []
    outbox.close()

    reopened = Outbox(path)  # a restart: the unsent part is still there, the callback is not
    [last] = reopened.pending()
    assert last.part == parts[-1].part
    reopened.sent(last, 200)
    assert reopened.pending() == [] and [s for _, s, _ in reopened.state("brief:1:2026-12-01")] == ["sent"] * len(parts)
    assert settled == []
    reopened.close()


def test_outbox_gives_a_delivery_up_after_max_attempts(tmp_path):
    outbox = Outbox(tmp_path / "telegram.sqlite3")
    outbox.put("brief:2:2026-12-01", 2, Rendered("Your daily briefing"))
    for _ in range(MAX_ATTEMPTS):
        [part] = outbox.pending() or [None]
        assert part is not None
        outbox.failed(part, "Bad Gateway")
    assert outbox.pending() == [] and outbox.state("brief:2:2026-12-01") == [(0, "dropped", None)]
    outbox.close()
