"""Furniture in the index: stored with its kind, never evidence, re-flagged by reindex without renumbering."""

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import index.articles
from bot.cli import app
from bot.qa.answer import Answerer
from bot.qa.memory import Memory
from index.catalog import Catalog
from index.furniture import classify
from index.search import search
from index.sources import read_file, read_paths
from tests.conftest import SHARED_DATA

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "furniture"
STRIKE = PAGES / "marrowgate-strike.txt"
CAPTION, BACKLOG = 4, 13  # ¶4 "Striking dockers march past idle cranes … Tomas Brekke/Reuters"; ¶13 reporting


def _strike_id(index) -> str:
    [article_id] = index.catalog.article_ids()
    return article_id


def test_furniture_is_stored_with_its_kind_and_counted_in_stats(new_index):
    index = new_index()
    index.ingest(read_file(STRIKE, 200_000))
    stored = index.catalog.paragraph(_strike_id(index), CAPTION)
    assert stored is not None and stored.skipped and stored.furniture == "caption"
    stats = index.stats()
    assert stats["consistent"] and stats["vectors"] == stats["indexable"] == 7
    assert stats["furniture"] == {"related": 5, "boilerplate": 3, "byline": 2, "caption": 2, "promo": 2,
                                  "dateline": 1, "teaser": 1}


def test_a_flagged_caption_never_comes_back_from_search_or_ask(new_index, tmp_path):
    index = new_index()
    index.ingest(read_paths([PAGES], 200_000))
    caption = index.catalog.paragraph(_strike_id_in(index), CAPTION)
    assert caption is not None
    hits = search(index, caption.text, k=10)
    assert hits and all(not index.catalog.paragraph(h.article_id, h.paragraph).skipped for h in hits)
    memory = Memory(tmp_path / "conv.sqlite3")
    answer = Answerer(index, memory).ask("Who marched past idle cranes at the container terminal in Marrowgate?")
    memory.close()
    assert all(not index.catalog.paragraph(c.article_id, c.paragraph).skipped for c in answer.citations)


def _strike_id_in(index) -> str:
    return next(i for i in index.catalog.article_ids() if index.catalog.article(i).title.startswith("Dockworkers"))


@pytest.mark.skipif(not (SHARED_DATA / "seed" / "blinken-turkey.txt").exists(), reason="dev data absent")
def test_the_seed_articles_photo_captions_are_not_cited_for_how_long_the_meeting_lasted(new_index, tmp_path):
    index = new_index()
    index.ingest(read_file(SHARED_DATA / "seed" / "blinken-turkey.txt", 200_000))
    [article_id] = index.catalog.article_ids()
    flagged = {p.number: p.furniture for p in index.catalog.article(article_id).paragraphs if p.skipped}
    assert flagged == {2: "caption", 11: "caption", 19: "promo"}
    memory = Memory(tmp_path / "conv.sqlite3")
    answer = Answerer(index, memory).ask("How long did Blinken's meeting with the Turkish foreign minister last?")
    memory.close()
    assert answer.citations and not {c.paragraph for c in answer.citations} & set(flagged)


def test_reindex_reflags_stored_articles_without_renumbering(new_index, monkeypatch):
    def old_rules(blocks, **context):  # as if ingested before the caption rule, with ¶13 wrongly flagged
        kinds = list(classify(blocks, **context))
        kinds[CAPTION - 1], kinds[BACKLOG - 1] = None, "boilerplate"
        return tuple(kinds)

    monkeypatch.setattr(index.articles, "classify", old_rules)
    index_ = new_index()
    index_.ingest(read_file(STRIKE, 200_000))
    monkeypatch.undo()
    article_id = _strike_id(index_)
    before = index_.catalog.article(article_id)
    caption_text = before.paragraphs[CAPTION - 1].text
    assert _mentions(index_, article_id, CAPTION) > 0  # "Tomas Brekke" in the caption
    assert (article_id, CAPTION) in index_.catalog.annotations([(article_id, CAPTION)])

    report = index_.reindex()

    after = index_.catalog.article(article_id)
    assert report.reflagged == 2
    assert [(p.number, p.text) for p in after.paragraphs] == [(p.number, p.text) for p in before.paragraphs]
    assert after.paragraphs[CAPTION - 1].furniture == "caption" and after.paragraphs[BACKLOG - 1].furniture is None
    stats = index_.stats()
    assert stats["consistent"] and stats["vectors"] == stats["bm25"] == stats["indexable"] == 7
    assert all(h.paragraph != CAPTION for h in search(index_, caption_text, k=10))
    assert any(h.paragraph == BACKLOG for h in search(index_, "backlog of ships would take nine days to clear", k=3))
    notes = index_.catalog.annotations([(article_id, CAPTION), (article_id, BACKLOG)])
    assert (article_id, CAPTION) not in notes and (article_id, BACKLOG) in notes
    assert _mentions(index_, article_id, CAPTION) == 0 and _mentions(index_, article_id, BACKLOG) > 0
    assert index_.reindex().reflagged == 0  # the same rules twice change nothing


def _mentions(index_, article_id: str, number: int) -> int:
    return index_.catalog.conn.execute("SELECT COUNT(*) FROM mentions WHERE article_id=? AND paragraph=?",
                                       (article_id, number)).fetchone()[0]


def test_a_catalog_from_before_furniture_kinds_gains_the_column(tmp_path):
    path = tmp_path / "catalog.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(
            "CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT NOT NULL, url TEXT, source TEXT, author TEXT,"
            " published TEXT, published_ts INTEGER, ingested_ts INTEGER NOT NULL, content_hash TEXT NOT NULL,"
            " state TEXT NOT NULL, origin TEXT);"
            "CREATE TABLE paragraphs (article_id TEXT NOT NULL, number INTEGER NOT NULL, text TEXT NOT NULL,"
            " skipped INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (article_id, number));"
            "INSERT INTO articles VALUES ('a', 'T', NULL, NULL, NULL, NULL, NULL, 0, 'h', 'indexed', '');"
            "INSERT INTO paragraphs VALUES ('a', 1, 'Body.', 0), ('a', 2, 'Advertisement', 1);")
    catalog = Catalog(path)
    assert catalog.furniture_counts() == {"boilerplate": 1}
    assert [p.furniture for p in catalog.article("a").paragraphs] == [None, None]
    catalog.close()


def test_stats_lists_the_furniture_it_flagged(data_dir):
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(STRIKE)]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["stats", "--furniture", "caption", "--json"]).stdout)
    assert [(row["paragraph"], row["kind"]) for row in listed] == [(4, "caption"), (12, "caption")]
    assert "furniture" in runner.invoke(app, ["stats"]).stderr
    wrong = runner.invoke(app, ["stats", "--furniture", "sidebar"])
    assert wrong.exit_code == 2 and "unknown furniture kind" in wrong.stderr
