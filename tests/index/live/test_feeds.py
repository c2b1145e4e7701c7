"""Feeds: subscribe, poll with conditional GET, only new items fetched, failures reported not fatal."""

import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from index.articles import Article
from index.live.feeds import MAX_ATTEMPTS, add_feed, list_feeds, poll, remove_feed
from index.live.fetch import FetchError, FetchLimits, fetch
from index.live.urls import parse_feed, read_urls
from index.sources import SourceError
from tests.fakes.news_site import FERRY, ORCHARD, TRAINS, NewsSite, article_html, atom, rss

FAST = FetchLimits(timeout=0.6, max_bytes=500_000, connect_timeout=0.5)


@pytest.fixture()
def site():
    with NewsSite() as server:
        for story in (FERRY, ORCHARD, TRAINS):
            server.page(f"/news/{story.slug}", article_html(story))
        yield server


def _rss_items(site, *slugs: str) -> list[tuple[str, str, str]]:
    return [(f"guid-{slug}", site.url(f"/news/{slug}"), slug) for slug in slugs]


def test_poll_ingests_new_items_reports_failures_and_a_second_poll_adds_nothing(site, new_index):
    index = new_index()
    items = _rss_items(site, FERRY.slug, "missing-story", ORCHARD.slug)
    feed_url = site.feed("/rss.xml", rss("Harbor Wire", items), "application/rss+xml", etag='"v1"')
    add_feed(index.catalog, feed_url, limits=FAST)

    first = poll(index, limits=FAST)
    [result] = first.feeds
    assert result.status == "ok" and result.new_items == 3 and len(result.added) == 2
    assert result.failed == ((site.url("/news/missing-story"), "HTTP 404 Not Found"),)
    assert {index.catalog.article(a).title for a in first.added} == {FERRY.title, ORCHARD.title}

    second = poll(index, limits=FAST)
    assert second.feeds[0].status == "not_modified" and second.added == []
    assert site.hits("/rss.xml")[-1].headers.get("if-none-match") == '"v1"'
    assert len(site.hits(f"/news/{FERRY.slug}")) == 1  # never fetched again
    assert index.stats()["consistent"] and index.catalog.counts()["articles"] == 2


def test_changed_feed_fetches_only_items_not_seen_before(site, new_index):
    index = new_index()
    feed_url = site.feed("/rss.xml", rss("Wire", _rss_items(site, FERRY.slug)), "application/rss+xml", etag='"1"')
    add_feed(index.catalog, feed_url, verify=False)
    assert len(poll(index, limits=FAST).added) == 1
    site.feed("/rss.xml", rss("Wire", _rss_items(site, TRAINS.slug, FERRY.slug)), "application/rss+xml", etag='"2"')
    again = poll(index, limits=FAST)
    assert again.feeds[0].new_items == 1 and [index.catalog.article(a).title for a in again.added] == [TRAINS.title]
    assert len(site.hits(f"/news/{FERRY.slug}")) == 1


def test_a_capped_poll_leaves_the_rest_for_the_next_one_despite_the_etag(site, new_index):
    index = new_index()
    slugs = (FERRY.slug, ORCHARD.slug, TRAINS.slug)
    feed_url = site.feed("/rss.xml", rss("Wire", _rss_items(site, *slugs)), "application/rss+xml", etag='"1"')
    add_feed(index.catalog, feed_url, verify=False)
    assert len(poll(index, limits=FAST, max_items=2).added) == 2
    assert len(poll(index, limits=FAST, max_items=2).added) == 1  # no validator sent, so no 304 hid the third
    assert poll(index, limits=FAST, max_items=2).feeds[0].status == "not_modified"


def test_atom_feed_with_last_modified_gets_304_on_the_second_poll(site, new_index):
    index = new_index()
    entries = [(f"urn:story:{s.slug}", site.url(f"/news/{s.slug}"), s.title) for s in (ORCHARD, TRAINS)]
    stamp = "Tue, 12 Mar 2024 09:00:00 GMT"
    feed_url = site.feed("/atom.xml", atom("Coastline Daily", entries), "application/atom+xml", last_modified=stamp)
    feed = add_feed(index.catalog, feed_url, limits=FAST)
    assert feed.name == "Coastline Daily"
    assert len(poll(index, limits=FAST).added) == 2
    assert poll(index, limits=FAST).feeds[0].status == "not_modified"
    assert site.hits("/atom.xml")[-1].headers.get("if-modified-since") == stamp


def test_a_slow_or_non_html_item_fails_alone_and_is_retried_a_bounded_number_of_times(site, new_index):
    index = new_index()
    site.slow("/news/slow", 5.0, article_html(FERRY))
    site.page("/files/report.pdf", b"%PDF-1.4 fake", content_type="application/pdf")
    items = [("a", site.url("/news/slow"), "slow"), ("b", site.url("/files/report.pdf"), "pdf"),
             ("c", site.url(f"/news/{TRAINS.slug}"), "ok")]
    feed_url = site.feed("/rss.xml", rss("Mixed", items), "application/rss+xml")  # no validators: always 200
    add_feed(index.catalog, feed_url, verify=False)
    result = poll(index, limits=FAST).feeds[0]
    reasons = dict(result.failed)
    assert "timed out" in reasons[site.url("/news/slow")]
    assert "application/pdf" in reasons[site.url("/files/report.pdf")]
    assert len(result.added) == 1
    for _ in range(MAX_ATTEMPTS + 1):
        poll(index, limits=FAST)
    assert len(site.hits("/files/report.pdf")) == MAX_ATTEMPTS


def test_unreachable_or_non_feed_urls_are_reported_and_other_feeds_continue(site, new_index):
    index = new_index()
    good = site.feed("/rss.xml", rss("Wire", _rss_items(site, FERRY.slug)), "application/rss+xml")
    page = site.url(f"/news/{ORCHARD.slug}")
    for url in (site.url("/gone.xml"), page, good):
        add_feed(index.catalog, url, verify=False)
    report = poll(index, limits=FAST)
    status = {f.url: (f.status, f.error) for f in report.feeds}
    assert status[site.url("/gone.xml")] == ("error", "HTTP 404 Not Found")
    assert status[page][0] == "error" and "not an RSS or Atom feed" in status[page][1]
    assert status[good] == ("ok", None) and len(report.added) == 1
    assert {f.url: f.last_error for f in list_feeds(index.catalog)}[page].startswith("not an RSS")


def test_add_list_remove(site, new_index):
    catalog = new_index().catalog
    with pytest.raises(FetchError, match="not an RSS or Atom feed"):
        add_feed(catalog, site.url(f"/news/{FERRY.slug}"), limits=FAST)
    url = site.feed("/rss.xml", rss("Harbor Wire", []), "application/rss+xml")
    add_feed(catalog, url, limits=FAST)
    add_feed(catalog, url, "Renamed", limits=FAST)  # idempotent; a given name wins
    assert [(f.url, f.name) for f in list_feeds(catalog)] == [(url, "Renamed")]
    assert remove_feed(catalog, url) and not remove_feed(catalog, url) and list_feeds(catalog) == []


def test_parse_feed_recognises_rss_versions_and_atom():
    from index.live.fetch import Fetched

    rss091 = b"<?xml version='1.0'?><rss version='0.91'><channel><title>Old</title><item><title>a</title>" \
             b"<link>http://h.example/a</link></item></channel></rss>"
    rdf = b"<?xml version='1.0'?><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' " \
          b"xmlns='http://purl.org/rss/1.0/'><channel rdf:about='http://h.example/'><title>One</title>" \
          b"<link>http://h.example/</link></channel><item rdf:about='http://h.example/b'><title>b</title>" \
          b"<link>http://h.example/b</link></item></rdf:RDF>"
    versions = {}
    for body in (rss091, rdf, rss("Two", [("g", "http://h.example/c", "c")]), atom("A", [("i", "/d", "d")])):
        parsed = parse_feed(Fetched("http://h.example/f", "http://h.example/f", 200, "text/xml", body))
        versions[parsed.version] = [e.link for e in parsed.entries]
    assert versions == {"rss091u": ["http://h.example/a"], "rss10": ["http://h.example/b"],
                        "rss20": ["http://h.example/c"], "atom10": ["http://h.example/d"]}
    page = Fetched("http://h.example/", "http://h.example/", 200, "text/html", b"<html><p>hi</p></html>")
    assert parse_feed(page) is None
    # Bytes naming a local file must be read as a (broken) feed, never opened as a path.
    assert parse_feed(Fetched("http://h.example/", "http://h.example/", 200, "text/xml", b"/etc/hostname")) is None


def test_read_urls_expands_a_feed_and_reports_bad_items(site):
    feed_url = site.feed("/rss.xml", rss("Wire", _rss_items(site, FERRY.slug, "nope")), "application/rss+xml")
    items = list(read_urls([feed_url, site.url(f"/news/{TRAINS.slug}"), "ftp://127.0.0.1/x"], FAST))
    assert [i.title for i in items if isinstance(i, Article)] == [FERRY.title, TRAINS.title]
    errors = {i.origin: i.message for i in items if isinstance(i, SourceError)}
    assert errors == {site.url("/news/nope"): "HTTP 404 Not Found",
                      "ftp://127.0.0.1/x": "only http and https URLs can be fetched, not 'ftp'"}


def test_cli_ingest_urls_and_feeds_commands(site, data_dir, monkeypatch):
    monkeypatch.setenv("NEWSBOT_FETCH_TIMEOUT", "1")
    runner = CliRunner()
    feed_url = site.feed("/rss.xml", rss("Harbor Wire", _rss_items(site, FERRY.slug)), "application/rss+xml",
                         etag='"x"')
    run = lambda *args: runner.invoke(app, list(args), catch_exceptions=False)  # noqa: E731
    ingested = run("ingest", site.url(f"/news/{ORCHARD.slug}"), feed_url, site.url("/missing"), "--json")
    summary = json.loads(ingested.stdout)
    assert ingested.exit_code == 0 and summary["added"] == 2 and summary["failed"] == 1
    assert run("feeds", "add", feed_url, "--name", "Wire").exit_code == 0
    assert json.loads(run("feeds", "list", "--json").stdout)[0]["name"] == "Wire"
    polled = json.loads(run("feeds", "poll", "--json").stdout)
    assert polled["feeds"][0]["known"] == 1 and polled["added"] == 0  # ingested above already
    assert json.loads(run("feeds", "poll", "--json").stdout)["feeds"][0]["status"] == "not_modified"
    assert run("feeds", "remove", feed_url).exit_code == 0
    removed_again = run("feeds", "remove", feed_url)
    assert removed_again.exit_code == 2 and "not subscribed" in removed_again.stderr
    bad = run("feeds", "add", site.url(f"/news/{TRAINS.slug}"))
    assert bad.exit_code == 2 and "not an RSS or Atom feed" in bad.stderr


def test_fetch_sends_conditional_headers(site):
    url = site.feed("/rss.xml", rss("W", []), "application/rss+xml", etag='"e"')
    assert fetch(url, FAST).etag == '"e"'
    assert fetch(url, FAST, headers={"If-None-Match": '"e"'}).not_modified
