"""Admin-only (TELEGRAM_ADMIN_IDS): /ingest URL, a sent document, /feeds [add URL [NAME] | remove URL | poll],
and the repeating feed poll."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from pathlib import Path

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.runtime import run_failure
from bot.telegram.handlers_follow import deliver_alerts
from bot.telegram.render import Rendered, esc, link
from bot.telegram.reply import respond, say
from bot.telegram.state import BotState, get_state
from index.live import FetchError, add_feed, ingest_urls, is_url, list_feeds, poll, remove_feed
from index.sources import SUPPORTED, read_bytes
from index.store import IngestReport

log = logging.getLogger(__name__)
MAX_DOCUMENT_BYTES = 20_000_000  # the Bot API's getFile limit
ADMINS_ONLY = "Only the bot's admins can add articles."


async def _admin(update: Update, context: ContextTypes.DEFAULT_TYPE, quiet_in_groups: bool = False) -> bool:
    """True for admins; others are told so (except, when `quiet_in_groups`, in groups: people share files)."""
    user, chat = update.effective_user, update.effective_chat
    if get_state(context).is_admin(user.id if user else None):
        return True
    if not (quiet_in_groups and chat is not None and chat.type != ChatType.PRIVATE):
        await say(update, ADMINS_ONLY)
    return False


async def ingest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ingest URL — fetch a page or feed and add its articles."""
    if not await _admin(update, context):
        return
    urls = [a for a in context.args or [] if is_url(a)]
    if not urls:
        await say(update, "Send /ingest followed by the http(s) link of an article or feed.")
        return
    state = get_state(context)
    limits = state.services.settings.fetch_limits()
    await respond(update, context, lambda: ingest_report(lambda: ingest_urls(state.writer(), urls, limits), state),
                  io=True, placeholder="Fetching…")
    await deliver_alerts(state, context.bot)  # after the reply: followers hear of it now, not at the next poll


async def document_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sent document: admins' .txt .md .html .json .jsonl files are ingested."""
    message = update.effective_message
    if message is None or message.document is None or not await _admin(update, context, quiet_in_groups=True):
        return
    name = message.document.file_name or "document.txt"
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        await say(update, f"I can read {' '.join(SUPPORTED)} files, not '{suffix or name}'.")
        return
    if (message.document.file_size or 0) > MAX_DOCUMENT_BYTES:
        await say(update, "That file is too large (over 20 MB).")
        return
    try:
        data = bytes(await (await message.document.get_file()).download_as_bytearray())
    except TelegramError as exc:  # a flaky download is this file's failure: say so, keep serving
        log.info("document download failed: %s", exc)
        await say(update, f"I couldn't download {name} from Telegram ({exc}). Please send it again.")
        return
    state = get_state(context)
    await respond(update, context, lambda: ingest_report(lambda: ingest_bytes(state, name, data), state), io=True,
                  placeholder="Reading the file…")
    await deliver_alerts(state, context.bot)


def ingest_bytes(state: BotState, name: str, data: bytes) -> IngestReport:
    """Read the bytes as a file of that name (the suffix picks the reader) and ingest them. The name
    carries a hash of the content: ids of files are derived from their names, and two different
    "notes.md" must not be taken for one article (the same file sent twice still is)."""
    index = state.writer()
    original = Path(Path(name).name)
    unique = f"{original.stem}-{hashlib.sha256(data).hexdigest()[:8]}{original.suffix.lower()}"
    return index.ingest(read_bytes(data, unique, index.config.max_article_chars, origin=original.name))


def ingest_report(run: Callable[[], IngestReport], state: BotState) -> Rendered:
    """Run an ingest and say what it did; a storage fault (disk full, vector store down) is one clear line."""
    try:
        report = run()
    except Exception as exc:  # noqa: BLE001 - the user gets the reason, the log the traceback
        log.warning("ingest failed: %s", exc, exc_info=exc)
        return Rendered(esc(run_failure("ingest", exc, state.services.settings.data_dir, hint="")))
    return report_html(report, state)


def report_html(report: IngestReport, state: BotState) -> Rendered:
    """What an ingest did, in a few lines."""
    lines = [f"Added {len(report.added)} article(s), {report.paragraphs} paragraphs."]
    if report.added:
        articles = state.services.index.catalog.articles(report.added[:10])
        lines += [f"• {link(a.url, a.title)}" for a in articles.values()]
    lines += [f"Skipped {esc(origin)}: {esc(reason)}" for origin, reason in report.skipped[:5]]
    lines += [f"Failed {esc(origin)}: {esc(reason)}" for origin, reason in report.failed[:5]]
    lines += [f"Warning {esc(origin)}: {esc(warning)}" for origin, warning in report.warnings[:5]]
    if report.stopped:
        lines.append(esc(f"Not searchable yet: {report.stopped}. The articles are kept and indexed "
                         "as soon as the vector store is back."))
    return Rendered("\n".join(lines))


async def feeds_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feeds, /feeds add URL [NAME], /feeds remove URL, /feeds poll"""
    if not await _admin(update, context):
        return
    state, args = get_state(context), list(context.args or [])
    action = args[0].lower() if args else "list"
    if action == "add" and len(args) >= 2:
        await respond(update, context, lambda: _add(state, args[1], " ".join(args[2:]) or None), io=True)
    elif action == "remove" and len(args) == 2:
        removed = remove_feed(state.services.index.catalog, args[1])
        await say(update, f"Unsubscribed from {args[1]}." if removed else f"Not subscribed to {args[1]}.")
    elif action == "poll":
        await respond(update, context, lambda: poll_html(state), io=True, placeholder="Polling feeds…")
        await deliver_alerts(state, context.bot)
    elif action == "list":
        await respond(update, context, lambda: feeds_html(state))
    else:
        await say(update, "Use /feeds, /feeds add URL [NAME], /feeds remove URL or /feeds poll.")


def _add(state: BotState, url: str, name: str | None) -> Rendered:
    try:
        feed = add_feed(state.services.index.catalog, url, name, limits=state.services.settings.fetch_limits())
    except FetchError as exc:
        return Rendered(esc(f"Can't follow {url}: {exc}"))
    return Rendered(f"Following {link(feed.url, feed.name or feed.url)}. New items arrive with the next poll.")


def feeds_html(state: BotState) -> Rendered:
    feeds = list_feeds(state.services.index.catalog)
    if not feeds:
        return Rendered("No feeds yet. Add one with /feeds add URL")
    lines = ["<b>Feeds</b>"]
    for f in feeds:
        polled = f.last_polled.strftime("%Y-%m-%d %H:%M") if f.last_polled else "never"
        error = f" — <i>{esc(f.last_error)}</i>" if f.last_error else ""
        lines.append(f"• {link(f.url, f.name or f.url)}: {f.items} items, polled {polled}{error}")
    return Rendered("\n".join(lines))


def poll_html(state: BotState) -> Rendered:
    report = poll(state.writer(), limits=state.services.settings.fetch_limits())
    lines = [f"Polled {len(report.feeds)} feed(s): {len(report.added)} new article(s)."]
    lines += [f"• {esc(f.url)}: {esc(f.error)}" for f in report.feeds if f.error]
    if report.ingest.stopped:
        lines.append(esc(f"Not searchable yet: {report.ingest.stopped}."))
    return Rendered("\n".join(lines))


async def poll_feeds_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Repeating job: poll the followed feeds (nothing to do when there are none)."""
    state = get_state(context)
    if not list_feeds(state.services.index.catalog):
        return
    report = await state.io(poll, state.writer(), None, state.services.settings.fetch_limits())
    log.info("feed poll: %d new articles from %d feeds", len(report.added), len(report.feeds))
    if report.added:
        await deliver_alerts(state, context.bot)


async def retention_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Daily job (NEWSBOT_RETAIN_DAYS): prune the articles older than the retention window."""
    index = get_state(context).writer()
    cutoff = index.retention_cutoff()
    if cutoff is None:
        return
    report = await get_state(context).io(index.prune, cutoff)
    log.info("retention: removed %d articles (%d paragraphs) older than %d days", report.articles,
             report.paragraphs, index.config.retain_days)
