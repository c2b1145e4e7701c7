"""Actor rankings: who the articles of a period name most, and search scopes narrowed to one actor."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from index.actors import Actor, directory, paragraph_keys
from index.catalog import Catalog
from index.search import Filters


@dataclass(frozen=True)
class RankedActor:
    """An actor with the number of articles (and mentions) naming it in a period."""

    actor: Actor
    articles: int
    mentions: int

    def to_json(self) -> dict:
        return {"id": self.actor.id, "name": self.actor.name, "type": self.actor.type, "articles": self.articles,
                "mentions": self.mentions, "role": self.actor.main_role}



def rank_actors(catalog: Catalog, date: date | str | None = None, type: str | None = None,
                since: datetime | None = None, until: datetime | None = None, limit: int | None = 50,
                ) -> list[RankedActor]:
    """Actors ranked by how many articles (dated in the period, if any) mention them."""
    d = directory(catalog)
    if date is not None and since is None and until is None:
        day = date if not isinstance(date, str) else datetime.fromisoformat(date).date()
        since = datetime.combine(day, time(), tzinfo=UTC)
        until = since + timedelta(days=1)
    clauses, params = ["m.actor_id IS NOT NULL"], []
    for bound, op in ((since, ">="), (until, "<")):
        if bound is not None:
            clauses.append(f"COALESCE(a.published_ts, a.ingested_ts) {op} ?")
            params.append(int(bound.timestamp()))
    with catalog.lock:
        rows = catalog.conn.execute(
            "SELECT m.actor_id, COUNT(DISTINCT m.article_id) AS n, COUNT(*) AS k FROM mentions m"
            f" JOIN articles a ON a.id = m.article_id WHERE {' AND '.join(clauses)}"
            " GROUP BY m.actor_id ORDER BY n DESC, k DESC", params).fetchall()
    ranked = [RankedActor(d.actors[r[0]], r[1], r[2]) for r in rows
              if r[0] in d.actors and (type is None or d.actors[r[0]].type == type)]
    return ranked[:limit] if limit else ranked


def actor_filters(catalog: Catalog, actor_id: str, base: Filters | None = None) -> Filters:
    """Search filters narrowed to the articles naming the actor (pair with `boost` for paragraphs)."""
    ids = tuple(sorted({a for a, _ in paragraph_keys(catalog, actor_id)})) or ("(no article)",)
    return replace(base or Filters(), article_ids=ids)
