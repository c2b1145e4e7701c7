"""One writer at a time across processes: the second waits (and says so), both finish, readers never wait."""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from index.articles import make_article
from index.config import IndexConfig
from index.live.feeds import add_feed, poll
from index.live.fetch import FetchLimits
from index.store import Index
from index.writer import WriterLock
from tests.fakes.news_site import FERRY, ORCHARD, TRAINS, NewsSite, article_html, rss

NEWSBOT = str(Path(sys.executable).parent / "newsbot")


def _jsonl(path: Path, prefix: str, n: int) -> Path:
    rows = [{"id": f"{prefix}{i}", "title": f"{prefix} report {i}", "published": "2024-05-02",
             "text": f"Inspectors of {prefix} district {i} counted {i + 3} damaged culverts.\n\n"
                     f"Repairs in {prefix} zone {i} begin next week, the {prefix} council said."} for i in range(n)]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    return path


def _env(data_dir: Path) -> dict:
    return {**os.environ, "NEWSBOT_DATA_DIR": str(data_dir), "NEWSBOT_EXTRACT_ACTORS": "false"}


def _ids(index: Index) -> set[str]:
    return {r[0] for r in index.catalog.conn.execute("SELECT id FROM articles")}


def test_second_writer_waits_says_so_and_finishes_while_a_reader_does_not_wait(data_dir, embeddings, tmp_path):
    config = IndexConfig(data_dir=data_dir, extract_actors=False)
    index = Index.open(config, embeddings=embeddings)
    index.ingest([make_article(title="Culverts", given_id="seed", text="Seed district culverts were inspected.")])
    held = WriterLock(data_dir)  # another writer, e.g. `newsbot serve` storing a feed poll
    notice = f"waiting for another newsbot process writing to {data_dir}"
    with held.hold():
        writer = subprocess.Popen([NEWSBOT, "ingest", str(_jsonl(tmp_path / "a.jsonl", "alpha", 5))],
                                  env=_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        said: list[str] = []
        threading.Thread(target=lambda: said.extend(writer.stderr), daemon=True).start()  # type: ignore[arg-type]
        reader = subprocess.run([NEWSBOT, "search", "culverts inspected", "--json"], env=_env(data_dir),
                                capture_output=True, text=True, timeout=120)
        assert reader.returncode == 0 and json.loads(reader.stdout)[0]["article_id"] == "seed"
        assert "waiting" not in reader.stderr
        deadline = time.monotonic() + 120
        while not any(notice in line for line in said) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert any(notice in line for line in said) and writer.poll() is None and _ids(index) == {"seed"}
    writer.wait(timeout=120)
    assert writer.returncode == 0, said
    assert _ids(index) == {"seed", *(f"alpha{i}" for i in range(5))} and index.stats()["consistent"]


def test_two_ingests_started_together_both_succeed_and_the_index_holds_exactly_both(data_dir, tmp_path):
    files = [_jsonl(tmp_path / "a.jsonl", "alpha", 12), _jsonl(tmp_path / "b.jsonl", "beta", 12)]
    procs = [subprocess.Popen([NEWSBOT, "ingest", str(f), "--json"], env=_env(data_dir), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in files]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in results]
    assert [json.loads(out)["added"] for out, _ in results] == [12, 12]
    stats = json.loads(subprocess.run([NEWSBOT, "stats", "--json"], env=_env(data_dir), capture_output=True,
                                      text=True, timeout=120).stdout)
    assert stats["articles"] == 24 and stats["consistent"] and stats["vectors"] == stats["bm25"] == 48


def test_serve_polling_and_a_cli_ingest_together_keep_both_and_the_server_sees_the_new_vectors(
        data_dir, embeddings, tmp_path):
    index = Index.open(IndexConfig(data_dir=data_dir, extract_actors=False), embeddings=embeddings)
    index.ingest([make_article(title="Seed", given_id="seed", text="A seed paragraph about nothing much.")])
    index.vectors.query(embeddings.embed_query("seed"), 1, None)  # the server has its vector index loaded
    with NewsSite() as site:
        for story in (FERRY, ORCHARD, TRAINS):
            site.page(f"/news/{story.slug}", article_html(story))
        items = [(f"guid-{s.slug}", site.url(f"/news/{s.slug}"), s.slug) for s in (FERRY, ORCHARD, TRAINS)]
        add_feed(index.catalog, site.feed("/rss.xml", rss("Harbor Wire", items), "application/rss+xml"),
                 limits=FetchLimits(timeout=5))
        cli = subprocess.Popen([NEWSBOT, "ingest", str(_jsonl(tmp_path / "b.jsonl", "beta", 10))],
                               env=_env(data_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        polled: list = []
        thread = threading.Thread(target=lambda: polled.append(poll(index, limits=FetchLimits(timeout=5))))
        thread.start()
        thread.join(300)
        _, err = cli.communicate(timeout=300)
    assert cli.returncode == 0, err
    assert len(polled[0].added) == 3
    assert len(_ids(index)) == 1 + 3 + 10 and index.stats()["consistent"]
    index.refresh()  # what search() does first: the CLI's vectors become visible to this long-lived process
    nearest = index.vectors.query(embeddings.embed_query("beta district 7 damaged culverts"), 3, None)
    assert any(a.startswith("beta") for a, _, _ in nearest)
