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
from index.actors.clusters import Cluster
from index.actors.known import known_countries, known_orgs

ARTICLE_DOMINANCE = 2  # a surname shared by two full names goes to one only if it has this many times the mentions


def is_table_name(name: str) -> bool:
    """A country or well-known organisation by the tables: never a person's surname by spelling alone."""
    return table_kind(name) is not None


def table_kind(name: str) -> str | None:
    """'place' for a country, 'org' for a well-known organisation, else None."""
    key = name_key(name)
    return "place" if key in known_countries() else "org" if key in known_orgs() else None


def local_people(rows: list[dict]) -> tuple[list[Cluster], list[dict]]:
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
            home = _surname_home(r, word, clusters)
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


def _surname_home(row: dict, word: str, clusters: list[Cluster]) -> Cluster | None:
    """The full name of this article whose surname the lone word is, if one is clearly meant."""
    if row["kind"] != "person" and is_table_name(row["name"]):
        return None  # "Jordan" the country, not Michael Jordan's surname, unless spaCy read a person
    same = light if row["kind"] != "person" else None
    fits = [c for c in clusters if (light(word) == light(c.tokens[-1]) if same else same_bare_word(word, c.tokens[-1]))]
    if len(fits) <= 1:
        return fits[0] if fits else None
    if row["role"]:
        by_role = [c for c in fits if role_head(row["role"]) in c.role_heads]
        if len(by_role) == 1:
            return by_role[0]
    counts = Counter({id(c): sum(len(r["name"].split()) > 1 for r in c.rows) for c in fits})  # full names only
    ranked = sorted(fits, key=lambda c: -counts[id(c)])
    return ranked[0] if counts[id(ranked[0])] >= ARTICLE_DOMINANCE * counts[id(ranked[1])] else None
