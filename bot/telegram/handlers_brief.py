"""Briefings: /brief [today|yesterday|YYYY-MM-DD], /subscribe [HH:MM] [timezone], /unsubscribe, and
the daily JobQueue job that sends a subscriber's briefing."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from telegram import Bot, Update
from telegram.ext import ContextTypes, JobQueue

from bot.briefing import brief
from bot.telegram.handlers_ask import within_rate
from bot.telegram.outbox import RETRY_EVERY, deliver
from bot.telegram.render import Rendered, keyboard, paragraph_buttons
from bot.telegram.render_pages import briefing_html
from bot.telegram.reply import respond, say
from bot.telegram.state import BotState, get_state
from bot.telegram.store import Subscription

log = logging.getLogger(__name__)
DEFAULT_TIME = "07:00"
RETRY_JOB = "deliveries"
_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.h]([0-5]\d)$")


def job_name(chat_id: int) -> str:
    return f"brief:{chat_id}"


def zone_of(state: BotState) -> ZoneInfo:
    try:
        return ZoneInfo(state.services.settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def parse_day(arg: str, today: date) -> date | None:
    """'today', 'yesterday' or 'YYYY-MM-DD'; None when it is none of them."""
    word = arg.strip().lower()
    if word in ("", "today"):
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    try:
        return date.fromisoformat(word)
    except ValueError:
        return None


async def brief_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/brief [today|yesterday|YYYY-MM-DD]"""
    state = get_state(context)
    day = parse_day(" ".join(context.args or []), datetime.now(zone_of(state)).date())
    if day is None:
        await say(update, "Use /brief, /brief yesterday or /brief 2026-11-24.")
        return
    if await within_rate(update, state):
        await respond(update, context, lambda: render_briefing(state, f"Briefing for {day.isoformat()}", day=day),
                      placeholder="Reading the day's articles…")


def render_briefing(state: BotState, title: str, day: date | None = None, since: datetime | None = None,
                    recipient: str | None = None) -> Rendered:
    """A briefing (worker thread) as HTML with ¶ buttons."""
    return render_briefing_for(state, title, day, since, recipient)[0]


def render_briefing_for(state: BotState, title: str, day: date | None = None, since: datetime | None = None,
                        recipient: str | None = None) -> tuple[Rendered, Callable[[], None] | None]:
    """The rendered briefing and, for a recipient, the call that records it as delivered once it is sent."""
    briefing = brief(state.services, day=day, since=since, recipient=recipient, remember=False)
    text, citations = briefing_html(briefing, title)
    return Rendered(text, keyboard(paragraph_buttons(citations, state.store))), briefing.confirm


# -- subscriptions ---------------------------------------------------------------------------------
def parse_subscription(args: list[str], default_zone: str) -> tuple[str, str] | str:
    """(HH:MM, zone) from '[HH:MM] [zone]' in either order, or an error message."""
    at, zone = DEFAULT_TIME, default_zone
    for arg in args:
        match = _HHMM.match(arg)
        if match:
            at = f"{int(match.group(1)):02d}:{match.group(2)}"
            continue
        try:
            ZoneInfo(arg)
        except (ZoneInfoNotFoundError, ValueError):
            return f"'{arg}' is neither a time (HH:MM) nor a time zone (like Europe/Berlin or UTC)."
        zone = arg
    return at, zone


def schedule(job_queue: JobQueue, sub: Subscription) -> None:
    """(Re)schedule a subscription's daily job."""
    for job in job_queue.get_jobs_by_name(job_name(sub.chat_id)):
        job.schedule_removal()
    hour, minute = (int(x) for x in sub.at.split(":"))
    job_queue.run_daily(daily_briefing, time(hour, minute, tzinfo=ZoneInfo(sub.timezone)),
                        chat_id=sub.chat_id, name=job_name(sub.chat_id))


async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/subscribe [HH:MM] [timezone]"""
    state, chat = get_state(context), update.effective_chat
    if chat is None or context.job_queue is None:
        return
    parsed = parse_subscription(list(context.args or []), str(zone_of(state)))
    if isinstance(parsed, str):
        await say(update, parsed + " Example: /subscribe 07:30 Europe/Berlin")
        return
    sub = state.store.subscribe(chat.id, *parsed)
    schedule(context.job_queue, sub)
    await say(update, f"Every day at {sub.at} ({sub.timezone}) I'll send this chat a briefing. "
                      "/unsubscribe stops it.")


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unsubscribe"""
    state, chat = get_state(context), update.effective_chat
    if chat is None:
        return
    existed = state.store.unsubscribe(chat.id)
    if context.job_queue is not None:
        for job in context.job_queue.get_jobs_by_name(job_name(chat.id)):
            job.schedule_removal()
    await say(update, "Daily briefing stopped." if existed else "This chat has no daily briefing.")


async def daily_briefing(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job callback: the last 24 hours for one subscriber, delivered once per day through the outbox."""
    job = context.job
    if job is not None and job.chat_id is not None:
        await deliver_daily(context.bot, get_state(context), context.job_queue, job.chat_id)


async def deliver_daily(bot: Bot, state: BotState, job_queue: JobQueue | None, chat_id: int) -> None:
    """Render today's briefing for `chat_id` unless the outbox already holds it, then send what is pending.

    What reaches the chat counts as delivered (confirm) once every part is sent; parts that failed are
    sent again every RETRY_EVERY seconds; a chat that blocked the bot is unsubscribed."""
    zone = _zone_of_chat(state, chat_id)
    today = datetime.now(zone).date()
    key = f"brief:{chat_id}:{today.isoformat()}"
    if not state.outbox.has(key):
        since = datetime.now(zone) - timedelta(days=1)
        rendered, confirm = await state.read(render_briefing_for, state, f"Your daily briefing, {today.isoformat()}",
                                             None, since, f"tg:{chat_id}")
        if state.outbox.put(key, chat_id, rendered) and confirm:
            state.outbox.on_delivered(key, confirm)  # only what really reached the chat counts as delivered
    await _send_pending(bot, state, job_queue, key)


async def _send_pending(bot: Bot, state: BotState, job_queue: JobQueue | None, key: str | None = None) -> None:
    for chat_id in await deliver(bot, state.outbox, key):
        log.info("chat %s blocked the bot; its subscription is removed", chat_id)
        state.store.unsubscribe(chat_id)
        for job in job_queue.get_jobs_by_name(job_name(chat_id)) if job_queue else []:
            job.schedule_removal()
    if state.outbox.pending(key) and job_queue is not None and not job_queue.get_jobs_by_name(RETRY_JOB):
        job_queue.run_once(retry_deliveries, RETRY_EVERY, name=RETRY_JOB)


async def retry_deliveries(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job callback: send what the outbox still holds (after a failure, and once at start-up after a crash)."""
    await _send_pending(context.bot, get_state(context), context.job_queue)


async def catch_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Job callback at start-up: deliver what is pending, then today's briefing of every subscriber whose
    time passed while the bot was not running (subscribed before that time, nothing sent today yet)."""
    state = get_state(context)
    await _send_pending(context.bot, state, context.job_queue)
    for sub in state.store.subscriptions():
        zone = ZoneInfo(sub.timezone)
        now = datetime.now(zone)
        hour, minute = (int(x) for x in sub.at.split(":"))
        due = datetime.combine(now.date(), time(hour, minute), tzinfo=zone)
        since = state.store.subscribed_at(sub.chat_id)
        if due <= now and since is not None and since < due.timestamp() \
                and not state.outbox.has(f"brief:{sub.chat_id}:{now.date().isoformat()}"):
            log.info("briefing of chat %s was due at %s while the bot was down: sending it now", sub.chat_id, due)
            await deliver_daily(context.bot, state, context.job_queue, sub.chat_id)


def _zone_of_chat(state: BotState, chat_id: int) -> ZoneInfo:
    sub = next((s for s in state.store.subscriptions() if s.chat_id == chat_id), None)
    return ZoneInfo(sub.timezone) if sub else zone_of(state)
