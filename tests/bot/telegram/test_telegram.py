"""The Telegram bot end to end: the real PTB Application polling the fake Bot API on 127.0.0.1,
over an index of examples/ — conversations, buttons, briefings, subscriptions across a restart."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.services import Services
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.handlers_ask import session_of
from bot.telegram.handlers_info import REFUSAL
from bot.telegram.reply import PLACEHOLDER
from bot.telegram.state import STATE_KEY
from tests.bot.telegram.test_telegram_split import balanced, whole_markup
from tests.conftest import make_config
from tests.fakes.telegram_server import FakeTelegram

ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre", "blockquote"}
ADMIN = 99


# -- fixtures and helpers ----------------------------------------------------------------------------
@pytest.fixture()
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server
        assert not server.errors, server.errors


def bot_settings(fake: FakeTelegram, data_dir: Path, models_root: Path, **extra: Any) -> Settings:
    make_config(data_dir, models_root)
    return Settings(_env_file=None, NEWSBOT_DATA_DIR=data_dir, TELEGRAM_BOT_TOKEN=fake.token,  # type: ignore[call-arg]
                    TELEGRAM_BASE_URL=fake.base_url, TELEGRAM_BASE_FILE_URL=fake.base_file_url,
                    TELEGRAM_ADMIN_IDS=str(ADMIN), **extra)


@asynccontextmanager
async def running(app: Application) -> AsyncIterator[Application]:
    """What run_polling does, minus the signal handling: initialise, post_init, poll; then stop cleanly."""
    async with app:
        assert app.post_init is not None and app.post_shutdown is not None and app.updater is not None
        await app.post_init(app)
        await app.start()
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
            await app.post_shutdown(app)


def run(body: Callable[[], Any], timeout: float = 40) -> None:
    asyncio.run(asyncio.wait_for(body(), timeout))


async def reply(fake: FakeTelegram, match: Callable[[str], bool] = lambda t: True, chat_id: int = 1,
                method: str = "sendMessage", timeout: float = 15) -> dict:
    """The first bot message in the chat (not the placeholder) whose text matches; asserts it is valid HTML."""
    calls = await fake.wait_for_async(method, lambda p: p["chat_id"] == chat_id and p["text"] != PLACEHOLDER
                                      and match(p["text"]), timeout=timeout)
    params = calls[0]["params"]
    assert_valid_html(params)
    return params


def assert_valid_html(params: dict) -> None:
    text = params["text"]
    if params.get("parse_mode") != "HTML":
        assert "<" not in text, text
        return
    assert balanced(text) and whole_markup(text), text
    assert {name for _, name in re.findall(r"<(/?)([a-z-]+)", text)} <= ALLOWED_TAGS, text


def buttons(params: dict) -> list[dict]:
    return [b for row in (params.get("reply_markup") or {}).get("inline_keyboard", []) for b in row]


def unescaped(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


# -- the scripted conversation ---------------------------------------------------------------------------
def test_conversation_question_follow_up_buttons_brief_actor(fake, tmp_path, models_root, examples_index):
    settings = bot_settings(fake, tmp_path / "data", models_root)
    services = Services.open(settings, index=examples_index)
    app = build_application(services, placeholder_after=60)

    async def body() -> None:
        async with running(app):
            commands = fake.calls("setMyCommands")[0]["params"]["commands"]
            assert {"start", "help", "ask", "brief", "actor", "subscribe", "reset"} <= {c["command"] for c in commands}

            fake.push_message("/start")
            start = await reply(fake, lambda t: "Hello" in t)
            assert "What did Valdoria demand" in start["text"]

            fake.push_message("What did Valdoria demand at the talks?")
            answer = await reply(fake, lambda t: "Sources" in t)
            assert "[1]" in answer["text"] and "40 detained sailors" in unescaped(answer["text"])
            assert re.search(r'<a href="https://example\.org/[^"]+">[^<]+</a> — [^:\n]+: \[1\] ¶\d+', answer["text"])
            labels = [b["text"] for b in buttons(answer)]
            # Buttons say marker and paragraph, as the sources do ("[1] ¶3"); one line per cited article.
            assert any(re.fullmatch(r"\[1\] ¶\d+", label) for label in labels)
            assert any(label.startswith("More on ") for label in labels)
            assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(answer))

            # A "[1] ¶n" press shows the stored paragraph that [1] cites.
            first = next(b for b in buttons(answer) if b["text"].startswith("[1] ¶"))
            kind, payload = app.bot_data[STATE_KEY].store.resolve(first["callback_data"])
            article_id, _, number = payload.rpartition(":")
            assert kind == "p"
            stored = examples_index.catalog.paragraph(article_id, int(number)).text
            fake.clear_calls()
            fake.push_callback(first["callback_data"])
            paragraph = await reply(fake, lambda t: "<blockquote>" in t)
            assert unescaped(paragraph["text"]).count(stored) == 1
            assert fake.calls("answerCallbackQuery")

            # A follow-up suggestion asks its question.
            more = next(b for b in buttons(answer) if b["text"].startswith("More on "))
            fake.clear_calls()
            fake.push_callback(more["callback_data"])
            await reply(fake, lambda t: "Sources" in t or "couldn't find" in t)

            # A follow-up with "she" resolves to the actor of the previous turn.
            fake.push_message("/reset")
            await reply(fake, lambda t: "forgotten" in t)
            fake.clear_calls()
            fake.push_message("What did Foreign Minister Aydar propose?")
            await reply(fake, lambda t: "ceasefire" in t)
            fake.clear_calls()
            fake.push_message("and what did she say after the prisoner exchange?")
            said = await reply(fake, lambda t: "Sources" in t)
            turns = services.memory.history(session_of(1))
            assert "Aydar" in turns[-1].standalone and "she" not in turns[-1].standalone.split()
            assert "ceasefire is for" in unescaped(said["text"])

            fake.clear_calls()
            fake.push_message("/actor Aydar")
            dossier = await reply(fake, lambda t: "Timeline" in t)
            assert "Lunerian Foreign Minister" in dossier["text"]
            assert any(b["text"].startswith("[1] ¶") for b in buttons(dossier))

            fake.clear_calls()
            fake.push_message("/brief 2026-11-24")
            brief = await reply(fake, lambda t: "Briefing for 2026-11-24" in t)
            assert "ceasefire" in brief["text"].lower() and "[1]" in brief["text"] and "Sources" in brief["text"]
            assert "Reported by: " in brief["text"] and any(b["text"].startswith("[1] ¶") for b in buttons(brief))

            fake.clear_calls()
            fake.push_message("/sources")
            sources = await reply(fake, lambda t: "What I have read" in t)
            assert "8 articles" in sources["text"] and "Harbor Wire" in sources["text"]
            assert "2026-11-23 to 2026-11-25" in sources["text"]

            fake.push_message("/actors")
            await reply(fake, lambda t: "Most mentioned" in t and "Valdoria" in t)

    run(body)
    services.memory.close()


def test_slow_answer_shows_typing_and_a_placeholder_that_is_edited(fake, tmp_path, models_root, examples_index):
    services = Services.open(bot_settings(fake, tmp_path / "data", models_root), index=examples_index)
    app = build_application(services, placeholder_after=0.0)

    async def body() -> None:
        async with running(app):
            fake.push_message("How many prisoners were exchanged?")
            await fake.wait_for_async("sendMessage", lambda p: p["text"] == PLACEHOLDER)
            edited = await reply(fake, lambda t: "65" in t, method="editMessageText")
            assert "Sources" in edited["text"]
            assert fake.calls("sendChatAction")[0]["params"]["action"] == "typing"

    run(body)
    services.memory.close()


def test_subscription_fires_and_survives_a_restart(fake, tmp_path, models_root, examples_index):
    settings = bot_settings(fake, tmp_path / "data", models_root)

    def jobs(app: Application) -> list:
        assert app.job_queue is not None
        return list(app.job_queue.get_jobs_by_name("brief:1"))

    async def first_run() -> None:
        services = Services.open(settings, index=examples_index)
        app = build_application(services, placeholder_after=60)
        async with running(app):
            fake.push_message("/subscribe 07:30 UTC")
            await reply(fake, lambda t: "07:30 (UTC)" in t)
            [job] = jobs(app)
            assert job.next_t.time() == time(7, 30) and str(job.next_t.tzinfo) == "UTC"
            fake.clear_calls()
            await job.run(app)  # fire it now rather than at 07:30
            await reply(fake, lambda t: "Your daily briefing" in t)
        services.memory.close()

    async def second_run(expect: int) -> None:
        services = Services.open(settings, index=examples_index)
        app = build_application(services, placeholder_after=60)
        async with running(app):
            assert len(jobs(app)) == expect
            if expect:
                assert jobs(app)[0].next_t.time() == time(7, 30)
                fake.push_message("/unsubscribe")
                await reply(fake, lambda t: "stopped" in t)
                await asyncio.sleep(0.05)
                assert jobs(app) == []
        services.memory.close()

    run(first_run)
    run(lambda: second_run(expect=1))  # a new Application on the same data dir: the subscription is back
    run(lambda: second_run(expect=0))  # and /unsubscribe was stored too


# -- hostile and odd input ---------------------------------------------------------------------------------
def test_hostile_and_odd_input(fake, tmp_path, models_root, examples_index):
    services = Services.open(bot_settings(fake, tmp_path / "data", models_root), index=examples_index)
    app = build_application(services, placeholder_after=60)

    async def body() -> None:
        async with running(app):
            fake.push_message("<script>alert(1)</script> <b>What</b> did Valdoria & Kestrel agree?")
            answer = await reply(fake, lambda t: "Sources" in t or "couldn't find" in t)
            assert "<script>" not in answer["text"]

            fake.push_message("/frobnicate <b>now</b>")
            unknown = await reply(fake, lambda t: "don't know" in t)
            assert unknown["text"] == "Sorry, I don't know /frobnicate. Try /help"

            fake.push_message("/<i>x</i> & more")  # the user's text comes back escaped
            echoed = await reply(fake, lambda t: "x&lt;/i&gt;" in t)
            assert echoed["text"] == "Sorry, I don't know /&lt;i&gt;x&lt;/i&gt;. Try /help"

            fake.push_message("x" * 5000)
            await reply(fake, lambda t: "5,000 characters" in t)

            fake.push_raw({"message": {"message_id": 500, "date": 0, "chat": {"id": 1, "type": "private"},
                                       "from": {"id": 1, "is_bot": False, "first_name": "A"},
                                       "sticker": {"file_id": "s", "file_unique_id": "s", "width": 1, "height": 1,
                                                   "is_animated": False, "is_video": False, "type": "regular"}}})
            await reply(fake, lambda t: "only read text" in t)

            fake.clear_calls()
            fake.push_edited_message("What did Valdoria demand at the talks?")
            await reply(fake, lambda t: "new messages only" in t)
            await asyncio.sleep(0.3)
            assert not [c for c in fake.calls("sendMessage") if "Sources" in c["params"]["text"]]

            fake.push_callback("p#unknownkey")
            answered = await fake.wait_for_async("answerCallbackQuery")
            assert "expired" in answered[0]["params"]["text"]

    run(body)
    services.memory.close()


def test_groups_answer_only_commands_mentions_and_replies(fake, tmp_path, models_root, examples_index):
    services = Services.open(bot_settings(fake, tmp_path / "data", models_root), index=examples_index)
    app = build_application(services, placeholder_after=60)

    async def body() -> None:
        async with running(app):
            group = {"chat_id": -100, "chat_type": "supergroup"}
            fake.push_message("How many prisoners were exchanged?", **group)
            fake.push_message("/frobnicate@some_other_bot", **group)
            fake.push_message("/help", **group)
            await reply(fake, lambda t: "What I can do" in t, chat_id=-100)
            await asyncio.sleep(0.5)
            assert len(fake.calls("sendMessage")) == 1  # the plain question and the other bot's command: silence
            fake.push_message("@newsbot_test_bot how many prisoners were exchanged?", **group)
            await reply(fake, lambda t: "65" in t, chat_id=-100)
            fake.push_message("Where were they exchanged?", reply_to_bot=True, **group)
            await fake.wait_for_async("sendMessage", lambda p: "Sources" in p["text"], count=2)

    run(body)
    services.memory.close()


def test_strangers_are_refused_and_fast_askers_slowed(fake, tmp_path, models_root, examples_index):
    settings = bot_settings(fake, tmp_path / "data", models_root, TELEGRAM_ALLOWED_USERS="1, 2",
                            TELEGRAM_RATE_LIMIT=1)
    services = Services.open(settings, index=examples_index)
    app = build_application(services, placeholder_after=60)

    async def body() -> None:
        async with running(app):
            fake.push_message("What did Valdoria demand?", chat_id=7, user_id=7)
            refusal = await reply(fake, lambda t: True, chat_id=7)
            assert refusal["text"] == REFUSAL
            fake.push_callback("q:anything", chat_id=7, user_id=7)
            await fake.wait_for_async("answerCallbackQuery", lambda p: p.get("text") == REFUSAL)
            await asyncio.sleep(0.3)
            to_stranger = [c for c in fake.calls() if c["params"].get("chat_id") == 7]
            assert [c["method"] for c in to_stranger] == ["sendMessage"]  # no typing, no answer

            fake.push_message("How many prisoners were exchanged?", chat_id=2, user_id=2)
            await reply(fake, lambda t: "Sources" in t, chat_id=2)
            fake.push_message("Where were they exchanged?", chat_id=2, user_id=2)
            await reply(fake, lambda t: "faster than I can read" in t, chat_id=2)

    run(body)
    services.memory.close()
