"""The actor benchmarks' corpus: every dev article by topic, parsed by spaCy once and cached.

Parsing 74k paragraphs takes minutes on a shared machine, and every run of the actor benchmarks
needs the same Docs, so they are kept in a DocBin under the temp directory, keyed by the text of
each paragraph (a changed paragraph, e.g. newly flagged furniture, is parsed again).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from common import SHARED, read_jsonl

from index.articles import Article
from index.catalog import Catalog
from index.sources import from_record, read_paths

# Topic -> dev file, relative to ../shared/data. The seed article is one topic of its own.
TOPICS = {
    "libya": "timeline17-dev/LibyaWar_reuters.articles.jsonl",
    "egypt": "timeline17-dev/EgyptianProtest_cnn.articles.jsonl",
    "rtqa": "rtqa-dev/articles.jsonl",
    "seed": "seed/blinken-turkey.txt",
}
CACHE = Path(os.environ.get("NEWSBOT_BENCH_CACHE", Path(tempfile.gettempdir()) / "newsbot-bench-docs"))


def topic_articles(topic: str) -> list[Article]:
    """The articles of one dev topic, with the ids ingest would give them."""
    path = SHARED / TOPICS[topic]
    if path.suffix == ".txt":
        return [a for a in read_paths([path], 10_000_000) if isinstance(a, Article)]
    return [from_record(r, f"{path.name}:{i}") for i, r in enumerate(read_jsonl(path), 1)]


def available_topics() -> list[str]:
    return [t for t, rel in TOPICS.items() if (SHARED / rel).exists()]


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def parsed(articles: list[Article]) -> Iterator[tuple[Article, int, object]]:
    """(article, paragraph number, Doc) like `index.nlp.parse`, from the cache where it has the text."""
    from spacy.tokens import DocBin

    from index.nlp import parse, pipeline

    nlp = pipeline()
    CACHE.mkdir(parents=True, exist_ok=True)
    docs = {}
    for file in sorted(CACHE.glob("*.spacy")):
        for doc in DocBin().from_disk(file).get_docs(nlp.vocab):
            docs[_key(doc.text)] = doc
    missing = [a for a in articles if any(_key(p.text) not in docs for p in a.indexable)]
    if missing:
        fresh = DocBin(store_user_data=False)
        for _, _, doc in parse(missing):
            docs[_key(doc.text)] = doc
            fresh.add(doc)
        fresh.to_disk(CACHE / f"{_key(str(sorted(a.id for a in missing)))[:16]}.spacy")
    for article in articles:
        for p in article.indexable:
            yield article, p.number, docs[_key(p.text)]


def bare_catalog(articles: list[Article], folder: Path | None = None) -> Catalog:
    """A catalog holding the articles (no vectors): what the actor index needs."""
    folder = folder or Path(tempfile.mkdtemp(prefix="newsbot-actors-"))
    catalog = Catalog(folder / "catalog.sqlite3")
    for article in articles:
        if catalog.state(article.id) is None and not catalog.id_by_hash(article.content_hash):
            catalog.add_pending(article)
    return catalog
