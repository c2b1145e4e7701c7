"""Scores the actor index against the labelled dev set (bench/data/actor_labels.tsv, actor_probes.tsv).

Closed-world over labelled name forms: every pair of labelled forms of one topic is either one actor
(same entity) or two, and a form's actor is the one holding most of its mentions in that topic.
- merge precision / recall: over those pairs (a form left unresolved merges with nothing);
- type accuracy: entities with >= 5 labelled mentions, the type of the actor holding most of them;
- roles: people with expected role words whose main role holds one of them (and no form of address);
- noise: share of the mentions of non-actors (credits, page furniture) that became an actor;
- probes: `resolve_name(query)` gives the entity's actor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
MIN_TYPED = 5


def read_tsv(name: str) -> list[list[str]]:
    rows = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def labels() -> dict[str, list[tuple[str, str, list[str], list[str]]]]:
    """topic -> [(entity, type, forms, role words)]."""
    out: dict[str, list] = defaultdict(list)
    for row in read_tsv("actor_labels.tsv"):
        topic, entity, kind, forms = row[:4]
        words = row[4].split("|") if len(row) > 4 and row[4] else []
        out[topic].append((entity, kind, forms.split("|"), words))
    return out


def score(catalog, topic_ids: dict[str, set[str]]) -> dict[str, dict]:
    """Per-topic figures (and 'all', pooled) for a resolved catalog holding every topic's articles."""
    from index.actors import resolve_name
    from index.actors.aliases import name_key
    from index.actors.tables import NAME_PREFIXES

    with catalog.lock:
        mentions = catalog.conn.execute("SELECT article_id, name, actor_id FROM mentions").fetchall()
        actors = {r[0]: (r[1], r[2], r[3]) for r in catalog.conn.execute("SELECT id, type, roles, name FROM actors")}
    topic_of = {a: t for t, ids in topic_ids.items() for a in ids}
    by_form: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for article_id, name, actor_id in mentions:
        if article_id in topic_of:
            by_form[(topic_of[article_id], name_key(name))][actor_id] += 1
    import json

    results: dict[str, dict] = {}
    pooled: Counter = Counter()
    for topic, entities in labels().items():
        if topic not in topic_ids:
            continue
        c: Counter = Counter()
        forms = []  # (entity, actor of the form)
        typed: dict[str, Counter] = defaultdict(Counter)
        for entity, _, written, _ in entities:
            for form in written:
                found = by_form.get((topic, name_key(form)), Counter())
                if not found:
                    continue
                if entity == "-":
                    c["noise_mentions"] += sum(found.values())
                    c["noise_actors"] += sum(n for a, n in found.items() if a)
                    continue
                top, _ = found.most_common(1)[0]
                forms.append((entity, top))
                typed[entity].update({a: n for a, n in found.items() if a})
                typed[entity]["__total__"] += sum(found.values())
        for (e1, a1), (e2, a2) in combinations(forms, 2):
            same, merged = e1 == e2, a1 is not None and a1 == a2
            c["gold_pairs"] += same
            c["system_pairs"] += merged
            c["correct_pairs"] += same and merged
        for entity, kind, _, words in entities:
            counts = typed.get(entity)
            if entity == "-" or not counts or counts["__total__"] < MIN_TYPED:
                continue
            actor = max((a for a in counts if a != "__total__"), key=lambda a: counts[a], default=None)
            c["typed"] += 1
            c["typed_ok"] += bool(actor and actors.get(actor, ("",))[0] == kind)
            if words and kind == "person":
                roles = json.loads(actors[actor][1]) if actor in actors else []
                main = roles[0].lower() if roles else ""
                c["roles"] += 1
                c["roles_ok"] += any(w in main.split() or w in main for w in words) and not any(
                    w.strip(",") in NAME_PREFIXES for w in main.split())
        for row in read_tsv("actor_probes.tsv"):
            if row[0] != topic:
                continue
            counts = typed.get(row[2], Counter())
            expected = max((a for a in counts if a != "__total__"), key=lambda a: counts[a], default=None)
            got = resolve_name(catalog, row[1]).actor
            c["probes"] += 1
            c["probes_ok"] += bool(got and expected and got.id == expected)
        results[topic] = _figures(c)
        pooled.update(c)
    results["all"] = _figures(pooled)
    return results


def _figures(c: Counter) -> dict:
    def ratio(a: str, b: str) -> float:
        return round(c[a] / c[b], 3) if c[b] else float("nan")

    return {"precision": ratio("correct_pairs", "system_pairs"), "recall": ratio("correct_pairs", "gold_pairs"),
            "type_accuracy": ratio("typed_ok", "typed"), "roles": ratio("roles_ok", "roles"),
            "noise": ratio("noise_actors", "noise_mentions"), "probes": ratio("probes_ok", "probes"),
            "pairs": c["gold_pairs"], "typed": c["typed"]}
