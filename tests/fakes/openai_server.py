"""A fake OpenAI-compatible HTTP API for tests (standard library only).

Speaks enough of the wire protocol for the real ``openai`` and ``langchain-openai``
clients: ``POST /v1/chat/completions`` (plain, tool calls, SSE streaming, errors),
``POST /v1/embeddings`` (float and base64 encodings) and ``GET /v1/models``.

Example::

    with FakeOpenAI() as fake:
        fake.queue(Reply("hello"), Reply(status=429))
        client = openai.OpenAI(base_url=fake.base_url, api_key="x", max_retries=0)
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from tests.fakes._http import FakeHTTPServer, HttpRequest, HttpResponse

__all__ = ["FakeOpenAI", "Reply", "fake_embedding"]

DEFAULT_MODEL_ID = "fake-model"
_NO_REPLY = "fake server: no scripted reply"
# status -> (error type, error code), shaped like the real API's error bodies.
_ERROR_KINDS: dict[int, tuple[str, str | None]] = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
}


@dataclass(frozen=True)
class Reply:
    """One scripted answer to a chat-completions request.

    Attributes:
        content: assistant text (or the error message when ``status != 200``).
        status: HTTP status; anything but 200 produces an OpenAI-style error body.
        delay: seconds to wait before answering (to provoke client timeouts).
        tool_args: if set, answer with a single tool call carrying these arguments
            (a dict is JSON-encoded, a str is sent verbatim).
        body: if set, sent verbatim as the response body (malformed-response tests).
        headers: extra response headers.
    """

    content: str | None = None
    status: int = 200
    delay: float = 0.0
    tool_args: dict[str, Any] | str | None = None
    body: str | None = None
    headers: dict[str, str] | None = None


def _features(text: str) -> list[str]:
    """Character trigrams of the lower-cased, space-padded text."""
    padded = f"  {' '.join(text.lower().split())}  "
    return [padded[i : i + 3] for i in range(len(padded) - 2)]


def _token_features(tokens: list[int]) -> list[str]:
    """Unigrams and bigrams of a token-id array (langchain may send token ids)."""
    unigrams = [str(tok) for tok in tokens]
    return unigrams + [f"{a} {b}" for a, b in zip(unigrams, unigrams[1:], strict=False)]


def _hash_vector(features: list[str], dim: int) -> list[float]:
    """Signed feature hashing into ``dim`` buckets, L2-normalised."""
    vec = [0.0] * dim
    for feat in features:
        digest = hashlib.blake2b(feat.encode("utf-8"), digest_size=8).digest()
        number = int.from_bytes(digest, "little")
        vec[number % dim] += 1.0 if (number >> 63) & 1 else -1.0
    norm = math.sqrt(sum(x * x for x in vec))
    if norm == 0.0:
        return [1.0] + [0.0] * (dim - 1)
    return [x / norm for x in vec]


def fake_embedding(item: str | list[int], dim: int = 64) -> list[float]:
    """The deterministic unit vector the fake returns for ``item`` (text or token ids)."""
    features = _features(item) if isinstance(item, str) else _token_features(item)
    return _hash_vector(features, dim)


def _encode_base64(vector: list[float]) -> str:
    """Base64 of the little-endian float32 array, as the real API sends it."""
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode("ascii")


def _embedding_inputs(raw: Any) -> list[str | list[int]]:
    """Normalise the ``input`` field (str, list[str], list[int] or list[list[int]])."""
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, list) and raw and all(isinstance(x, int) for x in raw):
        return [raw]
    if isinstance(raw, list) and all(isinstance(x, str | list) for x in raw):
        return list(raw)
    raise ValueError("'input' must be a string, an array of strings or an array of token arrays")


def _count_words(value: Any) -> int:
    """A crude token count: whitespace-separated words in all string leaves."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, list):
        return sum(_count_words(v) for v in value)
    if isinstance(value, dict):
        return sum(_count_words(v) for v in value.values())
    return 1 if isinstance(value, int) else 0


def _error_response(status: int, message: str, headers: dict[str, str] | None = None) -> HttpResponse:
    """An OpenAI-style error body with the given status."""
    err_type, code = _ERROR_KINDS.get(status, ("server_error", None))
    payload = {"error": {"message": message, "type": err_type, "param": None, "code": code}}
    all_headers = {"retry-after": "0"} if status == 429 else {}
    all_headers.update(headers or {})
    return HttpResponse.json(payload, status=status, headers=all_headers)


def _tool_name(request: dict[str, Any]) -> str:
    """Name of the forced tool_choice, else of the first tool in the request."""
    choice = request.get("tool_choice")
    if isinstance(choice, dict):
        name = (choice.get("function") or {}).get("name") or choice.get("name")
        if name:
            return str(name)
    for tool in request.get("tools") or []:
        name = (tool.get("function") or {}).get("name") or tool.get("name")
        if name:
            return str(name)
    return "tool"


def _tool_calls(request: dict[str, Any], tool_args: dict[str, Any] | str) -> list[dict[str, Any]]:
    """The single ``tool_calls`` entry for a tool-call reply."""
    arguments = tool_args if isinstance(tool_args, str) else json.dumps(tool_args)
    function = {"name": _tool_name(request), "arguments": arguments}
    return [{"id": "call_1", "type": "function", "function": function}]


def _sse(chunks: list[dict[str, Any]]) -> list[bytes]:
    """Server-sent-event frames for ``chunks`` followed by ``[DONE]``."""
    frames = [f"data: {json.dumps(chunk)}\n\n".encode() for chunk in chunks]
    return frames + [b"data: [DONE]\n\n"]


def _split_text(text: str, parts: int = 3) -> list[str]:
    """Split ``text`` into at most ``parts`` non-empty pieces."""
    if not text:
        return []
    step = max(1, math.ceil(len(text) / parts))
    return [text[i : i + step] for i in range(0, len(text), step)]


class FakeOpenAI(FakeHTTPServer):
    """Scriptable fake of the OpenAI HTTP API.

    Args:
        embedding_dim: default dimension of ``/v1/embeddings`` vectors (a request's
            ``dimensions`` field overrides it).
        model_id: the single model listed by ``GET /v1/models``.

    Attributes:
        requests: every request received, as its parsed JSON body plus ``"path"`` and
            ``"headers"`` (lower-cased keys).  GETs record an otherwise empty dict.
    """

    def __init__(self, embedding_dim: int = 64, model_id: str = DEFAULT_MODEL_ID) -> None:
        super().__init__()
        self.embedding_dim = embedding_dim
        self.model_id = model_id
        self.requests: list[dict[str, Any]] = []
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._counter = 0

    # ----------------------------------------------------------------- test-side API
    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1`` - pass as ``base_url`` to the clients."""
        return f"{self.root_url}/v1"

    def queue(self, *replies: Reply) -> None:
        """Append replies to the FIFO script used by ``/v1/chat/completions``."""
        with self._lock:
            self._replies.extend(replies)

    @property
    def pending(self) -> int:
        """How many scripted replies have not been consumed yet."""
        with self._lock:
            return len(self._replies)

    def chat_requests(self) -> list[dict[str, Any]]:
        """The recorded ``/v1/chat/completions`` requests."""
        with self._lock:
            return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    # ----------------------------------------------------------------- dispatch
    def handle(self, request: HttpRequest) -> HttpResponse:
        """Route one HTTP request."""
        try:
            body = self._record(request)
        except ValueError as exc:
            return _error_response(400, f"We could not parse the JSON body of your request: {exc}")
        path = request.path.rstrip("/")
        if request.method == "POST" and path == "/v1/chat/completions":
            return self._chat(body)
        if request.method == "POST" and path == "/v1/embeddings":
            return self._embeddings(body)
        if request.method == "GET" and path == "/v1/models":
            return HttpResponse.json({"object": "list", "data": [self._model_object()]})
        if request.method == "GET" and path == f"/v1/models/{self.model_id}":
            return HttpResponse.json(self._model_object())
        return _error_response(404, f"Invalid URL ({request.method} {request.path})")

    def _record(self, request: HttpRequest) -> dict[str, Any]:
        """Parse the JSON body and append it (plus path and headers) to :attr:`requests`."""
        entry: dict[str, Any] = {"path": request.path, "headers": dict(request.headers)}
        body: dict[str, Any] = {}
        error: ValueError | None = None
        if request.body:
            try:
                parsed = json.loads(request.body)
                body = parsed if isinstance(parsed, dict) else {"raw": parsed}
            except ValueError as exc:
                body, error = {"raw": request.body.decode("utf-8", "replace")}, exc
        with self._lock:
            self.requests.append({**body, **entry})
        if error is not None:
            raise error
        return body

    def _next_id(self, prefix: str) -> str:
        """A unique response id."""
        with self._lock:
            self._counter += 1
            return f"{prefix}-fake{self._counter}"

    def _model_object(self) -> dict[str, Any]:
        """The model entry of ``/v1/models``."""
        return {"id": self.model_id, "object": "model", "created": 1700000000, "owned_by": "fake"}

    # ----------------------------------------------------------------- chat
    def _pop_reply(self) -> Reply | None:
        """Next scripted reply, or None if the script is exhausted."""
        with self._lock:
            return self._replies.popleft() if self._replies else None

    def _chat(self, request: dict[str, Any]) -> HttpResponse:
        """Answer ``POST /v1/chat/completions`` from the script."""
        reply = self._pop_reply()
        if reply is None:
            return _error_response(500, _NO_REPLY)
        if reply.delay > 0:
            self._stopping.wait(reply.delay)
        extra = dict(reply.headers or {})
        if reply.status != 200:
            message = reply.content or f"fake server: scripted error {reply.status}"
            return _error_response(reply.status, message, extra)
        if reply.body is not None:
            return HttpResponse(status=200, body=reply.body.encode("utf-8"), headers=extra)
        if request.get("stream"):
            chunks = self._stream_chunks(request, reply)
            return HttpResponse(body=_sse(chunks), content_type="text/event-stream", headers=extra)
        return HttpResponse.json(self._completion(request, reply), headers=extra)

    def _message_and_finish(self, request: dict[str, Any], reply: Reply) -> tuple[dict[str, Any], str]:
        """The assistant message and finish_reason for a successful reply."""
        message: dict[str, Any] = {"role": "assistant", "content": reply.content, "refusal": None}
        if reply.tool_args is None:
            return message, "stop"
        message["tool_calls"] = _tool_calls(request, reply.tool_args)
        return message, "tool_calls"

    def _usage(self, request: dict[str, Any], reply: Reply) -> dict[str, int]:
        """Plausible usage numbers."""
        prompt = _count_words(request.get("messages"))
        completion = _count_words(reply.content) + _count_words(reply.tool_args)
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    def _envelope(self, request: dict[str, Any], obj: str) -> dict[str, Any]:
        """Fields shared by completions and completion chunks."""
        return {
            "id": self._next_id("chatcmpl"),
            "object": obj,
            "created": int(time.time()),
            "model": request.get("model") or self.model_id,
            "system_fingerprint": "fp_fake",
        }

    def _completion(self, request: dict[str, Any], reply: Reply) -> dict[str, Any]:
        """A full non-streamed ``chat.completion`` object."""
        message, finish = self._message_and_finish(request, reply)
        choice = {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
        envelope = self._envelope(request, "chat.completion")
        return {**envelope, "choices": [choice], "usage": self._usage(request, reply)}

    def _stream_chunks(self, request: dict[str, Any], reply: Reply) -> list[dict[str, Any]]:
        """The ``chat.completion.chunk`` objects of a streamed reply."""
        envelope = self._envelope(request, "chat.completion.chunk")
        deltas: list[dict[str, Any]] = [{"role": "assistant", "content": "", "refusal": None}]
        deltas += [{"content": piece} for piece in _split_text(reply.content or "")]
        finish = "stop"
        if reply.tool_args is not None:
            deltas += self._tool_deltas(request, reply.tool_args)
            finish = "tool_calls"
        chunks = [self._chunk(envelope, delta, None) for delta in deltas]
        chunks.append(self._chunk(envelope, {}, finish))
        if (request.get("stream_options") or {}).get("include_usage"):
            chunks.append({**envelope, "choices": [], "usage": self._usage(request, reply)})
        return chunks

    @staticmethod
    def _chunk(envelope: dict[str, Any], delta: dict[str, Any], finish: str | None) -> dict[str, Any]:
        """One streamed chunk with a single choice."""
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return {**envelope, "choices": [choice]}

    @staticmethod
    def _tool_deltas(request: dict[str, Any], tool_args: dict[str, Any] | str) -> list[dict[str, Any]]:
        """Streamed tool-call deltas: header (id, name) then the arguments."""
        call = _tool_calls(request, tool_args)[0]
        head = {**call, "index": 0, "function": {"name": call["function"]["name"], "arguments": ""}}
        args = {"index": 0, "function": {"arguments": call["function"]["arguments"]}}
        return [{"tool_calls": [head]}, {"tool_calls": [args]}]

    # ----------------------------------------------------------------- embeddings
    def _embeddings(self, request: dict[str, Any]) -> HttpResponse:
        """Answer ``POST /v1/embeddings`` with deterministic trigram-hash vectors."""
        try:
            items = _embedding_inputs(request.get("input"))
        except ValueError as exc:
            return _error_response(400, str(exc))
        dim = int(request.get("dimensions") or self.embedding_dim)
        as_base64 = request.get("encoding_format") == "base64"
        data = [self._embedding_entry(i, item, dim, as_base64) for i, item in enumerate(items)]
        tokens = sum(len(item) if isinstance(item, list) else _count_words(item) for item in items)
        payload = {
            "object": "list",
            "data": data,
            "model": request.get("model") or self.model_id,
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
        }
        return HttpResponse.json(payload)

    @staticmethod
    def _embedding_entry(index: int, item: str | list[int], dim: int, as_base64: bool) -> dict[str, Any]:
        """One ``data`` entry of the embeddings response."""
        vector = fake_embedding(item, dim)
        embedding: list[float] | str = _encode_base64(vector) if as_base64 else vector
        return {"object": "embedding", "index": index, "embedding": embedding}
