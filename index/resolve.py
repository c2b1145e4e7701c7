"""Alias resolution: stored mentions -> canonical actors, keeping the evidence of every merge.

People: full names that are spelling variants word by word merge (Muammar Gaddafi, Moammar
Gadhafi, Muammar Qaddafi); a shorter form joins the one full name that contains it; a surname
alone joins the full name it belongs to within its article, else across the corpus, and only
when that is unambiguous (a matching role, or one candidate mentioned in 3x more articles than
any other). Different given names never merge, so Saif al-Islam Gaddafi stays apart from his
father. Places and organisations merge through tables (UN -> United Nations, Turkish -> Turkey),
acronyms defined in the text ("Northern Maritime Council (NMC)") and spelling variants.
The whole corpus is resolved at once: it is deterministic and takes about a second per 1k articles.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from index.aliases import (
    canonical_org_place,
    country_for_demonym,
    demonym_candidates,
    is_subname,
    light,
    name_key,
    name_tokens,
    role_head,
    same_bare_word,
    same_name,
    same_tokens,
    same_word,
    spelling_key,
)
from index.catalog import Catalog

DOMINANCE = 3  # a surname goes to the most-mentioned namesake only if it leads the next by this factor
MAX_EVIDENCE = 40  # merge records kept per actor (the most frequent ones)
_COLUMNS = "article_id, paragraph, start, surface, name, kind, role, gender, cue, actor_id"
_GENERIC_PLACE_WORDS = frozenset("republic kingdom federation emirates islands sultanate".split())


@dataclass
class Cluster:
    """A canonical actor being built: its rows, written forms, roles and merge evidence."""

    kind: str
    tokens: tuple[str, ...] = ()  # person: the full name the cluster was founded on
    rows: list = field(default_factory=list)
    forms: Counter = field(default_factory=Counter)
    roles: Counter = field(default_factory=Counter)
    articles: set = field(default_factory=set)
    evidence: dict = field(default_factory=dict)
    canonical: str | None = None  # fixed by a table ("United Nations"), else the commonest form
    demonyms: set = field(default_factory=set)  # forms that are nationalities ("Kestrelian"), never the name

    def add(self, row, rule: str | None = None, target: str | None = None) -> None:
        self.rows.append(row)
        self.forms[row["name"]] += 1
        if row["kind"] == "norp":
            self.demonyms.add(row["name"])
        self.articles.add(row["article_id"])
        if row["role"]:
            self.roles[row["role"]] += 1
        if rule:
            key = (rule, row["name"])
            if key not in self.evidence:
                self.evidence[key] = {"rule": rule, "forms": [row["name"], target or self.tokens_name()],
                                      "article_id": row["article_id"], "paragraph": row["paragraph"], "count": 0}
            self.evidence[key]["count"] += 1

    def absorb(self, other: Cluster, rule: str) -> None:
        for row in other.rows:
            self.add(row, rule if row["name"] not in self.forms else None, self.tokens_name())
        for key, record in other.evidence.items():
            self.evidence.setdefault(key, record)

    def tokens_name(self) -> str:
        return self.forms.most_common(1)[0][0] if self.forms else " ".join(self.tokens)

    def label(self) -> str:
        """The name to compare by: the table's canonical name, else the commonest non-nationality form."""
        if self.canonical:
            return self.canonical
        named = [f for f, _ in self.forms.most_common() if f not in self.demonyms]
        return named[0] if named else self.tokens_name()

    @property
    def role_heads(self) -> set[str]:
        return {role_head(r) for r in self.roles}


def resolve_actors(catalog: Catalog) -> dict[str, int]:
    """Recompute every canonical actor from the stored mentions; returns counts for reports."""
    from index.actors import ensure_schema

    ensure_schema(catalog)
    with catalog.lock:
        stored = catalog.conn.execute(f"SELECT {_COLUMNS} FROM mentions ORDER BY article_id, paragraph, start")
        rows = retype([dict(r) for r in stored])
        acronyms = catalog.conn.execute("SELECT * FROM acronyms").fetchall()
    clusters = resolve_people([r for r in rows if r["kind"] == "person"])
    clusters += resolve_names([r for r in rows if r["kind"] != "person"], acronyms, clusters)
    records, assignment = finish(clusters)
    _write(catalog, rows, records, assignment)
    return {"mentions": len(rows), "actors": len(records), "resolved": len(assignment)}


def resolve_if_dirty(catalog: Catalog) -> bool:
    """Resolve when mentions changed since the last resolution (e.g. an ingest was interrupted)."""
    if catalog.get_meta("actors_dirty") != "1":
        return False
    resolve_actors(catalog)
    return True


def retype(rows: list[dict]) -> list[dict]:
    """Correct spaCy's label per name from context over the corpus ("in Sørhavn" is a place)."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        votes[name_key(r["name"])].update([r["cue"] or "-", "personal" if r["role"] else "-"])
    for r in rows:
        v = votes[name_key(r["name"])]
        single = len(r["name"].split()) == 1
        placed = v["loc"] + v["owner"]
        if r["kind"] == "person" and not v["personal"] and (
                placed > v["speech"] if single else placed >= 2 and placed > 2 * v["speech"]):
            r["kind"] = "place"  # "in Brega", "in Ras Lanuf": places spaCy took for people
        elif r["kind"] == "org" and single and not r["name"].isupper() and v["loc"] > v["speech"]:
            r["kind"] = "place"  # "twenty-five in Kestrel"
        elif r["kind"] == "org" and single and r["name"].isupper() and r["cue"] == "loc":
            r["kind"] = "place"  # a dateline: "SØRHAVN, Luneria —"
    return rows


# -- people ----------------------------------------------------------------------------
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


# -- places and organisations -------------------------------------------------------------
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
        group.canonical = group.canonical or (name if rule else None)
        group.add(row, rule, name)
    clusters = _merge_variants(list(groups.values()))
    _attach_demonym_guesses(guesses, clusters)
    return _fix_types(clusters, people)


def _defined_acronyms(acronyms) -> dict[str, tuple[str, str, int]]:
    """Acronym -> (expansion, article_id, paragraph), the commonest expansion when they differ."""
    seen: dict[str, Counter] = defaultdict(Counter)
    where = {}
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
        home = next((c for c in by_key[key] if same_name(name, c.label())), None)
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
        dominant = len(owners) == 1 or (owners and len(owners[0].articles) >= DOMINANCE * len(owners[1].articles))
        person = owners[0] if dominant else None
        cues = Counter(r["cue"] for r in group.rows)
        fits = person is not None and not group.canonical and group.kind == "org" and (
            len(words) > 1 or cues["speech"] > cues["loc"] or len(person.rows) >= 2 * len(group.rows))
        if fits:
            person.absorb(group, "type-fix")
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


# -- output ------------------------------------------------------------------------------
def finish(clusters: list[Cluster]) -> tuple[list[dict], dict[tuple[str, int, int], str]]:
    """Actor records (id, name, aliases, roles, evidence, ...) and the mention -> actor id map."""
    records, assignment, used = [], {}, Counter()
    for c in sorted(clusters, key=lambda c: (-len(c.articles), -len(c.rows))):
        if not c.rows:
            continue
        name = _display_name(c)
        slug = re.sub(r"[^a-z0-9]+", "-", name_key(name)).strip("-") or "x"
        used[(c.kind, slug)] += 1
        actor_id = f"{c.kind}:{slug}" + (f"-{used[(c.kind, slug)]}" if used[(c.kind, slug)] > 1 else "")
        genders = Counter(r["gender"] for r in c.rows if r["gender"])
        top = genders.most_common(1)
        gender = top[0][0] if top and top[0][1] * 3 >= 2 * sum(genders.values()) else None
        evidence = sorted(c.evidence.values(), key=lambda e: -e["count"])[:MAX_EVIDENCE]
        records.append({"id": actor_id, "name": name, "type": c.kind,
                        "aliases": [f for f, _ in c.forms.most_common()],
                        "roles": [r for r, _ in c.roles.most_common()], "evidence": evidence, "gender": gender,
                        "mentions": len(c.rows), "articles": len(c.articles)})
        for r in c.rows:
            assignment[(r["article_id"], r["paragraph"], r["start"])] = actor_id
    return records, assignment


def _display_name(c: Cluster) -> str:
    if c.canonical:
        return c.canonical
    if c.kind == "person" and len(c.tokens) >= 2:  # the commonest full form that keeps the surname
        full = [(n, f) for f, n in c.forms.items() if len(name_tokens(f)) >= 2
                and same_word(name_tokens(f)[-1], c.tokens[-1])]
        if full:
            return max(full, key=lambda t: t[0])[1]  # ties: the earliest, i.e. the founding form
    forms = [(f, n) for f, n in c.forms.most_common() if f not in c.demonyms] or c.forms.most_common()
    mixed = [f for f, _ in forms if not f.isupper() or len(f) <= 5]  # SØRHAVN (a dateline) -> Sørhavn
    return (mixed or [forms[0][0]])[0]


def _write(catalog: Catalog, rows, records: list[dict], assignment) -> None:
    changed = [(assignment.get((r["article_id"], r["paragraph"], r["start"])), r["article_id"], r["paragraph"],
                r["start"]) for r in rows
               if assignment.get((r["article_id"], r["paragraph"], r["start"])) != r["actor_id"]]
    with catalog.lock, catalog.conn:
        catalog.conn.execute("BEGIN IMMEDIATE")
        catalog.conn.execute("DELETE FROM actors")
        catalog.conn.executemany(
            "INSERT INTO actors (id, name, type, aliases, roles, evidence, gender, mentions, articles)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [(a["id"], a["name"], a["type"], json.dumps(a["aliases"], ensure_ascii=False),
              json.dumps(a["roles"], ensure_ascii=False), json.dumps(a["evidence"], ensure_ascii=False),
              a["gender"], a["mentions"], a["articles"]) for a in records])
        catalog.conn.executemany("UPDATE mentions SET actor_id=? WHERE article_id=? AND paragraph=? AND start=?",
                                 changed)
        version = int(catalog.conn.execute("SELECT COALESCE((SELECT value FROM meta WHERE key='actors_version'),"
                                           " '0')").fetchone()[0]) + 1
        catalog.conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                                 [("actors_version", str(version)), ("actors_dirty", "0")])
