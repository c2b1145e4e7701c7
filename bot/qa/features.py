"""What the answer ranker knows about a candidate sentence: the features its fitted weights read.

One vector per sentence of a retrieved paragraph. `bench/fit_answers.py` fits the weights
(bot/qa/fitted.py) on these exact vectors, so changing a feature here means re-running it
(tests/bot/qa/test_ranker_and_metrics.py fails until the names agree).

Words are weighed by their idf in the index ("Broncos" tells more than "team"): a sentence holding
the question's rare words is about the question, one holding only its common words is near it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import numpy as np

from bot.qa.places import is_kind, place_kind
from bot.qa.qtype import TIME_UNIT, Expected, asking_sentence, expected
from bot.spans import Sentence, Span
from bot.text import content_words, fold, head_terms, names, numbers, owner_names, question_terms, term_coverage
from index.actors import name_key
from index.bm25 import tokenize
from index.search import Hit

FEATURES = (
    "sem",              # cosine similarity of question and sentence (0 in the lexical first pass)
    "sem_gap",          # how far below the best sentence's similarity this one is
    "sem_titled",       # cosine similarity of question and "title. sentence"
    "sem_paragraph",    # cosine similarity of question and "title. paragraph"
    "overlap",          # share of the question's content words in the sentence
    "weighted",         # ... weighed by idf
    "weighted_gap",     # how far below the best sentence's `weighted` this one is
    "weighted_before",  # idf share in the sentence, the one before it and the title (a subject said earlier)
    "weighted_context",  # idf share in the sentence's paragraph and title
    "rarest",           # the question's rarest word is in the sentence
    "missing_rare",     # idf of the rarest question word absent from the paragraph and title, over the rarest's
    "missing_article",  # ... absent from the candidate's whole article (see `missing_in_article`)
    "title_overlap",    # share of the question's content words in the article's title
    "term_coverage",    # share of the question's key terms in the paragraph and title
    "head_coverage",    # the thing asked for ("population" of X) is in the paragraph
    "named_sentence",   # share of the question's names in the sentence
    "named_paragraph",  # ... in the paragraph or title
    "named_before",     # share of them in the sentence, the one before it or the title (who it is about)
    "named_whole",      # share of them found whole in the candidate's article (all of it): "DP World Tour", not
                        # just "Tour"; "Selin Aydar" named once, "Aydar" after (see `whole_names`)
    "type_strict",      # factoid question and the sentence holds a span of exactly the expected type
    "type_loose",       # ... only a span of a related type (spaCy calls Sri Lanka a PERSON)
    "type_missing",     # factoid question and the sentence holds none
    "type_paragraph",   # factoid question and the paragraph holds one
    "span_near",        # idf share of the question's words within a few words of the best such span
    "span_head",        # the asked-for noun is in or right after the span ("United Airlines", "65 prisoners")
    "span_locative",    # a where-question and a place span right after a preposition ("heads to Asia")
    "quote_said",       # a what-did-X-say question and the sentence quotes or reports speech
    "novelty",          # share of the sentence's words that are not the question's
    "proximity",        # a question name right before another question word ("Valdoria demanded")
    "phrase",           # the longest run of the question's own words the sentence repeats, in order (see `phrase`)
    "numbers_missing",  # a number the question states is absent from the paragraph
    "years_missing",    # a year the question names is neither the article's nor in the paragraph
    "rank",             # retrieval rank of the paragraph, 0 = best, scaled to 0..1
    "first_sentence",   # the paragraph's first sentence
    "lead",             # the article's first three paragraphs
    "short",            # fewer than 8 words
    "long",             # more than 40 words
    "asks",             # the sentence is itself a question
    "fragment",         # not shaped like a sentence: no capital start or no full stop (headings, cut text)
    # Open questions ("What did Turkey demand?") have no answer type to look for: these let the
    # ranker weigh the question's words, who-did-it and reported speech differently for them.
    "open_weighted",    # open question: `weighted`
    "open_proximity",   # open question: `proximity`
    "open_said",        # open question: `quote_said`
    "open_named",       # open question: `named_sentence` (what X did is told where X is named)
    "quote_marks",      # a what-did-X-say question and the sentence quotes (not only reports) speech
    "actor_verb",       # a what-did-X-say/demand question: a name of its own next to a verb that reports that act
    "stale",            # how much older the sentence's article is than the context's newest: 0 within a month,
                        # 1 from a year (no dev answer came from an article over a year older than the question)
    "agree",            # share of the context's other articles stating this sentence's short answer (bot.qa.short)
    # The hand-weighted score the engine ranked by before these models (0.45·similarity + 0.2·overlap
    # + …, tuned on rtqa-dev): one strong summary the fitted models may lean on or correct.
    "prior",
)
_SAID = re.compile(r"\b(said|says|told|demanded|demands|called|urged|warned|announced|asked|added|wrote|stressed|"
                   r"insisted|sought|proposed|made it clear)\b|[\"“”]")
_QUOTE_QUESTION = re.compile(r"\b(say|said|tell|told|demand|want|ask|write|wrote|propose|call|warn|announce|claim)\b")
# "Where…?" is answered by the place after a preposition ("heads to Asia"), not the one a clause is about
# ("After Turkey visit").
LOCATIVE = re.compile(r"\b(?:in|at|to|into|near|from|toward|towards|outside|inside|across|through|on)\s+(?:the\s+)?$",
                      re.IGNORECASE)
_QUOTES = re.compile(r"[\"“”]")
# The verbs a report uses for what a question asks someone did: "What did Turkey demand?" is answered by
# "Turkey made it clear…" or "…was sought by Turkey", not by "Arab nations demanded…"; "What did Aydar
# say?" by "…, Aydar said", not by "Aydar proposed…". Words, not a parse: it runs on every candidate.
_SAY = ("said", "says", "say", "told", "tells", "added", "stressed", "insisted", "wrote", "writes", "noted",
        "explained", "according to", "declared", "stated", "argued", "replied", "remarked")
_DEMAND = ("demanded", "demands", "demanding", "sought", "seeks", "seeking", "wanted", "wants", "insisted",
           "insists", "urged", "urges", "pressed for", "called for", "calls for", "made it clear", "asked",
           "asks", "requested", "required", "conditioned")
_REPORTED_AS = {verb: re.compile(r"\b(?:" + "|".join(map(re.escape, forms)) + r")\b") for verb, forms in {
    "say": _SAY, "tell": _SAY, "write": _SAY, "claim": ("claimed", "claims", "alleged", *_SAY),
    "demand": _DEMAND, "want": _DEMAND, "ask": _DEMAND, "call": _DEMAND,
    "propose": ("proposed", "proposes", "suggested", "offered", "put forward", "floated"),
    "warn": ("warned", "warns", "cautioned", "threatened"),
    "announce": ("announced", "announces", "declared", "unveiled", "said"),
}.items()}
_ASKED_VERB = re.compile(rf"\bdid\s+(?:[\w'’.-]+\s+){{1,4}}?({'|'.join(_REPORTED_AS)})\b", re.IGNORECASE)
ACTOR_WINDOW = 6  # words between the name and the verb: "Foreign Minister Selin Aydar said", "sought by Turkey"
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_AGE = re.compile(r"\d+[- ]years?[- ]old\b|\baged?\s+\d+", re.IGNORECASE)
_BARE_AGE = re.compile(r"\d{1,3}")  # "Godard, 91, died": a bare number may be an age
_ENDS = re.compile(r"[.!?…][\"'”’)]*$")
PHRASE_WORDS = 6  # a run of this many question words repeated in order is as good as a longer one
_WORD = re.compile(r"[\w'’-]+")
SPAN_WINDOW = 6  # tokens either side of a typed span that count as near it
ARTICLE_WORDS_CACHED = 1024  # articles whose word sets are kept (a few MB)


@dataclass(frozen=True)
class Question:
    """The parts of a question every candidate is compared with, computed once."""

    text: str
    words: frozenset[str]
    terms: frozenset[str]
    heads: frozenset[str]
    owners: frozenset[str]  # whose thing it asks for ("the prime minister of Luneria"): see `owned`
    names: frozenset[str]
    numbers: frozenset[str]
    years: frozenset[str]
    expect: Expected
    about_speech: bool
    reported_as: re.Pattern | None  # the verbs that report what the question asks someone did (see _REPORTED_AS)
    written_names: tuple[tuple[str, ...], ...]  # the names an answering article must write (see `article_names`)
    weights: dict[str, float] = field(default_factory=dict, hash=False)  # idf of each of `words`
    tokens: tuple[str, ...] = ()  # the asking sentence's words, lower-cased, in order (for `phrase`)

    @classmethod
    def parse(cls, text: str, idf: Callable[[Iterable[str]], dict[str, float]] | None = None) -> Question:
        """The question's parts; `idf` (Catalog.idf) weighs its words, else all weigh the same."""
        words = frozenset(content_words(text))
        weights = idf(words) if idf and words else {}
        verb = _ASKED_VERB.search(text)
        reported_as = _REPORTED_AS[verb.group(1).lower()] if verb else None
        return cls(text, words, frozenset(question_terms(text)), frozenset(head_terms(text)),
                   frozenset(owner_names(text)), frozenset(names(text)),
                   frozenset(numbers(text)), frozenset(m.group(0) for m in _YEAR.finditer(text)), expected(text),
                   bool(_QUOTE_QUESTION.search(text.lower())), reported_as, tuple(article_names(text)),
                   {w: weights.get(w, 1.0) for w in words}, tuple(_words(asking_sentence(text))))

    def weighted(self, found: set[str] | frozenset[str]) -> float:
        """Share of the question's idf mass among `found` (content words)."""
        total = sum(self.weights.values())
        return sum(v for w, v in self.weights.items() if w in found) / total if total else 0.0


@dataclass(frozen=True)
class Candidate:
    """A sentence of a retrieved paragraph: `marker` is the paragraph's 1-based place in the context;
    `before` is the paragraph's previous sentence ("" for its first)."""

    sentence: Sentence
    marker: int
    hit: Hit
    before: str = ""

    @property
    def text(self) -> str:
        return self.sentence.text


def lexical(q: Question, cand: Candidate, ranks: int, paragraph_typed: bool) -> np.ndarray:
    """Every feature but the similarity ones (left 0): cheap, for choosing what to embed.

    `ranks` is the number of context paragraphs; `paragraph_typed` whether any sentence of the
    candidate's paragraph holds a span of the expected type (see `typed`)."""
    s, hit = cand.sentence, cand.hit
    said = q.about_speech and bool(_SAID.search(s.text))
    words = content_words(s.text)
    title = content_words(hit.title)
    where = title | content_words(hit.text)
    folded_where = fold(f"{hit.title} {hit.text}")
    q_words = set(q.words)
    spans = [span for span in s.spans if answers_type(q, span.label, span.text)]
    strict = any(q.expect.accepts(span.label) for span in spans)
    have_years = {m.group(0) for m in _YEAR.finditer(f"{hit.title} {hit.text}")}
    if hit.published:
        have_years.add(str(hit.published.year))
    rarest = max(q.weights, key=lambda w: (q.weights[w], w)) if q.weights else None
    # "Saturn's moons" over a paragraph on Jupiter's: one rare word missing says more than a share of them
    missing = [v for w, v in q.weights.items() if w not in where | words]
    values = {
        "overlap": len(q_words & words) / len(q_words) if q_words else 0.0,
        "weighted": q.weighted(words),
        "weighted_before": q.weighted(words | content_words(cand.before) | title),
        "weighted_context": q.weighted(words | where),
        "rarest": float(rarest in words),
        "missing_rare": max(missing, default=0.0) / max(q.weights[rarest], 1e-9) if rarest else 0.0,
        "title_overlap": len(q_words & title) / len(q_words) if q_words else 0.0,
        "term_coverage": term_coverage(set(q.terms), where | words),
        "head_coverage": term_coverage(set(q.heads), where | words),
        "named_sentence": _named(q.names, fold(s.text)),
        "named_paragraph": _named(q.names, folded_where),
        "named_before": _named(q.names, fold(f"{hit.title} {cand.before} {s.text}")),
        "type_strict": float(strict),
        "type_loose": float(bool(spans) and not strict),
        "type_missing": float(q.expect.factoid and not spans),
        "type_paragraph": float(bool(spans) or paragraph_typed),
        "span_near": max((q.weighted(near_words(s.text, span)) for span in spans), default=0.0),
        "span_head": float(any(head_of(q, s.text, span) for span in spans)),
        "span_locative": float(q.expect.kind == "place" and any(locative(s.text, span) for span in spans)),
        "quote_said": float(said),
        "quote_marks": float(q.about_speech and bool(_QUOTES.search(s.text))),
        "novelty": len(words - q_words) / len(words) if words else 0.0,
        "proximity": proximity(s.text, q.names, q_words),
        "phrase": phrase(q.tokens, s.text),
        "actor_verb": actor_verb(q, s.text),
        "numbers_missing": float(bool(q.numbers - numbers(f"{hit.title} {hit.text}"))),
        "years_missing": float(not q.years <= have_years),
        "rank": (cand.marker - 1) / max(1, ranks - 1),
        "first_sentence": float(s.index == 0),
        "lead": float(hit.paragraph <= 3),
        "short": float(len(s.text.split()) < 8),
        "long": float(len(s.text.split()) > 40),
        "asks": float(s.text.rstrip("”\"' ").endswith("?")),
        "fragment": float(not (s.text[:1].isupper() or s.text[:1] in "\"“‘'") or not _ENDS.search(s.text.rstrip())),
    }
    return np.array([values.get(name, 0.0) for name in FEATURES])


def whole_names(q: Question, cands: list[Candidate], articles: Mapping[str, str] | None = None) -> np.ndarray:
    """For each candidate, the share of the question's `written_names` found whole in its article:
    `articles` maps an article id to its whole stored text, folded (title and every paragraph); without it,
    the title and the article's paragraphs in the context. A near miss swaps one name of a real story
    ("killed in Florida" of a hurricane that hit Puerto Rico), and a name the article never writes is the
    surest sign of one. News names a person in full once and by surname after, so a person's surname
    will do where the article tags it PERSON, while a whole organisation's name still tells "DP World
    Tour" from "PGA Tour"."""
    wanted = q.written_names
    if not wanted:
        return np.ones(len(cands))
    surnames: dict[str, set[str]] = {}  # last words of the article's PERSON spans: "Aydar" is a person here
    for c in cands:
        surnames.setdefault(c.hit.article_id, set()).update(
            fold(span.text).split()[-1] for span in c.sentence.spans if span.label == "PERSON" and span.text.strip())

    def written(form: str, folded: str) -> bool:
        return bool(re.search(rf"\b{re.escape(form)}\b", folded))

    def whole(forms: tuple[str, ...], folded: str, people: set[str]) -> bool:
        return any(all(written(part, folded) for part in form.split("|")) or form.split()[-1] in people
                   for form in forms)

    found = {}
    for aid, hits in by_article(cands).items():
        folded = (articles or {}).get(aid) or fold(" ".join([hits[0].title, *(h.text for h in hits)]))
        found[aid] = sum(whole(forms, folded, surnames[aid]) for forms in wanted) / len(wanted)
    return np.array([found[c.hit.article_id] for c in cands])


def missing_in_article(q: Question, cands: list[Candidate], articles: Mapping[str, str] | None = None) -> np.ndarray:
    """For each candidate, the idf of the rarest question word its whole article (title and every paragraph)
    never uses, over the rarest question word's: a report on the same topic that never says "helicopter" or
    "strikeouts" is not the one that answers, however well one of its sentences matches. Without `articles`,
    the title and the article's paragraphs in the context."""
    if not q.weights:
        return np.zeros(len(cands))
    top = max(q.weights.values())
    found = {}
    for aid, hits in by_article(cands).items():
        text = (articles or {}).get(aid) or " ".join(h.text for h in hits)
        words = article_words(text) | content_words(hits[0].title)
        found[aid] = max((v for w, v in q.weights.items() if w not in words), default=0.0) / max(top, 1e-9)
    return np.array([found[c.hit.article_id] for c in cands])


@functools.lru_cache(maxsize=ARTICLE_WORDS_CACHED)
def article_words(text: str) -> frozenset[str]:
    """The content words of an article's whole text. Tokenising it is most of what `missing_in_article` costs
    (~3 ms for 10,000 characters), and follow-ups and briefings read the same few articles again."""
    return frozenset(content_words(text))


def article_names(question: str) -> list[tuple[str, ...]]:
    """The names of the question's asking sentence as an article would write them, each with the forms
    that count (folded): "NASA's Tom Statler" is two names, "nasa" and "tom statler"; a run that opens
    the sentence may open with a word that is no name ("Legendary WNBA", "President Biden"), so without
    that word counts too; a form "a|b" counts when both parts are written. A quiz's preamble ("Police
    arrested 31 men … at an LGBTQ Pride event. Where was the event?") retells the story in its own words,
    which the article need not use."""
    asking = asking_sentence(question)
    opening = fold(asking)
    out = []
    for name in sorted(names(asking)):
        for part in re.split(r"'s?(?:\s+|$)", name):
            part = part.strip()
            if part in ("", "whose"):  # a question word names() lets through
                continue
            first, *rest = part.split(maxsplit=1)
            forms = [part, *rest] if rest and opening.startswith(part) else [part]
            # a question may run an acronym into a name: "the 2022 NHL Stanley Cup Finals" is the NHL's
            # "Stanley Cup Finals", each written whole ("a|b": both parts). Not "US Open": "us" is a word.
            if rest and len(first) >= 3 and re.search(rf"\b{re.escape(first.upper())}\b", asking):
                forms.append(f"{first}|{rest[0]}")
            out.append(tuple(forms))
    return out


def by_article(cands: list[Candidate]) -> dict[str, list[Hit]]:
    """The context's paragraphs that candidates come from, each once, grouped by article."""
    out: dict[str, dict[tuple[str, int], Hit]] = {}
    for c in cands:
        out.setdefault(c.hit.article_id, {})[c.hit.key] = c.hit
    return {aid: list(hits.values()) for aid, hits in out.items()}


def relative(rows: np.ndarray) -> np.ndarray:
    """Fill in the features derived from the others: comparisons with the question's other
    candidates, and the open-question interactions."""
    out = rows.copy()
    if len(out):
        col = {name: FEATURES.index(name) for name in FEATURES}
        out[:, col["weighted_gap"]] = out[:, col["weighted"]].max() - out[:, col["weighted"]]
        is_open = 1.0 - out[:, col["type_strict"]] - out[:, col["type_loose"]] - out[:, col["type_missing"]]
        out[:, col["open_weighted"]] = is_open * out[:, col["weighted"]]
        out[:, col["open_proximity"]] = is_open * out[:, col["proximity"]]
        out[:, col["open_said"]] = is_open * out[:, col["quote_said"]]
        out[:, col["open_named"]] = is_open * out[:, col["named_sentence"]]
        out[:, col["prior"]] = prior(out)
    return out


STALE_FROM, STALE_AT = 30, 360  # days older than the context's newest report: stale starts, is full


def staleness(cands: list[Candidate]) -> np.ndarray:
    """For each candidate, how stale its article is beside the newest article among the candidates
    (undated ones count as fresh): an old report on the same topic rarely holds this week's answer."""
    days = np.array([c.hit.published.timestamp() / 86400 if c.hit.published else np.nan for c in cands])
    if np.isnan(days).all():
        return np.zeros(len(cands))
    gap = np.nan_to_num(np.nanmax(days) - days, nan=0.0)
    return np.clip(np.log(np.maximum(gap, STALE_FROM) / STALE_FROM) / np.log(STALE_AT / STALE_FROM), 0.0, 1.0)


def prior(rows: np.ndarray) -> np.ndarray:
    """The pre-issue-12 engine's score of each row (similarity 0 until `with_similarity` fills it in)."""
    def c(name: str) -> np.ndarray:
        return rows[:, FEATURES.index(name)]

    typed_ = np.maximum(c("type_strict"), c("type_loose"))
    kind = np.where(typed_ > 0, 1.0, np.where(c("type_missing") > 0, 0.0, np.where(c("quote_said") > 0, 1.0, 0.5)))
    named = c("named_paragraph")
    evidence = (0.45 * c("sem") + 0.2 * c("overlap") + 0.15 * c("weighted_context") + 0.1 * kind + 0.05 * named
                + 0.05 * (c("novelty") > 0) + 0.1 * c("proximity"))
    numbers_ok = np.where(c("numbers_missing") > 0, 0.8, 1.0)
    # the old engine lost 4% per context place; rank is the place scaled to 0..1 over eight paragraphs
    return numbers_ok * evidence * (1.0 - 0.28 * c("rank")) - 0.15 * (1.0 - named)


def _words(text: str) -> list[str]:
    return [fold(w) for w in _WORD.findall(text)]


def phrase(question: tuple[str, ...], text: str) -> float:
    """The longest run of the question's words that the sentence repeats in order, holding at least one
    content word, as a share of PHRASE_WORDS: the sentence that answers a quiz question often restates
    it around the answer ("NFL owners unanimously approved the sale of the Denver Broncos" for "NFL
    owners … unanimously approved the sale of which football team?"), where a near one paraphrases."""
    words = _words(text)
    if not question or not words:
        return 0.0
    match = SequenceMatcher(None, question, words, autojunk=False).find_longest_match(0, len(question), 0, len(words))
    run = question[match.a:match.a + match.size]
    return min(len(run), PHRASE_WORDS) / PHRASE_WORDS if content_words(" ".join(run)) else 0.0


def near_words(text: str, span: Span, window: int = SPAN_WINDOW) -> set[str]:
    """Content words within `window` tokens before or after the span."""
    return set(tokenize(text[:span.start])[-window:] + tokenize(text[span.end:])[:window]) & content_words(text)


def locative(text: str, span: Span) -> bool:
    """The span follows a preposition of place: "heads to Asia", not "After Turkey visit"."""
    return bool(LOCATIVE.search(text[:span.start]))


def head_of(q: Question, text: str, span: Span) -> bool:
    """The noun a which/how-many question asks about is in the span or is the word after it."""
    head = q.expect.head
    if not head:
        return False
    heads = content_words(head)
    after = text[span.end:].split(maxsplit=1)
    return bool(heads & (content_words(span.text) | content_words(after[0] if after else "")))


SIMILARITY = tuple(name for name in FEATURES if name.startswith("sem"))  # 0 in the lexical pass


def with_similarity(rows: np.ndarray, similarities: np.ndarray) -> np.ndarray:
    """Fill in the similarity features once the shortlisted sentences are embedded; `similarities`
    has one row per candidate: (sentence, "title. sentence", "title. paragraph")."""
    out = rows.copy()
    if not len(out):
        return out
    sentence, titled, paragraph = similarities[:, 0], similarities[:, 1], similarities[:, 2]
    out[:, FEATURES.index("sem")] = sentence
    out[:, FEATURES.index("sem_gap")] = sentence.max() - sentence
    out[:, FEATURES.index("sem_titled")] = titled
    out[:, FEATURES.index("sem_paragraph")] = paragraph
    out[:, FEATURES.index("prior")] = prior(out)
    return out


def owned(q: Question, cand: Candidate) -> bool:
    """The candidate's paragraph or title names whose thing the question asks for: "Kestrelian Prime Minister
    Ilse Brandvik" in a paragraph that never names Luneria is another country's prime minister."""
    return not q.owners or _named(q.owners, fold(f"{cand.hit.title} {cand.hit.text}")) == 1.0  # most ask of no one


def typed(q: Question, sentence: Sentence) -> bool:
    """A factoid question and a span of the sentence of the type it asks for."""
    return q.expect.factoid and any(answers_type(q, span.label, span.text) for span in sentence.spans)


def answers_type(q: Question, label: str, text: str) -> bool:
    """A span of the expected (or a related) type that is not the question's own words: "Turkey"
    does not answer about Turkey, while "United Airlines" answers "which airline". A "which country /
    state" question is answered by a name of that kind only, whatever label the tagger gave it: "Nayarit"
    is a GPE but no country, "Sri Lanka" a country though tagged PERSON."""
    kind = place_kind(q.expect.head) if q.expect.kind == "place" else None
    if kind:  # "the U.S." has no content word, yet it names a country; the question's own never answers
        return is_kind(kind, text) and name_key(text) not in {name_key(n) for n in q.names}
    if not q.expect.near(label):
        return False
    if q.expect.kind in ("duration", "number", "age") and not numbers(text):
        return False  # "Monday" is a date but not how long; "several" is no count
    if q.expect.kind == "duration" and not TIME_UNIT.search(text):
        return False  # "three" (choices) is no length of time: "nearly three hours", "72-hour", "five years" are
    age_like = bool(_AGE.search(text))
    if q.expect.kind == "age" and not (age_like or _BARE_AGE.fullmatch(text.strip(" ,;."))):
        return False
    if q.expect.kind != "age" and age_like:
        return False  # "100-year-old" answers how old, not how long a sentence was or when
    if q.expect.kind == "number" and _YEAR.fullmatch(text.strip()):
        return False  # "2022" answers when, not how many
    words = content_words(text)
    if q.expect.kind in ("duration", "number", "age"):
        return bool(numbers(text) - q.numbers) or bool(words - q.words)
    named = {t for n in q.names for t in tokenize(n)}
    # "the Kestrel Republic" does not answer about Valdoria–Kestrel: a span sharing a name with the question
    return bool(words - q.words) and not words & named


def _named(q_names: frozenset[str], folded: str) -> float:
    """Share of the question's names the text mentions; news names people by surname after the first
    mention ("Foreign Minister Aydar", "Selin Aydar" → "Aydar said"), so a name's last word will do."""
    if not q_names:
        return 1.0
    return sum(all(w in folded for w in n.split()) or n.split()[-1] in folded for n in q_names) / len(q_names)


def actor_verb(q: Question, sentence: str, window: int = ACTOR_WINDOW) -> float:
    """1.0 when a name from the question (or its last word) is within `window` words of a verb that reports
    the act the question asks about ("Turkey made it clear", "sought by Turkey", "Aydar said")."""
    if q.reported_as is None or not q.names:
        return 0.0
    folded = fold(sentence)
    verbs = [m.span() for m in q.reported_as.finditer(folded)]
    if not verbs:
        return 0.0
    for name in q.names:
        for m in re.finditer(rf"\b{re.escape(name.split()[-1])}\b", folded):
            for start, end in verbs:
                between = folded[m.end():start] if m.end() <= start else folded[end:m.start()]
                if len(between.split()) <= window:
                    return 1.0
    return 0.0


def proximity(sentence: str, q_names: frozenset[str] | set[str], q_words: set[str], window: int = 4) -> float:
    """1.0 when a name from the question stands right before another question word ("Valdoria demanded")."""
    tokens = tokenize(sentence)
    name_tokens = {t for n in q_names for t in tokenize(n)}
    others = q_words - name_tokens
    for i, token in enumerate(tokens):
        if token in name_tokens and others & set(tokens[i + 1:i + 1 + window]):
            return 1.0
    return 0.0
