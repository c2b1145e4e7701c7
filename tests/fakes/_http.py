"""Shared machinery for the hand-written fake HTTP servers used in tests.

A fake subclasses :class:`FakeHTTPServer` and implements :meth:`FakeHTTPServer.handle`,
which maps an :class:`HttpRequest` to an :class:`HttpResponse`.  The base class runs a
stdlib ``ThreadingHTTPServer`` on ``127.0.0.1`` (a free port) in a daemon thread and is a
context manager.  Nothing is started or bound at import time.
"""

from __future__ import annotations

import json
import select
import socket
import socketserver
import struct
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import unquote, urlsplit

__all__ = ["DropConnection", "FakeHTTPServer", "HttpRequest", "HttpResponse"]


class DropConnection(Exception):
    """Raised by a handler: the server resets the connection (TCP RST) without sending a response."""


@dataclass(frozen=True)
class HttpRequest:
    """One parsed incoming HTTP request.

    ``headers`` keys are lower-cased; ``path`` is percent-decoded and excludes the query string.
    """

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    connection: socket.socket | None = field(default=None, compare=False, repr=False)

    def client_gone(self) -> bool:
        """True once the client has closed (or reset) its end of the connection, e.g. after a timeout."""
        if self.connection is None:
            return False
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True


@dataclass
class HttpResponse:
    """A response to send.

    ``body`` as ``bytes`` is sent with a ``Content-Length``; as a ``list`` of byte chunks it
    is sent with ``Transfer-Encoding: chunked`` (one HTTP chunk per item), as streaming
    servers do.
    """

    status: int = 200
    body: bytes | list[bytes] = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
        """Build a JSON response from a JSON-serialisable ``payload``."""
        body = json.dumps(payload).encode("utf-8")
        return cls(status=status, body=body, headers=dict(headers or {}))


Handler = Callable[[HttpRequest], HttpResponse]


class _Server(ThreadingHTTPServer):
    """ThreadingHTTPServer that remembers open connections so it can sever them on close."""

    daemon_threads = True

    def __init__(self, app: Handler) -> None:
        self.app = app
        self._conn_lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        super().__init__(("127.0.0.1", 0), _RequestHandler)

    def server_bind(self) -> None:
        """Bind without ``HTTPServer.server_bind``'s reverse-DNS ``getfqdn`` (can be slow)."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Track the connection before handing it to a worker thread."""
        with self._conn_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        """Forget the connection once its worker is done with it."""
        with self._conn_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client hanging up mid-response is what several tests do on purpose (a PDF refused while
        streaming, a fetch deadline): not worth a traceback in the test output. Anything else still is."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    def sever_connections(self) -> None:
        """Shut down every open (e.g. idle keep-alive) connection so worker threads exit."""
        with self._conn_lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _RequestHandler(BaseHTTPRequestHandler):
    """Reads a request, delegates to the server's app and writes the response."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - stdlib naming
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def do_PUT(self) -> None:  # noqa: N802
        self._dispatch()

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep test output quiet."""

    def _read_body(self) -> bytes:
        """Read the request body (Content-Length or chunked)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        """Decode a ``Transfer-Encoding: chunked`` request body."""
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _build_request(self) -> HttpRequest:
        """Turn the raw request into an :class:`HttpRequest`."""
        split = urlsplit(self.path)
        headers = {key.lower(): value for key, value in self.headers.items()}
        return HttpRequest(self.command, unquote(split.path), split.query, headers, self._read_body(),
                           connection=self.connection)

    def _dispatch(self) -> None:
        """Handle one request; never let an app exception kill the connection silently."""
        request = self._build_request()
        try:
            response = self.server.app(request)
        except DropConnection:
            self._reset()
            return
        except Exception:  # noqa: BLE001 - report server bugs to the client
            text = traceback.format_exc()
            response = HttpResponse(status=500, body=text.encode(), content_type="text/plain")
        try:
            self._send(response)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True

    def _reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), as a crashed proxy would."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _send(self, response: HttpResponse) -> None:
        """Write status line, headers and body."""
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        for key, value in response.headers.items():
            self.send_header(key, value)
        if isinstance(response.body, list):
            self._send_chunked(response.body)
            return
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)
        self.wfile.flush()

    def _send_chunked(self, chunks: list[bytes]) -> None:
        """Write ``chunks`` using chunked transfer encoding."""
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in chunks:
            if chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()


class FakeHTTPServer:
    """Base class: a threaded local HTTP server usable as a context manager.

    Subclasses implement :meth:`handle`.  Long waits inside ``handle`` should use
    ``self._stopping.wait(seconds)`` so they end promptly when the server stops.
    Exceptions raised by ``handle`` become HTTP 500 responses and are kept in
    :attr:`errors` so a test can assert the fake itself did not break.
    """

    def __init__(self) -> None:
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.errors: list[str] = []

    def handle(self, request: HttpRequest) -> HttpResponse:
        """Answer one request (implemented by subclasses)."""
        raise NotImplementedError

    @property
    def port(self) -> int:
        """The bound TCP port (only valid while running)."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        """Bind a free port on 127.0.0.1 and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError(f"{type(self).__name__} is already running")
        self._stopping.clear()
        self._server = _Server(self._safe_handle)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake pending waits, stop serving, sever connections and close the socket."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        self._on_stop()
        server.shutdown()
        server.sever_connections()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None

    def _on_stop(self) -> None:
        """Hook for subclasses to wake their own waiters (default: nothing)."""

    def _safe_handle(self, request: HttpRequest) -> HttpResponse:
        """Call :meth:`handle`, recording tracebacks of unexpected failures."""
        try:
            return self.handle(request)
        except DropConnection:
            raise
        except Exception:
            self.errors.append(traceback.format_exc())
            raise

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
