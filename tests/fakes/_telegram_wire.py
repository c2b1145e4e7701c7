"""Request-parameter decoding for the fake Telegram Bot API server.

The Bot API accepts parameters as a query string, ``application/x-www-form-urlencoded``,
``application/json`` or ``multipart/form-data``.  python-telegram-bot v22 (httpx) sends
url-encoded forms, or multipart when uploading files; in both cases every non-string value
is JSON-encoded (``chat_id=1``, ``reply_markup={"inline_keyboard": ...}``).
"""

from __future__ import annotations

import json
from email.message import Message
from typing import Any
from urllib.parse import parse_qsl

from tests.fakes._http import HttpRequest

__all__ = ["UploadedFile", "parse_params"]

# Parameters whose value is free text and must never be JSON-decoded ("123" stays "123").
STRING_PARAMS = frozenset(
    (
        "text caption callback_query_id inline_message_id url secret_token parse_mode file_id "
        "action language_code description short_description name title query emoji question "
        "explanation ip_address business_connection_id message_effect_id custom_title "
        "first_name last_name phone_number vcard address payload currency provider_token "
        "start_parameter invite_link game_short_name switch_pm_text switch_pm_parameter "
        "next_offset sticker document photo audio video voice animation video_note thumbnail "
        "certificate"
    ).split()
)

# A file part of a multipart upload: {"filename": str | None, "content": bytes, "content_type": str}.
UploadedFile = dict[str, Any]


def _decode_value(key: str, value: str) -> Any:
    """JSON-decode a form value unless it is known free text or not valid JSON."""
    if key in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _decode_pairs(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Decode url-encoded key/value pairs (last value wins)."""
    return {key: _decode_value(key, value) for key, value in pairs}


def _header_params(raw_headers: bytes) -> Message:
    """Parse a block of MIME headers into an :class:`email.message.Message`."""
    message = Message()
    for line in raw_headers.decode("utf-8", "replace").split("\r\n"):
        name, sep, value = line.partition(":")
        if sep:
            message[name.strip()] = value.strip()
    return message


def _boundary(content_type: str) -> bytes:
    """The multipart boundary from a Content-Type header value."""
    message = Message()
    message["Content-Type"] = content_type
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart body without boundary")
    return boundary.encode("latin-1")


def _split_parts(body: bytes, boundary: bytes) -> list[bytes]:
    """Split a multipart body into raw parts (headers + CRLFCRLF + content)."""
    parts: list[bytes] = []
    for chunk in body.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        parts.append(chunk.removesuffix(b"\r\n"))
    return parts


def _parse_multipart(body: bytes, content_type: str) -> dict[str, Any]:
    """Decode ``multipart/form-data``: fields are decoded, files become :data:`UploadedFile`."""
    params: dict[str, Any] = {}
    for part in _split_parts(body, _boundary(content_type)):
        raw_headers, _, content = part.partition(b"\r\n\r\n")
        headers = _header_params(raw_headers)
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        filename = headers.get_filename()
        if filename is None and "content-type" not in headers:
            params[name] = _decode_value(name, content.decode("utf-8"))
        else:
            ctype = headers.get("content-type", "application/octet-stream")
            params[name] = {"filename": filename, "content": content, "content_type": ctype}
    return params


def parse_params(request: HttpRequest) -> dict[str, Any]:
    """All Bot API parameters of ``request`` (query string merged with the body)."""
    params = _decode_pairs(parse_qsl(request.query, keep_blank_values=True))
    content_type = request.headers.get("content-type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if not request.body:
        return params
    if media_type == "application/json":
        decoded = json.loads(request.body)
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        params.update(decoded)
    elif media_type == "multipart/form-data":
        params.update(_parse_multipart(request.body, content_type))
    else:
        text = request.body.decode("utf-8")
        params.update(_decode_pairs(parse_qsl(text, keep_blank_values=True)))
    return params
