"""The Telegram front end: `build_application(services)` and `run` in `bot.telegram.app`, thin handlers per
area, HTML rendering and splitting, and the bot's own SQLite state; `newsbot serve` runs it.

It may use every capability's package, `bot.services` and the shared modules; nothing below imports it.
"""

from bot.telegram.app import build_application, run
from bot.telegram.state import id_set

__all__ = ["build_application", "id_set", "run"]
