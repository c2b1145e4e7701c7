"""Retention: prune removes old articles everywhere in one consistent step; a killed prune is finished."""

import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from types import SimpleNamespace

from typer.testing import CliRunner

from bot.citations import GONE
from bot.cli import app
from bot.telegram.handlers_ask import render_paragraph
from index import dedupe
from index.articles import make_article
from index.config import IndexConfig
from index.store import Index

OLD, NEW = "2024-01-10", "2024-03-10"
CUTOFF = int(datetime(2024, 2, 1, tzinfo=UTC).timestamp())
STORY = ("Harbour pilots in Port Elbridge walked out on Monday over night-shift pay, stranding two freighters "
         "in the outer roads while the port authority called the stoppage unlawful and asked for talks.\n\n"
         "Councillor Anneke Voss of the Northern Maritime Council (NMC) said the NMC would mediate before Friday.")


def _articles() -> list:
    old = [make_article(title=f"Old report {i}", given_id=f"old{i}", published=OLD, source="Harbor Wire",
                        text=f"{STORY}\n\nOld detail number {i}.") for i in range(3)]
    new = [make_article(title=f"New report {i}", given_id=f"new{i}", published=NEW, source="Coast Times",
                        text=f"Ferry crews in Gull Island voted on a new timetable {i}.\n\nAnneke Voss backed it.")
           for i in range(2)]
    return old + new


def _count(index: Index, table: str, where: str = "1") -> int:
    return index.catalog.conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}").fetchone()[0]


def test_prune_removes_old_articles_everywhere_and_stats_stay_consistent(new_index):
    index = new_index()
    index.ingest(_articles())
    assert _count(index, "mentions", "article_id LIKE 'old%'") and _count(index, "acronyms")
    dry = index.prune(CUTOFF, dry_run=True)
    assert dry.plan.articles == 3 and dry.plan.paragraphs == 9 and dry.plan.oldest == OLD
    assert index.catalog.counts()["articles"] == 5  # a dry run removes nothing
    report = index.prune(CUTOFF)
    assert (report.articles, report.paragraphs) == (3, 9)
    stats = index.stats()
    assert stats["consistent"] and stats["articles"] == 2 and stats["vectors"] == stats["bm25"] == 4
    for table in ("paragraphs", "annotations", "mentions", "acronyms", "signatures", "lexical_keys"):
        assert _count(index, table, "article_id LIKE 'old%'") == 0, table
    assert index.catalog.lexical_search("pilots freighters", 5) == []
    voss = index.catalog.conn.execute("SELECT articles FROM actors WHERE name LIKE '%Voss'").fetchone()
    assert voss[0] == 2  # only the kept articles count
    named = {r[0] for r in index.catalog.conn.execute("SELECT DISTINCT actor_id FROM mentions")}
    assert {r[0] for r in index.catalog.conn.execute("SELECT id FROM actors")} <= named  # none left without mentions


def test_copies_of_a_pruned_story_keep_their_story(new_index):
    index = new_index(extract_actors=False)
    first = make_article(title="Pilots strike", given_id="wire", published="2024-01-30", text=STORY)
    copies = [make_article(title="Pilots strike", given_id=f"copy{i}", published="2024-02-02", source=f"Outlet {i}",
                           text=STORY + f"\n\nReported by outlet {i}.") for i in range(3)]
    index.ingest([first, *copies])
    assert {a for a, b, _, _ in dedupe.links(index.catalog)} == {"copy0", "copy1", "copy2"}
    index.prune(CUTOFF)
    assert dedupe.duplicate_groups(index.catalog, ["copy0", "copy1", "copy2"]) == [{"copy0", "copy1", "copy2"}]
    assert dedupe.canonical_of(index.catalog, "copy2") == "copy0"  # the first copy stored is the canonical


def test_a_killed_prune_is_finished_by_the_next_writer(data_dir, embeddings):
    config = IndexConfig(data_dir=data_dir, extract_actors=False)
    index = Index.open(config, embeddings=embeddings)
    index.ingest(_articles())
    script = textwrap.dedent(f"""
        import os, signal
        from pathlib import Path
        from index import prune
        from index.config import IndexConfig
        from index.store import Index
        from index.vectors import VectorStore
        prune.CHUNK = 1
        calls = []
        real = VectorStore.delete
        def delete(self, keys):
            real(self, keys)
            calls.append(keys)
            if len(calls) == 2:  # the second chunk's vectors are gone, its catalog rows are not
                os.kill(os.getpid(), signal.SIGKILL)
        VectorStore.delete = delete
        Index.open(IndexConfig(data_dir=Path({str(data_dir)!r}), extract_actors=False)).prune({CUTOFF})
    """)
    proc = subprocess.run([sys.executable, "-c", script], env={**os.environ}, capture_output=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    stats = index.stats()
    assert stats["pruning"] == 2 and not stats["consistent"] and stats["articles"] == 4
    index.ingest([])  # any writer (here an ingest with nothing new) finishes the prune first
    stats = index.stats()
    assert stats["consistent"] and stats["articles"] == 2 and stats["pruning"] == 0 and stats["vectors"] == 4


def test_retention_skips_articles_older_than_the_kept_days(new_index):
    index = new_index(extract_actors=False, retain_days=30)
    recent = make_article(title="Today", given_id="today", text="Fresh news.", published=datetime.now(UTC).isoformat())
    report = index.ingest([recent, _articles()[0]])
    assert report.added == ["today"] and "older than the 30 days kept" in report.skipped[0][1]


def test_cli_prune_dry_run_then_prune(data_dir, tmp_path):
    runner = CliRunner()
    path = tmp_path / "a.jsonl"
    path.write_text("\n".join(json.dumps({"id": a.id, "title": a.title, "published": a.published.isoformat(),
                                          "text": "\n\n".join(p.text for p in a.paragraphs)}) for a in _articles()))
    assert runner.invoke(app, ["ingest", str(path)]).exit_code == 0
    dry = runner.invoke(app, ["prune", "--before", "2024-02-01", "--dry-run"])
    assert dry.exit_code == 0 and "would remove 3 articles (9 paragraphs) dated 2024-01-10" in dry.stderr
    done = runner.invoke(app, ["prune", "--before", "2024-02-01", "--json"])
    assert done.exit_code == 0 and json.loads(done.stdout)["removed_articles"] == 3
    again = runner.invoke(app, ["prune", "--before", "2024-02-01"])
    assert again.exit_code == 0 and "nothing dated before 2024-02-01" in again.stderr


def test_a_button_for_a_pruned_paragraph_says_the_source_is_no_longer_kept(new_index):
    index = new_index(extract_actors=False)
    index.ingest(_articles())
    state = SimpleNamespace(services=SimpleNamespace(index=index))
    assert "Old detail number 1" in render_paragraph(state, "old1:3").html  # type: ignore[arg-type]
    index.prune(CUTOFF)
    assert GONE in render_paragraph(state, "old1:3").html  # type: ignore[arg-type]
