"""Bot API calls that survive a misbehaving Telegram: flood limits (429 with retry_after), bursts of
server errors (5xx) and dropped connections are waited out and retried, without sending twice.

PTB's AIORateLimiter keeps Telegram's flood limits and retries 429s, but a 429 in one chat pauses
every chat, and it never retries a 5xx or a reset. `ResilientLimiter` keeps its limits and:

- waits out a 429 in the request's own chat only (other chats go on; if the flood was global, their
  own 429s make them wait too), up to MAX_RETRY_AFTER seconds, else gives up at once;
- retries a call that certainly did not take effect: Telegram answered with a server error, or the
  connection failed or was dropped before any response (a kept-alive connection the server had
  already closed, a proxy restart) — up to RETRIES times, backing off;
- never retries a read timeout: the request reached Telegram and may have been carried out, and a
  second message is worse than the user asking again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)
RETRIES = 3
BACKOFF = 0.5  # seconds before the first retry of a server error; doubled each time
MAX_RETRY_AFTER = 30.0  # a longer flood wait is not spent inside one reply: the call fails at once
_DROPPED = (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)


def did_not_happen(exc: NetworkError) -> bool:
    """Whether a failed call certainly had no effect, so sending it again cannot make a duplicate."""
    if isinstance(exc, (BadRequest, TimedOut)):  # ours to fix; or it reached Telegram and may have worked
        return False
    cause = exc.__cause__
    return cause is None or isinstance(cause, _DROPPED)  # None: Telegram itself answered with a 5xx


def retry_after_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after in seconds (PTB gives an int or a timedelta, depending on its settings)."""
    with contextlib.suppress(Exception):
        value = exc.retry_after
        return value.total_seconds() if isinstance(value, timedelta) else float(value)
    return 1.0


class ResilientLimiter(AIORateLimiter):
    """AIORateLimiter's flood limits, with the retries described in the module docstring."""

    def __init__(self, retries: int = RETRIES, backoff: float = BACKOFF) -> None:
        super().__init__(max_retries=retries)
        self.retries, self.backoff = retries, backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat_id = data.get("chat_id")
        with contextlib.suppress(ValueError, TypeError):
            chat_id = int(chat_id)  # type: ignore[arg-type]
        # Groups and channels (negative or @name ids) have their own, slower flood limit.
        group: int | str | bool = chat_id if (isinstance(chat_id, int) and chat_id < 0) or isinstance(
            chat_id, str) else False
        for attempt in range(self.retries + 1):
            try:
                return await self._run_request(chat=chat_id is not None, group=group,
                                               allow_paid_broadcast=bool(data.get("allow_paid_broadcast")),
                                               callback=callback, args=args, kwargs=kwargs)
            except RetryAfter as exc:
                wait = retry_after_seconds(exc)
                if attempt == self.retries or wait > MAX_RETRY_AFTER:
                    raise
                log.info("%s to chat %s: flood limit, retrying in %.1f s", endpoint, chat_id, wait)
                await asyncio.sleep(wait + 0.1)
            except NetworkError as exc:
                if attempt == self.retries or not did_not_happen(exc):
                    raise
                delay = self.backoff * 2 ** attempt
                log.info("%s to chat %s failed (%s), retrying in %.1f s", endpoint, chat_id, exc, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the last attempt returns or raises
