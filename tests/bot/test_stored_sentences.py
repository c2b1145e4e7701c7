"""Summaries, dossiers, briefings and timelines split a stored paragraph by its ingest-time annotation.

The rule splitter breaks "Shares of J.P. Morgan fell ..." after "J.P." and "Maj. Gen. Khalifa Haftar said ..."
after "Maj."; spaCy's sentence recogniser, stored at ingest, does not. Without annotations
(NEWSBOT_EXTRACT_ACTORS=false, a text the catalog does not hold) the rules still split.
"""

from __future__ import annotations

from datetime import date

import pytest

from bot.actors import build_dossier
from bot.briefing import brief
from bot.context import Context
from bot.settings import Settings
from bot.spans import Splitter, sentences_of
from bot.summary import summarize
from bot.summary.extractive import candidates
from bot.summary.parts import article_hits
from bot.text import sentences
from bot.timeline import build_timeline
from index.actors import lookup
from index.articles import Annotation
from index.sources import from_record
from index.store import Index
from tests.conftest import make_config

JPM = ("Shares of J.P. Morgan fell on Tuesday after chief executive Jamie Dimon said the bank would cut 500 jobs."
       " The union called the cuts a betrayal.")
HAFTAR = ("Maj. Gen. Khalifa Haftar said the offensive on the capital would continue until the militias"
          " surrendered. His forces shelled the airport overnight, witnesses said.")


def _record(article_id: str, title: str, hour: int, source: str, paragraphs: list[str]) -> dict:
    return {"id": article_id, "title": title, "published": f"2024-03-05T{hour:02d}:00:00+00:00", "source": source,
            "url": f"https://example.org/{article_id}", "text": "\n\n".join(paragraphs)}


ARTICLE = _record("jpm-cuts", "J.P. Morgan to cut 500 mortgage jobs", 10, "Harbor Wire", [
    JPM,
    "The chief executive told analysts the cuts would fall mostly on the mortgage unit in Ohio.",
    "Analysts at Goldman Sachs said the move was expected after a weak quarter for home lending.",
    "The union said it would meet bank officials next week to discuss severance for the workers affected.",
    "Shares of J.P. Morgan recovered slightly by the close of trading, ending the day down 2 percent.",
])
LIBYA = _record("haftar-offensive", "Haftar vows to press on", 12, "Desert Post", [
    HAFTAR,
    "Khalifa Haftar has led the eastern forces since 2014 and rejected the truce offered by the capital.",
    "Diplomats in the region said the fighting had displaced thousands of families in the past week.",
])
WHOLE = "Shares of J.P. Morgan fell on Tuesday after chief executive Jamie Dimon said the bank would cut 500 jobs."
FRAGMENT = "Morgan fell on Tuesday after chief executive Jamie Dimon said the bank would cut 500 jobs."


def _open(tmp_path_factory, models_root, embeddings, name: str, extract_actors: bool) -> Index:
    config = make_config(tmp_path_factory.mktemp(name), models_root, extract_actors=extract_actors)
    index = Index.open(config, embeddings=embeddings)
    report = index.ingest([from_record(r, f"test:{r['id']}") for r in (ARTICLE, LIBYA)])
    assert not report.failed, report.failed
    return index


@pytest.fixture(scope="module")
def annotated(tmp_path_factory, models_root, embeddings):
    index = _open(tmp_path_factory, models_root, embeddings, "annotated", True)
    yield index
    index.close()


@pytest.fixture(scope="module")
def bare(tmp_path_factory, models_root, embeddings):
    index = _open(tmp_path_factory, models_root, embeddings, "bare", False)
    yield index
    index.close()


def _ctx(index: Index, extract_actors: bool) -> Context:
    settings = Settings(NEWSBOT_DATA_DIR=str(index.config.data_dir), NEWSBOT_TIMEZONE="UTC", OPENAI_API_KEY="",
                        OPENAI_BASE_URL="", NEWSBOT_EXTRACT_ACTORS=extract_actors)
    return Context(settings, index, None)


def test_the_rules_break_where_the_stored_annotation_does_not():
    assert sentences(JPM)[:2] == ["Shares of J.P.", FRAGMENT]  # the premise of every test below
    assert sentences(HAFTAR)[0] == "Maj."


class CountingCatalog:
    """A catalog stand-in that counts `annotations` queries."""

    def __init__(self, stored: dict) -> None:
        self.stored, self.calls = stored, 0

    def annotations(self, keys):
        self.calls += 1
        return {k: self.stored[k] for k in keys if k in self.stored}


def test_splitter_reads_stored_offsets_in_one_query_and_rules_for_the_rest():
    annotation = Annotation(((0, len(WHOLE)), (len(WHOLE) + 1, len(JPM))), ((10, 21, "ORG"), (60, 71, "PERSON")))
    catalog = CountingCatalog({("a", 1): annotation})
    splitter = Splitter.fetch(catalog, [("a", 1), ("a", 2), ("b", 1)])  # type: ignore[arg-type]
    assert catalog.calls == 1
    first, second = splitter.sentences(("a", 1), JPM)
    assert (first.text, first.start, first.end) == (WHOLE, 0, len(WHOLE))
    assert JPM[second.start:second.end] == second.text == "The union called the cuts a betrayal."
    assert [(s.text, s.label) for s in first.spans] == [("J.P. Morgan", "ORG"), ("Jamie Dimon", "PERSON")]
    assert splitter.texts(("a", 2), JPM) == sentences(JPM)  # no annotation: the rules
    assert Splitter().texts(("a", 1), JPM) == sentences(JPM)  # no catalog: the rules
    assert Splitter.fetch(None, [("a", 1)]).texts(("a", 1), JPM) == sentences(JPM)
    # Offsets of some other text (a sentence starting past this one's end) are not trusted.
    assert [s.text for s in sentences_of("Short text.", annotation)] == ["Short text."]


def test_rule_sentences_know_where_they_are_in_the_paragraph():
    split = sentences_of(JPM, None)
    assert [s.text for s in split] == sentences(JPM)
    assert all(JPM[s.start:s.end] == s.text for s in split)


def test_summary_splits_an_indexed_article_by_its_annotations(annotated):
    article = annotated.catalog.article("jpm-cuts")
    hits = article_hits(article)
    texts = [c.text for c in candidates(hits, Splitter.fetch(annotated.catalog, [h.key for h in hits]))]
    assert WHOLE in texts and FRAGMENT not in texts
    summary = summarize(_ctx(annotated, True), "jpm-cuts", bullets=3)
    stored = annotated.catalog.annotations([h.key for h in hits])
    whole = {s.text for h in hits for s in sentences_of(h.text, stored[h.key])}
    points = [summary.gist, *summary.bullets]
    assert all(p.text in whole for p in points), [p.text for p in points]
    assert all(not p.text.startswith("Morgan ") for p in points)


def test_summary_without_annotations_falls_back_to_the_rules(bare):
    article = bare.catalog.article("jpm-cuts")
    hits = article_hits(article)
    splitter = Splitter.fetch(bare.catalog, [h.key for h in hits])
    assert not splitter.stored
    assert FRAGMENT in [c.text for c in candidates(hits, splitter)]


def test_dossier_entries_are_whole_annotated_sentences(annotated):
    dimon = lookup(annotated.catalog, "Jamie Dimon")
    assert dimon is not None
    texts = [e["text"] for e in build_dossier(annotated, dimon)["timeline"]]
    assert WHOLE in texts and FRAGMENT not in texts
    haftar = lookup(annotated.catalog, "Khalifa Haftar")
    assert haftar is not None
    texts = [e["text"] for e in build_dossier(annotated, haftar)["timeline"]]
    assert any(t.startswith("Maj. Gen. Khalifa Haftar said") for t in texts), texts


def test_briefing_and_timeline_take_whole_annotated_sentences(annotated):
    ctx = _ctx(annotated, True)
    bullets = [b.text for s in brief(ctx, day=date(2024, 3, 5)).stories for b in s.bullets]
    assert bullets and not any(b.startswith(("Morgan fell", "Gen. Khalifa")) for b in bullets), bullets
    entries = [e.text for e in build_timeline(ctx, "Khalifa Haftar").entries]
    assert entries and not any(e.startswith("Gen. Khalifa") for e in entries), entries
    assert any(e.startswith("Maj. Gen. Khalifa Haftar said") for e in entries), entries


def test_briefing_without_annotations_still_briefs(bare):
    bullets = [b.text for s in brief(_ctx(bare, False), day=date(2024, 3, 5)).stories for b in s.bullets]
    assert bullets


def test_a_quotation_spacy_cut_in_half_is_glued_back():
    text = "Cheney told supporters: “She won. I called her to concede the race.” Hageman thanked them."
    second, third = text.index("I called"), text.index("Hageman")
    cut = Annotation(((0, second - 1), (second, third - 1), (third, len(text))), ())  # spaCy cut inside the quote
    assert [s.text for s in sentences_of(text, cut)][:1] == ["Cheney told supporters: “She won."]  # as stored
    glued = Splitter({("a", 1): cut}).sentences(("a", 1), text)
    assert [s.text for s in glued] == ["Cheney told supporters: “She won. I called her to concede the race.”",
                                       "Hageman thanked them."]
    assert all(text[s.start:s.end] == s.text for s in glued)
    bracket = "[40:32] Welker: OK, I have to give him a chance to respond."
    assert Splitter({("a", 2): Annotation(((0, 1), (1, len(bracket))), ())}).texts(("a", 2), bracket) == [bracket]
