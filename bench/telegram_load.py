"""Telegram load: 20 simulated users ask 5 questions each, all at once, through the fake Bot API.

Each user asks, waits for the answer, then asks the next question (as a person does); every user
starts at the same moment. The bot is the real PTB Application over an index of examples/.
Figures: reply latency (question pushed -> final answer recorded by the fake) p50/p95/max, time to
the first sign of life (the typing indicator), errors, throughput, and the single-user latency
measured in the same run. Target: no errors and load p95 <= 3x the single-user p50.

    python bench/telegram_load.py [--users 20] [--questions 5] [--think SECONDS]

`--think` adds a pause between a user's answer and their next question (default 0: back to back, the
worst case; people take a while to read an answer).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import threading
import time
from collections import defaultdict
from pathlib import Path

from common import ROOT, percentile

from bot.services import Services
from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.reply import PLACEHOLDER, SORRY
from index.models import provision
from index.sources import read_paths
from tests.fakes.telegram_server import FakeTelegram

TIMEOUT = 300.0  # seconds one answer may take before it counts as an error


class TimedTelegram(FakeTelegram):
    """The fake Bot API, noting when each chat gets a final answer and its first chat action."""

    def __init__(self) -> None:
        super().__init__()
        self.answers: dict[int, list[tuple[float, str]]] = defaultdict(list)
        self.first_sign: dict[int, list[float]] = defaultdict(list)
        self.failed_calls = 0
        self.arrived = threading.Condition()

    def _record(self, method: str, params: dict, ok: bool) -> None:
        super()._record(method, params, ok)
        now, chat = time.perf_counter(), params.get("chat_id")
        with self.arrived:
            self.failed_calls += not ok
            if method == "sendChatAction":
                self.first_sign[chat].append(now)
            elif method in ("sendMessage", "editMessageText") and ok and params.get("text") != PLACEHOLDER:
                self.answers[chat].append((now, str(params.get("text"))))
                self.arrived.notify_all()

    def wait_answers(self, chat: int, count: int, timeout: float) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.answers[chat]) >= count, timeout)


def ask_in_turn(fake: TimedTelegram, chat: int, questions: list[str], out: list[dict], think: float = 0.0) -> None:
    """One user: ask, wait for the answer, (think,) ask the next."""
    for n, question in enumerate(questions, start=1):
        if n > 1 and think:
            time.sleep(think)
        asked = time.perf_counter()
        fake.push_message(question, chat_id=chat, user_id=chat)
        ok = fake.wait_answers(chat, n, TIMEOUT)
        with fake.arrived:
            answered, text = fake.answers[chat][n - 1] if ok else (time.perf_counter(), "")
            signs = [t for t in fake.first_sign[chat] if t >= asked]
        out.append({"chat": chat, "latency": answered - asked, "first_sign": (signs[0] - asked) if signs else None,
                    "error": not ok or text == SORRY})


async def round_of(fake: TimedTelegram, plan: dict[int, list[str]], think: float = 0.0) -> tuple[list[dict], float]:
    results: list[dict] = []
    threads = [threading.Thread(target=ask_in_turn, args=(fake, chat, qs, results, think))
               for chat, qs in plan.items()]
    started = time.perf_counter()
    for t in threads:
        t.start()
    await asyncio.to_thread(lambda: [t.join() for t in threads])
    return results, time.perf_counter() - started


def figures(results: list[dict]) -> dict:
    latencies = [r["latency"] for r in results if not r["error"]]
    signs = [r["first_sign"] for r in results if r["first_sign"] is not None]
    return {"answers": len(results), "errors": sum(r["error"] for r in results),
            "p50_s": round(percentile(latencies, 50), 3), "p95_s": round(percentile(latencies, 95), 3),
            "max_s": round(max(latencies, default=float("nan")), 3),
            "first_sign_p95_s": round(percentile(signs, 95), 3)}


def build(data_dir: Path, fake: TimedTelegram) -> Services:
    provision(data_dir / "models")
    settings = Settings(_env_file=None, NEWSBOT_DATA_DIR=data_dir, TELEGRAM_BOT_TOKEN=fake.token,  # type: ignore[call-arg]
                        TELEGRAM_BASE_URL=fake.base_url, TELEGRAM_BASE_FILE_URL=fake.base_file_url)
    services = Services.open(settings)
    if not services.index.catalog.counts().get("articles"):
        services.index.ingest(read_paths([ROOT / "examples" / "articles"], settings.max_article_chars))
    return services


async def main(users: int, per_user: int, think: float = 0.0) -> dict:
    import tempfile

    pool = [json.loads(line)["question"] for line in (ROOT / "examples" / "questions.jsonl").open()]
    with TimedTelegram() as fake, tempfile.TemporaryDirectory(prefix="newsbot-tg-bench-") as tmp:
        services = build(Path(tmp), fake)
        app = build_application(services)
        async with app:
            await app.post_init(app)  # type: ignore[misc]
            await app.start()
            await app.updater.start_polling(poll_interval=0.0, timeout=1)  # type: ignore[union-attr]
            await round_of(fake, {900: pool[:1]})  # warm-up, not measured
            single, _ = await round_of(fake, {1000: [pool[i % len(pool)] for i in range(2 * per_user)]})
            plan = {2000 + u: [pool[(u + k) % len(pool)] for k in range(per_user)] for u in range(users)}
            loaded, seconds = await round_of(fake, plan, think)
            await app.updater.stop()  # type: ignore[union-attr]
            await app.stop()
            await app.post_shutdown(app)  # type: ignore[misc]
        services.close()
        failed_calls = fake.failed_calls
    one, many = figures(single), figures(loaded)
    ratio = many["p95_s"] / one["p50_s"] if one["p50_s"] else float("nan")
    return {"users": users, "questions_each": per_user, "think_s": think, "single_user": one, "load": many,
            "throughput_answers_per_s": round(len(loaded) / seconds, 2), "failed_api_calls": failed_calls,
            "p95_over_single": round(ratio, 2), "target_met": many["errors"] == 0 and ratio <= 3}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--think", type=float, default=0.0, help="seconds between a user's questions")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    report = asyncio.run(main(args.users, args.questions, args.think))
    print(json.dumps(report, indent=2))
