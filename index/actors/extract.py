"""Actor mentions at ingest: spaCy NER over every citable paragraph, titles kept as roles.

Mentions are stored per article with delete+insert, so re-extracting (a resumed ingest,
`newsbot reindex`) never duplicates them. Which canonical actor a mention belongs to is
decided afterwards, over the whole corpus, by `index.actors.resolve`.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from index.actors.aliases import acronym_definitions, clean_name, fold, is_title_word, split_title
from index.actors.credits import furniture_spans, is_caption, outlet_as_source
from index.actors.credits import inside as in_spans
from index.actors.roles import clean_role, gender_before, role_before, sentence_start
from index.actors.tables import HONORIFICS, NAME_PREFIXES, PRONOUN_GENDER
from index.articles import Article
from index.catalog import Catalog
from index.nlp import parse

SCHEMA = """
CREATE TABLE IF NOT EXISTS mentions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    paragraph INTEGER NOT NULL,
    start INTEGER NOT NULL,          -- character offsets of the name in the paragraph text
    end INTEGER NOT NULL,
    surface TEXT NOT NULL,           -- as written, e.g. "Gaddafi's"
    name TEXT NOT NULL,              -- without title, possessive or leading "the"
    kind TEXT NOT NULL,              -- person | org | place | norp (a nationality, mapped to a place)
    role TEXT,                       -- the title written before the name, e.g. "Turkish Foreign Minister"
    gender TEXT,                     -- 'm' / 'f' from honorifics, family words or pronouns nearby
    cue TEXT,                        -- loc ("in X"), speech ("X said"), owner ("X's minister"), honorific
    actor_id TEXT,                   -- set by index.actors.resolve
    zone TEXT,                       -- 'caption' when the paragraph ends in a photo credit: its roles weigh less
    PRIMARY KEY (article_id, paragraph, start)
);
CREATE INDEX IF NOT EXISTS mentions_actor ON mentions(actor_id);
CREATE INDEX IF NOT EXISTS mentions_name ON mentions(name);
CREATE TABLE IF NOT EXISTS actor_queue (     -- articles whose mentions no resolution has seen yet
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS acronyms (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    paragraph INTEGER NOT NULL,
    acronym TEXT NOT NULL,
    expansion TEXT NOT NULL,
    PRIMARY KEY (article_id, paragraph, acronym)
);
CREATE TABLE IF NOT EXISTS actors (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    type TEXT NOT NULL,              -- person | org | place
    aliases TEXT NOT NULL,           -- JSON list, most used first
    roles TEXT NOT NULL,             -- JSON list, most used first
    evidence TEXT NOT NULL,          -- JSON list of merges: rule, forms, where
    gender TEXT,
    mentions INTEGER NOT NULL,
    articles INTEGER NOT NULL
);
"""

_SCHEMA_DONE: weakref.WeakSet[Catalog] = weakref.WeakSet()
KINDS = {"PERSON": "person", "ORG": "org", "GPE": "place", "LOC": "place", "FAC": "place", "NORP": "norp"}
_SPEECH = frozenset("said says told added asked warned insisted stated declared wrote".split())
_LOCATIVE = frozenset("in at near into outside across via toward towards".split())
_PLACE_NOUNS = frozenset("city port town capital province region village island islands coast state republic".split())
_LOWER_WORD = re.compile(r"\b[a-z]{3,}\b")


Parsed = Iterable[tuple[Article, int, Any]]  # (article, paragraph number, spaCy Doc), as index.nlp.parse yields


@dataclass(frozen=True)
class Mention:
    """One name in one paragraph, before it is resolved to a canonical actor."""

    article_id: str
    paragraph: int
    start: int
    end: int
    surface: str
    name: str
    kind: str
    role: str | None = None
    gender: str | None = None
    cue: str | None = None
    zone: str | None = None


def ensure_schema(catalog: Catalog) -> None:
    """Create the mentions, acronyms and actors tables if this catalog has none yet."""
    if catalog in _SCHEMA_DONE:  # read paths call this per question: run the DDL once per catalog
        return
    with catalog.lock:
        catalog.conn.executescript(SCHEMA)
        columns = {r[1] for r in catalog.conn.execute("PRAGMA table_info(mentions)")}
        if "zone" not in columns:  # catalogs written before captions were told apart
            catalog.conn.execute("ALTER TABLE mentions ADD COLUMN zone TEXT")
        _SCHEMA_DONE.add(catalog)


def store_mentions(catalog: Catalog, articles: Sequence[Article], docs: Parsed | None = None) -> int:
    """Extract and store the mentions of these articles (replacing earlier ones); returns how many.

    `docs` are the articles' paragraphs already run through `index.nlp.parse` (ingest parses once)."""
    if not articles:
        return 0
    ensure_schema(catalog)
    mentions, acronyms = extract(articles, docs)
    ids = [(a.id,) for a in articles]
    with catalog.lock, catalog.conn:
        catalog.conn.execute("BEGIN IMMEDIATE")
        catalog.conn.executemany("DELETE FROM mentions WHERE article_id=?", ids)
        catalog.conn.executemany("DELETE FROM acronyms WHERE article_id=?", ids)
        catalog.conn.executemany(
            "INSERT OR REPLACE INTO mentions (article_id, paragraph, start, end, surface, name, kind, role, gender,"
            " cue, zone) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(m.article_id, m.paragraph, m.start, m.end, m.surface, m.name, m.kind, m.role, m.gender, m.cue, m.zone)
             for m in mentions])
        catalog.conn.executemany("INSERT OR REPLACE INTO acronyms VALUES (?,?,?,?)", acronyms)
        catalog.conn.executemany("INSERT OR IGNORE INTO actor_queue VALUES (?)", ids)
        # Aliases depend on the whole corpus, so resolution reruns after this batch.
        catalog.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('actors_dirty', '1')")
    return len(mentions)


def extract(articles: Iterable[Article], docs: Parsed | None = None,
            ) -> tuple[list[Mention], list[tuple[str, int, str, str]]]:
    """Mentions and (article_id, paragraph, acronym, expansion) definitions of the articles' paragraphs."""
    mentions: list[Mention] = []
    acronyms: list[tuple[str, int, str, str]] = []
    previous: list[Mention] = []  # the last paragraph's mentions, for "He said ..." in the next one
    last_article, common = None, set()
    for article, number, doc in (docs if docs is not None else parse(articles)):
        if article is not last_article:
            mentions.extend(previous)  # the previous article's last paragraph
            previous, last_article = [], article
            # Words this article writes in lower case are words, not names ("Following Mubarak's fall").
            common = {w for p in article.indexable for w in _LOWER_WORD.findall(p.text)}
        found = _paragraph_mentions(doc, article, number, common)
        previous = _carry_gender(previous, found, doc, mentions)
        acronyms.extend((article.id, number, acr, exp) for _, acr, exp in acronym_definitions(doc.text))
    mentions.extend(previous)
    return mentions, acronyms


def _paragraph_mentions(doc, article: Article, number: int, common: set[str]) -> list[Mention]:
    titles = {ent.start: role_before(doc, ent.start, common) for ent in doc.ents if ent.label_ == "PERSON"}
    # Organisations inside a title are part of it ("Secretary of State"), unless they open it ("NATO chief").
    inside = {i for start, (role, first) in titles.items() if role for i in range(first + 1, start)}
    source = fold(article.source or "")
    text = doc.text
    furniture = furniture_spans(text)
    zone = "caption" if is_caption(text) else None
    out: list[Mention] = []
    for ent in doc.ents:
        kind = KINDS.get(ent.label_)
        if kind is None or (kind == "org" and ent.start in inside):
            continue
        if in_spans(furniture, ent.start_char, ent.end_char) or \
                outlet_as_source(text, ent.start_char, ent.end_char, clean_name(ent.text)):
            continue  # a credit, dateline, call to action or the outlet reporting it: not an actor here
        name, role, gender, cues = clean_name(ent.text), None, None, [_cue(doc, ent)]
        if kind == "person":
            role, first = titles[ent.start]
            inner, name, honorific = split_title(name, common, sentence_start(doc, ent.start))
            inner = inner if any(is_title_word(w, head_only=True) for w in inner.split()) else ""  # not "Israel"
            role = clean_role(" ".join(r for r in (role, inner) if r))
            gender = honorific or gender_before(doc, first)
        if _addressed(doc, ent):
            cues.append("honorific")
        if not _plausible(name, kind) or (kind == "org" and source and fold(name) == source):
            continue  # noise, or the outlet naming itself in a dateline: "(Reuters)"
        out.append(Mention(article.id, number, ent.start_char, ent.end_char, ent.text, name, kind, role, gender,
                           ",".join(c for c in cues if c) or None, zone))
    return out


def _addressed(doc, ent) -> bool:
    """'Dr. Fauci', 'Mr Blinken', 'Ayatollah Khamenei': a form of address before or inside the name."""
    first = doc[ent.start].lower_
    before = doc[ent.start - 1].lower_ if ent.start else ""
    return first in NAME_PREFIXES or before in NAME_PREFIXES or first in HONORIFICS or before in HONORIFICS


def _cue(doc, ent) -> str | None:
    """Context that tells a place or a speaker apart when spaCy's label is unsure."""
    before = [t.lower_ for t in doc[max(0, ent.start - 2):ent.start]]
    after = [t.lower_ for t in doc[ent.end:ent.end + 2]]
    if after[:1] and after[0] in _SPEECH or before[-1:] in (["said"], ["says"]) or before == ["according", "to"]:
        return "speech"
    if before[-1:] and (before[-1] in _LOCATIVE or before[-1] == "of" and before[0] in _PLACE_NOUNS):
        return "loc"
    if ent.start == 0 and ent.text.isupper() and after[:1] == [","] or (
            ent.start == 2 and doc[0].text.isupper() and doc[1].text == ","):
        return "loc"  # a dateline: "SØRHAVN, Luneria (Harbor Wire) —"
    if after[:1] in (["'s"], ["’s"]) and len(after) > 1 and is_title_word(after[1]):
        return "owner"  # "Luneria's foreign minister"
    return None


def _plausible(name: str, kind: str) -> bool:
    """Drop spaCy's noise: empty, numeric, lower-case, shouted phrases, title words alone."""
    words = name.split()
    if not words or len(name) > 60 or len(words) > 6 or any(c.isdigit() for c in name):
        return False
    if not any(w[0].isupper() for w in words):
        return False
    if name.isupper() and (len(words) > 1 or kind == "person"):
        return False
    return not all(is_title_word(w) for w in words)


def _carry_gender(previous: list[Mention], found: list[Mention], doc, done: list[Mention]) -> list[Mention]:
    """Give pronoun-based gender hints, then move `previous` into `done`; returns `found` hinted."""
    pronoun = _pronoun_gender(doc)
    people = {m.name for m in found if m.kind == "person"}
    prev_people = {m.name for m in previous if m.kind == "person"}
    opener = PRONOUN_GENDER.get(doc[0].lower_) if len(doc) else None
    if not people and len(prev_people) == 1 and opener:  # "He said ..." continues the last paragraph
        previous = [_with_gender(m, opener) for m in previous]
    done.extend(previous)
    if len(people) == 1 and pronoun:
        return [_with_gender(m, pronoun) for m in found]
    return found


def _with_gender(m: Mention, gender: str) -> Mention:
    if m.kind != "person" or m.gender:
        return m
    return replace(m, gender=gender)


def _pronoun_gender(doc) -> str | None:
    seen = {PRONOUN_GENDER[t.lower_] for t in doc if t.lower_ in PRONOUN_GENDER}
    return seen.pop() if len(seen) == 1 else None
