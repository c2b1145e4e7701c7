"""Hand-written fake HTTP servers (OpenAI API, Telegram Bot API) for tests."""

from tests.fakes.openai_server import FakeOpenAI, Reply
from tests.fakes.telegram_server import FakeTelegram

__all__ = ["FakeOpenAI", "FakeTelegram", "Reply"]
