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
from collections.abc import Sequence
from itertools import groupby

from index.actors.aliases import name_key, name_tokens, same_word
from index.actors.clusters import DOMINANCE, Cluster
from index.actors.local import local_people, namesakes
from index.actors.resolve_names import resolve_names
from index.actors.resolve_people import resolve_people
from index.catalog import Catalog

__all__ = ["DOMINANCE", "cluster_rows", "finish", "resolve_actors", "resolve_names",
           "resolve_people", "retype", "write"]

MAX_EVIDENCE = 400  # merge records kept per actor: one per (rule, form), so in practice all of them
_COLUMNS = "article_id, paragraph, start, surface, name, kind, role, gender, cue, zone, actor_id"


def resolve_actors(catalog: Catalog) -> dict[str, int]:
    """Recompute every canonical actor from the stored mentions; returns counts for reports."""
    from index.actors.extract import ensure_schema

    ensure_schema(catalog)
    with catalog.lock:
        stored = catalog.conn.execute(f"SELECT {_COLUMNS} FROM mentions ORDER BY article_id, paragraph, start")
        rows = [dict(r) for r in stored]
        acronyms = catalog.conn.execute("SELECT * FROM acronyms").fetchall()
    clusters = cluster_rows(rows, acronyms)
    records, assignment = finish(clusters)
    write(catalog, rows, records, assignment)
    return {"mentions": len(rows), "actors": len(records), "resolved": len(assignment)}


def cluster_rows(rows: list[dict], acronyms) -> list[Cluster]:
    """Mentions (sorted by article) -> actors: each article's people first, then across the corpus."""
    people: list[Cluster] = []
    rest: list[dict] = []
    rows = retype(rows)
    corpus = namesakes(rows)
    for _, group in groupby(rows, key=lambda r: r["article_id"]):
        found, others = local_people(list(group), corpus)
        people += found
        rest += others
    clusters = resolve_people(people)
    return clusters + resolve_names(rest, acronyms, clusters)


def retype(rows: list[dict]) -> list[dict]:
    """Correct spaCy's label per name from context over the corpus ("in Sørhavn" is a place)."""
    votes: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        cues = (r["cue"] or "-").split(",")
        votes[name_key(r["name"])].update(cues + ["personal" if r["role"] or "honorific" in cues else "-"])
    for r in rows:
        v = votes[name_key(r["name"])]
        single = len(r["name"].split()) == 1
        placed = v["loc"] + v["owner"]
        if r["kind"] == "person" and not v["personal"] and (
                placed > v["speech"] if single else placed >= 2 and placed > 2 * v["speech"]):
            r["kind"] = "place"  # "in Brega", "in Ras Lanuf": places spaCy took for people
        elif r["kind"] == "org" and single and not r["name"].isupper() and v["loc"] > v["speech"]:
            r["kind"] = "place"  # "twenty-five in Kestrel"
        elif r["kind"] == "org" and single and r["name"].isupper() and "loc" in (r["cue"] or "").split(","):
            r["kind"] = "place"  # a dateline: "SØRHAVN, Luneria —"
    return rows


def finish(clusters: list[Cluster], taken: set[str] | frozenset[str] = frozenset(),
           ) -> tuple[list[dict], dict[tuple[str, int, int], str]]:
    """Actor records (id, name, aliases, roles, evidence, ...) and the mention -> actor id map.

    `taken` are ids of actors kept from an earlier resolution, which new records must not reuse."""
    records: list[dict] = []
    assignment: dict[tuple[str, int, int], str] = {}
    used: Counter[tuple[str, str]] = Counter()
    for c in sorted(clusters, key=lambda c: (-len(c.articles), -len(c.rows))):
        if not c.rows:
            continue
        name = _display_name(c)
        slug = re.sub(r"[^a-z0-9]+", "-", name_key(name)).strip("-") or "x"
        actor_id = ""
        while not actor_id or actor_id in taken:
            used[(c.kind, slug)] += 1
            actor_id = f"{c.kind}:{slug}" + (f"-{used[(c.kind, slug)]}" if used[(c.kind, slug)] > 1 else "")
        genders = Counter(r["gender"] for r in c.rows if r["gender"])
        top = genders.most_common(1)
        gender = top[0][0] if top and top[0][1] * 3 >= 2 * sum(genders.values()) else None
        evidence = sorted(c.evidence.values(), key=lambda e: -e["count"])[:MAX_EVIDENCE]
        records.append({"id": actor_id, "name": name, "type": c.kind,
                        "aliases": [f for f, _ in c.forms.most_common()],
                        "roles": c.ranked_roles(), "evidence": evidence, "gender": gender,
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
        if full:  # ties go to the spellings more articles use, lone surnames included (Aydar, not Aidar)
            spread: dict[str, set[str]] = defaultdict(set)
            for r in c.rows:
                for w in r["name"].split():
                    spread[w].add(r["article_id"])
            return max(full, key=lambda t: (t[0], sum(len(spread[w]) for w in t[1].split())))[1]
    forms = [(f, n) for f, n in c.forms.most_common() if f not in c.demonyms] or c.forms.most_common()
    mixed = [f for f, _ in forms if not f.isupper() or len(f) <= 5]  # SØRHAVN (a dateline) -> Sørhavn
    return (mixed or [forms[0][0]])[0]


def write(catalog: Catalog, rows, records: list[dict], assignment, replaced: set[str] | None = None,
          queued: Sequence[str] = ()) -> None:
    """Store the records and the rows' actor ids in one transaction; `replaced` None = every actor."""
    changed = [(assignment.get((r["article_id"], r["paragraph"], r["start"])), r["article_id"], r["paragraph"],
                r["start"]) for r in rows
               if assignment.get((r["article_id"], r["paragraph"], r["start"])) != r["actor_id"]]
    with catalog.lock, catalog.conn:
        catalog.conn.execute("BEGIN IMMEDIATE")
        if replaced is None:
            catalog.conn.execute("DELETE FROM actors")
            catalog.conn.execute("DELETE FROM actor_queue")
        else:
            catalog.conn.executemany("DELETE FROM actors WHERE id=?", [(i,) for i in replaced])
            catalog.conn.executemany("DELETE FROM actor_queue WHERE article_id=?", [(a,) for a in queued])
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
