"""Organisation, place and nationality mentions -> canonical names, through tables, acronyms defined
in the text, spelling variants and guesses onto places already named; spaCy's type slips fixed."""

from __future__ import annotations

from collections import Counter, defaultdict

from index.actors.aliases import (
    canonical_org_place,
    country_for_demonym,
    demonym_candidates,
    light,
    name_key,
    name_tokens,
    same_name,
    spelling_key,
)
from index.actors.clusters import DOMINANCE, Cluster
from index.actors.local import is_table_name

_GENERIC_PLACE_WORDS = frozenset("republic kingdom federation emirates islands sultanate".split())


def resolve_names(rows, acronyms, people: list[Cluster]) -> list[Cluster]:
    """Cluster organisation, place and nationality mentions by canonical name."""
    defined = _defined_acronyms(acronyms)
    groups: dict[str, Cluster] = {}
    guesses = []
    for row in rows:
        name, kind, rule = _canonical(row, defined)
        if name is None:
            guesses.append(row)
            continue
        group = groups.setdefault(name_key(name), Cluster(kind))
        group.canonical = group.canonical or (name if rule or kind != row["kind"] or is_table_name(name) else None)
        group.add(row, rule, name)
    clusters = _merge_variants(list(groups.values()))
    _attach_demonym_guesses(guesses, clusters)
    return _fix_types(clusters, people)


def _defined_acronyms(acronyms) -> dict[str, tuple[str, str, int]]:
    """Acronym -> (expansion, article_id, paragraph), the commonest expansion when they differ."""
    seen: dict[str, Counter] = defaultdict(Counter)
    where: dict[tuple[str, str], tuple[str, int]] = {}
    for row in acronyms:
        acronym = row["acronym"].upper()
        seen[acronym][row["expansion"]] += 1
        where.setdefault((acronym, row["expansion"]), (row["article_id"], row["paragraph"]))
    return {a: (e.most_common(1)[0][0], *where[(a, e.most_common(1)[0][0])]) for a, e in seen.items()}


def _canonical(row, defined) -> tuple[str | None, str, str | None]:
    """(canonical name or None for an unknown nationality, type, rule that renamed it)."""
    name, kind = row["name"], row["kind"]
    if kind == "norp":
        country = country_for_demonym(name)
        return (country, "place", "demonym") if country else (None, "place", None)
    compact = name.replace(".", "")
    if compact.isupper() and compact in defined:
        expansion = canonical_org_place(defined[compact][0])[0]
        return expansion, kind, "acronym-defined"
    canonical, forced = canonical_org_place(name)
    return canonical, forced or kind, ("alias-table" if canonical != name else None)


def _merge_variants(groups: list[Cluster]) -> list[Cluster]:
    by_key: dict[tuple, list[Cluster]] = defaultdict(list)
    out = []
    for group in sorted(groups, key=lambda g: -len(g.rows)):
        name = group.label()
        key = tuple(spelling_key(w) for w in name_key(name).split())
        home = next((c for c in by_key[key] if same_name(name, c.label())
                     and (c.kind == group.kind or name_key(name) == name_key(c.label()))), None)
        if home is None:
            by_key[key].append(group)
            out.append(group)
        else:
            home.absorb(group, "transliteration")
    for group in out:  # the type most mentions carry ("Egypt" is now and then tagged ORG)
        group.kind = Counter("place" if r["kind"] in ("place", "norp") else r["kind"] for r in group.rows
                             ).most_common(1)[0][0] if not group.canonical else group.kind
    return out


def _attach_demonym_guesses(rows, clusters: list[Cluster]) -> None:
    """Valdorian -> Valdoria, Kestrelian -> Kestrel (Republic): only onto places already named."""
    places: dict[str, Cluster] = {}
    for c in clusters:
        if c.kind == "place":
            key = name_key(c.label())
            places.setdefault(key, c)
            places.setdefault(key.split()[0], c)
    for row in rows:
        home = next((places[k] for k in map(name_key, demonym_candidates(row["name"])) if k in places), None)
        if home is not None:
            home.add(row, "demonym-guess")


def _fix_types(clusters: list[Cluster], people: list[Cluster]) -> list[Cluster]:
    """Names spaCy tagged as organisations that are people's: 'Amara Quell' (ORG), 'Brandvik said'."""
    full: dict[str, list[Cluster]] = defaultdict(list)
    surnames: dict[str, list[Cluster]] = defaultdict(list)
    for person in people:
        for form in person.forms:
            full[name_key(form)].append(person)
        if len(person.tokens) >= 2:
            surnames[spelling_key(person.tokens[-1])].append(person)
    kept = []
    for group in clusters:
        name = group.label()
        words = name_tokens(name)
        owners = list({id(p): p for p in full.get(name_key(name), [])}.values())
        if not owners and len(words) == 1:  # same folded spelling only ("Qaddafi s forces"), never similar
            owners = [p for p in surnames.get(spelling_key(words[0]), []) if light(words[0]) == light(p.tokens[-1])]
        owners.sort(key=lambda p: -len(p.articles))
        dominant = len(owners) == 1 or bool(owners and len(owners[0].articles) >= DOMINANCE * len(owners[1].articles))
        owner = owners[0] if dominant else None
        cues = Counter(c for r in group.rows for c in (r["cue"] or "-").split(","))
        placed = cues["loc"] + cues["owner"]
        fits = owner is not None and not group.canonical and (
            group.kind == "org" and (len(words) > 1 or cues["speech"] > cues["loc"]
                                     or len(owner.rows) >= 2 * len(group.rows))
            # "Blinken" tagged a place where the article never wrote his full name: no place context at all
            or group.kind == "place" and placed == 0 and len(owner.articles) >= 2
            and len(owner.rows) >= 2 * len(group.rows))
        if fits and owner is not None:
            owner.absorb(group, "type-fix")
        else:
            kept.append(group)
    return _place_short_forms(kept)


def _place_short_forms(clusters: list[Cluster]) -> list[Cluster]:
    """'Kestrel' joins 'Kestrel Republic', 'Tarsen' joins 'Tarsen Islands' (one candidate only)."""
    bases: dict[str, list[Cluster]] = defaultdict(list)
    for c in clusters:
        words = name_key(c.label()).split()
        if c.kind == "place" and len(words) == 2 and words[1] in _GENERIC_PLACE_WORDS:
            bases[words[0]].append(c)
    kept = []
    for c in clusters:
        home = bases.get(name_key(c.label()), [])
        if len(home) == 1 and home[0] is not c and not c.canonical:
            home[0].absorb(c, "short-form")
        else:
            kept.append(c)
    return kept
