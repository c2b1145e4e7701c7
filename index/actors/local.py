"""Within one article first: the people an article introduces by full name, and its shorter references to them.

An article that writes "U.S. Secretary of State Antony Blinken" and then "Blinken" means one person,
whatever type spaCy gave the lone word (it tagged "Blinken Turkey visit" a place). So before anything
is compared across articles, each article's person mentions are grouped: spelling variants and shorter
forms of a full name, its surname alone (any spaCy type, unless a table knows the word as a country or an
organisation and spaCy did not call it a person), and a form of address ("Dr. Fauci"). A span that glues a
name onto an organisation or place ("<Person> <Company>") is trimmed first. A lone given
name is only noted here; whether it may join is decided across the corpus (see `index.actors.people`).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from index.actors.aliases import (
    is_subname,
    light,
    name_key,
    name_tokens,
    role_head,
    same_bare_word,
    same_tokens,
    spelling_key,
)
from index.actors.clusters import DOMINANCE, Cluster
from index.actors.known import known_countries, known_orgs

ARTICLE_DOMINANCE = 2  # a surname shared by two full names goes to one only if it has this many times the mentions


def is_table_name(name: str) -> bool:
    """A country or well-known organisation by the tables: never a person's surname by spelling alone."""
    return table_kind(name) is not None


def table_kind(name: str) -> str | None:
    """'place' for a country, 'org' for a well-known organisation, else None."""
    key = name_key(name)
    return "place" if key in known_countries() else "org" if key in known_orgs() else None


Namesakes = dict[str, Counter]  # light(surname) -> Counter(full name tokens -> articles naming them in full)


def namesakes(rows: list[dict]) -> Namesakes:
    """How many articles name each full name, by surname, over the whole batch being resolved."""
    seen: dict[str, set[tuple]] = defaultdict(set)
    for r in rows:
        if r["kind"] == "person":
            words = name_tokens(r["name"])
            if len(words) >= 2:
                seen[light(words[-1])].add((words, r["article_id"]))
    out: Namesakes = defaultdict(Counter)
    for surname, pairs in seen.items():
        out[surname].update(words for words, _ in pairs)
    return out


def local_people(rows: list[dict], corpus: Namesakes | None = None) -> tuple[list[Cluster], list[dict]]:
    """(person clusters of one article, the article's other rows) — rows are one article's mentions."""
    for r in rows:
        if r["kind"] == "person" and len(r["name"].split()) > 1 and table_kind(r["name"]):
            r["kind"] = table_kind(r["name"])  # "Al Jazeera", "Associated Press": the table knows better
    tokens = {id(r): name_tokens(r["name"]) for r in rows}
    others = {name_key(r["name"]) for r in rows if r["kind"] != "person"}
    full = [r for r in rows if r["kind"] == "person" and len(tokens[id(r)]) >= 2]
    for r in full:
        trimmed = _trim_glued(r["name"], tokens[id(r)], others)
        if trimmed != r["name"]:
            r["trimmed_from"], r["name"] = r["name"], trimmed
            tokens[id(r)] = name_tokens(trimmed)
    clusters = _group_full(full, tokens)
    rest: list[dict] = []
    bare: dict[str, Cluster] = {}
    for r in rows:
        if r["kind"] == "person" and len(tokens[id(r)]) >= 2:
            continue
        word = tokens[id(r)][0] if len(tokens[id(r)]) == 1 else None
        if word:
            home = _surname_home(r, word, clusters, corpus or {})
        else:  # "Hakan Fidan" tagged ORG once, in an article that names him as a person
            home = next((c for c in clusters if same_tokens(tokens[id(r)], c.tokens)), None) \
                if not is_table_name(r["name"]) else None
        if home is not None:
            home.add(r, "surname-in-article" if r["kind"] == "person" else "surname-in-article-type-fix",
                     home.tokens_name())
            r["kind"] = "person"
        elif word and r["kind"] == "person" and table_kind(r["name"]):
            r["kind"] = table_kind(r["name"])
            rest.append(r)
        elif word and r["kind"] == "person":
            given = [c for c in clusters if same_bare_word(word, c.tokens[0])]
            r["given_of"] = given[0] if len(given) == 1 else None  # decided across the corpus
            bare.setdefault(spelling_key(word) + "|" + light(word), Cluster("person", (word,))).add(r)
        else:
            rest.append(r)
    return clusters + list(bare.values()), rest


def _famous_namesake(here: Cluster, corpus: Namesakes) -> bool:
    """Another person of this surname whom the corpus names in full in DOMINANCE times more articles."""
    named = corpus.get(light(here.tokens[-1]))
    if not named:
        return False
    mine = sum(n for words, n in named.items() if same_tokens(words, here.tokens) or is_subname(words, here.tokens)
               or is_subname(here.tokens, words))
    return any(n >= DOMINANCE * max(mine, 1) and n >= 3 for words, n in named.items()
               if words[0] != here.tokens[0] and not same_tokens(words, here.tokens))


def _trim_glued(name: str, words: tuple[str, ...], others: set[str]) -> str:
    """'<Name> Twitter' -> '<Name>' when the article (or a table) knows the last word as an organisation or place."""
    written = name.split()
    if len(words) < 3 or len(written) < 3:
        return name
    tail = written[-1]
    # Not another person's surname: family members share one (Saif al-Islam Gaddafi is his name).
    if name_key(tail) in others or is_table_name(tail):
        return " ".join(written[:-1])
    return name


def _group_full(full: list[dict], tokens) -> list[Cluster]:
    """Full names of one article: spelling variants and shorter forms join the longest name they fit."""
    by_form: dict[str, list[dict]] = defaultdict(list)
    for r in full:
        by_form[r["name"]].append(r)
    order = sorted(by_form, key=lambda f: (-len(name_tokens(f)), -len(by_form[f]), f))
    clusters: list[Cluster] = []
    for form in order:
        words = name_tokens(form)
        home = next((c for c in clusters if same_tokens(words, c.tokens)), None)
        rule = "transliteration-in-article" if home else None
        if home is None:
            fits = [c for c in clusters if is_subname(words, c.tokens)]
            home = fits[0] if len(fits) == 1 else None
            rule = "short-form-in-article" if home else None
        if home is None:
            home = Cluster("person", words)
            clusters.append(home)
        for r in by_form[form]:
            home.add(r, rule, home.tokens_name() if rule else None)
    return clusters


def _surname_home(row: dict, word: str, clusters: list[Cluster], corpus: Namesakes) -> Cluster | None:
    """The full name of this article whose surname the lone word is, if one is clearly meant."""
    if row["kind"] != "person" and is_table_name(row["name"]):
        return None  # "Jordan" the country, not Michael Jordan's surname, unless spaCy read a person
    same = light if row["kind"] != "person" or is_table_name(row["name"]) else None  # Cameroon is not Cameron
    fits = [c for c in clusters if (light(word) == light(c.tokens[-1]) if same else same_bare_word(word, c.tokens[-1]))]
    if len(fits) == 1 and _famous_namesake(fits[0], corpus):
        return None  # "Saif al-Islam Gaddafi ... Gaddafi": the corpus decides which Gaddafi
    if len(fits) <= 1:
        return fits[0] if fits else None
    if row["role"]:
        by_role = [c for c in fits if role_head(row["role"]) in c.role_heads]
        if len(by_role) == 1:
            return by_role[0]
    # Full names ending in this surname, here and across the corpus: the article's lead, unless the corpus
    # knows the other one far better (an article on Saif al-Islam Gaddafi still calls his father "Gaddafi").
    here = Counter({id(c): sum(len(r["name"].split()) > 1 and r["name"].split()[-1] == c.forms.most_common(1)[0][0]
                               .split()[-1] for r in c.rows) for c in fits})
    named = corpus.get(light(word), Counter())
    wide = Counter({id(c): sum(n for w, n in named.items() if same_tokens(w, c.tokens)) for c in fits})
    for counts in (wide, here):
        ranked = sorted(fits, key=lambda c: -counts[id(c)])
        factor = DOMINANCE if counts is wide else ARTICLE_DOMINANCE
        if counts[id(ranked[0])] >= factor * max(counts[id(ranked[1])], 1):
            return ranked[0]
    return None
