"""newsbot at 10k, 100k and 1M paragraphs: a year of news cloned from real dev paragraphs.

Each size is built once under --cache (never in the repo): rtqa-dev's articles (the index that
`--source` points at, e.g. one built by bench/retrieval.py) are cloned under new ids, dated uniformly
over 2023, with their stored vectors reused (plus a little noise, so clones are not exact copies in
the HNSW graph) instead of re-embedded; catalog rows, annotations, actor mentions, duplicate
signatures and lexical rows are cloned in SQL. Then, at each size:
  - hybrid retrieval p50/p95 over the 60 rtqa questions, without and with a 7-day date filter;
  - the marginal cost of ingesting 100 new real articles (timeline17 Libya, re-dated into the year),
    split into index work and actor resolution, with their vectors precomputed once (the model's own
    time, the same at every size, is printed separately); they are removed again afterwards;
  - `ask` p50 (extractive engine, as offline); a day's `brief`;
  - `serve` peak RSS: the real `newsbot serve` against the fake Bot API, after questions and a /brief;
  - disk bytes per paragraph.
Ratios are against the 10k figures of the same run (absolute times are noisy on a shared machine).

Usage: nice -n 10 python bench/scale.py --source DIR [--sizes 10000 100000 1000000] [--cache DIR]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from common import ROOT, SHARED, percentile, read_jsonl, require

from index import lexical
from index.actors import directory
from index.bm25 import tokenize
from index.config import IndexConfig
from index.dedupe import links
from index.embed import MiniLMEmbeddings
from index.models import model_dir
from index.sources import from_record
from index.store import Index

YEAR = datetime(2023, 1, 1, tzinfo=UTC)
NOISE = 0.02  # per-dimension sd added to cloned unit vectors (cosine to the original stays ~0.96)
NEW_ARTICLES = 100
NEW_DAY = datetime(2023, 12, 30, 9, tzinfo=UTC)  # inside the year, so dedupe compares with a full window
BRIEF_DAY = date(2023, 6, 15)


# -- building ------------------------------------------------------------------------------------
def build(source: Path, target: Path, size: int) -> None:
    """Clone `source`'s indexed articles into `target` until it holds `size` citable paragraphs."""
    if (target / "built.json").exists():
        return
    shutil.rmtree(target, ignore_errors=True)
    started = time.perf_counter()
    (target / "models").parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source / "models", target / "models", symlinks=True)
    index = Index.open(IndexConfig(data_dir=target))  # creates every table the product uses
    index.ingest([])
    directory(index.catalog)  # the actor tables
    links(index.catalog)  # the duplicate tables
    index.catalog.close()
    conn = sqlite3.connect(target / "catalog.sqlite3", isolation_level=None)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("ATTACH DATABASE ? AS src", (str(source / "catalog.sqlite3"),))
    plan = _plan(conn, size)
    conn.execute("BEGIN")
    conn.execute("CREATE TEMP TABLE plan (src TEXT, new TEXT PRIMARY KEY, ts INTEGER, iso TEXT, hash TEXT)")
    conn.executemany("INSERT INTO plan VALUES (?,?,?,?,?)", plan)
    conn.execute("INSERT INTO main.articles SELECT p.new, a.title, a.url || '#' || p.new, a.source, a.author, p.iso,"
                 " p.ts, p.ts, p.hash, 'indexed', a.origin FROM plan p JOIN src.articles a ON a.id = p.src")
    for table, columns in (("paragraphs", "number, text, skipped"), ("annotations", "number, sentences, entities"),
                           ("acronyms", "paragraph, acronym, expansion"),
                           ("mentions", "paragraph, start, end, surface, name, kind, role, gender, cue, actor_id")):
        conn.execute(f"INSERT INTO main.{table} (article_id, {columns}) SELECT p.new, "
                     f"{', '.join('t.' + c.strip() for c in columns.split(','))}"
                     f" FROM plan p JOIN src.{table} t ON t.article_id = p.src")
    shared = [c for c in _columns(conn, "main", "actors") if c in _columns(conn, "src", "actors")]
    conn.execute(f"INSERT INTO main.actors ({', '.join(shared)}) SELECT {', '.join(shared)} FROM src.actors")
    conn.execute("INSERT INTO main.signatures SELECT p.new, p.ts, s.shingles, s.minhash FROM plan p"
                 " JOIN src.signatures s ON s.article_id = p.src")
    conn.execute("CREATE TEMP TABLE tokens (article_id TEXT, number INTEGER, tokens TEXT,"
                 " PRIMARY KEY (article_id, number))")
    conn.executemany("INSERT INTO tokens VALUES (?,?,?)", [
        (a, n, " ".join(tokenize(text)) or "_")
        for a, n, text in conn.execute("SELECT article_id, number, text FROM src.paragraphs WHERE skipped=0")])
    conn.execute("INSERT INTO main.lexical_keys (article_id, number, date_ts) SELECT p.new, t.number, p.ts FROM plan p"
                 " JOIN tokens t ON t.article_id = p.src ORDER BY p.ts")
    conn.execute("INSERT INTO main.lexical (rowid, tokens) SELECT k.id, t.tokens FROM main.lexical_keys k JOIN plan p"
                 " ON p.new = k.article_id JOIN tokens t ON t.article_id = p.src AND t.number = k.number")
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.lexical_vocab USING fts5vocab(main, lexical, row)")
    lexical.recount_terms(conn)
    conn.execute("INSERT OR REPLACE INTO main.meta VALUES ('actors_dirty', '0')")
    conn.execute("COMMIT")
    catalog_s = time.perf_counter() - started
    _clone_vectors(source, target, conn, plan)
    conn.close()
    figures = {"size": size, "articles": len(plan), "catalog_s": round(catalog_s, 1),
               "total_s": round(time.perf_counter() - started, 1)}
    (target / "built.json").write_text(json.dumps(figures))
    print(f"built {target.name}: {figures}", flush=True)


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def _plan(conn: sqlite3.Connection, size: int) -> list[tuple[str, str, int, str, str]]:
    articles = conn.execute("SELECT a.id, a.content_hash, COUNT(p.number) FROM src.articles a JOIN src.paragraphs p"
                            " ON p.article_id = a.id AND p.skipped = 0 WHERE a.state='indexed'"
                            " GROUP BY a.id ORDER BY a.rowid").fetchall()
    rng, plan, total, copy = random.Random(size), [], 0, 0
    while total < size:
        for article_id, content_hash, paragraphs in articles:
            if total >= size:
                break
            ts = int((YEAR + timedelta(seconds=rng.randrange(365 * 86_400))).timestamp())
            new = f"{article_id}~{copy}"
            plan.append((article_id, new, ts, datetime.fromtimestamp(ts, UTC).isoformat(),
                         hashlib.sha256(f"{content_hash}{new}".encode()).hexdigest()))
            total += paragraphs
        copy += 1
    return plan


@functools.cache
def _source_vectors(source: Path) -> dict:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(path=str(source / "chroma"), settings=ChromaSettings(anonymized_telemetry=False))
    got = client.get_collection("paragraphs").get(include=["embeddings", "metadatas", "documents"])
    return {(m["article_id"], int(m["paragraph"])): (np.asarray(e, dtype=np.float32), m, d)
            for e, m, d in zip(got["embeddings"], got["metadatas"], got["documents"], strict=True)}


def _clone_vectors(source: Path, target: Path, conn: sqlite3.Connection, plan) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    by_key = _source_vectors(source)
    dest = chromadb.PersistentClient(path=str(target / "chroma"), settings=settings).get_collection("paragraphs")
    rows = conn.execute("SELECT p.src, p.new, p.ts, k.number FROM plan p JOIN lexical_keys k ON k.article_id = p.new"
                        " ORDER BY k.id").fetchall()
    rng = np.random.default_rng(7)
    batch = 4000
    for start in range(0, len(rows), batch):
        chunk = [r for r in rows[start:start + batch] if (r[0], r[3]) in by_key]
        base = np.stack([by_key[(r[0], r[3])][0] for r in chunk])
        noisy = base + rng.normal(0, NOISE, base.shape).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        metas = [{**by_key[(r[0], r[3])][1], "article_id": r[1], "date_ts": r[2], "published_ts": r[2]} for r in chunk]
        dest.add(ids=[f"{r[1]}::{r[3]}" for r in chunk], embeddings=noisy, metadatas=metas,
                 documents=[by_key[(r[0], r[3])][2] for r in chunk])
        if start // batch % 25 == 0:
            print(f"  vectors {start + len(chunk)}/{len(rows)}", flush=True)


# -- measuring -------------------------------------------------------------------------------------
class CachedEmbeddings:
    """The real model for queries; documents it has seen before come from a cache (same vectors)."""

    def __init__(self, real: MiniLMEmbeddings, cache: dict[str, list[float]]) -> None:
        self.real, self.cache, self.model_id = real, cache, real.model_id

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in texts if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.real.embed_documents(missing), strict=True))
        return [self.cache[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.real.embed_query(text)


class TimedIndex(Index):
    """The real Index, timing actor resolution apart from the rest of an ingest."""

    resolve_s = 0.0

    def _resolve_actors(self) -> None:
        started = time.perf_counter()
        super()._resolve_actors()
        self.resolve_s += time.perf_counter() - started


def new_articles() -> list:
    rows = read_jsonl(require(SHARED / "timeline17-dev" / "LibyaWar_reuters.articles.jsonl"))[:NEW_ARTICLES]
    out = []
    for i, r in enumerate(rows):
        published = (NEW_DAY + timedelta(minutes=7 * i)).isoformat()
        out.append(from_record({**r, "id": f"new-{r['id']}", "published": published}, f"scale-new:{i}"))
    return out


def measure(target: Path, embeddings: CachedEmbeddings, questions: list[dict]) -> dict:
    from bot.briefing import brief
    from bot.services import Services
    from bot.settings import Settings
    from index.search import Filters, search

    settings = Settings(NEWSBOT_DATA_DIR=str(target))  # type: ignore[call-arg]
    base = Index.open(settings.index_config(), embeddings=embeddings)
    index = TimedIndex(base.config, base.catalog, base.vectors)
    services = Services.open(settings, index)
    out: dict = {"paragraphs": index.catalog.counts()["indexable"]}
    texts = [q["question"] for q in questions]
    search(index, texts[0])  # warm: HNSW loaded, caches filled
    week = Filters(since=datetime(2023, 6, 12, tzinfo=UTC), until=datetime(2023, 6, 19, tzinfo=UTC))
    for label, filters in (("search", None), ("search_week", week)):
        times = []
        for q in texts:
            started = time.perf_counter()
            search(index, q, k=8, filters=filters)
            times.append((time.perf_counter() - started) * 1000)
        out[f"{label}_p50_ms"], out[f"{label}_p95_ms"] = percentile(times, 50), percentile(times, 95)
    times = []
    for q in texts[:30]:
        started = time.perf_counter()
        services.answerer.ask(q, today=BRIEF_DAY)
        times.append((time.perf_counter() - started) * 1000)
    out["ask_p50_ms"] = percentile(times, 50)
    started = time.perf_counter()
    briefing = brief(services, day=BRIEF_DAY)
    out["brief_s"], out["brief_stories"] = time.perf_counter() - started, len(briefing.stories)
    articles = new_articles()
    index.resolve_s = 0.0
    started = time.perf_counter()
    report = index.ingest(articles)
    out["ingest100_s"] = time.perf_counter() - started
    out["ingest100_resolve_s"] = index.resolve_s
    out["ingest100_index_s"] = out["ingest100_s"] - index.resolve_s
    out["ingest100_paragraphs"] = report.paragraphs
    index.remove([a.id for a in articles])  # back to the cached size for the next run
    stats = index.stats()
    out["consistent"] = stats["consistent"]
    services.close()
    out["disk_bytes_per_paragraph"] = _disk(target) / max(out["paragraphs"], 1)
    out["serve_rss_mb"] = serve_rss(target, texts[:10])
    return out


def _disk(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and "models" not in f.parts)


def serve_rss(target: Path, questions: list[str]) -> float:
    """Peak RSS (MiB) of a real `newsbot serve` that answered these questions and a /brief."""
    sys.path.insert(0, str(ROOT))
    from tests.fakes.telegram_server import FakeTelegram

    with FakeTelegram() as tg:
        env = {**os.environ, "NEWSBOT_DATA_DIR": str(target), "TELEGRAM_BOT_TOKEN": tg.token,
               "TELEGRAM_BASE_URL": tg.base_url, "TELEGRAM_RATE_LIMIT": "0", "NEWSBOT_TIMEZONE": "UTC"}
        env.pop("OPENAI_API_KEY", None)
        env.pop("OPENAI_BASE_URL", None)
        proc = subprocess.Popen([str(Path(sys.executable).parent / "newsbot"), "serve"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            tg.wait_for("setMyCommands", timeout=600)
            for i, q in enumerate([*questions, f"/brief {BRIEF_DAY.isoformat()}"]):
                tg.push_message(q, chat_id=1000 + i)
            deadline = time.monotonic() + 900
            while time.monotonic() < deadline and len(_answered(tg)) < len(questions) + 1:
                time.sleep(1)
            time.sleep(2)
            status = Path(f"/proc/{proc.pid}/status").read_text()
            peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
        finally:
            proc.terminate()
            proc.wait(60)
    return peak / 1024


def _embed_once(real: MiniLMEmbeddings, texts: list[str], path: Path) -> float:
    """Embed the new articles once (the model's time is the same at every size); later runs reuse them."""
    if path.exists() and list(np.load(path)["texts"]) == texts:
        return float(np.load(path)["seconds"])
    started = time.perf_counter()
    vectors = real.encode(texts)
    seconds = time.perf_counter() - started
    np.savez(path, texts=np.array(texts), vectors=vectors, seconds=seconds)
    return seconds


def upgrade_lexical(catalog: Path) -> None:
    """Caches built by earlier versions of this bench lack lexical_keys.length or lexical_terms: add them
    in SQL (the FTS rows hold the tokens), so a million paragraphs are not re-tokenized."""
    conn = sqlite3.connect(catalog, isolation_level=None)
    row = conn.execute("SELECT value FROM meta WHERE key=?", (lexical.META_KEY,)).fetchone()
    if row and row[0] == "snowball-en-2/fts5-2":
        lexical.ensure(conn)
        conn.execute("BEGIN")
        lexical.recount_terms(conn)
        conn.execute("UPDATE meta SET value=? WHERE key=?", (lexical.VERSION, lexical.META_KEY))
        conn.execute("COMMIT")
    elif row and row[0] == "snowball-en-2":
        conn.execute("BEGIN")
        conn.execute("ALTER TABLE lexical_keys ADD COLUMN length INTEGER NOT NULL DEFAULT 0")
        conn.execute("UPDATE lexical_keys SET length = (SELECT length(tokens) - length(replace(tokens, ' ', '')) + 1"
                     " FROM lexical WHERE lexical.rowid = lexical_keys.id)")
        conn.execute("DROP TRIGGER IF EXISTS lexical_keys_gone")
        lexical.ensure(conn)
        conn.execute("UPDATE lexical_stats SET docs = (SELECT COUNT(*) FROM lexical_keys),"
                     " tokens = (SELECT SUM(length) FROM lexical_keys)")
        lexical.recount_terms(conn)
        conn.execute("UPDATE meta SET value=? WHERE key=?", (lexical.VERSION, lexical.META_KEY))
        conn.execute("COMMIT")
    conn.close()


def _answered(tg) -> set:
    from bot.telegram.reply import PLACEHOLDER

    sent = {c["params"].get("chat_id") for c in tg.calls("sendMessage") if c["params"].get("text") != PLACEHOLDER}
    return sent | {c["params"].get("chat_id") for c in tg.calls("editMessageText")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, help="an index holding rtqa-dev (bench/retrieval.py --data-dir)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--cache", default=str(ROOT.parent / "cache" / "scale"))
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    source, cache = Path(args.source), Path(args.cache)
    questions = read_jsonl(require(SHARED / "rtqa-dev" / "questions.jsonl"))
    for size in args.sizes:
        build(source, cache / f"p{size}", size)
    if args.build_only:
        return
    real = MiniLMEmbeddings(model_dir(source / "models"))
    texts = [f"{a.title}\n\n{p.text}" for a in new_articles() for p in a.indexable]
    embeddings, model_s = CachedEmbeddings(real, {}), _embed_once(real, texts, cache / "new-articles.npz")
    embeddings.cache.update(zip(texts, np.load(cache / "new-articles.npz")["vectors"].tolist(), strict=True))
    for size in args.sizes:
        upgrade_lexical(cache / f"p{size}" / "catalog.sqlite3")
    results = {size: measure(cache / f"p{size}", embeddings, questions) for size in args.sizes}
    print(json.dumps(results, indent=1))
    print(f"embedding the {NEW_ARTICLES} new articles' {len(texts)} paragraphs with the model: {model_s:.1f} s"
          " (the same at every size; not included below)")
    base = results[args.sizes[0]]
    rows = [("hybrid retrieval p50 / p95 (ms)", "search_p50_ms", "search_p95_ms"),
            ("  with a 7-day date filter", "search_week_p50_ms", "search_week_p95_ms"),
            ("ingest 100 articles: index work (s)", "ingest100_index_s", None),
            ("  actor resolution after it (s)", "ingest100_resolve_s", None),
            ("ask p50 (ms)", "ask_p50_ms", None), ("a day's brief (s)", "brief_s", None),
            ("serve peak RSS (MiB)", "serve_rss_mb", None),
            ("disk bytes / paragraph", "disk_bytes_per_paragraph", None)]
    print("| | " + " | ".join(f"{s:,}" for s in args.sizes) + " |")
    print("|---" * (len(args.sizes) + 1) + "|")
    for label, key, second in rows:
        cells = []
        for size in args.sizes:
            value = results[size][key]
            cell = f"{value:.3g}" if not second else f"{value:.0f} / {results[size][second]:.0f}"
            if size != args.sizes[0] and base[key]:
                cell += f" ({value / base[key]:.2f}x)"
            cells.append(cell)
        print(f"| {label} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
