"""Near-duplicates: one story under two URLs or syndicated by several outlets is stored once or linked."""

from dataclasses import replace

import numpy as np
import pytest

from index.articles import make_article
from index.dedupe import (
    THRESHOLD,
    article_text,
    canonical_of,
    copies_of,
    duplicate_groups,
    link_duplicates,
    links,
    shingles,
    signature,
    similarity,
)
from index.live.fetch import FetchLimits
from index.live.urls import read_urls
from tests.conftest import ROOT
from tests.fakes.news_site import FERRY, ORCHARD, TRAINS, NewsSite, article_html

FAST = FetchLimits(timeout=1.0, connect_timeout=0.5)
# The Harbor Wire story as a second outlet runs it: new headline, one sentence edited, a credit line added.
SYNDICATED = replace(
    FERRY, title="Port Elbridge keeps its island ferry sailing twice a day", site="Gull Island Courier",
    paragraphs=(*FERRY.paragraphs[:2],
                FERRY.paragraphs[2].replace("half past nine", "nine thirty"),
                *FERRY.paragraphs[3:],
                "This story was first published by Harbor Wire and is republished with permission."))


@pytest.fixture()
def site():
    with NewsSite() as server:
        yield server


def test_same_story_under_two_urls_is_stored_once(site, new_index):
    index = new_index()
    canonical = "https://harbor-wire.example/ferry"
    first = site.page("/news/ferry", article_html(FERRY, canonical=canonical))
    amp = site.page("/amp/ferry", article_html(FERRY, canonical=canonical))
    no_canonical = site.page("/print/ferry", article_html(FERRY))
    report = index.ingest(read_urls([first, amp, no_canonical], FAST))
    assert len(report.added) == 1 and len(report.skipped) == 2
    reasons = " ".join(r for _, r in report.skipped)
    assert "earlier in this run" in reasons and "same text" in reasons


def test_syndicated_copy_is_linked_and_both_outlets_stay_citable(site, new_index):
    index = new_index()
    urls = [site.page("/wire/ferry", article_html(FERRY)), site.page("/courier/ferry", article_html(SYNDICATED)),
            site.page("/wire/orchard", article_html(ORCHARD)), site.page("/post/trains", article_html(TRAINS))]
    report = index.ingest(read_urls(urls, FAST))
    wire, courier, orchard, trains = report.added
    [(article, original, score, method)] = links(index.catalog)
    assert (article, original) == (courier, wire) and score >= THRESHOLD and method.startswith("minhash")
    assert canonical_of(index.catalog, courier) == wire == canonical_of(index.catalog, wire)
    groups = duplicate_groups(index.catalog, [trains, courier, orchard, wire])
    assert groups == [{trains}, {courier, wire}, {orchard}]
    assert copies_of(index.catalog, wire) == {wire, courier}
    sources = {index.catalog.article(a).source for a in (wire, courier)}
    assert sources == {"Harbor Wire", "Gull Island Courier"}  # both kept, both citable


def test_chains_resolve_to_the_first_seen_article_and_relinking_is_idempotent(new_index):
    index = new_index()
    base = [f"Paragraph {i} of the quay repair story, with enough words to make several shingles here."
            for i in range(8)]
    versions = [make_article(title=f"v{n}", given_id=f"v{n}", text="\n\n".join(base[:6 + n] + [f"Update {n}."]),
                             published="2024-03-01") for n in range(3)]
    index.ingest(versions)
    assert canonical_of(index.catalog, "v2") == "v0"
    assert duplicate_groups(index.catalog, ["v2", "v1", "v0"]) == [{"v0", "v1", "v2"}]
    before = links(index.catalog)
    assert link_duplicates(index.catalog, versions) == []
    index.reindex()
    assert links(index.catalog) == before


SHORT = "Quay closed today for repairs by the council"  # 4 shingles: too few to judge


def test_articles_far_apart_in_time_or_too_short_are_not_compared(new_index):
    index = new_index()
    text = "\n\n".join(FERRY.paragraphs)
    edited = text.replace("twice a day", "two times daily")
    index.ingest([make_article(title="a", given_id="a", text=text, published="2024-01-01"),
                  make_article(title="b", given_id="b", text=edited, published="2024-06-01"),
                  make_article(title="c", given_id="c", text=SHORT, published="2024-01-01"),
                  make_article(title="d", given_id="d", text=SHORT + " today", published="2024-01-01")])
    assert similarity(*(signature(shingles(t)) for t in (SHORT, SHORT + " today"))) >= THRESHOLD
    assert links(index.catalog) == []


def test_minhash_estimates_jaccard():
    rng = np.random.default_rng(7)
    for overlap in (0.0, 0.3, 0.6, 0.9):
        universe = rng.choice(2**62, size=3000, replace=False).astype(np.uint64)
        shared = int(1000 * overlap)
        a, b = universe[:1000], np.concatenate([universe[:shared], universe[1000:2000 - shared]])
        exact = shared / (2000 - shared)
        assert abs(similarity(signature(a), signature(b)) - exact) < 0.12
    assert len(shingles("One two three four five six")) == 2 and len(shingles("Two words")) == 1
    assert np.array_equal(shingles("Café, CAFE cafe!"), shingles("cafe cafe cafe"))  # case, accents, punctuation
    assert not np.array_equal(shingles("a b c d e"), shingles("e d c b a"))  # word order matters
    assert similarity(signature(shingles(FERRY.paragraphs[0])), signature(shingles(FERRY.paragraphs[0]))) == 1.0


def test_threshold_separates_labelled_dev_pairs(shared_data):
    """The calibration in index/dedupe.py, re-checked on the Reuters file of ../shared/data."""
    from index.sources import read_paths

    file = "timeline17-dev/LibyaWar_reuters.articles.jsonl"
    labels = ROOT / "bench" / "dedupe_pairs.tsv"
    rows = [line.split("\t") for line in labels.read_text().splitlines() if line.startswith(file)]
    articles = {a.id: a for a in read_paths([shared_data / file], 10**9) if hasattr(a, "paragraphs")}
    sig = {i: signature(shingles(article_text(articles[i]))) for _, a, b, _ in rows for i in (a, b)}
    scores = {(a, b): (similarity(sig[a], sig[b]), label) for _, a, b, label in rows}
    assert all(s < THRESHOLD for s, label in scores.values() if label == "not")
    dups = [s for s, label in scores.values() if label == "dup"]
    assert sum(s >= THRESHOLD for s in dups) / len(dups) >= 0.7
