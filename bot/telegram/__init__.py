"""The Telegram front end: `build_application(services)` in `bot.telegram.app`; `newsbot serve` runs it."""
