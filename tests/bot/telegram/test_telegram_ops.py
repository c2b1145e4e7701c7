"""The Telegram bot's operations side: admin ingest (and escaping of what it brings in), long answers split
over messages, errors, summaries, feeds, webhook mode, `newsbot serve` start-up errors, the bot's store."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from typer.testing import CliRunner

from bot.citations import Citation
from bot.cli import app as cli_app
from bot.qa.answer import Answer
from bot.services import Services
from bot.settings import Settings
from bot.telegram.app import build_application, file_url, webhook_options
from bot.telegram.reply import SORRY
from bot.telegram.split import TELEGRAM_LIMIT, utf16_len
from bot.telegram.store import BotStore
from tests.bot.telegram.test_telegram import ADMIN, bot_settings, buttons, reply, run, running, unescaped
from tests.conftest import make_config
from tests.fakes.news_site import FERRY, NewsSite, article_html
from tests.fakes.telegram_server import FakeTelegram

NOTE = """# Harbour <script>alert(1)</script> & the "crane" test
Source: Test <Wire>
Published: 2026-12-01T10:00:00Z

The harbour crane of Port Ellery cost 4 million marks & arrived on Monday, the <b>port authority</b> said.

Engineers said the crane lifts 40 tonnes if a < b && c > d, whatever that means.
"""


@pytest.fixture()
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server
        assert not server.errors, server.errors


def test_admin_ingests_a_document_and_its_html_comes_back_escaped(fake, tmp_path, models_root, new_index):
    services = Services.open(bot_settings(fake, tmp_path / "data", models_root), index=new_index("tg"))
    app = build_application(services, placeholder_after=60)

    async def body() -> None:
        async with running(app):
            fake.push_document("note.md", NOTE.encode(), user_id=2, chat_id=2)
            await reply(fake, lambda t: "Only the bot's admins" in t, chat_id=2)
            fake.push_message("/ingest https://example.org/x", user_id=2, chat_id=2)
            await fake.wait_for_async("sendMessage", lambda p: "Only the bot's admins" in p["text"], count=2)
            fake.push_document("scan.pdf", b"%PDF-1.4", user_id=ADMIN, chat_id=ADMIN)
            await reply(fake, lambda t: "not '.pdf'" in t, chat_id=ADMIN)

            fake.push_document("note.md", NOTE.encode(), user_id=ADMIN, chat_id=ADMIN)
            added = await reply(fake, lambda t: "Added 1 article" in t, chat_id=ADMIN)
            assert "&lt;script&gt;" in added["text"] and "<script>" not in added["text"]

            fake.push_message("How much did the harbour crane cost?", user_id=ADMIN, chat_id=ADMIN)
            answer = await reply(fake, lambda t: "Sources" in t, chat_id=ADMIN)
            assert "4 million marks &amp; arrived" in answer["text"]
            assert "&lt;b&gt;port authority&lt;/b&gt;" in answer["text"]
            assert "Harbour &lt;script&gt;alert(1)&lt;/script&gt; &amp; the" in answer["text"]
            assert "Test &lt;Wire&gt;" in answer["text"]

            fake.push_message("/actor <script>x</script>", user_id=ADMIN, chat_id=ADMIN)
            unknown = await reply(fake, lambda t: "don't know anyone" in t, chat_id=ADMIN)
            assert "&lt;script&gt;x&lt;/script&gt;" in unknown["text"]

            fake.push_document("note.md", NOTE.encode(), user_id=ADMIN, chat_id=ADMIN)  # the same file again
            await reply(fake, lambda t: "Added 0 article" in t and "already indexed" in t, chat_id=ADMIN)
            other = "# Another note\n\nA different text under the same file name, about the ferry timetable.\n"
            fake.push_document("note.md", other.encode(), user_id=ADMIN, chat_id=ADMIN)
            await fake.wait_for_async("sendMessage", lambda p: "Added 1 article" in p["text"], count=2)

    run(body)
    assert services.index.catalog.counts()["articles"] == 2
    services.memory.close()


class LongAnswerer:
    """An answerer that answers everything at length, citing twenty paragraphs."""

    llm = None

    def ask(self, question: str, session: str | None = None) -> Answer:
        when = datetime(2026, 11, 24, tzinfo=UTC)
        citations = [Citation(n, f"art-{n}", f"Title <{n}> & more", f"https://example.org/{n}", "Wire", when, n,
                              f"Paragraph {n}.") for n in range(1, 21)]
        text = "\n\n".join(f"Point {n} is a long sentence about the talks & the <deal>, repeated. " * 12 + f"[{n}]"
                           for n in range(1, 21))
        return Answer(question, question, text, citations, False, "fake")


def test_a_long_answer_is_split_with_citations_intact_and_buttons_last(fake, tmp_path, models_root,
                                                                       examples_index):
    settings = bot_settings(fake, tmp_path / "data", models_root)
    base = Services.open(settings, index=examples_index)
    services = Services(settings, examples_index, None, base.memory, LongAnswerer())  # type: ignore[arg-type]
    app = build_application(services, placeholder_after=60)

    async def body() -> None:
        async with running(app):
            fake.push_message("Tell me everything")
            await reply(fake, lambda t: "Sources" in t)
            parts = [c["params"] for c in fake.calls("sendMessage")]
            assert len(parts) >= 4 and all(utf16_len(p["text"]) <= TELEGRAM_LIMIT for p in parts)
            assert all(not buttons(p) for p in parts[:-1])
            assert any(b["text"].startswith("[12] ¶") for b in buttons(parts[-1]))
            assert "reply_parameters" in parts[0] and all("reply_parameters" not in p for p in parts[1:])
            markers = [m for p in parts for m in re.findall(r"\[\d+\]", p["text"])]
            assert [f"[{n}]" for n in range(1, 21)] == markers[:20]  # every marker whole, in order

    run(body)
    base.memory.close()


class BrokenAnswerer:
    llm = None

    def ask(self, question: str, session: str | None = None) -> Answer:
        raise RuntimeError("the index caught fire")


def test_failures_are_logged_with_context_and_the_user_told_briefly(fake, tmp_path, models_root, examples_index,
                                                                   caplog):
    settings = bot_settings(fake, tmp_path / "data", models_root)
    base = Services.open(settings, index=examples_index)
    services = Services(settings, examples_index, None, base.memory, BrokenAnswerer())  # type: ignore[arg-type]
    app = build_application(services, placeholder_after=60)
    caplog.set_level(logging.ERROR, logger="bot.telegram")

    async def body() -> None:
        async with running(app):
            fake.push_message("Will this work?", chat_id=5, user_id=5)
            assert (await reply(fake, chat_id=5))["text"] == SORRY
            base.memory.close()  # now /reset fails inside a handler: the error handler takes over
            fake.push_message("/reset", chat_id=6, user_id=6)
            assert (await reply(fake, chat_id=6))["text"] == SORRY

    run(body)
    messages = [r.getMessage() for r in caplog.records]
    assert any("(chat 5, user 5)" in m and "caught fire" in m for m in messages)
    assert any("(chat 6, user 6)" in m for m in messages)


def test_summaries_feeds_and_private_addresses(fake, tmp_path, models_root, new_index):
    services = Services.open(bot_settings(fake, tmp_path / "data", models_root), index=new_index("tg"))
    app = build_application(services, placeholder_after=60)
    with NewsSite() as site:
        page = site.page(f"/news/{FERRY.slug}", article_html(FERRY))

        async def body() -> None:
            async with running(app):
                fake.push_message(page, chat_id=3, user_id=3)  # a bare link from a stranger: a local address
                await reply(fake, lambda t: "public internet" in t, chat_id=3)
                fake.push_message("/summarize /etc/passwd", chat_id=3, user_id=3)
                await reply(fake, lambda t: "Send me a link" in t, chat_id=3)

                fake.push_message(f"/summarize {page}", chat_id=ADMIN, user_id=ADMIN)
                summary = await reply(fake, lambda t: "Sources" in t, chat_id=ADMIN)
                assert FERRY.title in unescaped(summary["text"]) and "• " in summary["text"]
                assert any(b["text"].startswith("[1] ¶") for b in buttons(summary))

                fake.push_message("/feeds", chat_id=ADMIN, user_id=ADMIN)
                await reply(fake, lambda t: "No feeds yet" in t, chat_id=ADMIN)
                fake.push_message(f"/feeds add {site.url('/missing.xml')}", chat_id=ADMIN, user_id=ADMIN)
                await reply(fake, lambda t: "Can't follow" in t and "404" in t, chat_id=ADMIN)
                fake.push_message("/feeds", chat_id=3, user_id=3)
                await fake.wait_for_async("sendMessage", lambda p: p["chat_id"] == 3 and "admins" in p["text"])

        run(body)
    services.memory.close()


def test_webhook_mode_receives_updates_and_checks_the_secret(fake, tmp_path, models_root, examples_index):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = bot_settings(fake, tmp_path / "data", models_root, TELEGRAM_WEBHOOK_URL="https://bot.example/tg/hook",
                            TELEGRAM_WEBHOOK_PORT=port, TELEGRAM_WEBHOOK_SECRET="s3cret")
    services = Services.open(settings, index=examples_index)
    app = build_application(services, placeholder_after=60)
    options = webhook_options(settings)
    assert options["url_path"] == "tg/hook" and options["listen"] == "127.0.0.1"
    update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 4, "type": "private"},
                                          "from": {"id": 4, "is_bot": False, "first_name": "W"}, "text": "/help",
                                          "entities": [{"type": "bot_command", "offset": 0, "length": 5}]}}

    async def body() -> None:
        async with app:
            assert app.updater is not None
            await app.start()
            await app.updater.start_webhook(**options)
            url = f"http://127.0.0.1:{port}/tg/hook"
            async with httpx.AsyncClient() as http:
                denied = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
                assert denied.status_code == 403
                ok = await http.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret"})
                assert ok.status_code == 200
            await reply(fake, lambda t: "What I can do" in t, chat_id=4)
            assert fake.calls("setWebhook")[0]["params"]["url"] == "https://bot.example/tg/hook"
            await app.updater.stop()
            await app.stop()
            await app.post_shutdown(app)  # type: ignore[misc]

    run(body)
    services.memory.close()


# -- `newsbot serve` ---------------------------------------------------------------------------------------
@pytest.fixture()
def serve_env(tmp_path, models_root, monkeypatch):
    make_config(tmp_path, models_root)
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(tmp_path))
    for var in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BASE_URL", "TELEGRAM_ADMIN_IDS", "TELEGRAM_ALLOWED_USERS",
                "TELEGRAM_WEBHOOK_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL", "NEWSBOT_CHROMA_URL"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


def test_serve_without_a_token_or_with_bad_ids_explains(serve_env):
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 2 and "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    serve_env.setenv("TELEGRAM_BOT_TOKEN", "123:TEST")
    serve_env.setenv("TELEGRAM_ADMIN_IDS", "12, alice")
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 2 and "TELEGRAM_ADMIN_IDS: not a Telegram user id: alice" in result.stderr


def test_serve_with_a_rejected_token_exits_non_zero_without_traceback(serve_env, fake):
    serve_env.setenv("TELEGRAM_BOT_TOKEN", "999:WRONG")
    serve_env.setenv("TELEGRAM_BASE_URL", fake.base_url)
    result = CliRunner().invoke(cli_app, ["serve"])
    assert result.exit_code == 1, result.output
    assert "Telegram rejected TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.output
    asyncio.set_event_loop(asyncio.new_event_loop())  # run_polling closed the loop it used


# -- small parts ---------------------------------------------------------------------------------------------
def test_store_keeps_long_callback_payloads_across_reopen(tmp_path):
    store = BotStore(tmp_path / "telegram.sqlite3")
    long_id = "https://example.org/" + "very-long-article-slug/" * 5
    data = store.callback_data("p", f"{long_id}:3")
    assert len(data.encode()) <= 64 and data.startswith("p#")
    assert store.callback_data("p", "short:1") == "p:short:1"
    store.close()
    again = BotStore(tmp_path / "telegram.sqlite3")
    assert again.resolve(data) == ("p", f"{long_id}:3") and again.resolve("p:short:1") == ("p", "short:1")
    assert again.resolve("p#missing") is None and again.resolve("nonsense") is None
    again.close()


def test_file_url_is_derived_from_the_base_url(tmp_path):
    def settings(**extra: str) -> Settings:
        return Settings(_env_file=None, NEWSBOT_DATA_DIR=tmp_path, **extra)  # type: ignore[call-arg]

    assert file_url(settings(TELEGRAM_BASE_URL="http://127.0.0.1:8081/bot")) == "http://127.0.0.1:8081/file/bot"
    assert file_url(settings(TELEGRAM_BASE_URL="http://h/bot", TELEGRAM_BASE_FILE_URL="http://f/x")) == "http://f/x"
