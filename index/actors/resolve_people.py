"""Person mentions -> people: full-name spelling variants, shorter forms, then lone surnames or given names.

Different given names never merge (Saif al-Islam Gaddafi is not Muammar Gaddafi); a lone word
joins a full name only when one candidate fits, one holds the mention's role, or one is mentioned
in DOMINANCE times more articles than any other. Ambiguous words stay unresolved.
"""

from __future__ import annotations

from collections import defaultdict

from index.actors.aliases import is_subname, name_tokens, role_head, same_bare_word, same_tokens, spelling_key
from index.actors.clusters import DOMINANCE, Cluster


def resolve_people(rows) -> list[Cluster]:
    """Cluster person mentions: full names, then shorter forms, then bare surnames and given names."""
    tokens = {r["name"]: name_tokens(r["name"]) for r in rows}
    full = [r for r in rows if len(tokens[r["name"]]) >= 2]
    clusters = _full_names(full, tokens)
    clusters = _short_forms(clusters)
    singles = [r for r in rows if len(tokens[r["name"]]) == 1]
    orphans = _attach_singles(singles, tokens, clusters)
    return clusters + orphans


def _full_names(rows, tokens) -> list[Cluster]:
    by_form = defaultdict(list)
    for row in rows:
        by_form[row["name"]].append(row)
    by_key: dict[tuple, list[Cluster]] = defaultdict(list)
    clusters = []
    for form in sorted(by_form, key=lambda f: (-len(by_form[f]), f)):
        words = tokens[form]
        key = tuple(spelling_key(w) for w in words)
        home = next((c for c in by_key[key] if same_tokens(words, c.tokens)), None)
        if home is None:
            home = Cluster("person", words)
            by_key[key].append(home)
            clusters.append(home)
        rule = "transliteration" if words != home.tokens else None
        for row in by_form[form]:
            home.add(row, rule)
    return clusters


def _short_forms(clusters: list[Cluster]) -> list[Cluster]:
    """'Saif al-Islam' and 'Saif Gaddafi' join 'Saif al-Islam Gaddafi' when only one full name fits."""
    by_given: dict[str, list[Cluster]] = defaultdict(list)
    by_surname: dict[str, list[Cluster]] = defaultdict(list)
    for c in clusters:
        by_given[spelling_key(c.tokens[0])].append(c)
        if " " in c.tokens[-1] and len(c.tokens) > 1:
            by_surname[c.tokens[-1]].append(c)
    merged: set[int] = set()
    for short in sorted(clusters, key=lambda c: len(c.tokens)):
        fits = [c for c in by_given[spelling_key(short.tokens[0])]
                if len(c.tokens) > len(short.tokens) and id(c) not in merged and is_subname(short.tokens, c.tokens)]
        fits = fits or [c for c in by_surname[" ".join(short.tokens)] if id(c) not in merged]  # Ben Ali
        if len(fits) == 1:
            fits[0].absorb(short, "short-form")
            merged.add(id(short))
    return [c for c in clusters if id(c) not in merged]


def _attach_singles(rows, tokens, clusters: list[Cluster]) -> list[Cluster]:
    """A lone word joins a full name: surname in the article, given name in the article, then corpus-wide."""
    surnames, given = defaultdict(list), defaultdict(list)
    for c in clusters:
        surnames[spelling_key(c.tokens[-1])].append(c)
        given[spelling_key(c.tokens[0])].append(c)
    orphans: dict[str, list[Cluster]] = defaultdict(list)
    for row in rows:
        word = tokens[row["name"]][0]
        by_surname = [c for c in surnames[spelling_key(word)] if same_bare_word(word, c.tokens[-1])]
        by_given = [c for c in given[spelling_key(word)] if same_bare_word(word, c.tokens[0])]
        home, rule = _pick(row, by_surname, by_given)
        if home is not None:
            home.add(row, rule)
        elif not by_surname and not by_given:  # ambiguous words stay unresolved rather than guessed
            _orphan(row, word, orphans)
    return [c for group in orphans.values() for c in group]


def _pick(row, by_surname: list[Cluster], by_given: list[Cluster]) -> tuple[Cluster | None, str | None]:
    here = row["article_id"]
    for scope in ("in-article", "corpus"):
        surnames = [c for c in by_surname if here in c.articles] if scope == "in-article" else by_surname
        home, how = _unambiguous(row, surnames)
        if home is not None:
            return home, f"surname{how}-{scope}"
        if surnames:
            return None, None  # namesakes with no winner: do not guess
        given = [c for c in by_given if here in c.articles] if scope == "in-article" else by_given
        if len(given) == 1:
            return given[0], f"given-name-{scope}"
    return None, None


def _unambiguous(row, candidates: list[Cluster]) -> tuple[Cluster | None, str]:
    """The one candidate, the one holding the mention's role, or one 3x more covered than any other."""
    if len(candidates) == 1:
        return candidates[0], ""
    if not candidates:
        return None, ""
    if row["role"]:
        by_role = [c for c in candidates if role_head(row["role"]) in c.role_heads]
        if len(by_role) == 1:
            return by_role[0], "+role"
    ranked = sorted(candidates, key=lambda c: len(c.articles), reverse=True)
    if len(ranked[0].articles) >= DOMINANCE * len(ranked[1].articles):
        return ranked[0], "-dominant"
    return None, ""


def _orphan(row, word: str, orphans: dict[str, list[Cluster]]) -> None:
    key = spelling_key(word)
    home = next((c for c in orphans[key] if same_bare_word(word, c.tokens[0])), None)
    if home is None:
        home = Cluster("person", (word,))
        orphans[key].append(home)
    home.add(row, "transliteration" if name_tokens(row["name"]) != home.tokens else None)
