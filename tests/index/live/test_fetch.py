"""Fetching one URL: every cost bounded, hostile pages refused with a clear reason, metadata extracted."""

import time

import pytest

from index.articles import article_id
from index.live.fetch import (
    FetchError,
    FetchLimits,
    FetchTimeout,
    FetchTooLarge,
    decode_body,
    fetch,
    fetch_article,
    is_public,
    is_url,
)
from tests.fakes.news_site import FERRY, ORCHARD, NewsSite, article_html

FAST = FetchLimits(timeout=0.6, max_bytes=200_000, connect_timeout=0.5)


@pytest.fixture()
def site():
    with NewsSite() as server:
        yield server


def test_article_page_yields_text_without_furniture_and_with_metadata(site):
    url = site.page("/news/ferry", article_html(FERRY, extra_scripts=20))
    article = fetch_article(url, FAST)
    text = " ".join(p.text for p in article.paragraphs)
    assert article.title == FERRY.title and len(article.paragraphs) == len(FERRY.paragraphs)
    assert article.source == "Harbor Wire" and article.author == "Mira Castell"
    assert article.published and article.published.date().isoformat() == "2024-03-14"
    for furniture in ("cookie", "Accept all", "Most read", "All rights reserved", "newsletter", "dataLayer",
                      "must never be indexed", "Politics"):
        assert furniture not in text
    assert site.hits("/news/ferry")[0].headers["user-agent"].startswith("newsbot/0.1 (+https://")


def test_canonical_url_gives_the_id_so_two_addresses_are_one_article(site):
    canonical = "https://harbor-wire.example/2024/03/ferry-timetable"
    first = fetch_article(site.page("/ferry", article_html(FERRY, canonical=canonical)) + "?utm_source=feed", FAST)
    second = fetch_article(site.page("/amp/ferry", article_html(FERRY, canonical=canonical)), FAST)
    assert first.url == second.url == canonical
    assert first.id == second.id == article_id(None, canonical, "")


def test_redirects_are_followed_and_the_final_url_is_kept(site):
    target = site.page("/news/orchard", article_html(ORCHARD))
    site.redirect("/short/1", "/news/orchard", status=301)
    fetched = fetch(site.url("/short/1"), FAST)
    assert fetched.final_url == target and fetched.status == 200


def test_404_is_reported_with_its_status(site):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_article(site.url("/gone"), FAST)


def test_slow_server_times_out_within_the_limit(site):
    url = site.slow("/slow", 5.0, article_html(FERRY))
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="timed out"):
        fetch(url, FAST)
    assert time.monotonic() - started < 2.0


def test_slow_drip_server_is_cut_off_by_the_total_deadline(site):
    url = site.drip("/drip", pause=0.05)  # every read is quick; 1000 chunks would take 50 s
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="slowly"):
        fetch(url, FAST)
    assert time.monotonic() - started < 2.0


def test_huge_page_is_refused_by_declared_length_and_while_streaming(site):
    declared = site.page("/huge", b"<html><body>" + b"<p>filler text</p>" * 20_000 + b"</body></html>")
    with pytest.raises(FetchTooLarge, match="over the cap"):
        fetch(declared, FAST)
    site.routes["/huge-chunked"] = lambda _: _chunked(b"<p>filler text</p>" * 1000, 50)
    with pytest.raises(FetchTooLarge, match="over the cap"):
        fetch(site.url("/huge-chunked"), FAST)


def _chunked(chunk: bytes, count: int):
    from tests.fakes._http import HttpResponse

    return HttpResponse(200, [chunk] * count, "text/html")


def test_pdf_is_not_html_whatever_its_label(site):
    labelled = site.page("/report.pdf", b"%PDF-1.7\n%fake\n", content_type="application/pdf")
    with pytest.raises(FetchError, match=r"not an HTML page.*application/pdf"):
        fetch_article(labelled, FAST)
    mislabelled = site.page("/report", b"%PDF-1.7\n%fake\n", content_type="text/html")
    with pytest.raises(FetchError, match="PDF"):
        fetch_article(mislabelled, FAST)


def test_redirect_loop_and_too_many_redirects_are_refused(site):
    site.redirect("/loop/a", "/loop/b")
    site.redirect("/loop/b", "/loop/a")
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(site.url("/loop/a"), FAST)
    for hop in range(10):
        site.redirect(f"/hop/{hop}", f"/hop/{hop + 1}")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(site.url("/hop/0"), FAST)


def test_only_http_and_https_are_fetched(site):
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"):
        with pytest.raises(FetchError, match="only http and https"):
            fetch(url, FAST)
    site.redirect("/to-file", "file:///etc/passwd")
    with pytest.raises(FetchError, match="only http and https"):
        fetch(site.url("/to-file"), FAST)
    assert is_url("https://x.example/a") and not is_url("examples/articles") and is_url("ftp://x")


def test_wrong_or_absent_charset_still_decodes(site):
    story = FERRY.__class__(FERRY.slug, "Café owners on the quay welcome the naïve plan", FERRY.paragraphs)
    html = article_html(story, charset=None)
    cp1252 = site.page("/cp1252-labelled-utf8", html.encode("cp1252"), content_type="text/html; charset=utf-8")
    utf8 = site.page("/utf8-labelled-latin1", html.encode("utf-8"), content_type="text/html; charset=iso-8859-1")
    bare = site.page("/no-charset", article_html(story, charset="windows-1252").encode("cp1252"),
                     content_type="text/html")
    for url in (cp1252, utf8, bare):
        assert fetch_article(url, FAST).title == story.title


def test_decode_body_prefers_valid_utf8_then_declared_then_fallback():
    assert decode_body("café".encode(), "iso-8859-1") == "café"
    assert decode_body("café".encode("cp1252"), "utf-8") == "café"
    assert decode_body("Ωμέγα".encode("iso-8859-7"), "iso-8859-7") == "Ωμέγα"
    assert decode_body(b"<meta charset='koi8-r'>" + "мир".encode("koi8-r"), None).endswith("мир")


def test_script_heavy_page_without_article_is_refused_not_crashed(site):
    html = "<html><head>" + "<script>var x = 'lorem ipsum dolor sit amet';</script>" * 3000 + "</head><body>" \
           "<nav>Home World Sport</nav><div id='app'></div></body></html>"
    with pytest.raises(FetchError, match="no article text"):
        fetch_article(site.page("/spa", html), FAST)


def test_unreachable_host_is_a_fetch_error():
    with NewsSite() as gone:
        url = gone.url("/x")
    with pytest.raises(FetchError):
        fetch(url, FAST)


def test_public_only_refuses_local_hosts_before_any_request(site):
    limits = FetchLimits(timeout=5, public_only=True)
    with pytest.raises(FetchError, match="private or local"):
        fetch(site.url(f"/news/{FERRY.slug}"), limits)
    assert site.requests == []  # refused before the request, not after reading the page


def test_is_public_classifies_literal_addresses_without_dns():
    assert is_public("http://8.8.8.8/news") and is_public("https://[2001:4860:4860::8888]/")
    for url in ("http://127.0.0.1/", "http://10.1.2.3/a", "http://192.168.0.1/", "http://[::1]/", "http://169.254.1.1/"):
        assert not is_public(url), url
