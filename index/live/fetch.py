"""Fetch one URL with every cost bounded (connections, bytes, seconds) and turn a page into an Article.

Errors, all subclasses of `FetchError` (one clear line each, never a traceback):

    FetchError          bad scheme, HTTP error status, redirect loop or too many redirects,
                        page not HTML (PDF, image...), no article text in the page
      FetchTimeout      connect/read timeout, or the total deadline passed while streaming
      FetchTooLarge     Content-Length or the streamed body beyond `max_bytes`
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpx

from index.articles import Article
from index.config import FetchLimits
from index.decoding import decode
from index.sources import from_html

USER_AGENT = FetchLimits.user_agent
DEFAULT_LIMITS = FetchLimits()
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
                        "text/xml", "application/x-rss+xml"})
_ACCEPT = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.1"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_URL = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.-]+)""")
# Browsers decode pages labelled Latin-1/ASCII as Windows-1252 (WHATWG encoding spec); so do we.
_WINDOWS_ALIASES = {"iso8859-1", "latin-1", "ascii"}


class FetchError(Exception):
    """A URL that could not be fetched or read as an article; the message says why."""


class FetchTimeout(FetchError):
    """The server was slower than the configured timeout or total deadline."""


class FetchTooLarge(FetchError):
    """The response body is larger than the byte cap."""


@dataclass(frozen=True)
class Fetched:
    """A response read within the limits (body empty when the server said 304 Not Modified)."""

    url: str
    final_url: str
    status: int
    media_type: str  # lower-case, without parameters; "" when the server sent none
    body: bytes
    charset: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def is_html(self) -> bool:
        return self.media_type in HTML_TYPES or (not self.media_type and _sniff_html(self.body))

    @property
    def may_be_feed(self) -> bool:
        """True when a feed parser should look at the body (feed type, or XML-looking bytes)."""
        return self.media_type in FEED_TYPES or self.body.lstrip()[:5] in (b"<?xml", b"<rss ", b"<feed", b"<rdf:")

    def text(self) -> str:
        """The body decoded: valid UTF-8 first, then the declared charset, then index.sources.decode."""
        return decode_body(self.body, self.charset)


def is_url(value: str) -> bool:
    """True for anything shaped like scheme://..., so ingest can tell URLs from paths."""
    return bool(_URL.match(value.strip()))


def make_client(limits: FetchLimits, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An httpx client with newsbot's user agent and a small connection pool; redirects are followed by hand."""
    return httpx.Client(
        headers={"User-Agent": limits.user_agent, "Accept": _ACCEPT},
        timeout=httpx.Timeout(limits.timeout, connect=min(limits.connect_timeout, limits.timeout)),
        limits=httpx.Limits(max_connections=4, max_keepalive_connections=2),
        follow_redirects=False,
        transport=transport,
    )


def fetch(url: str, limits: FetchLimits = DEFAULT_LIMITS, client: httpx.Client | None = None,
          headers: dict[str, str] | None = None) -> Fetched:
    """GET `url` within `limits`, following up to `max_redirects` redirects; raises FetchError."""
    _check_scheme(url)
    own = client is None
    client = client or make_client(limits)
    try:
        return _fetch(client, url, limits, headers or {})
    except httpx.TimeoutException as exc:
        raise FetchTimeout(f"timed out after {limits.timeout:g}s ({type(exc).__name__})") from exc
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
        raise FetchError(f"cannot fetch: {exc or type(exc).__name__}") from exc
    finally:
        if own:
            client.close()


def fetch_article(url: str, limits: FetchLimits = DEFAULT_LIMITS, client: httpx.Client | None = None,
                  max_chars: int = 200_000) -> Article:
    """Fetch an HTML page and extract its article (title, date, author, site, canonical URL)."""
    return article_from(fetch(url, limits, client), max_chars)


def article_from(fetched: Fetched, max_chars: int = 200_000) -> Article:
    """The article in a fetched HTML page; its id comes from the canonical URL, so aliases dedupe."""
    if not fetched.is_html:
        raise FetchError(f"not an HTML page ({fetched.media_type or 'unknown type'})")
    try:
        article = from_html(fetched.text(), fetched.final_url, url=fetched.final_url)
    except ValueError as exc:
        raise FetchError(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - a hostile page must not crash a whole ingest or poll
        raise FetchError(f"cannot extract the article: {type(exc).__name__}: {exc}") from exc
    size = sum(len(p.text) for p in article.paragraphs)
    if size > max_chars:
        raise FetchError(f"article is {size:,} characters, over the cap of {max_chars:,} (NEWSBOT_MAX_ARTICLE_CHARS)")
    return article


def _fetch(client: httpx.Client, url: str, limits: FetchLimits, headers: dict[str, str]) -> Fetched:
    deadline = time.monotonic() + limits.timeout
    seen = [url]
    current = url
    while True:
        if limits.public_only and not is_public(current):
            raise FetchError("refusing to fetch a private or local address")
        request = client.build_request("GET", current, headers=headers, timeout=_timeout(limits, deadline))
        response = client.send(request, stream=True)
        try:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                current = _next_hop(current, response.headers["location"], seen, limits)
                continue
            return _read(url, current, response, limits, deadline)
        finally:
            response.close()


def is_public(url: str) -> bool:
    """False when the URL's host is (or resolves to) a private, loopback or link-local address."""
    host = urlsplit(url).hostname or ""
    try:
        addresses = {ipaddress.ip_address(host)}
    except ValueError:
        try:
            addresses = {ipaddress.ip_address(info[4][0]) for info in socket.getaddrinfo(host, None)}
        except (OSError, ValueError):
            return True  # unresolvable: the request itself fails with a clear message
    return all(a.is_global for a in addresses)


def _next_hop(current: str, location: str, seen: list[str], limits: FetchLimits) -> str:
    target = urljoin(current, location)
    _check_scheme(target)
    if target in seen:
        raise FetchError(f"redirect loop: {' -> '.join([*seen[seen.index(target):], target])}")
    if len(seen) > limits.max_redirects:
        raise FetchError(f"more than {limits.max_redirects} redirects")
    seen.append(target)
    return target


def _read(url: str, final_url: str, response: httpx.Response, limits: FetchLimits, deadline: float) -> Fetched:
    status = response.status_code
    if status >= 400:
        raise FetchError(f"HTTP {status} {response.reason_phrase or ''}".strip())
    media_type, charset = _content_type(response.headers.get("content-type", ""))
    if status != 304 and media_type and media_type not in HTML_TYPES | FEED_TYPES:
        raise FetchError(f"not an HTML page or feed ({media_type})")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchTooLarge(f"page is {int(declared):,} bytes, over the cap of {limits.max_bytes:,}")
    body = b"" if status == 304 else _stream(response, limits, deadline)
    if body.lstrip()[:5] == b"%PDF-":  # mislabelled documents are refused like labelled ones
        raise FetchError("not an HTML page (a PDF document)")
    return Fetched(url, final_url, status, media_type, body, charset,
                   response.headers.get("etag"), response.headers.get("last-modified"))


def _stream(response: httpx.Response, limits: FetchLimits, deadline: float) -> bytes:
    # Each read is bounded by the read timeout, but a server dripping a byte at a time never trips
    # it: the elapsed time is checked after every chunk as well.
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limits.max_bytes:
            raise FetchTooLarge(f"page is over the cap of {limits.max_bytes:,} bytes")
        if time.monotonic() > deadline:
            raise FetchTimeout(f"timed out after {limits.timeout:g}s (the server kept sending slowly)")
        chunks.append(chunk)
    return b"".join(chunks)


def _timeout(limits: FetchLimits, deadline: float) -> httpx.Timeout:
    remaining = max(0.01, deadline - time.monotonic())
    return httpx.Timeout(remaining, connect=min(limits.connect_timeout, remaining))


def _check_scheme(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise FetchError(f"'{url}' is not a valid URL ({exc})") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not '{parts.scheme or url}'")
    if not parts.hostname:
        raise FetchError(f"'{url}' has no host name")


def _content_type(value: str) -> tuple[str, str | None]:
    message = Message()
    message["content-type"] = value
    media_type = message.get_content_type() if value.strip() else ""
    return media_type.lower(), message.get_param("charset") if value.strip() else None  # type: ignore[return-value]


def _sniff_html(body: bytes) -> bool:
    head = body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title"))


def decode_body(body: bytes, declared: str | None) -> str:
    """Decode a page: valid UTF-8 wins (mislabelled UTF-8 is common, accidental UTF-8 is not), then the
    header or <meta>/XML-declared charset, then index.sources.decode (Windows-1252, Latin-1)."""
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for charset in (declared, _sniff_charset(body)):
        codec = _codec(charset)
        if codec and codec != "utf-8":
            try:
                return body.decode(codec)
            except UnicodeDecodeError:
                continue
    return decode(body)


def _sniff_charset(body: bytes) -> str | None:
    head = body[:4096]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        name = codecs.lookup(charset.strip().strip("\"'")).name
    except LookupError:
        return None  # an unknown label is treated as no label
    return "cp1252" if name in _WINDOWS_ALIASES else name
