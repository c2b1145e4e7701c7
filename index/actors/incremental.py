"""After an ingest, only the names the new articles bring, and the actors they touch, are resolved again.

The new articles' mentions (the `actor_queue`) are re-clustered together with every stored mention of
the same names and every mention of the actors those mentions belong to; only those actors are
rewritten, all others keep their ids and records. A name the tables fix ("U.S.", "NATO", "Turkey")
joins its existing actor directly, so a country named in every article never makes the actor of a
whole corpus be re-clustered. With nothing resolved yet, or a queue of more than FULL_SHARE of the
corpus (a first ingest, `newsbot reindex`), the full pass in `index.actors.resolve` runs instead.
"""

from __future__ import annotations

import json
from collections import Counter

from index.actors.aliases import canonical_org_place
from index.actors.resolve import _COLUMNS, cluster_rows, finish, resolve_actors, write
from index.catalog import Catalog

FULL_SHARE = 0.3


def resolve_pending(catalog: Catalog) -> dict[str, int]:
    """Resolve the queued articles' mentions into the stored actors; returns counts for reports."""
    conn = catalog.conn
    with catalog.lock:
        queued = [r[0] for r in conn.execute("SELECT article_id FROM actor_queue")]
        actors = conn.execute("SELECT COUNT(*) FROM actors").fetchone()[0]
        corpus = conn.execute("SELECT COUNT(DISTINCT article_id) FROM mentions").fetchone()[0]
    if not actors or len(queued) > FULL_SHARE * max(corpus, 1):
        return resolve_actors(catalog)
    marks = ",".join("?" * len(queued))
    with catalog.lock:
        new = [dict(r) for r in conn.execute(f"SELECT {_COLUMNS} FROM mentions WHERE article_id IN ({marks})"
                                             " ORDER BY article_id, paragraph, start", queued)]
        direct = _table_actors(catalog, new)
        names = sorted({r["name"] for r in new if r["name"] not in direct})
        touched = _owners(catalog, names, queued)
        rows = new if not touched else new + [dict(r) for r in conn.execute(
            f"SELECT {_COLUMNS} FROM mentions WHERE actor_id IN ({','.join('?' * len(touched))})"
            f" AND article_id NOT IN ({marks})", [*touched, *queued])]
        unresolved = [dict(r) for r in _chunked(conn, f"SELECT {_COLUMNS} FROM mentions WHERE actor_id IS NULL"
                                                      f" AND article_id NOT IN ({marks}) AND name IN", names, queued)]
        acronyms = conn.execute("SELECT * FROM acronyms").fetchall()
        taken = {r[0] for r in conn.execute("SELECT id FROM actors")} - touched
    fresh = set(queued)
    tabled = [r for r in rows if r["name"] in direct and r["article_id"] in fresh]
    skip = {id(r) for r in tabled}
    rows = sorted((r for r in rows + unresolved if id(r) not in skip),
                  key=lambda r: (r["article_id"], r["paragraph"], r["start"]))
    records, assignment = finish(cluster_rows(rows, acronyms), taken)
    for r in tabled:
        assignment[(r["article_id"], r["paragraph"], r["start"])] = direct[r["name"]]
    write(catalog, rows + tabled, records, assignment, replaced=touched, queued=queued)
    _refresh(catalog, set(direct.values()) - touched)
    return {"mentions": len(rows) + len(tabled), "actors": len(records), "resolved": len(assignment)}


def _table_actors(catalog: Catalog, rows: list[dict]) -> dict[str, str]:
    """Names of new mentions that a table fixes, and the stored actor of that canonical name."""
    out: dict[str, str] = {}
    for name in {r["name"] for r in rows if r["kind"] != "person"}:
        canonical, forced = canonical_org_place(name)
        if forced is None:
            continue
        found = catalog.conn.execute("SELECT id FROM actors WHERE name=? AND type=?", (canonical, forced)).fetchone()
        if found:
            out[name] = found[0]
    return out


def _owners(catalog: Catalog, names: list[str], queued: list[str]) -> set[str]:
    """Actors holding stored mentions of these names (outside the queued articles)."""
    marks = ",".join("?" * len(queued))
    found = _chunked(catalog.conn, f"SELECT DISTINCT actor_id FROM mentions WHERE actor_id IS NOT NULL"
                                   f" AND article_id NOT IN ({marks}) AND name IN", names, queued)
    return {r[0] for r in found}


def _chunked(conn, sql: str, names: list[str], params: list[str], size: int = 500) -> list:
    out: list = []
    for start in range(0, len(names), size):
        chunk = names[start:start + size]
        out += conn.execute(f"{sql} ({','.join('?' * len(chunk))})", [*params, *chunk]).fetchall()
    return out


def _refresh(catalog: Catalog, actor_ids: set[str]) -> None:
    """Counts and aliases of actors that gained mentions without being re-clustered."""
    with catalog.lock, catalog.conn:
        for actor_id in actor_ids:
            forms = catalog.conn.execute("SELECT name, COUNT(*) FROM mentions WHERE actor_id=? GROUP BY name",
                                         (actor_id,)).fetchall()
            counts = Counter({name: n for name, n in forms})
            articles = catalog.conn.execute("SELECT COUNT(DISTINCT article_id) FROM mentions WHERE actor_id=?",
                                            (actor_id,)).fetchone()[0]
            catalog.conn.execute("UPDATE actors SET aliases=?, mentions=?, articles=? WHERE id=?",
                                 (json.dumps([f for f, _ in counts.most_common()], ensure_ascii=False),
                                  sum(counts.values()), articles, actor_id))
        version = int(catalog.conn.execute("SELECT COALESCE((SELECT value FROM meta WHERE key='actors_version'),"
                                           " '0')").fetchone()[0]) + 1  # readers reload the directory
        catalog.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('actors_version', ?)", (str(version),))


def resolve_if_dirty(catalog: Catalog) -> bool:
    """Resolve when mentions changed since the last resolution: the new articles only, or everything
    when there is no resolution to build on."""
    if catalog.get_meta("actors_dirty") != "1":
        return False
    resolve_pending(catalog)
    return True
