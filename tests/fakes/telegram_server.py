"""A fake Telegram Bot API server for tests (standard library only).

Drive a real python-telegram-bot ``Application`` against it::

    with FakeTelegram() as tg:
        app = (
            ApplicationBuilder().token(tg.token).base_url(tg.base_url)
            .base_file_url(tg.base_file_url).build()
        )
        ...
        tg.push_message("/start")
        tg.wait_for("sendMessage", lambda p: p["text"] == "hello")

Requests arrive at ``/bot<TOKEN>/<method>``; file downloads at ``/file/bot<TOKEN>/<path>``.
Every Bot API call made with a *valid* token is recorded as
``{"method": str, "params": dict, "ok": bool}`` (``ok`` is False for failed calls,
including ones failed on purpose by :meth:`FakeTelegram.set_failure`).

Misbehaviour, per method and optionally per chat: :meth:`FakeTelegram.set_failure` answers 429 with
``retry_after`` or any 5xx (call it twice for a burst of different statuses);
:meth:`FakeTelegram.misbehave` resets the connection (``"reset"``) or holds the request for some seconds
(``"stall"``, see :meth:`FakeTelegram.stalls`). A reset or an abandoned stall is never processed, so a
message the bot sends again after one is not a duplicate, while one it sends twice after a success is.
"""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tests.fakes._http import DropConnection, FakeHTTPServer, HttpRequest, HttpResponse
from tests.fakes._telegram_wire import parse_params

__all__ = ["FakeTelegram", "TelegramApiError"]

DEFAULT_TOKEN = "123:TEST"
BOT_USERNAME = "newsbot_test_bot"
MAX_TEXT_LENGTH = 4096
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")

Params = dict[str, Any]
Predicate = Callable[[Params], bool]


class TelegramApiError(Exception):
    """Raised inside a method handler to produce a Bot API error response."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def response(self) -> HttpResponse:
        """The ``{"ok": false, ...}`` HTTP response for this error."""
        payload: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            payload["parameters"] = self.parameters
        return HttpResponse.json(payload, status=self.code)


@dataclass
class _Failure:
    """A scripted failure for the next ``remaining`` calls of a method (in one chat, if ``chat_id``).

    ``mode`` is "status" (a Bot API error with ``status``), "reset" (the connection is reset before the
    request is processed) or "stall" (the request is held ``seconds`` before it is processed; a client
    that hangs up meanwhile, e.g. on its read timeout, leaves it unprocessed)."""

    status: int
    retry_after: int
    remaining: int
    description: str | None
    mode: str = "status"
    seconds: float = 0.0
    chat_id: int | str | None = None

    def applies(self, params: Params) -> bool:
        """Whether this failure is due for a call with these params."""
        if self.remaining <= 0:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)

    def error(self) -> TelegramApiError:
        """The error to return for one failed call."""
        if self.status == 429:
            text = self.description or f"Too Many Requests: retry after {self.retry_after}"
            return TelegramApiError(429, text, {"retry_after": self.retry_after})
        return TelegramApiError(self.status, self.description or _default_description(self.status))


@dataclass
class _StoredFile:
    """A file known to the server (pushed by a test or uploaded by the bot)."""

    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes


def _default_description(status: int) -> str:
    """Telegram-like description for an error status."""
    return {
        400: "Bad Request: fake failure",
        401: "Unauthorized",
        403: "Forbidden: bot was blocked by the user",
        404: "Not Found",
        409: "Conflict: terminated by other getUpdates request",
        502: "Bad Gateway",
    }.get(status, "Internal Server Error")


def _utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _command_entities(text: str) -> list[dict[str, Any]]:
    """A ``bot_command`` entity for a leading ``/command`` (empty list otherwise)."""
    if not text.startswith("/") or len(text) < 2 or text[1].isspace():
        return []
    word = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(word)}]


def _as_chat_id(value: Any) -> int | str:
    """Normalise a ``chat_id`` parameter (numeric strings become ints)."""
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    if isinstance(value, int | str) and not isinstance(value, bool):
        return value
    raise TelegramApiError(400, "Bad Request: chat_id is empty")


def _require(params: Params, key: str) -> Any:
    """A required parameter, or a Telegram-style 400."""
    value = params.get(key)
    if value is None or value == "":
        raise TelegramApiError(400, f"Bad Request: {key} is empty")
    return value


def _safe_match(predicate: Predicate | None, call: dict[str, Any]) -> bool:
    """Apply a wait_for predicate to a call's params; a raising predicate means no match."""
    if predicate is None:
        return True
    try:
        return bool(predicate(call["params"]))
    except Exception:  # noqa: BLE001 - e.g. KeyError on a call lacking the inspected param
        return False


def _bot_id(token: str) -> int:
    """The bot's user id encoded in its token (``<id>:<secret>``)."""
    prefix = token.split(":", 1)[0]
    return int(prefix) if prefix.isdigit() else 123


def _inline_markup(params: Params) -> dict[str, Any] | None:
    """The ``reply_markup`` to echo: Telegram only echoes inline keyboards in a Message."""
    markup = params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return markup
    return None


class FakeTelegram(FakeHTTPServer):
    """Fake Telegram Bot API server with long polling and a thread-safe test-side API.

    Args:
        token: the valid bot token(s); any other token gets 401 Unauthorized.
        bot_username: username reported by ``getMe`` and used as the sender of bot messages.
        max_poll_wait: cap (seconds, real time) on how long ``getUpdates`` waits for updates,
            whatever ``timeout`` the client asks for.
    """

    def __init__(
        self,
        token: str | Iterable[str] = DEFAULT_TOKEN,
        bot_username: str = BOT_USERNAME,
        max_poll_wait: float = 1.0,
    ) -> None:
        super().__init__()
        tokens = [token] if isinstance(token, str) else list(token)
        if not tokens:
            raise ValueError("at least one valid token is required")
        self.tokens = frozenset(tokens)
        self.token = tokens[0]
        self.max_poll_wait = max_poll_wait
        self.bot: dict[str, Any] = {
            "id": _bot_id(self.token),
            "is_bot": True,
            "first_name": "NewsBot Test",
            "username": bot_username,
        }
        self._cond = threading.Condition(threading.RLock())
        self._reset_state()
        self._methods = self._method_table()

    def _reset_state(self) -> None:
        """Initialise all mutable server state."""
        self._calls: list[dict[str, Any]] = []
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._ids = itertools.count(1)
        self._failures: dict[str, list[_Failure]] = {}
        self._stalls: list[dict[str, Any]] = []
        self._chats: dict[int | str, dict[str, Any]] = {}
        self._message_ids: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._callback_ids: set[str] = set()
        self._commands: dict[str, list[dict[str, Any]]] = {}
        self._webhook_url = ""

    # ================================================================ URLs
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/bot`` - PTB appends ``<TOKEN>/<method>``."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """``http://127.0.0.1:PORT/file/bot`` - PTB appends ``<TOKEN>/<file_path>``."""
        return f"{self.root_url}/file/bot"

    # ================================================================ test-side API: updates
    def push_message(
        self,
        text: str,
        chat_id: int = 1,
        user_id: int = 1,
        chat_type: str = "private",
        username: str | None = "alice",
        reply_to_bot: bool = False,
        entities: list[dict[str, Any]] | None = None,
    ) -> int:
        """Queue an incoming text message; return its update id.

        ``entities=None`` means automatic: a ``bot_command`` entity for a leading
        ``/command``.  ``reply_to_bot`` makes it a reply to the bot's latest message in the
        chat (a placeholder bot message is created if there is none).
        """
        with self._cond:
            message = self._user_message(chat_id, user_id, chat_type, username)
            message["text"] = text
            found = _command_entities(text) if entities is None else entities
            if found:
                message["entities"] = found
            if reply_to_bot:
                message["reply_to_message"] = self._latest_bot_message(chat_id)
            return self._enqueue(self._message_key(chat_type), message)

    def push_edited_message(
        self,
        text: str,
        message_id: int | None = None,
        chat_id: int = 1,
        user_id: int = 1,
        chat_type: str = "private",
        username: str | None = "alice",
        entities: list[dict[str, Any]] | None = None,
    ) -> int:
        """Queue an ``edited_message`` update (default: the user's latest message in the chat)."""
        with self._cond:
            original = self._find_user_message(chat_id, user_id, message_id)
            message = {**original, "text": text, "edit_date": int(time.time())}
            message.pop("entities", None)
            found = _command_entities(text) if entities is None else entities
            if found:
                message["entities"] = found
            self._messages[(chat_id, message["message_id"])] = message
            key = "edited_channel_post" if chat_type == "channel" else "edited_message"
            return self._enqueue(key, message)

    def push_callback(
        self,
        data: str,
        chat_id: int = 1,
        user_id: int = 1,
        message_id: int | None = None,
        username: str | None = "alice",
    ) -> int:
        """Queue a ``callback_query`` (an inline-button press) on a bot message.

        ``message_id=None`` uses the bot's latest message in the chat.
        """
        with self._cond:
            if message_id is None:
                message = self._latest_bot_message(chat_id)
            else:
                message = self._messages.get((chat_id, message_id)) or self._placeholder(chat_id, message_id)
            query_id = str(next(self._ids) + 10_000_000)
            self._callback_ids.add(query_id)
            query = {
                "id": query_id,
                "from": self._user(user_id, username),
                "chat_instance": f"ci{chat_id}",
                "data": data,
                "message": message,
            }
            return self._enqueue("callback_query", query)

    def push_document(
        self,
        file_name: str,
        content: bytes,
        chat_id: int = 1,
        user_id: int = 1,
        caption: str | None = None,
        mime_type: str | None = None,
        chat_type: str = "private",
        username: str | None = "alice",
    ) -> int:
        """Queue a message carrying a document; its bytes are served via ``getFile``."""
        with self._cond:
            stored = self._store_file(content, f"documents/{file_name}")
            message = self._user_message(chat_id, user_id, chat_type, username)
            message["document"] = self._document_object(stored, file_name, mime_type)
            if caption is not None:
                message["caption"] = caption
                if found := _command_entities(caption):
                    message["caption_entities"] = found
            return self._enqueue(self._message_key(chat_type), message)

    def push_raw(self, update: dict[str, Any]) -> int:
        """Queue an arbitrary update dict (``update_id`` is assigned if missing)."""
        with self._cond:
            body = dict(update)
            if "update_id" in body:
                given = int(body["update_id"])
                self._update_ids = itertools.count(max(given + 1, next(self._update_ids)))
                return self._append_update(body)
            return self._append_update({"update_id": next(self._update_ids), **body})

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        with self._cond:
            return len(self._updates)

    # ================================================================ test-side API: calls
    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Recorded Bot API calls (optionally of one method), oldest first."""
        with self._cond:
            return [dict(c) for c in self._calls if method is None or c["method"].lower() == method.lower()]

    def clear_calls(self) -> None:
        """Forget all recorded calls."""
        with self._cond:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        predicate: Predicate | None = None,
        timeout: float = 10.0,
        count: int = 1,
    ) -> list[dict[str, Any]]:
        """Block until ``count`` recorded calls of ``method`` satisfy ``predicate(params)``.

        Counts every call ever recorded (including failed ones, see ``record["ok"]``).
        Returns the matching records; raises AssertionError listing the calls on timeout.
        Do not call from an event loop thread - use :meth:`wait_for_async` there.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                matches = self._matching(method, predicate)
                if len(matches) >= count:
                    return matches
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_report(method, count, len(matches), timeout))
                self._cond.wait(remaining)

    async def wait_for_async(
        self,
        method: str,
        predicate: Predicate | None = None,
        timeout: float = 10.0,
        count: int = 1,
    ) -> list[dict[str, Any]]:
        """:meth:`wait_for` without blocking the running event loop."""
        return await asyncio.to_thread(self.wait_for, method, predicate, timeout, count)

    def set_failure(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (in ``chat_id`` only, if given) fail with a
        Telegram-style error: 429 carries ``retry_after``; 5xx statuses make bursts of server errors."""
        self._script(method, _Failure(status, retry_after, times, description, chat_id=chat_id))

    def misbehave(
        self,
        method: str,
        mode: str,
        times: int = 1,
        seconds: float = 30.0,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (in ``chat_id`` only, if given) misbehave:
        ``mode="reset"`` resets the connection before processing; ``mode="stall"`` holds each request for
        ``seconds`` before processing it, and drops it unprocessed if the client hangs up first."""
        if mode not in ("reset", "stall"):
            raise ValueError(f"unknown mode {mode!r}")
        self._script(method, _Failure(0, 0, times, None, mode=mode, seconds=seconds, chat_id=chat_id))

    def _script(self, method: str, failure: _Failure) -> None:
        with self._cond:
            self._failures.setdefault(method.lower(), []).append(failure)

    def stalls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Requests that a ``stall`` is holding or held (``{"method", "params", "outcome"}``)."""
        with self._cond:
            return [dict(s) for s in self._stalls if method is None or s["method"].lower() == method.lower()]

    def wait_for_stall(self, method: str, predicate: Predicate | None = None, timeout: float = 10.0) -> dict:
        """Block until a request of ``method`` matching ``predicate`` is being held by a stall."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for stall in self._stalls:
                    if stall["method"].lower() == method.lower() and _safe_match(predicate, stall):
                        return dict(stall)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no {method} request was stalled within {timeout}s")
                self._cond.wait(remaining)

    def file_content(self, file_id: str) -> bytes:
        """Bytes of a known file (e.g. a document the bot uploaded)."""
        with self._cond:
            return self._files[file_id].content

    # ================================================================ HTTP dispatch
    def handle(self, request: HttpRequest) -> HttpResponse:
        """Route ``/bot<TOKEN>/<method>`` and ``/file/bot<TOKEN>/<path>``."""
        if request.path.startswith("/file/bot"):
            return self._serve_file(request.path.removeprefix("/file/bot"))
        if not request.path.startswith("/bot"):
            return TelegramApiError(404, "Not Found").response()
        token, _, method = request.path.removeprefix("/bot").partition("/")
        if token not in self.tokens:
            return TelegramApiError(401, "Unauthorized").response()
        return self._call(method, request)

    def _call(self, method: str, request: HttpRequest) -> HttpResponse:
        """Run one Bot API method, recording the call."""
        entry = self._methods.get(method.lower())
        if entry is None:
            return TelegramApiError(404, "Not Found").response()
        name, function = entry
        try:
            params = parse_params(request)
        except (ValueError, UnicodeDecodeError) as exc:
            return TelegramApiError(400, f"Bad Request: can't parse request: {exc}").response()
        try:
            self._misbehave(name, params, request)
            result = function(params)
        except TelegramApiError as err:
            self._record(name, params, ok=False)
            return err.response()
        self._record(name, params, ok=True)
        return HttpResponse.json({"ok": True, "result": result})

    def _record(self, method: str, params: Params, ok: bool, fault: str | None = None) -> None:
        """Append a call record and wake :meth:`wait_for` callers."""
        with self._cond:
            self._calls.append({"method": method, "params": params, "ok": ok, **({"fault": fault} if fault else {})})
            self._cond.notify_all()

    def _misbehave(self, method: str, params: Params, request: HttpRequest) -> None:
        """Apply the failure scheduled by :meth:`set_failure` or :meth:`misbehave`, if one is due."""
        with self._cond:
            failure = next((f for f in self._failures.get(method.lower(), []) if f.applies(params)), None)
            if failure is None:
                return
            failure.remaining -= 1
        if failure.mode == "status":
            raise failure.error()
        if failure.mode == "reset":
            self._record(method, params, ok=False, fault="reset")
            raise DropConnection
        self._stall(method, params, request, failure.seconds)

    def _stall(self, method: str, params: Params, request: HttpRequest, seconds: float) -> None:
        """Hold the request; drop it unprocessed if the client hangs up (or the server stops) first."""
        stall = {"method": method, "params": params, "outcome": "held"}
        with self._cond:
            self._stalls.append(stall)
            self._cond.notify_all()
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if request.client_gone() or self._stopping.wait(0.05):
                with self._cond:
                    stall["outcome"] = "abandoned"
                self._record(method, params, ok=False, fault="abandoned")
                raise DropConnection
        with self._cond:
            stall["outcome"] = "processed"

    def _serve_file(self, rest: str) -> HttpResponse:
        """``GET /file/bot<TOKEN>/<file_path>``: the stored bytes."""
        token, _, file_path = rest.partition("/")
        if token not in self.tokens:
            return TelegramApiError(401, "Unauthorized").response()
        with self._cond:
            stored = next((f for f in self._files.values() if f.file_path == file_path), None)
        if stored is None:
            return TelegramApiError(404, "Not Found").response()
        return HttpResponse(body=stored.content, content_type="application/octet-stream")

    def _on_stop(self) -> None:
        """Wake long polls and waiters so handler threads finish quickly."""
        with self._cond:
            self._cond.notify_all()

    def _method_table(self) -> dict[str, tuple[str, Callable[[Params], Any]]]:
        """Lower-cased method name -> (canonical name, handler)."""
        handlers: dict[str, Callable[[Params], Any]] = {
            "getMe": self._m_get_me,
            "logOut": lambda _p: True,
            "close": lambda _p: True,
            "getUpdates": self._m_get_updates,
            "setWebhook": self._m_set_webhook,
            "deleteWebhook": self._m_delete_webhook,
            "getWebhookInfo": self._m_get_webhook_info,
            "setMyCommands": self._m_set_my_commands,
            "getMyCommands": self._m_get_my_commands,
            "deleteMyCommands": self._m_delete_my_commands,
            "sendMessage": self._m_send_message,
            "editMessageText": self._m_edit_message_text,
            "sendChatAction": self._m_send_chat_action,
            "answerCallbackQuery": self._m_answer_callback_query,
            "sendDocument": self._m_send_document,
            "getFile": self._m_get_file,
        }
        return {name.lower(): (name, handler) for name, handler in handlers.items()}

    # ================================================================ methods: updates/webhook
    def _m_get_me(self, _params: Params) -> dict[str, Any]:
        """The bot's own User object."""
        return {
            **self.bot,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _m_get_updates(self, params: Params) -> list[dict[str, Any]]:
        """Long polling: confirm by ``offset``, wait up to ``timeout`` (capped) for updates."""
        if self._webhook_url:
            raise TelegramApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
        deadline = time.monotonic() + wait
        with self._cond:
            self._confirm(params.get("offset"))
            while not self._updates and not self._stopping.is_set():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return [dict(update) for update in self._updates[:limit]]

    def _confirm(self, offset: Any) -> None:
        """Drop updates confirmed by ``offset`` (negative: keep only the last -offset)."""
        if offset is None or offset == "":
            return
        value = int(offset)
        if value < 0:
            self._updates = self._updates[value:]
        else:
            self._updates = [u for u in self._updates if u["update_id"] >= value]

    def _m_set_webhook(self, params: Params) -> bool:
        """Store the webhook URL (empty string removes it)."""
        with self._cond:
            self._webhook_url = str(params.get("url") or "")
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _m_delete_webhook(self, params: Params) -> bool:
        """Remove the webhook; optionally drop pending updates."""
        with self._cond:
            self._webhook_url = ""
            if params.get("drop_pending_updates"):
                self._updates.clear()
        return True

    def _m_get_webhook_info(self, _params: Params) -> dict[str, Any]:
        """Current webhook state."""
        with self._cond:
            info: dict[str, Any] = {
                "url": self._webhook_url,
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self._webhook_url:
                info["max_connections"] = 40
            return info

    # ================================================================ methods: commands
    @staticmethod
    def _commands_key(params: Params) -> str:
        """Storage key of a command list: scope type + language code."""
        scope = params.get("scope")
        scope_type = scope.get("type", "default") if isinstance(scope, dict) else "default"
        return f"{scope_type}|{params.get('language_code') or ''}"

    def _m_set_my_commands(self, params: Params) -> bool:
        """Validate and store the command list."""
        commands = _require(params, "commands")
        if not isinstance(commands, list):
            raise TelegramApiError(400, "Bad Request: can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND_RE.match(str(command.get("command", ""))):
                raise TelegramApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise TelegramApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        with self._cond:
            self._commands[self._commands_key(params)] = [dict(c) for c in commands]
        return True

    def _m_get_my_commands(self, params: Params) -> list[dict[str, Any]]:
        """The stored command list for the scope."""
        with self._cond:
            return list(self._commands.get(self._commands_key(params), []))

    def _m_delete_my_commands(self, params: Params) -> bool:
        """Forget the command list for the scope."""
        with self._cond:
            self._commands.pop(self._commands_key(params), None)
        return True

    # ================================================================ methods: messages
    def _m_send_message(self, params: Params) -> dict[str, Any]:
        """Create a bot message (text 1..4096 UTF-16 units)."""
        chat_id = _as_chat_id(params.get("chat_id"))
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise TelegramApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > MAX_TEXT_LENGTH:
            raise TelegramApiError(400, "Bad Request: message is too long")
        with self._cond:
            message = self._bot_message(chat_id, params)
            message["text"] = text
            return dict(message)

    def _m_edit_message_text(self, params: Params) -> dict[str, Any] | bool:
        """Edit a bot message's text (and inline keyboard) like Telegram does."""
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise TelegramApiError(400, "Bad Request: message text is empty")
        if params.get("inline_message_id"):
            return True
        chat_id = _as_chat_id(params.get("chat_id"))
        message_id = int(_require(params, "message_id"))
        with self._cond:
            current = self._messages.get((chat_id, message_id))
            if current is None:
                raise TelegramApiError(400, "Bad Request: message to edit not found")
            if current.get("from", {}).get("id") != self.bot["id"]:
                raise TelegramApiError(400, "Bad Request: message can't be edited")
            return dict(self._apply_edit(current, text, _inline_markup(params)))

    def _apply_edit(
        self, current: dict[str, Any], text: str, markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Store the edited message; reject no-op edits as Telegram does."""
        if current.get("text") == text and current.get("reply_markup") == markup:
            raise TelegramApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message",
            )
        edited = {**current, "text": text, "edit_date": int(time.time())}
        edited.pop("reply_markup", None)
        if markup is not None:
            edited["reply_markup"] = markup
        self._messages[(current["chat"]["id"], current["message_id"])] = edited
        return edited

    def _m_send_chat_action(self, params: Params) -> bool:
        """Accept a chat action."""
        _as_chat_id(params.get("chat_id"))
        _require(params, "action")
        return True

    def _m_answer_callback_query(self, params: Params) -> bool:
        """Answer a known callback query id."""
        query_id = str(_require(params, "callback_query_id"))
        with self._cond:
            if query_id not in self._callback_ids:
                raise TelegramApiError(
                    400, "Bad Request: query is too old and response timeout expired or query ID is invalid"
                )
        return True

    # ================================================================ methods: files
    def _m_send_document(self, params: Params) -> dict[str, Any]:
        """Create a bot message with a document (uploaded, known file_id, or URL)."""
        chat_id = _as_chat_id(params.get("chat_id"))
        document = _require(params, "document")
        with self._cond:
            stored, file_name, mime = self._resolve_document(document)
            message = self._bot_message(chat_id, params)
            message["document"] = self._document_object(stored, file_name, mime)
            if isinstance(params.get("caption"), str):
                message["caption"] = params["caption"]
            return dict(message)

    def _resolve_document(self, document: Any) -> tuple[_StoredFile, str, str | None]:
        """Turn a ``document`` parameter into a stored file plus name and MIME type."""
        if isinstance(document, dict):
            name = str(document.get("filename") or "document")
            stored = self._store_file(document["content"], f"documents/{name}")
            return stored, name, document.get("content_type")
        text = str(document)
        if text in self._files:
            known = self._files[text]
            return known, known.file_path.rsplit("/", 1)[-1], None
        name = text.rstrip("/").rsplit("/", 1)[-1] or "document"
        return self._store_file(b"", f"documents/{name}"), name, None

    def _m_get_file(self, params: Params) -> dict[str, Any]:
        """File metadata with a relative ``file_path`` (PTB prefixes base_file_url)."""
        file_id = str(_require(params, "file_id"))
        with self._cond:
            stored = self._files.get(file_id)
        if stored is None:
            raise TelegramApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }

    # ================================================================ state helpers (lock held)
    def _enqueue(self, key: str, payload: dict[str, Any]) -> int:
        """Wrap ``payload`` in a new update under ``key`` and queue it."""
        return self._append_update({"update_id": next(self._update_ids), key: payload})

    def _append_update(self, update: dict[str, Any]) -> int:
        """Queue a complete update and wake long polls."""
        with self._cond:
            self._updates.append(update)
            self._cond.notify_all()
        return int(update["update_id"])

    @staticmethod
    def _message_key(chat_type: str) -> str:
        """Update field for a new message in a chat of this type."""
        return "channel_post" if chat_type == "channel" else "message"

    def _user(self, user_id: int, username: str | None) -> dict[str, Any]:
        """A (human) Telegram User object."""
        user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": (username or f"user{user_id}").capitalize(),
            "language_code": "en",
        }
        if username:
            user["username"] = username
        return user

    def _register_chat(self, chat_id: int, chat_type: str, username: str | None) -> dict[str, Any]:
        """Create/refresh the Chat object for ``chat_id``."""
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = (username or f"user{chat_id}").capitalize()
            if username:
                chat["username"] = username
        else:
            chat["title"] = f"Test {chat_type} {chat_id}"
        self._chats[chat_id] = chat
        return chat

    def _chat_for(self, chat_id: int | str) -> dict[str, Any]:
        """The known Chat for ``chat_id`` or a plausible one (the fake does not reject chats)."""
        if chat_id in self._chats:
            return self._chats[chat_id]
        if isinstance(chat_id, str):
            chat = {
                "id": -1000000000000 - len(self._chats),
                "type": "channel",
                "title": chat_id,
                "username": chat_id.lstrip("@"),
            }
        elif chat_id > 0:
            chat = {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        else:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            chat = {"id": chat_id, "type": kind, "title": f"Test {kind} {chat_id}"}
        self._chats[chat_id] = chat
        return chat

    def _new_message(self, chat: dict[str, Any], chat_key: int | str) -> dict[str, Any]:
        """A bare Message with the next per-chat id, stored under (chat_key, id)."""
        message_id = self._message_ids.get(chat_key, 0) + 1
        self._message_ids[chat_key] = message_id
        message = {"message_id": message_id, "date": int(time.time()), "chat": chat}
        self._messages[(chat_key, message_id)] = message
        return message

    def _user_message(
        self, chat_id: int, user_id: int, chat_type: str, username: str | None
    ) -> dict[str, Any]:
        """A new incoming Message skeleton from a user (or a channel post)."""
        chat = self._register_chat(chat_id, chat_type, username)
        message = self._new_message(chat, chat_id)
        if chat_type == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = self._user(user_id, username)
        return message

    def _bot_message(self, chat_id: int | str, params: Params) -> dict[str, Any]:
        """A new outgoing Message from the bot, with inline keyboard and reply echoed."""
        message = self._new_message(self._chat_for(chat_id), chat_id)
        message["from"] = dict(self.bot)
        if (markup := _inline_markup(params)) is not None:
            message["reply_markup"] = markup
        replied = self._replied_message(chat_id, params)
        if replied is not None:
            message["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        return message

    def _replied_message(self, chat_id: int | str, params: Params) -> dict[str, Any] | None:
        """The stored message referenced by ``reply_parameters``/``reply_to_message_id``."""
        reply = params.get("reply_parameters")
        target = reply.get("message_id") if isinstance(reply, dict) else params.get("reply_to_message_id")
        if target is None:
            return None
        return self._messages.get((chat_id, int(target)))

    def _latest_bot_message(self, chat_id: int) -> dict[str, Any]:
        """The bot's newest message in the chat, or a new placeholder one."""
        for (key, _), message in reversed(self._messages.items()):
            if key == chat_id and message.get("from", {}).get("id") == self.bot["id"]:
                return message
        return self._placeholder(chat_id, None)

    def _placeholder(self, chat_id: int, message_id: int | None) -> dict[str, Any]:
        """A bot message the test refers to but the bot never sent."""
        chat = self._chat_for(chat_id)
        if message_id is None:
            message = self._new_message(chat, chat_id)
        else:
            message = {"message_id": message_id, "date": int(time.time()), "chat": chat}
            self._messages[(chat_id, message_id)] = message
        message.update({"from": dict(self.bot), "text": "(earlier bot message)"})
        return message

    def _find_user_message(self, chat_id: int, user_id: int, message_id: int | None) -> dict[str, Any]:
        """The message to edit in :meth:`push_edited_message`."""
        if message_id is not None:
            found = self._messages.get((chat_id, message_id))
            if found is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            return found
        for (key, _), message in reversed(self._messages.items()):
            if key == chat_id and message.get("from", {}).get("id") == user_id:
                return message
        raise KeyError(f"no message from user {user_id} in chat {chat_id}")

    def _store_file(self, content: bytes, file_path: str) -> _StoredFile:
        """Register bytes under a fresh file_id; the path is made unique."""
        number = next(self._ids)
        directory, _, name = file_path.rpartition("/")
        unique_path = f"{directory}/file_{number}_{name}"
        stored = _StoredFile(f"BQACAgIAAxkFake{number}", f"AgADFake{number}", unique_path, content)
        self._files[stored.file_id] = stored
        return stored

    @staticmethod
    def _document_object(stored: _StoredFile, file_name: str, mime_type: str | None) -> dict[str, Any]:
        """A Document object for a stored file."""
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": file_name,
            "mime_type": mime,
            "file_size": len(stored.content),
        }

    def _matching(self, method: str, predicate: Predicate | None) -> list[dict[str, Any]]:
        """Recorded calls of ``method`` whose params satisfy ``predicate``."""
        wanted = method.lower()
        return [dict(c) for c in self._calls if c["method"].lower() == wanted and _safe_match(predicate, c)]

    def _timeout_report(self, method: str, count: int, got: int, timeout: float) -> str:
        """AssertionError text for :meth:`wait_for`, listing non-polling calls."""
        lines = [
            f"  {c['method']} ok={c['ok']} {c['params']!r}"
            for c in self._calls
            if c["method"] != "getUpdates"
        ]
        recorded = "\n".join(lines) or "  (none besides getUpdates)"
        return f"expected {count} matching {method} call(s) within {timeout}s, got {got}; calls:\n{recorded}"
