"""The lexical index lives in the catalog: written with `indexed`, deleted with the article, filtered exactly."""

import sqlite3
from datetime import UTC, datetime

from index import lexical
from index.articles import make_article
from index.catalog import Catalog
from index.search import Filters, search


def _article(i: int, text: str, day: int = 1):
    return make_article(title=f"Story {i}", given_id=f"s{i}", text=text, published=f"2024-03-{day:02d}")


def test_pending_paragraphs_are_not_searchable_until_marked_indexed(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.add_pending(_article(1, "Dredgers deepened the harbour channel.\n\nAdvertisement\n\nThe quay reopened."))
    assert catalog.lexical_search("dredgers", 5) == [] and catalog.lexical_empty()
    catalog.mark_indexed(["s1"])
    assert [(a, n) for a, n, _ in catalog.lexical_search("dredger channel", 5)] == [("s1", 1)]
    assert catalog.lexical_counts() == (2, 2)  # the furniture paragraph is not indexed
    catalog.mark_indexed(["s1"])  # a resumed flush adds nothing twice
    assert catalog.lexical_counts() == (2, 2)
    assert catalog.knows("dredger") and not catalog.knows("zeppelin")


def test_deleting_an_article_deletes_its_lexical_rows(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    for i in range(3):
        catalog.add_pending(_article(i, f"Quarry number {i} flooded overnight."))
    catalog.mark_indexed(["s0", "s1", "s2"])
    with catalog.conn:
        catalog.conn.execute("DELETE FROM articles WHERE id='s1'")
    assert catalog.lexical_counts() == (2, 2)
    assert {a for a, _, _ in catalog.lexical_search("quarry flooded", 10)} == {"s0", "s2"}


def test_operators_in_a_question_are_words_not_syntax(tmp_path):
    catalog = Catalog(tmp_path / "catalog.sqlite3")
    catalog.add_pending(_article(1, "NEAR the pier, the AND gate failed."))
    catalog.mark_indexed(["s1"])
    for query in ('"pier', "NOT pier*", "pier) OR (", "col:pier", "^gate"):
        assert catalog.lexical_search(query, 5)  # no fts5 syntax error, still finds the words


def test_date_filter_is_exact_however_many_better_matches_lie_outside(new_index):
    index = new_index(extract_actors=False)
    noise = [_article(i, "Ferry ferry ferry timetable ferry crossing ferry.", day=1) for i in range(30)]
    target = _article(99, "A ferry timetable was discussed among many other things at length.", day=20)
    index.ingest([*noise, target])
    since, until = datetime(2024, 3, 19, tzinfo=UTC), datetime(2024, 3, 21, tzinfo=UTC)
    assert [(a, n) for a, n, _ in index.catalog.lexical_search("ferry timetable", 3, int(since.timestamp()),
                                                              int(until.timestamp()))] == [("s99", 1)]
    hits = search(index, "ferry timetable", k=3, filters=Filters(since=since, until=until))
    assert [h.article_id for h in hits] == ["s99"]


def test_a_catalog_from_before_the_lexical_index_is_indexed_when_opened(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    catalog = Catalog(path)
    catalog.add_pending(_article(1, "Lighthouse keepers went on strike."))
    catalog.mark_indexed(["s1"])
    catalog.close()
    conn = sqlite3.connect(path)  # what an older version left: no lexical tables, no tokenizer mark
    conn.executescript("DROP TABLE lexical; DROP TABLE lexical_keys; DELETE FROM meta;")
    conn.close()
    reopened = Catalog(path)
    assert lexical.current(reopened.conn)
    assert [a for a, _, _ in reopened.lexical_search("lighthouse strike", 5)] == ["s1"]
