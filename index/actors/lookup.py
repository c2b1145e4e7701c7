"""The actor index's read side: fuzzy lookup by any alias, actors named in a text, and the
paragraphs that name an actor.

Everything reads the `actors` and `mentions` tables that ingest fills (`extract`, `resolve`);
nothing here runs spaCy, so a question costs a dictionary scan. Q&A, briefings, dossiers,
summaries and both front ends use it, which is why it lives below them all.
"""

from __future__ import annotations

import json
import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from index.actors.aliases import clean_name, fold, name_tokens, same_bare_word, same_tokens, spelling_key, split_title
from index.actors.clusters import DOMINANCE, role_key
from index.actors.extract import ensure_schema
from index.actors.incremental import resolve_if_dirty
from index.actors.tables import DEMONYMS, TITLE_HEADS
from index.catalog import Catalog

MAX_ALIAS_WORDS = 6
FUZZY_CUTOFF = 85  # rapidfuzz WRatio for a lookup to accept a misspelling outright
SUGGEST_CUTOFF = 70
# Words that are never taken for an actor's name in a question, even when an alias is spelt so.
_COMMON = frozenset("""a an the and or but of in on at to for by with from as is are was were be been what who whom
whose when where why how which did does do will would can could should may might must said says say tell told about
after before over this that these those it its he she they them his her their we us our you your i me my
""".split())
_WORD = re.compile(r"[\w][\w.&'’-]*")


@dataclass(frozen=True)
class Actor:
    """A canonical person, organisation or place and every name it goes by."""

    id: str
    name: str
    type: str  # person | org | place
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # most used first
    gender: str | None = None  # 'm' / 'f' when honorifics or pronouns agree; for "he"/"she" follow-ups
    mentions: int = 0
    articles: int = 0
    evidence: tuple[dict, ...] = field(default=(), compare=False, hash=False)

    @property
    def main_role(self) -> str | None:
        return self.roles[0] if self.roles else None

    @property
    def title_words(self) -> tuple[str, ...]:
        """Lower-case title and nationality words of the roles ('turkish', 'foreign', 'minister'), for
        matching 'the Turkish minister' ("Turkey's Foreign Minister" gives 'turkish' too)."""
        words = {w for role in self.roles for w in re.findall(r"[a-z-]+", role_key(role))}
        keep = TITLE_HEADS | {"foreign", "prime", "vice", "deputy"} | set(DEMONYMS)
        return tuple(sorted(w for w in words if w in keep))

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "type": self.type, "aliases": list(self.aliases),
                "roles": list(self.roles), "gender": self.gender, "mentions": self.mentions,
                "articles": self.articles}


@dataclass(frozen=True)
class Resolution:
    """What a name resolves to: one actor, or none plus the candidates it could mean."""

    actor: Actor | None
    candidates: tuple[Actor, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.actor is None and len(self.candidates) > 1


# -- the in-memory directory, rebuilt when resolution runs again ---------------------------------
@dataclass
class _Directory:
    actors: dict[str, Actor]
    by_alias: dict[tuple[str, ...], dict[str, int]]  # folded alias words -> {actor id: mentions under it}
    by_key: dict[tuple[str, ...], set[str]]  # spelling keys of a person's name words -> actor ids
    by_surname: dict[str, set[str]]  # spelling key of a surname -> person ids
    by_role: dict[tuple[str, ...], dict[str, int]]  # folded role words (2+) -> {actor id: weight}
    choices: dict[str, str]  # folded alias -> actor id, for rapidfuzz


_cache: dict[str, tuple[str, _Directory]] = {}
_cache_lock = threading.Lock()


def directory(catalog: Catalog) -> _Directory:
    """The actors of this catalog, loaded once per resolution (resolving first if mentions changed)."""
    ensure_schema(catalog)
    resolve_if_dirty(catalog)
    version = catalog.get_meta("actors_version") or "0"
    with _cache_lock:
        cached = _cache.get(str(catalog.path))
        if cached and cached[0] == version:
            return cached[1]
    built = _build(catalog)
    with _cache_lock:
        _cache[str(catalog.path)] = (version, built)
    return built


def _build(catalog: Catalog) -> _Directory:
    with catalog.lock:
        rows = catalog.conn.execute("SELECT * FROM actors").fetchall()
        counts = catalog.conn.execute("SELECT actor_id, name, COUNT(*) FROM mentions WHERE actor_id IS NOT NULL"
                                      " GROUP BY actor_id, name").fetchall()
    actors = {r["id"]: Actor(r["id"], r["name"], r["type"], tuple(json.loads(r["aliases"])),
                             tuple(json.loads(r["roles"])), r["gender"], r["mentions"], r["articles"],
                             tuple(json.loads(r["evidence"]))) for r in rows}
    d = _Directory(actors, defaultdict(dict), defaultdict(set), defaultdict(set), defaultdict(dict), {})
    for actor_id, name, n in counts:
        _add_alias(d, name, actor_id, n)
    for a in actors.values():
        _add_alias(d, a.name, a.id, 1)
        for demonym, country in DEMONYMS.items():  # "Turkish" finds Turkey even if no article wrote it
            if a.type == "place" and country == a.name:
                _add_alias(d, demonym, a.id, 1)
        for rank, role in enumerate(a.roles[:8]):
            words = _words(role)
            if len(words) >= 2:
                d.by_role[words][a.id] = d.by_role[words].get(a.id, 0) + max(8 - rank, 1) * a.articles
    return d


def _add_alias(d: _Directory, alias: str, actor_id: str, n: int) -> None:
    words = _words(alias)
    if not words or len(words) > MAX_ALIAS_WORDS:
        return
    d.by_alias[words][actor_id] = d.by_alias[words].get(actor_id, 0) + n
    d.choices.setdefault(" ".join(words), actor_id)
    if d.actors.get(actor_id) and d.actors[actor_id].type == "person":
        tokens = name_tokens(alias)
        if tokens:
            d.by_key[tuple(spelling_key(t) for t in tokens)].add(actor_id)
            d.by_surname[spelling_key(tokens[-1])].add(actor_id)


def _words(text: str) -> tuple[str, ...]:
    out = []
    for word in _WORD.findall(text):
        word = re.sub(r"['’]s?$", "", word)
        word = word if "." in word.strip(".") else word.rstrip(".")  # keep "U.S.", drop a full stop
        if word:
            out.append(fold(word).replace(".", ""))
    return tuple(out)


# -- lookups ---------------------------------------------------------------------------------
def lookup(catalog: Catalog, name: str) -> Actor | None:
    """The actor a name means (any alias, misspellings tolerated), or None when unknown or ambiguous."""
    return resolve_name(catalog, name).actor


def resolve_name(catalog: Catalog, name: str) -> Resolution:
    """An actor for `name`, or the candidates when several fit about equally."""
    d = directory(catalog)
    title, bare, _ = split_title(clean_name(name))
    words = _words(bare or name)
    if not words:
        return Resolution(None)
    exact = dict(d.by_alias.get(words, {}))
    if len(words) == 1:  # a surname alone: namesakes count too ("Voss" is Marek and Tomas)
        for actor_id, n in _by_spelling(d, bare or name).items():
            exact[actor_id] = exact.get(actor_id, 0) + n
    for found in (exact, _by_role(d, _words(name)), _by_spelling(d, bare or name)):
        if found:
            return _decide(d, _with_title(d, found, title))
    # QRatio compares whole strings: "Mubarek" is close to "mubarak", "Nobody Atall" is not close to "al".
    best = process.extract(" ".join(words), list(d.choices), scorer=fuzz.QRatio, limit=5, score_cutoff=FUZZY_CUTOFF)
    if best:
        return _decide(d, {d.choices[alias]: int(score) for alias, score, _ in best if score >= best[0][1] - 2})
    return Resolution(None)


def _with_title(d: _Directory, found: dict[str, int], title: str) -> dict[str, int]:
    """'President Voss' keeps the Voss who is a president, when exactly one is."""
    head = title.split()[-1].lower() if title else ""
    holders = {i: n for i, n in found.items() if head and any(head in r.lower().split() for r in d.actors[i].roles)}
    return holders if len(holders) == 1 else found


def suggest(catalog: Catalog, name: str, limit: int = 5) -> list[str]:
    """Canonical names close to `name`, best first (for 'did you mean ...')."""
    d = directory(catalog)
    resolution = resolve_name(catalog, name)
    found = [a.name for a in ([resolution.actor] if resolution.actor else []) + list(resolution.candidates)]
    query = " ".join(_words(name))
    longer = [c for c in d.choices if len(c) >= min(4, len(query))]  # "al" and "no" match anything partially
    for alias, _, _ in process.extract(query, longer, scorer=fuzz.WRatio, limit=limit * 4,
                                       score_cutoff=SUGGEST_CUTOFF) if query else []:
        actor = d.actors.get(d.choices[alias])
        if actor and actor.name not in found:
            found.append(actor.name)
    return found[:limit]


def _by_spelling(d: _Directory, name: str) -> dict[str, int]:
    tokens = name_tokens(name)
    if not tokens:
        return {}
    if len(tokens) == 1:
        ids = d.by_surname.get(spelling_key(tokens[0]), set()) | d.by_key.get((spelling_key(tokens[0]),), set())
        ok = {i for i in ids if any(same_bare_word(tokens[0], name_tokens(a)[-1]) for a in d.actors[i].aliases
                                    if name_tokens(a))}
    else:
        ids = d.by_key.get(tuple(spelling_key(t) for t in tokens), set())
        ok = {i for i in ids if any(same_tokens(tokens, name_tokens(a)) for a in d.actors[i].aliases)}
    return {i: d.actors[i].articles for i in ok}


def _by_role(d: _Directory, words: tuple[str, ...]) -> dict[str, int]:
    words = words[1:] if words[:1] == ("the",) else words
    return d.by_role.get(words, {})


def _decide(d: _Directory, weights: dict[str, int]) -> Resolution:
    ranked = sorted(weights, key=lambda i: (-weights[i], -d.actors[i].articles))
    actors = tuple(d.actors[i] for i in ranked if i in d.actors)
    if len(actors) == 1 or (actors and weights[actors[0].id] >= DOMINANCE * max(weights[actors[1].id], 1)):
        return Resolution(actors[0], actors[1:])
    return Resolution(None, actors)


def actors_in_text(catalog: Catalog, text: str) -> list[Actor]:
    """Actors a question names (any alias, role or nationality), in order; longest match first."""
    d = directory(catalog)
    raw = _WORD.findall(text)
    words = _words(" ".join(raw))
    found: list[Actor] = []
    i = 0
    while i < len(words):
        for n in range(min(MAX_ALIAS_WORDS, len(words) - i), 0, -1):
            span = words[i:i + n]
            hits = d.by_alias.get(span) or (d.by_role.get(span) if n >= 2 else None)
            if hits and _acceptable(span, raw[i:i + n], hits, d):
                resolution = _decide(d, hits)
                for actor in ([resolution.actor] if resolution.actor else list(resolution.candidates)):
                    if actor not in found:
                        found.append(actor)
                i += n
                break
        else:
            i += 1
    return found


def _acceptable(span: tuple[str, ...], raw: list[str], hits: dict[str, int], d: _Directory) -> bool:
    if len(span) > 1:
        return True
    word, written = span[0], (raw[0] if raw else "").replace(".", "")
    shouted = len(written) >= 2 and written.isupper()
    if len(word) < 2 or (word in _COMMON and not shouted):
        return False
    # "US" is the United States, "us" is not: an alias written in capitals must be written so.
    aliases = [a for i in hits for a in d.actors[i].aliases if _words(a) == span]
    if aliases and all(a.replace(".", "").isupper() for a in aliases):
        return shouted
    return True


def paragraph_keys(catalog: Catalog, actor_id: str) -> set[tuple[str, int]]:
    """(article_id, paragraph) of every paragraph that names the actor under any alias."""
    directory(catalog)
    with catalog.lock:
        rows = catalog.conn.execute("SELECT DISTINCT article_id, paragraph FROM mentions WHERE actor_id=?",
                                    (actor_id,)).fetchall()
    return {(r[0], r[1]) for r in rows}


def boost_keys(catalog: Catalog, text: str) -> set[tuple[str, int]]:
    """Paragraphs naming any actor of `text`: what retrieval should favour for this question."""
    keys: set[tuple[str, int]] = set()
    for actor in actors_in_text(catalog, text):
        keys |= paragraph_keys(catalog, actor.id)
    return keys
