"""A stored paragraph's sentences with their typed entity spans: what every capability splits paragraphs by.

The ingest-time spaCy pass (index/nlp.py) stores each citable paragraph's sentence offsets and
entity spans; `sentences_of` reads them back so no capability needs a model call, and `Splitter`
fetches a whole request's annotations in one catalog query. A paragraph without an annotation
(NEWSBOT_EXTRACT_ACTORS=false, an article read but not indexed, one ingested before annotations
existed) is split by rule (`bot.text.sentences`) and typed by rule: numbers, amounts, dates and
capitalised names. Text that never was a stored paragraph (an LLM's claims) stays on the rule splitter.
Whether a sentence can stand alone as a cited claim is bot.standalone's business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.text import STOPWORDS_ALL, sentences
from index.articles import Annotation
from index.catalog import Catalog

Key = tuple[str, int]  # (article id, paragraph number)

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
_TWO_ALNUM = re.compile(r"[^\W_].*?[^\W_]", re.DOTALL)  # two letters or digits, anything between
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
    start: int = -1  # offset of `text` in its paragraph; -1 when the rule splitter's text is not verbatim there

    @property
    def end(self) -> int:
        """Offset just past the sentence in its paragraph (-1 when `start` is unknown)."""
        return self.start + len(self.text) if self.start >= 0 else -1


def sentences_of(text: str, annotation: Annotation | None, typed: bool = True,
                 whole_quotes: bool = False) -> list[Sentence]:
    """The paragraph's sentences with their spans: stored ones when annotated, else by rule (`typed=False`:
    a caller that reads no spans gets none and skips the typing). `whole_quotes` glues stored sentences back together
    where spaCy cut inside a quotation or before a lower-case word, as the rule splitter never does."""
    if not _fits(text, annotation):
        return _by_rule(text, typed)
    assert annotation is not None
    out: list[Sentence] = []
    for start, end in (_glued(text, annotation.sentences) if whole_quotes else annotation.sentences):
        raw = text[start:end]
        stripped = raw.strip()
        if not stripped:
            continue
        offset = start + (len(raw) - len(raw.lstrip()))
        spans = tuple(Span(text[s:e], label, s - offset, e - offset) for s, e, label in annotation.entities
                      if s >= offset and e <= offset + len(stripped)) if typed else ()
        out.append(Sentence(stripped, spans, len(out), offset))
    return out


def _fits(text: str, annotation: Annotation | None) -> bool:
    """Whether the annotation can be of this text: a sentence starting past its end means another text (rules)."""
    return annotation is not None and bool(annotation.sentences) and annotation.sentences[-1][0] < len(text)


def _glued(text: str, bounds: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Stored sentence offsets, a sentence joined to the one before when it continues it: spaCy splits inside a
    quotation ("“She won. | I called her to concede.”", half a quote either side), before a lower-case word or a
    hyphen ("Co | -operate"), after a colon ("HALFTIME: | Argentina leads"), and around a lone bracket or stray
    character ("[ | 40:32] Welker:"). On a labelled rtqa-dev sample (bench/stored_sentences.py, the "dev" rows)
    those were all the splits of spaCy's that a reader would undo."""
    out: list[tuple[int, int]] = []
    curly = straight = 0  # open curly quotes; straight quotes seen (odd = inside one)
    for start, end in bounds:
        piece = text[start:end]
        previous = text[out[-1][0]:out[-1][1]].rstrip() if out else ""
        if out and (curly > 0 or straight % 2 or piece.lstrip()[:1].islower() or piece.lstrip()[:1] == "-"
                    or previous.endswith(":") or _stray(previous) or _stray(piece)):
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
        curly = max(0, curly + piece.count("“") - piece.count("”"))
        straight += piece.count('"')
    return out


def _stray(piece: str) -> bool:
    """A 'sentence' with under two letters or digits: a bracket, a byte-order mark, a dash."""
    return _TWO_ALNUM.search(piece) is None


def _by_rule(text: str, typed: bool) -> list[Sentence]:
    out: list[Sentence] = []
    cursor = 0
    for i, sentence in enumerate(sentences(text)):
        start = text.find(sentence, cursor)  # -1 when the splitter glued a quotation back across a line break
        cursor = start + len(sentence) if start >= 0 else cursor
        out.append(Sentence(sentence, rule_spans(sentence) if typed else (), i, start))
    return out


@dataclass(frozen=True)
class Splitter:
    """One request's paragraphs split into sentences: by their stored annotations, fetched from the catalog
    in one query (`fetch`), and by rule for any paragraph that has none. `Splitter()` splits by rule only.
    A quotation is never cut in half: a bullet, dossier line or timeline entry is a whole sentence of it."""

    stored: Mapping[Key, Annotation] = field(default_factory=dict)

    @classmethod
    def fetch(cls, catalog: Catalog | None, keys: Iterable[Key]) -> Splitter:
        """The stored annotations of these paragraphs (none without a catalog: then every split is by rule)."""
        return cls(catalog.annotations(list(keys))) if catalog is not None else cls()

    def sentences(self, key: Key, text: str, typed: bool = True) -> list[Sentence]:
        """The sentences of the stored paragraph `key` whose text is `text`."""
        return sentences_of(text, self.stored.get(key), typed, whole_quotes=True)

    def texts(self, key: Key, text: str) -> list[str]:
        """Just the sentence texts of `sentences`."""
        return [s.text for s in self.sentences(key, text, typed=False)]


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
