"""Fault: the Telegram Bot API misbehaves — 429 with retry_after, bursts of 5xx, connection resets, a
30-second stall — while the real PTB application polls the fake server. The bot keeps serving the
other chats, sends nothing twice, and delivers each daily briefing exactly once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from bot.services import Services
from bot.telegram.app import build_application
from bot.telegram.handlers_brief import deliver_daily, job_name, retry_deliveries
from bot.telegram.state import STATE_KEY
from tests.bot.telegram.test_telegram import ADMIN, bot_settings, reply, running, unescaped
from tests.fakes.telegram_server import FakeTelegram
from tests.fuzz_corpus import BAD, REPAIRED

QUESTION = "How many prisoners were exchanged at Halden Bridge?"


@pytest.fixture()
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server
        assert not server.errors, server.errors


def delivered(fake: FakeTelegram, chat_id: int, needle: str) -> list[dict]:
    """Messages Telegram accepted for the chat (sent or edited in) whose text contains `needle`."""
    return [c for c in fake.calls() if c["ok"] and c["method"] in ("sendMessage", "editMessageText")
            and c["params"].get("chat_id") == chat_id and needle in c["params"].get("text", "")]


def failed(fake: FakeTelegram, chat_id: int) -> list[dict]:
    return [c for c in fake.calls("sendMessage") if not c["ok"] and c["params"].get("chat_id") == chat_id]


def test_misbehaving_api_other_chats_served_nothing_sent_twice(fake, tmp_path, models_root, examples_index):
    services = Services.open(bot_settings(fake, tmp_path / "data", models_root), index=examples_index)
    app = build_application(services, placeholder_after=60)
    fake.set_failure("sendMessage", status=429, retry_after=2, times=2, chat_id=11)  # flood control
    fake.set_failure("sendMessage", status=502, times=2, chat_id=12)  # a burst of server errors...
    fake.set_failure("sendMessage", status=500, times=1, chat_id=12)
    fake.misbehave("sendMessage", "reset", times=2, chat_id=13)  # connections reset before any answer
    fake.misbehave("sendMessage", "stall", seconds=30, chat_id=14)  # the API hangs for half a minute
    chats = (11, 12, 13, 14, 15)

    async def body() -> None:
        async with running(app):
            started = time.monotonic()
            for chat in chats:
                fake.push_message(QUESTION, chat_id=chat, user_id=chat)
            await asyncio.to_thread(fake.wait_for_stall, "sendMessage", lambda p: p["chat_id"] == 14, 20)
            for chat in (15, 11, 12, 13):  # answered while chat 14's reply is still held
                while not delivered(fake, chat, "Sources") and time.monotonic() - started < 25:
                    await asyncio.sleep(0.1)
                assert delivered(fake, chat, "Sources"), chat
                assert [s["outcome"] for s in fake.stalls()] == ["held"], chat
            answered_others = time.monotonic() - started
            deadline = time.monotonic() + 40
            while not delivered(fake, 14, "Sources") and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            assert delivered(fake, 14, "Sources"), "the stalled reply never arrived"
            assert answered_others < 25 and time.monotonic() - started >= 29  # 14 waited out the stall
            await asyncio.sleep(1.5)  # time for any duplicate to show up

    asyncio.run(asyncio.wait_for(body(), 90))
    for chat in chats:
        assert len(delivered(fake, chat, "Sources")) == 1, chat  # every chat answered, and only once
    assert len(failed(fake, 11)) == 2 and len(failed(fake, 12)) == 3 and len(failed(fake, 13)) == 2
    assert [s["outcome"] for s in fake.stalls()] == ["processed"]
    services.memory.close()


def test_daily_briefings_are_delivered_exactly_once_despite_failures(fake, tmp_path, models_root, examples_index):
    services = Services.open(bot_settings(fake, tmp_path / "data", models_root), index=examples_index)
    app = build_application(services, placeholder_after=60)
    state = app.bot_data[STATE_KEY]

    async def body() -> None:
        async with running(app):
            jq = app.job_queue
            assert jq is not None
            for chat in (21, 22, 23):
                fake.push_message("/subscribe 07:30 UTC", chat_id=chat, user_id=chat)
                await fake.wait_for_async("sendMessage", lambda p, c=chat: p["chat_id"] == c and "07:30" in p["text"])

            fake.set_failure("sendMessage", status=502, times=2, chat_id=21)  # retried at once: delivered
            fake.misbehave("sendMessage", "reset", times=1, chat_id=21)
            await deliver_daily(app.bot, state, jq, 21)
            await deliver_daily(app.bot, state, jq, 21)  # the job fires again the same day (a restart...)
            assert len(delivered(fake, 21, "Your daily briefing")) == 1

            fake.set_failure("sendMessage", status=429, retry_after=120, times=1, chat_id=22)  # too long to wait
            await deliver_daily(app.bot, state, jq, 22)
            assert not delivered(fake, 22, "Your daily briefing") and jq.get_jobs_by_name("deliveries")
            await retry_deliveries(_Context(app))  # what the retry job does a minute later
            assert len(delivered(fake, 22, "Your daily briefing")) == 1

            fake.set_failure("sendMessage", status=403, times=1, chat_id=23)  # the user blocked the bot
            await deliver_daily(app.bot, state, jq, 23)
            await asyncio.sleep(0.05)
            assert not jq.get_jobs_by_name(job_name(23)) and 23 not in [s.chat_id for s in state.store.subscriptions()]
            assert state.outbox.pending() == []

    asyncio.run(asyncio.wait_for(body(), 60))
    assert len(delivered(fake, 21, "Your daily briefing")) == 1 and len(delivered(fake, 22, "Your daily briefing")) == 1
    services.memory.close()


def test_hostile_documents_sent_to_the_bot_are_one_line_each(fake, tmp_path, models_root, new_index):
    services = Services.open(bot_settings(fake, tmp_path / "data", models_root), index=new_index("tg"))
    app = build_application(services, placeholder_after=60)

    async def send(name: str, data: bytes, expect: str) -> str:
        fake.push_document(name, data, user_id=ADMIN, chat_id=ADMIN)
        return unescaped((await reply(fake, lambda t: expect in unescaped(t), chat_id=ADMIN))["text"])

    async def body() -> None:
        async with running(app):
            text = await send("deep.json", BAD["deep-nesting.json"](), "Added 0")
            assert "Failed deep.json: invalid JSON (nested too deeply to be an article)" in text
            text = await send("notes.txt", BAD["gzip-as-text.txt"](), "notes.txt")
            assert "Failed notes.txt: looks like application/gzip data" in text
            text = await send("undated.json", REPAIRED["garbage-date.json"](), "Added 1")
            assert "Warning undated.json: unreadable published date" in text
            fake.set_failure("getFile", status=400, times=1, description="Bad Request: file is temporarily unavailable")
            await send("note.md", b"# Note\n\nA short note about the ferry.", "couldn't download note.md")
            fake.push_message("Why was the article undated?", chat_id=ADMIN, user_id=ADMIN)  # still serving
            await reply(fake, lambda t: "Sources" in t or "couldn't find" in t, chat_id=ADMIN)

    asyncio.run(asyncio.wait_for(body(), 60))
    assert services.index.catalog.counts()["articles"] == 1
    services.memory.close()


class _Context:
    """The slice of CallbackContext a job callback reads."""

    def __init__(self, app) -> None:
        self.bot, self.job_queue, self.bot_data = app.bot, app.job_queue, app.bot_data
