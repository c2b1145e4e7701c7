"""`newsbot serve`: run the Telegram bot (long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set)."""

from __future__ import annotations

import logging

import typer

from bot.runtime import configure_logging, err_console, fail
from bot.settings import Settings


def register(app: typer.Typer) -> None:
    app.command()(serve)


def serve() -> None:
    """Answer on Telegram until Ctrl-C or SIGTERM (needs TELEGRAM_BOT_TOKEN)."""
    from telegram.error import InvalidToken, NetworkError

    from bot.services import Services
    from bot.telegram import id_set, run

    settings = Settings()
    if not settings.telegram_bot_token:
        fail("TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and put its token in .env")
    for name, value in (("TELEGRAM_ALLOWED_USERS", settings.telegram_allowed_users),
                        ("TELEGRAM_ADMIN_IDS", settings.telegram_admin_ids)):
        try:
            id_set(value)
        except ValueError as exc:
            fail(f"{name}: {exc}")
    configure_logging(heeded=("telegram", "apscheduler"))  # an operator wants to see Telegram trouble
    logging.getLogger("bot").setLevel(logging.INFO)
    services = Services.open(settings)
    mode = f"webhook {settings.telegram_webhook_url}" if settings.telegram_webhook_url else "long polling"
    err_console.print(f"newsbot serve: {mode}; Ctrl-C stops", highlight=False)
    try:
        run(services, settings)
    except InvalidToken:
        fail("Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather", code=1)
    except NetworkError as exc:
        where = settings.telegram_base_url or "api.telegram.org"
        fail(f"cannot reach the Telegram Bot API at {where}: {exc}", code=1)
    finally:
        services.close()
