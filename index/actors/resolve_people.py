"""Across articles: each article's people (`index.actors.local`) -> the corpus's people.

Full names merge when they are spelling variants word by word (Muammar Gaddafi, Moammar Gadhafi);
a shorter form joins the one full name it fits; a longer form whose tail is a known full name joins it
("Mohamed Hosni Mubarak" is Hosni Mubarak) unless its first word is the given name of another person of
that surname (Saif al-Islam Muammar Gaddafi is the son). A lone surname from an article that never gave
the full name joins the full name it belongs to when that is unambiguous (one candidate, the one
holding the mention's role, or one mentioned in DOMINANCE times more articles than any other). A lone
given name joins only the full name its own article introduced, and only when no other person of the
corpus has that given name. Different given names never merge. Ambiguous words stay unresolved.
"""

from __future__ import annotations

from collections import defaultdict

from index.actors.aliases import fold, is_subname, light, same_bare_word, same_tokens, spelling_key
from index.actors.clusters import DOMINANCE, Cluster


def resolve_people(local: list[Cluster]) -> list[Cluster]:
    """Cluster the articles' person clusters: full names, shorter and longer forms, then lone words."""
    full = [c for c in local if len(c.tokens) >= 2]
    home: dict[int, Cluster] = {}
    clusters = _full_names(full, home)
    clusters = _short_forms(clusters, home)
    orphans = _attach_singles([c for c in local if len(c.tokens) == 1], clusters, home)
    return clusters + orphans


def _full_names(local: list[Cluster], home: dict[int, Cluster]) -> list[Cluster]:
    by_key: dict[tuple, list[Cluster]] = defaultdict(list)
    clusters: list[Cluster] = []
    for c in sorted(local, key=lambda c: (-len(c.rows), c.tokens)):
        key = tuple(spelling_key(w) for w in c.tokens)
        found = next((g for g in by_key[key] if same_tokens(c.tokens, g.tokens)), None)
        if found is None:
            found = Cluster("person", c.tokens)
            by_key[key].append(found)
            clusters.append(found)
        found.absorb(c, "transliteration" if c.tokens != found.tokens else None)
        home[id(c)] = found
    return clusters


def _short_forms(clusters: list[Cluster], home: dict[int, Cluster]) -> list[Cluster]:
    """'Saif al-Islam' joins 'Saif al-Islam Gaddafi'; 'Mohamed Hosni Mubarak' joins 'Hosni Mubarak'."""
    by_given: dict[str, list[Cluster]] = defaultdict(list)
    by_surname: dict[str, list[Cluster]] = defaultdict(list)
    for c in clusters:
        by_given[spelling_key(c.tokens[0])].append(c)
        by_surname[spelling_key(c.tokens[-1])].append(c)
    merged: dict[int, Cluster] = {}
    for short in sorted(clusters, key=lambda c: len(c.tokens)):
        fits = [c for c in by_given[spelling_key(short.tokens[0])]
                if len(c.tokens) > len(short.tokens) and id(c) not in merged and is_subname(short.tokens, c.tokens)]
        if " " in short.tokens[-1]:  # "Ben Ali" of "Zine El Abidine Ben Ali"
            fits = fits or [c for c in by_surname[spelling_key(short.tokens[-1])] if id(c) not in merged
                            and c is not short and c.tokens[-1] == " ".join(short.tokens)]
        if len(fits) == 1:
            fits[0].absorb(short, "short-form")
            merged[id(short)] = fits[0]
    for long in sorted(clusters, key=lambda c: -len(c.tokens)):
        if id(long) in merged or len(long.tokens) < 3:
            continue
        target = _middle_name_of(long, by_surname[spelling_key(long.tokens[-1])], merged)
        if target is not None:
            target.absorb(long, "middle-name")
            merged[id(long)] = target
    for local_id, cluster in list(home.items()):
        while id(cluster) in merged:
            cluster = merged[id(cluster)]
        home[local_id] = cluster
    return [c for c in clusters if id(c) not in merged]


def _middle_name_of(long: Cluster, namesakes: list[Cluster], merged: dict[int, Cluster]) -> Cluster | None:
    """The full name a longer name ends with, when its first word names nobody else of that surname."""
    tails = [c for c in namesakes if c is not long and id(c) not in merged and 2 <= len(c.tokens) < len(long.tokens)
             and same_tokens(c.tokens, long.tokens[-len(c.tokens):])]
    rivals = [c for c in namesakes if c is not long and same_bare_word(c.tokens[0], long.tokens[0])]
    if len(tails) != 1 or rivals:
        return None
    target = tails[0]
    if long.role_heads and target.role_heads and not long.role_heads & target.role_heads:
        return None  # "President" and "General" of one surname are two people
    return target


def _attach_singles(singles: list[Cluster], clusters: list[Cluster], home: dict[int, Cluster]) -> list[Cluster]:
    """Lone words: their article's given name (if distinctive), else a surname across the corpus."""
    surnames: dict[str, list[Cluster]] = defaultdict(list)
    given: dict[str, list[Cluster]] = defaultdict(list)
    for c in clusters:
        surnames[spelling_key(c.tokens[-1])].append(c)
        given[light(c.tokens[0])].append(c)
    orphans: dict[str, list[Cluster]] = defaultdict(list)
    for single in singles:
        word = single.tokens[0]
        named_here = list({id(home[id(o)]): home[id(o)] for row in single.rows
                           if (o := row.get("given_of")) is not None and id(o) in home}.values())
        same_given = given.get(light(word), [])
        by_surname = [c for c in surnames[spelling_key(word)] if same_bare_word(word, c.tokens[-1])]
        if len(named_here) == 1 and len(same_given) == 1 and same_given[0] is named_here[0] and not by_surname \
                and not fold(word).startswith(("al-", "el-")):  # "al-Mahmoudi" is a family name
            same_given[0].absorb(single, "given-name-in-article")  # "Hakan" after "Hakan Fidan", no other Hakan
            continue
        target, how = _unambiguous(single, by_surname)
        if target is not None:
            target.absorb(single, f"surname{how}-corpus")
        elif not by_surname and not same_given:  # ambiguous words stay unresolved rather than guessed
            _orphan(single, word, orphans)
    return [c for group in orphans.values() for c in group]


def _unambiguous(single: Cluster, candidates: list[Cluster]) -> tuple[Cluster | None, str]:
    """The one candidate, the one holding the mention's role, or one 3x more covered than any other."""
    if len(candidates) == 1:
        return candidates[0], ""
    if not candidates:
        return None, ""
    heads = single.role_heads
    if heads:
        by_role = [c for c in candidates if heads & c.role_heads]
        if len(by_role) == 1:
            return by_role[0], "+role"
    ranked = sorted(candidates, key=lambda c: len(c.articles), reverse=True)
    if len(ranked[0].articles) >= DOMINANCE * len(ranked[1].articles):
        return ranked[0], "-dominant"
    return None, ""


def _orphan(single: Cluster, word: str, orphans: dict[str, list[Cluster]]) -> None:
    key = spelling_key(word)
    found = next((c for c in orphans[key] if same_bare_word(word, c.tokens[0])), None)
    if found is None:
        found = Cluster("person", (word,))
        orphans[key].append(found)
    found.absorb(single, "transliteration" if single.tokens != found.tokens else None)
