"""Fault: `newsbot serve` is killed with kill -9 in the middle of an answer and of a daily briefing.

A real `newsbot serve` process polls the fake Bot API. Its reply to a question and its daily
briefing are both held by the fake (a stall) when the process is killed, so neither reaches the
chat. After a restart the question is answered and the briefing delivered, each exactly once, and
the subscription is still there."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.telegram.store import BotStore
from tests.conftest import ROOT
from tests.fakes.telegram_server import FakeTelegram
from tests.faults.test_telegram_faults import delivered

ASKER, SUBSCRIBER = 32, 31
STARTUP = 120.0  # seconds for a serve process to load the model and start polling, on two busy cores


@pytest.fixture()
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server
        assert not server.errors, server.errors


def _serve(fake: FakeTelegram, data: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "NEWSBOT_DATA_DIR": str(data), "TELEGRAM_BOT_TOKEN": fake.token,
           "TELEGRAM_BASE_URL": fake.base_url, "TELEGRAM_BASE_FILE_URL": fake.base_file_url, "PYTHONPATH": str(ROOT)}
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "NEWSBOT_CHROMA_URL", "TELEGRAM_WEBHOOK_URL",
                "TELEGRAM_ALLOWED_USERS", "TELEGRAM_ADMIN_IDS"):
        env.pop(var, None)
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "serve"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def _wait(condition, timeout: float, what: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            raise AssertionError(f"serve exited ({proc.returncode}) before {what}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


def test_serve_killed_mid_answer_and_mid_briefing_loses_and_repeats_nothing(fake, tmp_path, examples_index):
    data = tmp_path / "data"
    shutil.copytree(examples_index.config.data_dir, data, symlinks=True)  # a ready index of examples/
    store = BotStore(data / "telegram.sqlite3")
    store.subscribe(SUBSCRIBER, "00:00", "UTC")  # due at midnight: missed today, so sent on start-up
    store.close()
    with sqlite3.connect(data / "telegram.sqlite3") as conn:  # subscribed two days ago
        conn.execute("UPDATE subscriptions SET created_ts=?", (time.time() - 2 * 86_400,))
    log = tmp_path / "serve.log"
    fake.misbehave("sendMessage", "stall", seconds=300, chat_id=SUBSCRIBER)
    fake.misbehave("sendMessage", "stall", seconds=300, chat_id=ASKER)  # the answer, or the placeholder before it

    first = _serve(fake, data, log)
    try:
        _wait(lambda: fake.calls("getUpdates"), STARTUP, "polling", first, log)
        fake.push_message("How many prisoners were exchanged at Halden Bridge?", chat_id=ASKER, user_id=ASKER)
        _wait(lambda: {s["params"]["chat_id"] for s in fake.stalls()} >= {ASKER, SUBSCRIBER}, STARTUP,
              "the answer and the briefing to be on their way", first, log)
    finally:
        first.send_signal(signal.SIGKILL)  # kill -9: no shutdown hook runs
        first.wait(timeout=30)
    _wait_abandoned(fake)
    assert not delivered(fake, SUBSCRIBER, "daily briefing") and not delivered(fake, ASKER, "Sources")

    second = _serve(fake, data, log)
    try:
        _wait(lambda: delivered(fake, SUBSCRIBER, "Your daily briefing") and delivered(fake, ASKER, "Sources"),
              STARTUP, "the briefing and the answer after the restart", second, log)
        time.sleep(2)  # room for a duplicate to show up
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
    assert len(delivered(fake, SUBSCRIBER, "Your daily briefing")) == 1
    assert len(delivered(fake, ASKER, "Sources")) == 1
    placeholders = [c for c in fake.calls("sendMessage") if c["ok"] and c["params"]["chat_id"] == ASKER]
    assert len(placeholders) <= 1  # at most one message in the chat: the answer, or a placeholder edited into it
    store = BotStore(data / "telegram.sqlite3")
    assert [s.chat_id for s in store.subscriptions()] == [SUBSCRIBER]  # no subscription lost
    store.close()
    text = log.read_text()
    assert "Traceback" not in text, text[-3000:]
    assert "handling 1 update(s) a previous run began and never finished" in text  # the journal answered it


def _wait_abandoned(fake: FakeTelegram, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while any(s["outcome"] == "held" for s in fake.stalls()):
        assert time.monotonic() < deadline, fake.stalls()
        time.sleep(0.05)
    assert {s["outcome"] for s in fake.stalls()} == {"abandoned"}
