"""The python-telegram-bot Application: handlers wired in one place, startup and shutdown hooks,
and `run` for `newsbot serve` (long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set)."""

from __future__ import annotations

import logging
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.services import Services
from bot.settings import Settings
from bot.telegram import handlers_admin as admin
from bot.telegram import handlers_ask as ask
from bot.telegram import handlers_brief as brief
from bot.telegram import handlers_follow as follow
from bot.telegram import handlers_info as info
from bot.telegram.journal import Journal, JournalingProcessor
from bot.telegram.outbox import Outbox
from bot.telegram.resilience import ResilientLimiter
from bot.telegram.state import STATE_KEY, BotState, RateLimiter, id_set
from bot.telegram.store import BotStore
from index.actors import directory

log = logging.getLogger(__name__)
# Seconds a Bot API call may take before it fails: a Telegram that stalls for half a minute is waited
# out (PTB's default is 5), and a call that timed out is never sent again (see bot/telegram/resilience.py).
SEND_TIMEOUT = 45.0


def build_application(services: Services, settings: Settings | None = None, *, placeholder_after: float = 1.0,
                      workers: int | None = None) -> Application:
    """A ready-to-run Application over `services` (nothing is contacted until it is initialised)."""
    settings = settings or services.settings
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather and put it in .env")
    state_file = settings.data_dir / "telegram.sqlite3"
    journal = Journal(state_file)
    builder = (ApplicationBuilder().token(settings.telegram_bot_token)
               .rate_limiter(ResilientLimiter())  # flood waits per chat; 5xx and dropped connections retried
               .read_timeout(SEND_TIMEOUT).write_timeout(SEND_TIMEOUT)
               # chats run in parallel (a per-chat lock keeps each chat in order); each update journaled
               .concurrent_updates(JournalingProcessor(journal))
               .post_init(_post_init).post_shutdown(_post_shutdown))
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url).base_file_url(file_url(settings))
    application = builder.build()
    application.bot_data[STATE_KEY] = BotState(
        services=services,
        store=BotStore(state_file),
        allowed=id_set(settings.telegram_allowed_users),
        admins=id_set(settings.telegram_admin_ids),
        limiter=RateLimiter(settings.telegram_rate_limit),
        workers=ThreadPoolExecutor(workers or max(2, os.cpu_count() or 2), thread_name_prefix="newsbot-tg"),
        outbox=Outbox(state_file),
        journal=journal,
        placeholder_after=placeholder_after,
    )
    add_handlers(application)
    return application


def file_url(settings: Settings) -> str:
    """TELEGRAM_BASE_FILE_URL, or the file URL a self-hosted server uses beside TELEGRAM_BASE_URL."""
    if settings.telegram_base_file_url:
        return settings.telegram_base_file_url
    base = (settings.telegram_base_url or "").rstrip("/")
    head, _, tail = base.rpartition("/")
    return f"{head}/file/{tail}" if tail.startswith("bot") else f"{base}/file/bot"


def add_handlers(application: Application) -> None:
    """Every handler, in the order PTB tries them."""
    application.add_handler(TypeHandler(Update, info.guard), group=-1)
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, info.edited))
    commands: list[tuple[str, Any]] = [
        ("start", info.start), ("help", info.help_command), ("ask", ask.ask_command), ("brief", brief.brief_command),
        ("actors", info.actors), ("actor", info.actor), ("sources", info.sources), ("reset", info.reset),
        ("subscribe", brief.subscribe_command), ("unsubscribe", brief.unsubscribe_command),
        ("summarize", ask.summarize_command), ("summarise", ask.summarize_command),
        ("ingest", admin.ingest_command), ("feeds", admin.feeds_command),
        ("timeline", follow.timeline_command), ("follow", follow.follow_command),
        ("following", follow.following_command), ("unfollow", follow.unfollow_command),
    ]
    for name, callback in commands:
        application.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
    application.add_handler(CallbackQueryHandler(follow.on_timeline_button, pattern=r"^t[:#]"))
    application.add_handler(CallbackQueryHandler(ask.on_button))
    message = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(message & filters.COMMAND, info.unknown_command))
    application.add_handler(MessageHandler(message & filters.TEXT, ask.text_message))
    application.add_handler(MessageHandler(message & filters.Document.ALL, admin.document_message))
    application.add_handler(MessageHandler(message, info.non_text))
    application.add_error_handler(info.on_error)


async def _post_init(application: Application) -> None:
    """Register the commands, warm the index, and put stored subscriptions and the feed poll on the JobQueue."""
    state: BotState = application.bot_data[STATE_KEY]
    await application.bot.set_my_commands([BotCommand(c, d) for c, d in info.COMMANDS])
    for admin_id in state.admins:
        try:
            await application.bot.set_my_commands([BotCommand(c, d) for c, d in info.COMMANDS + info.ADMIN_COMMANDS],
                                                  scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:  # an admin who never opened the bot has no chat yet
            log.info("admin commands not set for %s: %s", admin_id, exc)
    await state.read(_warm, state)
    recovered = state.store.follows.recover()
    if recovered:  # a killed process may have sent them: never twice
        log.warning("%d alert(s) were being sent when the bot last stopped; counted as sent", recovered)
    # Updates a killed process had begun and never finished are handled again, first.
    interrupted = state.journal.interrupted()
    if interrupted:
        log.info("handling %d update(s) a previous run began and never finished", len(interrupted))
    for payload in interrupted:
        await application.update_queue.put(Update.de_json(payload, application.bot))
    if application.job_queue is not None:
        for sub in state.store.subscriptions():
            brief.schedule(application.job_queue, sub)
        application.job_queue.run_once(brief.catch_up, 0, name="catch-up")  # interrupted or missed briefings
        interval = state.services.settings.feed_interval
        application.job_queue.run_repeating(admin.poll_feeds_job, interval=interval, first=interval, name="feeds")
        application.job_queue.run_repeating(follow.alerts_job, interval=follow.ALERT_CHECK, first=follow.ALERT_CHECK,
                                            name="alerts")
        if state.services.settings.retain_days:  # NEWSBOT_RETAIN_DAYS: prune at start-up, then daily
            application.job_queue.run_repeating(admin.retention_job, interval=86_400, first=5, name="retention")


def _warm(state: BotState) -> None:
    # Load the actor directory once, before many chats race to load it.
    directory(state.services.index.catalog)


async def _post_shutdown(application: Application) -> None:
    state: BotState = application.bot_data[STATE_KEY]
    state.workers.shutdown(wait=True, cancel_futures=True)
    state.store.close()
    state.outbox.close()
    state.journal.close()


def webhook_options(settings: Settings) -> dict[str, Any]:
    """Arguments for run_webhook/start_webhook: listen on TELEGRAM_WEBHOOK_LISTEN:PORT at the URL's path."""
    assert settings.telegram_webhook_url
    return {"listen": settings.telegram_webhook_listen, "port": settings.telegram_webhook_port,
            "url_path": urlsplit(settings.telegram_webhook_url).path.lstrip("/"),
            "webhook_url": settings.telegram_webhook_url, "secret_token": settings.telegram_webhook_secret or None,
            "allowed_updates": Update.ALL_TYPES}


def run(services: Services, settings: Settings) -> None:
    """Serve until SIGINT/SIGTERM: a webhook when TELEGRAM_WEBHOOK_URL is set, else long polling."""
    application = build_application(services, settings)
    if settings.telegram_webhook_url:
        application.run_webhook(**webhook_options(settings))
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
