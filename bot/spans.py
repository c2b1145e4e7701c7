"""Sentences of a cited paragraph with their typed entity spans.

The ingest-time spaCy pass (index/nlp.py) stores each citable paragraph's sentence offsets and
entity spans; `sentences_of` reads them back so answering needs no model call. A catalog without
annotations (NEWSBOT_EXTRACT_ACTORS=false, or articles ingested before annotations existed) is
split by rule (`bot.text.sentences`) and typed by rule: numbers, amounts, dates and capitalised names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.text import STOPWORDS_ALL, sentences
from index.articles import Annotation

# Labels found by rule when there is no stored annotation: spaCy's where a pattern is that sure,
# NAME for a capitalised run whose kind (person, organisation, place) a rule cannot tell.
NAME = "NAME"

_NUM = r"(?:\d[\d,.]*\d|\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|" \
       r"fifty|sixty|hundred|a few|several|dozens of|hundreds of|thousands of)"
_SCALE = r"(?:\s?(?:million|billion|trillion|thousand|bn|m|k)\b)?"
_APPROX = r"(?:(?:nearly|almost|about|around|roughly|some|over|under|more than|less than|at least|up to)\s)?"
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|" \
         r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("MONEY", re.compile(rf"{_APPROX}[$€£]\s?\d[\d,.]*{_SCALE}|{_APPROX}{_NUM}{_SCALE}\s(?:dollars|euros|pounds)\b",
                         re.IGNORECASE)),
    ("PERCENT", re.compile(rf"{_APPROX}\d[\d.]*\s?(?:%|percent\b|per cent\b)", re.IGNORECASE)),
    ("TIME", re.compile(rf"\b\d{{1,2}}:\d\d\b(?:\s?[ap]\.m\.)?|\b{_APPROX}{_NUM}[\s-](?:hours?|minutes?|seconds?)\b",
                        re.IGNORECASE)),
    ("DATE", re.compile(rf"\b{_MONTH}\s\d{{1,2}}(?:,\s\d{{4}})?\b|\b\d{{1,2}}\s{_MONTH}(?:\s\d{{4}})?|"
                        rf"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b(?:19|20)\d\d\b|"
                        rf"\b{_APPROX}{_NUM}[\s-](?:days?|weeks?|months?|years?)(?:[\s-]old)?\b")),
    ("CARDINAL", re.compile(rf"\b{_APPROX}\d[\d,.]*{_SCALE}", re.IGNORECASE)),
)
_NAME_RUN = re.compile(r"\b[A-Z][\w’'.-]*[\w](?:\s+(?:of\s+|al-|bin\s+|de\s+)?[A-Z][\w’'.-]*[\w])*")


@dataclass(frozen=True)
class Span:
    """A typed phrase of a sentence; `start`/`end` are offsets into the sentence's text."""

    text: str
    label: str  # spaCy's label (PERSON, ORG, GPE, DATE, TIME, CARDINAL, MONEY, ...) or NAME by rule
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    """One sentence of a paragraph and the typed spans inside it."""

    text: str
    spans: tuple[Span, ...] = ()
    index: int = 0  # position in its paragraph, from 0


def sentences_of(text: str, annotation: Annotation | None) -> list[Sentence]:
    """The paragraph's sentences with their spans: stored ones when annotated, else by rule."""
    if annotation is None or not annotation.sentences:
        return [Sentence(s, rule_spans(s), i) for i, s in enumerate(sentences(text))]
    out: list[Sentence] = []
    for start, end in annotation.sentences:
        raw = text[start:end]
        stripped = raw.strip()
        if not stripped:
            continue
        offset = start + (len(raw) - len(raw.lstrip()))
        spans = tuple(Span(text[s:e], label, s - offset, e - offset) for s, e, label in annotation.entities
                      if s >= offset and e <= offset + len(stripped))
        out.append(Sentence(stripped, spans, len(out)))
    return out


def rule_spans(sentence: str) -> tuple[Span, ...]:
    """Numbers, amounts, dates, times and capitalised names found by pattern, left to right, not overlapping."""
    found: list[Span] = []
    taken: list[tuple[int, int]] = []
    for label, pattern in _RULES:
        for m in pattern.finditer(sentence):
            if m.group(0).strip() and not _overlaps(m.start(), m.end(), taken):
                found.append(Span(m.group(0), label, m.start(), m.end()))
                taken.append((m.start(), m.end()))
    for m in _NAME_RUN.finditer(sentence):
        words = m.group(0).split()
        while words and words[0].lower() in STOPWORDS_ALL:  # "The", "But" opening a sentence
            words.pop(0)
        if not words or _overlaps(m.start(), m.end(), taken):
            continue
        name = " ".join(words)
        start = m.end() - len(name)
        found.append(Span(name, NAME, start, m.end()))
    return tuple(sorted(found, key=lambda s: s.start))


def _overlaps(start: int, end: int, taken: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in taken)
