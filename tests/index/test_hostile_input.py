"""Hostile input: any bytes under any supported extension become Articles or a clear SourceError,
never another exception and never the last-resort "could not read it", within a time bound."""

from __future__ import annotations

import json
import os
import sqlite3
import string
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.articles import MAX_TITLE_CHARS, Article, make_article
from index.catalog import Catalog
from index.dates import parse_date
from index.live.fetch import Fetched, FetchError, article_from
from index.live.urls import parse_feed
from index.sources import SUPPORTED, SourceError, read_bytes, read_file
from tests.fuzz_corpus import BAD, REPAIRED, good_files

CAP = 200_000
SECONDS_PER_FILE = 10.0  # generous: two shared cores; a hang or a quadratic blow-up takes far longer
_CONTROL = {chr(c) for c in [*range(0, 9), 11, *range(14, 32), *range(0x7F, 0xA0)]}


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    """Import trafilatura and load dateparser's languages once, so the time bounds measure the parsers."""
    list(read_bytes(good_files()["good-two.html"], "warm.html", CAP))
    parse_date("20 novembre 2026")


def _items(data: bytes, name: str) -> list[Article | SourceError]:
    started = time.perf_counter()
    items = list(read_bytes(data, name, CAP))
    assert time.perf_counter() - started < SECONDS_PER_FILE, name
    return items


def assert_sound(items: list[Article | SourceError]) -> None:
    """What a reader yields is an Article fit to store, or a SourceError with a foreseen reason."""
    assert items, "a file yields at least one item"
    for item in items:
        if isinstance(item, SourceError):
            assert item.message and "\n" not in item.message
            assert not item.message.startswith("could not read it"), item  # the last-resort guard fired
            continue
        assert isinstance(item, Article)
        assert item.title and len(item.title) <= MAX_TITLE_CHARS
        assert [p.number for p in item.paragraphs] == list(range(1, len(item.paragraphs) + 1))
        assert any(not p.skipped for p in item.paragraphs)
        for text in (item.title, item.id, item.url or "", item.source or "", item.author or "",
                     *(p.text for p in item.paragraphs)):
            assert not _CONTROL & set(text), repr(text[:80])
            text.encode("utf-8")  # no lone surrogates: SQLite and the embedder need valid UTF-8
        assert item.published is None or item.published.tzinfo is not None


# -- the corpus -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(BAD))
def test_each_hostile_file_is_one_clear_error(name):
    items = _items(BAD[name](), name)
    assert_sound(items)
    assert len(items) == 1 and isinstance(items[0], SourceError), items


@pytest.mark.parametrize("name", sorted(REPAIRED))
def test_flawed_but_readable_files_are_ingested(name):
    items = _items(REPAIRED[name](), name)
    assert_sound(items)
    assert len(items) == 1 and isinstance(items[0], Article), items


def test_repairs_are_noted_as_warnings():
    def article(name: str) -> Article:
        [item] = read_bytes(REPAIRED[name](), name, CAP)
        assert isinstance(item, Article)
        return item

    undated = article("garbage-date.json")
    assert undated.published is None and "yesterday-ish 99:99" in undated.warnings[0]
    long = article("long-title.md")
    assert len(long.title) <= MAX_TITLE_CHARS and long.title.endswith("…") and "20,006" in long.warnings[0]
    nuls = article("escaped-nuls.jsonl")
    assert nuls.title == "NULtitle" and nuls.source == "Wire" and "control character" in nuls.warnings[0]
    typed = article("wrong-field-types.json")
    assert typed.url is None and typed.source is None and any("'url' is a JSON int" in w for w in typed.warnings)
    assert "Crème brûlée" in " ".join(p.text for p in article("mostly-utf8.txt").paragraphs)  # not "CrÃ¨me"


def test_a_jsonl_line_in_another_encoding_does_not_garble_the_others(tmp_path):
    path = tmp_path / "mixed.jsonl"
    utf8 = json.dumps({"title": "Müller spricht", "text": "Herr Müller sagte, die Fähre fährt."}, ensure_ascii=False)
    latin = json.dumps({"title": "Señor", "text": "El señor habló."}, ensure_ascii=False).encode("latin-1")
    path.write_bytes(utf8.encode() + b"\n" + latin + b"\n")
    first, second = read_file(path, CAP)
    assert isinstance(first, Article) and first.title == "Müller spricht"
    assert isinstance(second, Article) and second.title == "Señor"


def test_an_unforeseen_failure_is_that_files_error_with_the_traceback_at_debug(tmp_path, monkeypatch, caplog):
    def explode(*_args, **_kwargs):  # a reader bug nobody foresaw
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("index.sources.from_plain", explode)
    (tmp_path / "a.md").write_text("# A\n\nBody.")
    (tmp_path / "b.jsonl").write_text(json.dumps({"title": "B", "text": "Body of b."}))
    caplog.set_level("DEBUG", logger="index.sources")
    from index.sources import read_paths

    error, article = read_paths([tmp_path], CAP)
    assert isinstance(error, SourceError) and error.message == "could not read it (ZeroDivisionError)"
    assert isinstance(article, Article) and article.title == "B"
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


# -- property tests ----------------------------------------------------------------------------------------
# FUZZ_EXAMPLES=5000 for a deeper local run; 150 keeps `make test` fast.
PROPERTY = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

def _nested(inner: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4))


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40), _nested,
                           max_leaves=20)
field_values = st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none(), st.lists(st.text()),
                         st.sampled_from(["2026-11-20", "yesterday-ish 99:99", "Mon, 20 Nov 2026 10:00:00 GMT",
                                          "\u0000", "\ud800", "9999-12-31T23:59:59-01:00", "0001-01-01"]))
records = st.fixed_dictionaries({}, optional={k: field_values for k in
                                              ("id", "title", "text", "url", "published", "source", "author")})
tag = st.sampled_from(["p", "div", "article", "h1", "script", "nav", "b", "table", "meta", "!--", "title"])
html_chunks = st.lists(st.one_of(tag.map(lambda t: f"<{t}>"), tag.map(lambda t: f"</{t}>"),
                                 st.text(string.printable + "é—«»\u0000", max_size=80)), max_size=60)


@PROPERTY
@given(data=st.binary(max_size=4096), suffix=st.sampled_from(SUPPORTED))
def test_any_bytes_under_any_extension(data, suffix):
    assert_sound(_items(data, f"fuzz{suffix}"))


@PROPERTY
@given(value=json_values, suffix=st.sampled_from([".json", ".jsonl"]))
def test_any_json_document(value, suffix):
    assert_sound(_items(json.dumps(value).encode(), f"fuzz{suffix}"))


@PROPERTY
@given(record=records, suffix=st.sampled_from([".json", ".jsonl"]))
def test_any_article_record_is_readable_and_storable(record, suffix):
    items = _items(json.dumps(record).encode(), f"fuzz{suffix}")
    assert_sound(items)
    if isinstance(record.get("text"), str) and record["text"].strip(" \t\n\r\x0b\x0c\x00"):
        assert isinstance(items[0], Article) or "no paragraph" in items[0].message or "no text" in items[0].message
    _store(items)


@PROPERTY
@given(chunks=html_chunks, suffix=st.sampled_from([".html", ".htm", ".md", ".txt"]))
def test_any_markup(chunks, suffix):
    assert_sound(_items("".join(chunks).encode("utf-8", "surrogatepass"), f"fuzz{suffix}"))


feed_chunks = st.lists(st.one_of(st.sampled_from(["<?xml version='1.0'?>", "<rss version='2.0'>", "<channel>", "<item>",
                                                  "<link>", "</link>", "<guid>", "</item>", "<feed>", "<entry>",
                                                  "<!DOCTYPE x [<!ENTITY a '&#38;#38;'>]>", "&a;", "]]>"]),
                                 st.text(max_size=40)), max_size=40)


@PROPERTY
@given(body=st.binary(max_size=4096) | html_chunks.map(lambda c: "".join(c).encode("utf-8", "surrogatepass"))
       | feed_chunks.map(lambda c: "".join(c).encode("utf-8", "surrogatepass")),
       media=st.sampled_from(["text/html", "application/rss+xml", "application/xml", ""]))
@example(body=b"<?xml><channel<item<link</item</link>", media="text/html")  # crashed feedparser (KeyError 'links')
def test_any_fetched_page_or_feed_is_an_article_a_feed_or_a_fetch_error(body, media):
    """What a server sends is a feed, an article or a FetchError (index/live), never another exception."""
    fetched = Fetched("https://example.org/a", "https://example.org/a", 200, media, body)
    started = time.perf_counter()
    parse_feed(fetched)  # a ParsedFeed or None
    try:
        assert_sound([article_from(fetched, CAP)])
    except FetchError as exc:
        assert str(exc) and "\n" not in str(exc)
    assert time.perf_counter() - started < SECONDS_PER_FILE


_catalog: Catalog | None = None


def _store(items: list[Article | SourceError]) -> None:
    """Every Article can be written to the catalog (SQLite rejects lone surrogates, odd types...)."""
    global _catalog
    if _catalog is None:
        import tempfile

        _catalog = Catalog(Path(tempfile.mkdtemp(prefix="newsbot-fuzz-")) / "catalog.sqlite3")
    for item in items:
        if isinstance(item, Article) and _catalog.state(item.id) is None:
            try:
                _catalog.add_pending(item)
            except sqlite3.IntegrityError:  # the same text under another id was stored by an earlier example
                pass


# -- dates ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value,expected", [
    ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
    ("2026-11-20T10:00:00Z", datetime(2026, 11, 20, 10, tzinfo=UTC)),
    ("Fri, 20 Nov 2026 10:00:00 GMT", datetime(2026, 11, 20, 10, tzinfo=UTC)),
    ("November 20, 2026", datetime(2026, 11, 20, tzinfo=UTC)),
    ("20 novembre 2026", datetime(2026, 11, 20, tzinfo=UTC)),
    (1_795_000_000, datetime.fromtimestamp(1_795_000_000, tz=UTC)),
    (None, None), ("  ", None),
])
def test_dates_are_read_as_people_and_feeds_write_them(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["yesterday-ish 99:99", "yesterday", "3 days ago", "Tuesday", "99:99", "soon",
                                   "x" * 20_000, True, 1e300, float("nan"), float("inf"), [2026], {"y": 2026}])
def test_garbage_and_relative_dates_are_refused(value):
    with pytest.raises(ValueError):
        parse_date(value)


def test_an_implausible_date_makes_the_article_undated_not_lost():
    article = make_article(title="T", text="Body.", published="0001-01-01")
    assert article.published is None and "implausible" in article.warnings[0]
