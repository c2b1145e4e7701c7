from datetime import UTC, datetime

import pytest

from index.articles import article_id, canonical_url, make_article, parse_published, split_paragraphs


def test_paragraphs_are_numbered_from_one_and_boilerplate_keeps_its_slot():
    paras = split_paragraphs("First para.\n\nAdvertisement\n\n\n\nThird para\nwrapped line.")
    assert [p.number for p in paras] == [1, 2, 3]
    assert paras[1].skipped and not paras[0].skipped
    assert paras[2].text == "Third para wrapped line."


def test_whitespace_only_blocks_do_not_take_a_number():
    paras = split_paragraphs("One.\n\n   \n\nTwo.")
    assert [(p.number, p.text) for p in paras] == [(1, "One."), (2, "Two.")]


def test_article_id_prefers_given_then_url_then_text():
    assert article_id("abc", "https://x.org/a", "text") == "abc"
    by_url = article_id(None, "https://X.org/a/?utm_source=feed#top", "t1")
    assert by_url == article_id(None, "https://x.org/a", "t2")
    assert article_id(None, None, "Some  TEXT!") == article_id(None, None, "some text")


def test_canonical_url_drops_tracking_but_keeps_real_query():
    assert canonical_url("https://x.org/a?id=3&utm_medium=x") == "https://x.org/a?id=3"


def test_published_accepts_dates_datetimes_and_rejects_garbage():
    assert parse_published("2026-11-23") == datetime(2026, 11, 23, tzinfo=UTC)
    assert parse_published("2026-11-23T08:30:00Z").hour == 8
    assert parse_published(None) is None
    with pytest.raises(ValueError):
        parse_published("last tuesday")


def test_make_article_rejects_empty_and_furniture_only_text():
    with pytest.raises(ValueError, match="no text"):
        make_article(title="t", text="  \n ")
    with pytest.raises(ValueError, match="no paragraph"):
        make_article(title="t", text="Advertisement\n\nRead more: elsewhere")


def test_missing_title_falls_back_to_first_paragraph():
    article = make_article(title="", text="Storm hits coast.\n\nMore.")
    assert article.title == "Storm hits coast."
