"""A fake news website on 127.0.0.1: article pages wrapped in page furniture, RSS 2.0 and Atom feeds,
and hostile responses (404, slow, slow-drip, huge, PDF, redirect loops, wrong charsets).

All text is fictional, written for these tests. Nothing is started or bound at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape

from tests.fakes._http import FakeHTTPServer, HttpRequest, HttpResponse

Route = HttpResponse | Callable[[HttpRequest], HttpResponse]


@dataclass(frozen=True)
class Story:
    """A fictional article: what a page shows and what a feed lists."""

    slug: str
    title: str
    paragraphs: tuple[str, ...]
    author: str = "Mira Castell"
    published: str = "2024-03-14T09:30:00+00:00"
    site: str = "Harbor Wire"


FERRY = Story("ferry-timetable", "Harbour council approves a winter ferry timetable", (
    "The harbour council of Port Elbridge voted on Tuesday to keep the island ferry running twice a day through "
    "the winter, reversing a plan that would have cut the crossing to three days a week.",
    "Councillor Anneke Voss, who chairs the transport committee, said the vote followed a petition signed by more "
    "than four thousand residents of Gull Island, many of whom commute to the mainland clinic and the grammar school.",
    "The new timetable adds a late sailing at half past nine on Fridays and keeps the early crossing at ten past six, "
    "which fishermen had asked for because the market opens before dawn.",
    "The operator, Tidewater Lines, estimates that the extra winter sailings will cost about two hundred thousand "
    "crowns, to be shared between the council and a regional transport fund.",
    "Critics on the council argued that the money would be better spent on repairing the north quay, where two "
    "mooring posts were damaged in the February storms and remain fenced off.",
))
ORCHARD = Story("orchard-harvest", "Orchard growers in the Vale of Tamsin report a record apple harvest", (
    "Growers in the Vale of Tamsin picked more apples this autumn than in any season since records began, the "
    "valley's cooperative said on Monday, crediting a mild spring without late frosts.",
    "The cooperative's manager, Piet Odegaard, said members had brought in roughly eleven thousand tonnes, nearly a "
    "third more than last year, and that the cold stores in Lindholm were full for the first time in a decade.",
    "Prices at the autumn auction fell by about a tenth as buyers from the coastal cities waited for the glut to ease, "
    "and several smaller farms said they would press the surplus into cider rather than sell it cheaply.",
    "The regional agriculture office warned that the bumper year should not hide the long-term problem of ageing "
    "trees, and it renewed its grant for replanting old orchards with hardier varieties.",
), author="Jonas Reel", published="2024-10-07T08:00:00+00:00", site="Coastline Daily")
TRAINS = Story("night-trains", "Night trains return to the northern line after four years", (
    "Sleeper trains will run again between Varde and the northern border towns from next month, the national rail "
    "company announced, four years after the service was suspended for lack of rolling stock.",
    "The company has refurbished twelve carriages bought second-hand from a neighbouring operator and says the "
    "journey will take just under eleven hours, with stops at Molde Junction and the lake resorts.",
    "Tourism boards along the route welcomed the decision, saying that hotels in the north had lost visitors who "
    "would not make the long drive in winter, when the mountain pass is often closed by snow.",
    "Fares will start at forty crowns for a seat and rise to one hundred and ten for a private cabin, and the "
    "company plans to review demand after the first winter before adding a second weekly departure.",
), author="Lena Amsel", published="2024-11-02T06:15:00+00:00", site="The Meridian Post")

NAV = "".join(f'<li><a href="/{s}">{s.title()}</a></li>' for s in ("world", "politics", "business", "sport", "weather"))
COOKIE_BANNER = ('<div id="cookie-banner" class="cookie-consent"><p>We use cookies to give you the best experience '
                 "on our website. By continuing to browse you agree to our use of cookies and our privacy policy.</p>"
                 "<button>Accept all cookies</button><button>Manage preferences</button></div>")
FOOTER = ("<footer><p>Copyright 2024 Harbor Wire Media Group. All rights reserved.</p><ul><li><a href='/privacy'>"
          "Privacy</a></li><li><a href='/terms'>Terms of use</a></li><li><a href='/careers'>Careers</a></li></ul>"
          "<p>Sign up for our morning newsletter and never miss a headline from the coast.</p></footer>")
SCRIPTS = ("<script>window.dataLayer = window.dataLayer || []; function gtag(){dataLayer.push(arguments);} "
           "gtag('js', new Date()); var tracking = {page: 'article', words: 'script text must never be indexed'};"
           "</script><script type='application/ld+json'>{\"@type\": \"Organization\", \"name\": \"Ads\"}"
           "</script>")


def article_html(story: Story, canonical: str | None = None, charset: str | None = "utf-8",
                 extra_scripts: int = 0, paragraphs: tuple[str, ...] | None = None, site: str | None = None) -> str:
    """A full page: cookie banner, navigation, the article, a related-links box, footer and scripts."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in (paragraphs or story.paragraphs))
    site = site or story.site
    head = [f'<meta charset="{charset}">' if charset else "", f"<title>{escape(story.title)} | {escape(site)}</title>",
            f'<link rel="canonical" href="{canonical}">' if canonical else "",
            f'<meta property="og:site_name" content="{escape(site)}">',
            f'<meta property="og:title" content="{escape(story.title)}">',
            f'<meta name="author" content="{escape(story.author)}">',
            f'<meta property="article:published_time" content="{story.published}">', SCRIPTS]
    noise = SCRIPTS * extra_scripts
    return (f"<!DOCTYPE html><html lang='en'><head>{''.join(head)}</head><body>{COOKIE_BANNER}"
            f"<header><nav><ul>{NAV}</ul></nav></header>{noise}<main><article><h1>{escape(story.title)}</h1>"
            f"<p class='byline'>By {escape(story.author)}</p>{body}</article></main>"
            "<aside class='related'><h2>Most read</h2><ul><li><a href='/a'>Lighthouse keeper retires after forty "
            "years</a></li><li><a href='/b'>Storm warning for the weekend</a></li></ul></aside>"
            f"{FOOTER}{noise}</body></html>")


def rss(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 document; items are (guid, link, title)."""
    entries = "".join(f"<item><title>{escape(t)}</title><link>{escape(link)}</link><guid isPermaLink='false'>"
                      f"{escape(guid)}</guid><pubDate>Tue, 12 Mar 2024 09:00:00 GMT</pubDate></item>"
                      for guid, link, t in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
            f"<link>http://127.0.0.1/</link><description>Fictional test feed</description>{entries}</channel></rss>"
            ).encode()


def atom(title: str, items: list[tuple[str, str, str]]) -> bytes:
    """An Atom 1.0 document; items are (id, link, title)."""
    entries = "".join(f"<entry><id>{escape(i)}</id><title>{escape(t)}</title><link href='{escape(link)}'/>"
                      "<updated>2024-03-12T09:00:00Z</updated></entry>" for i, link, t in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(title)}'
            f"</title><id>urn:test:{escape(title)}</id><updated>2024-03-12T09:00:00Z</updated>{entries}</feed>"
            ).encode()


class Drip(list):
    """Chunks sent one by one with a pause between them (a slow-drip server); stops when the server stops."""

    def __init__(self, chunk: bytes, count: int, pause: float, stopping: threading.Event) -> None:
        super().__init__([chunk] * count)
        self.pause, self.stopping = pause, stopping

    def __iter__(self) -> Iterator[bytes]:
        for chunk in super().__iter__():
            if self.stopping.wait(self.pause):
                return
            yield chunk


class NewsSite(FakeHTTPServer):
    """Routes by path; unknown paths are 404 pages. `requests` records every request for assertions."""

    def __init__(self) -> None:
        super().__init__()
        self.routes: dict[str, Route] = {}
        self.requests: list[HttpRequest] = []

    def url(self, path: str) -> str:
        return self.root_url + path

    def page(self, path: str, html: str | bytes, content_type: str = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> str:
        """Serve `html` at `path`; returns the full URL."""
        body = html.encode() if isinstance(html, str) else html
        self.routes[path] = HttpResponse(200, body, content_type, dict(headers or {}))
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = HttpResponse(status, b"", "text/html", {"Location": to})
        return self.url(path)

    def slow(self, path: str, seconds: float, html: str) -> str:
        """A page whose server waits `seconds` before answering."""
        def answer(_: HttpRequest) -> HttpResponse:
            self._stopping.wait(seconds)
            return HttpResponse(200, html.encode(), "text/html; charset=utf-8")
        self.routes[path] = answer
        return self.url(path)

    def drip(self, path: str, pause: float, count: int = 1000) -> str:
        """A page sent 100 bytes at a time, `pause` seconds apart (each read is quick, the whole is not)."""
        self.routes[path] = lambda _: HttpResponse(200, Drip(b"<p>drip</p>" * 9 + b"\n", count, pause, self._stopping),
                                                   "text/html; charset=utf-8")
        return self.url(path)

    def feed(self, path: str, body: bytes, content_type: str, etag: str | None = None,
             last_modified: str | None = None) -> str:
        """A feed answering 304 when the client sends the current ETag or Last-Modified back."""
        def answer(request: HttpRequest) -> HttpResponse:
            if (etag and request.headers.get("if-none-match") == etag) or (
                    last_modified and request.headers.get("if-modified-since") == last_modified):
                return HttpResponse(304, b"", content_type)
            headers = {k: v for k, v in (("ETag", etag), ("Last-Modified", last_modified)) if v}
            return HttpResponse(200, body, content_type, headers)
        self.routes[path] = answer
        return self.url(path)

    def hits(self, path: str) -> list[HttpRequest]:
        return [r for r in self.requests if r.path == path]

    def handle(self, request: HttpRequest) -> HttpResponse:
        self.requests.append(request)
        route = self.routes.get(request.path)
        if route is None:
            return HttpResponse(404, b"<html><body><h1>Page not found</h1></body></html>", "text/html")
        return route(request) if callable(route) else route
