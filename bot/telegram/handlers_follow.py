"""Timelines and follows: /timeline QUERY [since WHEN], /follow TOPIC|ACTOR [quiet HH:MM-HH:MM], /following,
/unfollow N, the "Timeline: X" button, and the alert job that runs after every feed poll and admin ingest
(and every ALERT_CHECK seconds, so alerts held for quiet hours go out when they end)."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.telegram.handlers_ask import within_rate
from bot.telegram.render import Rendered, esc, keyboard, paragraph_buttons
from bot.telegram.render_timeline import alert_html, following_html, timeline_buttons, timeline_html
from bot.telegram.reply import pressed, respond, say, send
from bot.telegram.state import BotState, get_state
from bot.timeline import AlertBatch, add_follow, build_timeline, due, match_new

log = logging.getLogger(__name__)
ALERT_CHECK = 60  # seconds between checks for due alerts (quiet hours ending, a cap lifted at midnight)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_DAYS_AGO = re.compile(r"^(\d{1,3})\s*(d|days?|w|weeks?)$")


def recipient_of(chat_id: int) -> str:
    return f"tg:{chat_id}"


# -- /timeline --------------------------------------------------------------------------------
def parse_since(text: str, today: date) -> date | None:
    """'2011-03-01', 'March' / 'march 2011' (its latest start on or before `today`), 'yesterday', '7 days',
    'last week', 'last month'; None when it is none of them."""
    word = " ".join(text.lower().split())
    try:
        return date.fromisoformat(word)
    except ValueError:
        pass
    if word == "yesterday":
        return today - timedelta(days=1)
    if word in ("last week", "a week"):
        return today - timedelta(days=7)
    if word in ("last month", "a month"):
        return today - timedelta(days=31)
    ago = _DAYS_AGO.match(word)
    if ago:
        return today - timedelta(days=int(ago.group(1)) * (7 if ago.group(2).startswith("w") else 1))
    parts = word.split()
    month = next((n for n, m in enumerate(_MONTHS, start=1) if parts and m.startswith(parts[0][:3])
                  and len(parts[0]) >= 3), None)
    if month is None or len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
        return None
    year = int(parts[1]) if len(parts) == 2 else today.year - (month > today.month)
    return date(year, month, 1)


def split_timeline_args(args: list[str]) -> tuple[str, str | None]:
    """'Libya since March' -> ('Libya', 'March'); without 'since', a trailing YYYY-MM-DD is the start."""
    words = list(args)
    lowered = [w.lower() for w in words]
    if "since" in lowered[1:]:
        at = len(lowered) - 1 - lowered[::-1].index("since")
        return " ".join(words[:at]), " ".join(words[at + 1:]) or None
    if len(words) > 1 and re.fullmatch(r"\d{4}-\d{2}-\d{2}", words[-1]):
        return " ".join(words[:-1]), words[-1]
    return " ".join(words), None


async def timeline_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/timeline QUERY [since WHEN]"""
    state = get_state(context)
    query, since = split_timeline_args(list(context.args or []))
    if not query.strip():
        await say(update, "Send /timeline followed by a topic or a name, e.g. /timeline Aydar since 2026-11-01")
        return
    if await within_rate(update, state):
        await respond(update, context, lambda: render_timeline(state, query, since),
                      placeholder="Reading the coverage…")


def render_timeline(state: BotState, query: str, since: str | None = None) -> Rendered:
    """A timeline (worker thread) as HTML with ¶ buttons."""
    start = None
    if since:
        newest = state.services.index.catalog.date_range()[1]
        today = date.fromisoformat(newest[:10]) if newest else datetime.now(UTC).date()
        day = parse_since(since, today)
        if day is None:
            return Rendered(esc(f"I can't read '{since}' as a date; try 2026-11-01, March or 7 days."))
        start = datetime.combine(day, time(), tzinfo=ZoneInfo(state.services.settings.timezone))
    timeline = build_timeline(state.services, query, since=start)
    text, citations = timeline_html(timeline)
    return Rendered(text, keyboard(paragraph_buttons(citations, state.store)))


async def on_timeline_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'Timeline: X' under an alert."""
    state = get_state(context)
    resolved = await pressed(update, context, "This button has expired; use /timeline.")
    if resolved is not None and await within_rate(update, state):
        await respond(update, context, lambda: render_timeline(state, resolved[1]), placeholder="Reading the coverage…")


# -- follows -------------------------------------------------------------------------------------
def split_follow_args(args: list[str]) -> tuple[str, str | None]:
    """'Aydar quiet 22:00-07:00' -> ('Aydar', '22:00-07:00')."""
    lowered = [a.lower() for a in args]
    if "quiet" in lowered:
        at = lowered.index("quiet")
        return " ".join(args[:at]), " ".join(args[at + 1:]) or ""
    return " ".join(args), None


async def follow_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/follow TOPIC|ACTOR [quiet HH:MM-HH:MM]"""
    state, chat = get_state(context), update.effective_chat
    if chat is None:
        return
    query, quiet = split_follow_args(list(context.args or []))
    if not query.strip():
        await say(update, "Send /follow followed by a name or a topic, e.g. /follow Aydar quiet 22:00-07:00")
        return
    added = await state.read(add_follow, state.services, state.store.follows, recipient_of(chat.id), query,
                             quiet, state.services.settings.timezone)
    if isinstance(added, str):
        await say(update, added)
        return
    what = "new articles name them" if added.actor_id else "new articles are about it"
    quiet_line = f" Quiet {added.quiet} ({added.timezone}): held until then." if added.quiet else ""
    await say(update, f"Following {added.label}. I'll message you when {what}.{quiet_line} /following lists them.")


async def following_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/following"""
    state, message, chat = get_state(context), update.effective_message, update.effective_chat
    if message is not None and chat is not None:
        await message.reply_html(following_html(state.store.follows.follows(recipient_of(chat.id))))


async def unfollow_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/unfollow N (or the name)"""
    state, chat = get_state(context), update.effective_chat
    if chat is None:
        return
    which = " ".join(context.args or []).strip()
    follows = state.store.follows.follows(recipient_of(chat.id))
    target = follows[int(which) - 1] if which.isdigit() and 0 < int(which) <= len(follows) else next(
        (f for f in follows if which and which.lower() in (f.query.lower(), f.label.lower())), None)
    if target is None:
        await say(update, "Send /unfollow with a number from /following." if follows else "You follow nothing.")
        return
    state.store.follows.remove(target.id)
    await say(update, f"Stopped following {target.label}.")


# -- alerts -------------------------------------------------------------------------------------
async def alerts_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Match new articles against every follow, then send each chat the one message due to it (if any)."""
    await deliver_alerts(get_state(context), context.bot)


async def deliver_alerts(state: BotState, bot) -> int:
    """Match, then per chat: claim, send, finish (sent only once the send succeeded); how many messages went out."""
    lock = state.extras.setdefault("alerts_lock", asyncio.Lock())
    sent = 0
    async with lock:  # one pass at a time: a poll's alerts and the minute check never race
        store = state.store.follows
        await state.read(match_new, state.services, store)
        per_day = state.services.settings.telegram_alerts_per_day
        for recipient in store.recipients():
            if recipient.startswith("tg:"):
                sent += await _deliver_one(state, bot, recipient, per_day)
    return sent


async def _deliver_one(state: BotState, bot, recipient: str, per_day: int) -> int:
    store = state.store.follows
    batch: AlertBatch | None = await state.read(due, state.services, store, recipient, None, per_day)
    if batch is None:
        return 0
    claimed = store.claim(recipient, batch.rows)
    if not batch.items:  # its articles are gone or no longer match: settle them quietly
        store.finish(recipient, claimed, sent=True, day=batch.day, count=False)
        return 0
    text, citations = alert_html(batch, per_day)
    labels = [item.follow.query for item in batch.items]
    buttons = keyboard(timeline_buttons(labels, state.store), paragraph_buttons(citations, state.store))
    rendered = Rendered(text, buttons)
    chat_id = int(recipient.removeprefix("tg:"))
    try:
        await send(bot, chat_id, rendered)
    except Forbidden:
        log.info("chat %s blocked the bot; its follows are removed", chat_id)
        store.finish(recipient, claimed, sent=False, day=batch.day)
        store.forget(recipient)
        return 0
    except TelegramError as exc:  # retried at the next check: the rows are pending again
        log.warning("alert to chat %s failed (%s); retried at the next check", chat_id, exc)
        store.finish(recipient, claimed, sent=False, day=batch.day)
        return 0
    store.finish(recipient, claimed, sent=True, day=batch.day)
    return 1
