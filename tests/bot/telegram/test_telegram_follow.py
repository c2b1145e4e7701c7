"""Follows through the fake Bot API with the real PTB Application: /follow Aydar, an admin's upload naming
"Aidar" raises one alert with a valid citation, its syndicated copy none, a restart keeps the follow, quiet
hours hold the alert and deliver it after, a failed send is retried and never duplicated; and /timeline."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.qa.evaluate import citation_is_real
from bot.services import Services
from bot.telegram.app import build_application
from bot.telegram.handlers_follow import deliver_alerts
from bot.telegram.resilience import RETRIES
from bot.telegram.state import STATE_KEY
from index.sources import read_paths
from tests.bot.telegram.test_telegram import ADMIN, bot_settings, buttons, fake, reply, run, running, unescaped
from tests.conftest import EXAMPLES

__all__ = ["fake"]  # the fake Bot API fixture, shared with test_telegram

HEAD = """# Aidar flies to Vennick to press for a longer truce
Source: {source}
Published: 2026-11-26T09:00:00Z
URL: https://example.org/{slug}/2026-11-26-aidar-vennick

"""
PARAGRAPHS = [
    "{dateline} — Lunerian Foreign Minister Selin Aidar flew to Vennick on Thursday to press the Kestrel Republic"
    " to extend the ceasefire in the Strait of Merrow by thirty days.",
    "Aidar met Kestrelian Prime Minister Ilse Brandvik for two hours at the harbour office and said both governments"
    " wanted the truce to hold well beyond Friday evening.",
    "Port officials in Vennick said the grain corridor had stayed open for a second day and that three more ships"
    " were loading wheat for export under council escort.",
    "Valdorian negotiators are expected to answer the proposal for a thirty-day extension before the current truce"
    " expires at six in the evening on Friday.",
]
ARTICLE = HEAD + "\n\n".join(PARAGRAPHS) + "\n"


def article(source: str, slug: str, dateline: str) -> bytes:
    return ARTICLE.format(source=source, slug=slug, dateline=dateline).encode()


def alerts(fake) -> list[dict]:
    """Alert messages the fake Bot API accepted (a scripted failure is recorded too, not delivered)."""
    return [c["params"] for c in fake.calls("sendMessage") if c["ok"] and "New on " in c["params"]["text"]]


def test_follow_alerts_once_per_story_survives_a_restart_and_holds_quiet_hours(fake, tmp_path, models_root,
                                                                               new_index):
    index = new_index("tg")
    index.ingest(read_paths([EXAMPLES / "articles"], index.config.max_article_chars))
    settings = bot_settings(fake, tmp_path / "data", models_root)

    async def first_run() -> None:
        services = Services.open(settings, index=index)
        app = build_application(services, placeholder_after=60)
        async with running(app):
            fake.push_message("/follow Aydar")
            await reply(fake, lambda t: "Following Selin Aydar" in t)
            fake.push_message("/follow Voss")
            await reply(fake, lambda t: "Marek Voss" in t and "Tomas Voss" in t)

            fake.push_document("aidar.md", article("Coastline Daily", "coastline", "VENNICK"), user_id=ADMIN,
                               chat_id=ADMIN)
            await reply(fake, lambda t: "Added 1 article" in t, chat_id=ADMIN)
            alert = await reply(fake, lambda t: "New on Selin Aydar" in t)
            assert "flew to Vennick" in unescaped(alert["text"]) and "[1]" in alert["text"]
            labels = [b["text"] for b in buttons(alert)]
            assert "Timeline: Aydar" in labels and any(label.startswith("[1] ¶") for label in labels)
            state = app.bot_data[STATE_KEY]
            first = next(b for b in buttons(alert) if b["text"].startswith("[1] ¶"))
            kind, payload = state.store.resolve(first["callback_data"])
            article_id, _, number = payload.rpartition(":")
            stored = index.catalog.paragraph(article_id, int(number))
            assert kind == "p" and "flew to Vennick" in stored.text
            assert citation_is_real(index.catalog, article_id, int(number), stored.text)

            # The same story syndicated by another outlet: linked as a copy, no second alert.
            fake.push_document("copy.md", article("The Meridian Post", "meridian", "VENNICK, Kestrel Republic"),
                               user_id=ADMIN, chat_id=ADMIN)
            await fake.wait_for_async("sendMessage", lambda p: "Added 1 article" in p["text"], count=2)
            await deliver_alerts(state, app.bot)
            await asyncio.sleep(0.3)
            assert len(alerts(fake)) == 1

            # The "Timeline" button shows the actor's timeline, the new day included.
            fake.clear_calls()
            fake.push_callback(next(b for b in buttons(alert) if b["text"] == "Timeline: Aydar")["callback_data"])
            timeline = await reply(fake, lambda t: "Timeline: Selin A" in t)  # Aidar, now the more frequent
            assert "2026-11-23" in timeline["text"] and "2026-11-26" in timeline["text"]
        services.memory.close()

    async def second_run() -> None:
        services = Services.open(settings, index=index)
        app = build_application(services, placeholder_after=60)
        async with running(app):
            fake.clear_calls()
            fake.push_message("/following")
            listed = await reply(fake, lambda t: "You follow" in t)
            assert "1. Selin Aydar" in listed["text"]

            # Quiet hours around now: a new article waits, then goes out once they are over.
            now = datetime.now(UTC)
            quiet = f"{(now - timedelta(hours=1)):%H:%M}-{(now + timedelta(hours=1)):%H:%M}"
            fake.push_message(f"/follow Aydar quiet {quiet}")
            await reply(fake, lambda t: f"Quiet {quiet}" in t)
            state = app.bot_data[STATE_KEY]
            fresh = ("# Aydar opens second round\nSource: Harbor Wire\nPublished: 2026-11-27T08:00:00Z\n\n"
                     "SØRHAVN, Luneria (Harbor Wire) — Foreign Minister Selin Aydar opened the second round of "
                     "talks on compensation in Sørhavn on Friday, a week earlier than planned.\n")
            fake.push_document("round2.md", fresh.encode(), user_id=ADMIN, chat_id=ADMIN)
            await reply(fake, lambda t: "Added 1 article" in t, chat_id=ADMIN)
            assert await deliver_alerts(state, app.bot) == 0
            assert not alerts(fake)

            # A failed send leaves the alert pending; the next check sends it, once.
            later = f"{(now + timedelta(hours=2)):%H:%M}-{(now + timedelta(hours=3)):%H:%M}"
            fake.push_message(f"/follow Aydar quiet {later}")
            await reply(fake, lambda t: f"Quiet {later}" in t)
            # (a single 500 is retried at once by the limiter: fail every attempt of this check)
            fake.set_failure("sendMessage", status=500, times=RETRIES + 1)
            assert await deliver_alerts(state, app.bot) == 0
            assert await deliver_alerts(state, app.bot) == 1
            held = await reply(fake, lambda t: "New on Selin Aydar" in t)
            assert "Held during your quiet hours" in held["text"] and "second round" in unescaped(held["text"])
            assert await deliver_alerts(state, app.bot) == 0
            assert len(alerts(fake)) == 1

            fake.push_message("/unfollow 1")
            await reply(fake, lambda t: "Stopped following Selin Aydar" in t)
        services.memory.close()

    run(first_run, timeout=90)
    run(second_run, timeout=90)


def test_timeline_command_and_a_daily_cap(fake, tmp_path, models_root, examples_index):
    settings = bot_settings(fake, tmp_path / "data", models_root, TELEGRAM_ALERTS_PER_DAY=1)
    services = Services.open(settings, index=examples_index)
    app = build_application(services, placeholder_after=60)

    async def body() -> None:
        async with running(app):
            fake.push_message("/timeline Aydar since 2026-11-24")
            timeline = await reply(fake, lambda t: "Timeline: Selin Aydar" in t)
            assert "2026-11-23" not in timeline["text"] and "2026-11-25" in timeline["text"]
            assert any(b["text"].startswith("[1] ¶") for b in buttons(timeline))
            fake.push_message("/timeline Bitcoin price")
            await reply(fake, lambda t: "Nothing found for" in t)
            fake.push_message("/timeline Aydar since someday")
            await reply(fake, lambda t: "can't read 'someday'" in t)
            assert services.settings.telegram_alerts_per_day == 1

    run(body)
    services.memory.close()
