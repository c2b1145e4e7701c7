"""Prove the fake servers against the real openai / langchain-openai / python-telegram-bot clients."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from langchain_openai import ChatOpenAI, OpenAIEmbeddings
from pydantic import BaseModel, SecretStr
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, InvalidToken, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.fakes.openai_server import FakeOpenAI, Reply, fake_embedding
from tests.fakes.telegram_server import FakeTelegram

TOKEN = "123:TEST"


# ===================================================================== OpenAI fixtures
@pytest.fixture()
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(embedding_dim=64) as fake:
        yield fake
        assert not fake.errors, fake.errors


@pytest.fixture()
def client(fake_openai: FakeOpenAI) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=fake_openai.base_url, api_key="x", max_retries=0, timeout=5.0) as c:
        yield c


class Verdict(BaseModel):
    """A tiny structured-output schema."""

    label: str
    score: float


def _chat_model(fake: FakeOpenAI) -> ChatOpenAI:
    return ChatOpenAI(
        base_url=fake.base_url, api_key=SecretStr("x"), model="fake", max_retries=0, timeout=5.0
    )


def _cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


# ===================================================================== OpenAI tests
def test_chat_completion_returns_scripted_content(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.queue(Reply("hello there"))
    result = client.chat.completions.create(model="m1", messages=[{"role": "user", "content": "hi"}])
    assert result.choices[0].message.content == "hello there"
    assert result.choices[0].finish_reason == "stop"
    assert result.model == "m1"
    assert result.usage is not None and result.usage.total_tokens > 0
    request = fake_openai.requests[-1]
    assert request["path"] == "/v1/chat/completions"
    assert request["messages"] == [{"role": "user", "content": "hi"}]
    assert request["headers"]["authorization"] == "Bearer x"


def test_empty_script_is_a_server_error(client: openai.OpenAI) -> None:
    with pytest.raises(openai.InternalServerError, match="no scripted reply"):
        client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])


def test_error_statuses_map_to_openai_exceptions(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.queue(Reply(status=500), Reply("slow down", status=429))
    messages = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="m", messages=messages)  # type: ignore[arg-type]
    assert info.value.response.headers["retry-after"] == "0"
    assert info.value.code == "rate_limit_exceeded"
    assert "slow down" in str(info.value)


def test_delay_beyond_client_timeout_raises_timeout(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(Reply("late", delay=3.0))
    with openai.OpenAI(base_url=fake_openai.base_url, api_key="x", max_retries=0, timeout=0.3) as c:
        with pytest.raises(openai.APITimeoutError):
            c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])


def test_raw_body_simulates_malformed_response(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(Reply(body="{not json"))
    response = httpx.post(f"{fake_openai.base_url}/chat/completions", json={"model": "m", "messages": []})
    assert response.status_code == 200 and response.text == "{not json"


def test_tool_call_reply_uses_requested_tool(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.queue(Reply(tool_args={"city": "Oslo"}))
    tools = [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]
    result = client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "hi"}],
        tools=tools,  # type: ignore[arg-type]
    )
    call = result.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert result.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "weather"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == {"city": "Oslo"}  # type: ignore[union-attr]


def test_streaming_chat(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    fake_openai.queue(Reply("streamed words arrive in pieces"))
    stream = client.chat.completions.create(
        model="m",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "streamed words arrive in pieces"
    assert chunks[-1].usage is not None


def test_langchain_streaming_tool_call(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(Reply("x"), Reply(tool_args={"label": "ok", "score": 1}))
    model = _chat_model(fake_openai)
    assert "".join(str(chunk.content) for chunk in model.stream("hi")) == "x"
    bound = model.bind_tools([Verdict], tool_choice="Verdict")
    merged: Any = None
    for chunk in bound.stream("hi"):
        merged = chunk if merged is None else merged + chunk
    assert merged is not None and merged.tool_calls[0]["args"] == {"label": "ok", "score": 1}


def test_embeddings_default_base64(fake_openai: FakeOpenAI, client: openai.OpenAI) -> None:
    texts = ["Central bank raises rates", "central bank raises interest rates", "Football final tonight"]
    result = client.embeddings.create(model="text-embedding-3-small", input=texts)
    assert fake_openai.requests[-1]["encoding_format"] == "base64"
    vectors = [item.embedding for item in result.data]
    assert [len(v) for v in vectors] == [64, 64, 64]
    assert all(math.isclose(math.sqrt(_cosine(v, v)), 1.0, rel_tol=1e-5) for v in vectors)
    assert vectors[0] == pytest.approx(fake_embedding(texts[0], 64), abs=1e-6)
    assert _cosine(vectors[0], vectors[1]) > _cosine(vectors[0], vectors[2]) + 0.2


def test_embeddings_float_single_string_and_dimensions(client: openai.OpenAI) -> None:
    single = client.embeddings.create(model="e", input="hello", encoding_format="float")
    assert len(single.data) == 1 and len(single.data[0].embedding) == 64
    sized = client.embeddings.create(model="e", input=["a", "b"], dimensions=16)
    assert [len(d.embedding) for d in sized.data] == [16, 16]


def test_langchain_embeddings(fake_openai: FakeOpenAI) -> None:
    emb = OpenAIEmbeddings(
        base_url=fake_openai.base_url,
        api_key=SecretStr("x"),
        model="e",
        check_embedding_ctx_length=False,
        max_retries=0,
    )
    vectors = emb.embed_documents(["one", "two"])
    assert [len(v) for v in vectors] == [64, 64]
    assert emb.embed_query("one") == pytest.approx(vectors[0], abs=1e-6)


def test_models_list(client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["fake-model"]


def test_langchain_invoke(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(Reply("hi from fake"))
    assert _chat_model(fake_openai).invoke("hi").content == "hi from fake"
    assert fake_openai.requests[-1]["model"] == "fake"


def test_langchain_structured_output_function_calling(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(Reply(tool_args={"label": "positive", "score": 0.9}))
    chain = _chat_model(fake_openai).with_structured_output(Verdict, method="function_calling")
    assert chain.invoke("rate this") == Verdict(label="positive", score=0.9)
    assert fake_openai.requests[-1]["tools"][0]["function"]["name"] == "Verdict"


def test_langchain_structured_output_json_schema(fake_openai: FakeOpenAI) -> None:
    fake_openai.queue(Reply(json.dumps({"label": "neutral", "score": 0.5})))
    chain = _chat_model(fake_openai).with_structured_output(Verdict, method="json_schema")
    assert chain.invoke("rate this") == Verdict(label="neutral", score=0.5)
    assert fake_openai.requests[-1]["response_format"]["type"] == "json_schema"


# ===================================================================== Telegram helpers
def _build_app(fake: FakeTelegram, token: str = TOKEN) -> Application:  # type: ignore[type-arg]
    return ApplicationBuilder().token(token).base_url(fake.base_url).base_file_url(fake.base_file_url).build()


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("hello")


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more")]])
    await update.effective_message.reply_text("menu", reply_markup=keyboard)


async def _on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(f"pressed {query.data}")


async def _on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None
    data = await (await message.document.get_file()).download_as_bytearray()
    await message.reply_document(document=bytes(data).upper(), filename="upper.txt", caption="done")


async def _run_polling(fake: FakeTelegram, app: Application, body) -> None:  # type: ignore[no-untyped-def,type-arg]
    """Run ``body()`` while ``app`` polls the fake; always stop cleanly."""
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            await asyncio.wait_for(body(), timeout=15)
        finally:
            await app.updater.stop()
            await app.stop()


@pytest.fixture()
def fake_telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(token=TOKEN) as fake:
        yield fake
        assert not fake.errors, fake.errors


# ===================================================================== Telegram tests
def test_ptb_application_command_and_echo(fake_telegram: FakeTelegram) -> None:
    app = _build_app(fake_telegram)
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))

    async def body() -> None:
        fake_telegram.push_message("/start")
        await fake_telegram.wait_for_async("sendMessage", lambda p: p["text"] == "hello", timeout=5)
        fake_telegram.push_message("ping")
        calls = await fake_telegram.wait_for_async("sendMessage", lambda p: p["text"] == "echo: ping")
        assert calls[0]["params"]["chat_id"] == 1

    asyncio.run(_run_polling(fake_telegram, app, body))
    assert fake_telegram.calls("getMe") and fake_telegram.calls("deleteWebhook")
    assert fake_telegram.pending_updates == 0  # the final getUpdates confirmed everything


def test_ptb_callback_query_and_edit(fake_telegram: FakeTelegram) -> None:
    app = _build_app(fake_telegram)
    app.add_handler(CommandHandler("menu", _menu))
    app.add_handler(CallbackQueryHandler(_on_button))

    async def body() -> None:
        fake_telegram.push_message("/menu", chat_id=-100555, chat_type="supergroup")
        sent = await fake_telegram.wait_for_async("sendMessage", timeout=5)
        assert sent[0]["params"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "more"
        fake_telegram.push_callback("more", chat_id=-100555)
        await fake_telegram.wait_for_async("answerCallbackQuery", timeout=5)
        edits = await fake_telegram.wait_for_async("editMessageText", timeout=5)
        assert edits[0]["params"]["text"] == "pressed more"
        assert edits[0]["ok"]

    asyncio.run(_run_polling(fake_telegram, app, body))


def test_ptb_document_round_trip(fake_telegram: FakeTelegram) -> None:
    app = _build_app(fake_telegram)
    app.add_handler(MessageHandler(filters.Document.ALL, _on_document))

    async def body() -> None:
        fake_telegram.push_document("notes.txt", b"line one\r\nline two\n\x00\xff", caption="here")
        sent = await fake_telegram.wait_for_async("sendDocument", timeout=5)
        uploaded = sent[0]["params"]["document"]
        assert uploaded["filename"] == "upper.txt"
        assert uploaded["content"] == b"LINE ONE\r\nLINE TWO\n\x00\xff"
        assert sent[0]["params"]["caption"] == "done"

    asyncio.run(_run_polling(fake_telegram, app, body))
    assert fake_telegram.calls("getFile")[0]["ok"]


def test_ptb_bot_methods_and_errors(fake_telegram: FakeTelegram) -> None:
    async def body() -> None:
        async with _build_app(fake_telegram) as app:
            bot = app.bot
            assert bot.username == "newsbot_test_bot"
            await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("ask", "Ask")])
            assert [c.command for c in await bot.get_my_commands()] == ["start", "ask"]
            assert await bot.delete_my_commands()
            assert await bot.get_my_commands() == ()
            assert await bot.send_chat_action(chat_id=7, action="typing")
            message = await bot.send_message(chat_id=7, text="first")
            assert message.message_id == 1 and message.from_user is not None and message.from_user.is_bot
            edited = await bot.edit_message_text("second", chat_id=7, message_id=message.message_id)
            assert isinstance(edited, type(message)) and edited.text == "second"
            with pytest.raises(BadRequest, match="not modified"):
                await bot.edit_message_text("second", chat_id=7, message_id=message.message_id)
            with pytest.raises(BadRequest, match="too long"):
                await bot.send_message(chat_id=7, text="x" * 4097)
            fake_telegram.set_failure("sendMessage", status=429, retry_after=3)
            with pytest.raises(RetryAfter) as info:
                await bot.send_message(chat_id=7, text="rate limited")
            assert info.value.retry_after in (3, dt.timedelta(seconds=3))
            assert (await bot.send_message(chat_id=7, text="ok again")).message_id == 2
            assert await bot.set_webhook("https://example.invalid/hook")
            assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
            assert await bot.delete_webhook()

    asyncio.run(body())
    failed = [c for c in fake_telegram.calls("sendMessage") if not c["ok"]]
    assert len(failed) == 2


def test_ptb_rejected_token(fake_telegram: FakeTelegram) -> None:
    app = _build_app(fake_telegram, token="999:WRONG")

    async def attempt() -> None:
        try:
            await app.initialize()
        finally:
            await app.bot.shutdown()  # initialize() failed half-way: release its HTTP clients

    with pytest.raises(InvalidToken, match="rejected"):
        asyncio.run(attempt())
    assert fake_telegram.calls() == []


def test_unknown_method_and_wire_formats(fake_telegram: FakeTelegram) -> None:
    base = f"{fake_telegram.base_url}{TOKEN}"
    unknown = httpx.post(f"{base}/fooBar")
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    by_json = httpx.post(f"{base}/sendMessage", json={"chat_id": 5, "text": "12"}).json()
    by_form = httpx.post(f"{base}/sendMessage", data={"chat_id": "5", "text": "34"}).json()
    by_query = httpx.get(f"{base}/sendMessage", params={"chat_id": "5", "text": "56"}).json()
    assert [r["result"]["message_id"] for r in (by_json, by_form, by_query)] == [1, 2, 3]
    assert [c["params"]["text"] for c in fake_telegram.calls("sendMessage")] == ["12", "34", "56"]


def test_get_updates_long_poll_wakes_on_push(fake_telegram: FakeTelegram) -> None:
    base = f"{fake_telegram.base_url}{TOKEN}"
    empty = httpx.post(f"{base}/getUpdates", data={"timeout": "30"}, timeout=5).json()
    assert empty == {"ok": True, "result": []}  # capped at max_poll_wait (1s)

    async def poll_and_push() -> dict:  # type: ignore[type-arg]
        async with httpx.AsyncClient(timeout=5) as http:
            pending = asyncio.create_task(http.post(f"{base}/getUpdates", data={"timeout": "30"}))
            await asyncio.sleep(0.2)
            fake_telegram.push_message("/help@newsbot_test_bot now", chat_type="group", chat_id=-5)
            return (await pending).json()

    update = asyncio.run(poll_and_push())["result"][0]
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 22}]
    assert update["message"]["chat"]["type"] == "group"
    confirmed = httpx.post(f"{base}/getUpdates", data={"offset": str(update["update_id"] + 1)}).json()
    assert confirmed["result"] == [] and fake_telegram.pending_updates == 0


def test_wait_for_times_out_with_report(fake_telegram: FakeTelegram) -> None:
    with pytest.raises(AssertionError, match="expected 1 matching sendMessage"):
        fake_telegram.wait_for("sendMessage", timeout=0.2)
