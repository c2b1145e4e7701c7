"""The ingest-time NLP pass: sentence and entity offsets stored per citable paragraph, once."""

from index.articles import make_article
from index.nlp import annotation, parse
from index.sources import read_paths
from tests.conftest import EXAMPLES

TEXT = ("Advertisement\n\nTurkish Foreign Minister Hakan Fidan met Antony Blinken in Ankara on Monday. "
        "The meeting lasted nearly three hours.\n\nOver 9,700 people were killed, officials said.")


def test_sentences_and_typed_entities_are_offsets_into_the_paragraph():
    article = make_article(title="Talks", text=TEXT)
    [(_, n2, doc2), (_, n3, doc3)] = list(parse([article]))
    assert (n2, n3) == (2, 3)  # the furniture block keeps its number and is not parsed
    first = annotation(doc2)
    text = article.paragraphs[1].text
    assert first.sentence_texts(text) == [
        "Turkish Foreign Minister Hakan Fidan met Antony Blinken in Ankara on Monday.",
        "The meeting lasted nearly three hours."]
    spans = {text[s:e]: label for s, e, label in first.entities}
    assert spans.get("Hakan Fidan") == "PERSON" and spans.get("Ankara") == "GPE" and spans.get("Monday") == "DATE"
    assert any(label == "CARDINAL" for *_, label in annotation(doc3).entities)


def test_ingest_stores_annotations_and_reindex_rebuilds_them(new_index):
    index = new_index()
    index.ingest(read_paths([EXAMPLES / "articles"], 200_000))
    keys = [(a, n) for a, n, _, _ in index.catalog.indexable()]
    stored = index.catalog.annotations(keys)
    assert set(stored) == set(keys)
    with index.catalog.lock:
        index.catalog.conn.execute("DELETE FROM annotations")
    index.reindex()
    assert index.catalog.annotations(keys) == stored


def test_no_annotations_when_the_nlp_pass_is_off(new_index):
    index = new_index(extract_actors=False)
    index.ingest(read_paths([EXAMPLES / "articles"], 200_000))
    keys = [(a, n) for a, n, _, _ in index.catalog.indexable()]
    assert keys and index.catalog.annotations(keys) == {}
