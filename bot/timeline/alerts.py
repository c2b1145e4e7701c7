"""Follow alerts: newly ingested articles matched against every follow, and what is due to a recipient now.

`match_new` reads the catalog past each follow's cursor (so articles ingested by any process count: feed
polls, admin uploads, `newsbot ingest`) and records each match; a syndicated copy of a story the
recipient was already alerted on is recorded as a copy and never alerted. `due` gathers a recipient's
pending matches into one batch: every follow that moved, one or two cited sentences per story and the
outlets that also reported it. Matches of a follow in its quiet hours wait; so does everything once the
daily cap is reached. The sender claims the batch, sends it, and finishes it (see `follows`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bot.citations import Citation, CitedText
from bot.context import Context
from bot.timeline.evidence import Candidate, gather
from bot.timeline.follows import Follow, FollowStore, Pending
from bot.timeline.scope import Scope, ambiguous_names, resolve_scope
from bot.verify import DraftSentence, verify
from index.actors import directory
from index.catalog import Catalog
from index.dedupe import canonical_of
from index.search import Hit

PER_FOLLOW = 3  # stories told per follow in one message; more are counted ("and 4 more reports")
ITEM_SENTENCES = 2


@dataclass(frozen=True)
class AlertItem:
    """One story that moved a follow: its cited sentences and the other outlets that carried it."""

    follow: Follow
    article_id: str
    date: str
    sentences: tuple[CitedText, ...]
    also_reported_by: tuple[str, ...]

    def to_json(self) -> dict:
        return {"follow": self.follow.to_json(), "article_id": self.article_id, "date": self.date,
                "sentences": [s.to_json() for s in self.sentences], "also_reported_by": list(self.also_reported_by)}


@dataclass(frozen=True)
class AlertBatch:
    """What one message to a recipient carries, and the alert rows it settles."""

    recipient: str
    items: list[AlertItem]
    rows: list[Pending]
    day: str  # the local day it counts against
    held: bool = False  # it carries alerts held during quiet hours
    last_today: bool = False  # it uses the day's last allowed message
    more: dict[int, int] = field(default_factory=dict)  # follow id -> further stories settled untold

    def to_json(self) -> dict:
        return {"recipient": self.recipient, "day": self.day, "held": self.held, "last_today": self.last_today,
                "items": [i.to_json() for i in self.items], "more": {str(k): v for k, v in self.more.items()}}


def parse_quiet(text: str) -> tuple[time, time] | None:
    """'22:00-07:00' -> (22:00, 07:00); None when it is not two HH:MM times."""
    try:
        start, end = (time.fromisoformat(part.strip().replace(".", ":").zfill(5)) for part in text.split("-"))
    except ValueError:
        return None
    return (start, end) if start != end else None


def in_quiet(follow: Follow, moment: datetime) -> bool:
    """Whether `moment` falls in the follow's quiet hours (in its time zone; they may wrap past midnight)."""
    window = parse_quiet(follow.quiet) if follow.quiet else None
    if window is None:
        return False
    local = moment.astimezone(ZoneInfo(follow.timezone)).time()
    start, end = window
    return start <= local < end if start < end else (local >= start or local < end)


def add_follow(ctx: Context, store: FollowStore, recipient: str, query: str, quiet: str | None,
               timezone: str) -> Follow | str:
    """Follow an actor or a topic from the catalog's current end on; a message instead when it cannot be."""
    query = " ".join(query.split())
    if not query:
        return "Give an actor or a topic to follow."
    window = parse_quiet(quiet) if quiet else None
    if quiet and window is None:
        return f"Quiet hours are two times like 22:00-07:00, not '{quiet}'."
    choices = ambiguous_names(ctx.index.catalog, query)
    if choices:
        return f"'{query}' could be {', '.join(choices[:6])}. Which one?"
    scope = resolve_scope(ctx.index, query)
    span = f"{window[0].strftime('%H:%M')}-{window[1].strftime('%H:%M')}" if window else None
    actor_id = scope.actor.id if scope.actor else None
    for follow in store.follows(recipient):  # following again: same place in the catalog, new quiet hours
        current = scope_of(ctx, follow)
        same = (current.actor.id == actor_id) if (current.actor and actor_id) else (
            not current.actor and not actor_id and follow.query.lower() == query.lower())
        if same:
            return store.update(follow.id, actor_id, follow.label, span, timezone)
    return store.add(recipient, query, actor_id, scope.label, span, timezone, catalog_position(ctx.index.catalog))


def catalog_position(catalog: Catalog) -> int:
    """The newest article's rowid: a new follow looks at articles after it."""
    with catalog.lock:
        return int(catalog.conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM articles").fetchone()[0])


def new_articles(catalog: Catalog, cursor: int) -> tuple[list[str], int]:
    """Indexed articles after `cursor`, up to the first still pending (its ingest is running), and the new cursor."""
    with catalog.lock:
        rows = catalog.conn.execute("SELECT rowid, id, state FROM articles WHERE rowid > ? ORDER BY rowid",
                                    (cursor,)).fetchall()
    ids = []
    for rowid, article_id, state in rows:
        if state != "indexed":
            break
        ids.append(article_id)
        cursor = int(rowid)
    return ids, cursor


def scope_of(ctx: Context, follow: Follow) -> Scope:
    """The follow's actor as its query resolves today (new aliases and a changed canonical name count),
    else the actor it resolved to when followed, else its topic."""
    scope = resolve_scope(ctx.index, follow.query)
    if follow.actor_id and scope.actor is None:
        actor = directory(ctx.index.catalog).actors.get(follow.actor_id)
        if actor is not None:
            return Scope(follow.query, actor)
    return scope


def match_new(ctx: Context, store: FollowStore, recipient: str | None = None) -> int:
    """Record the matches of articles ingested since each follow last looked; how many were new."""
    catalog = ctx.index.catalog
    found = 0
    for follow in store.follows(recipient):
        ids, cursor = new_articles(catalog, follow.cursor)
        if not ids:
            continue
        evidence = gather(ctx.index, scope_of(ctx, follow), None, None, ZoneInfo(follow.timezone), article_ids=ids)
        matches = [(a, canonical_of(catalog, a)) for a in ids if a in evidence.articles]
        store.record(follow, matches, cursor)
        found += len(matches)
    return found


def due(ctx: Context, store: FollowStore, recipient: str, now: datetime | None = None,
        per_day: int | None = None) -> AlertBatch | None:
    """The one message due to `recipient` now, or None (nothing new, all quiet, or the daily cap reached)."""
    now = now or datetime.now(UTC)
    follows = {f.id: f for f in store.follows(recipient)}
    zone = ZoneInfo(ctx.settings.timezone)
    day = now.astimezone(zone).date().isoformat()
    sent_today = store.sent_on(recipient, day)
    if per_day is not None and sent_today >= per_day:
        return None
    pending = [p for p in store.pending(recipient) if p.follow_id in follows]
    quiet = [p for p in pending if in_quiet(follows[p.follow_id], now)]
    store.hold(quiet)
    ready = [p for p in pending if p not in quiet]
    if not ready:
        return None
    stories: dict[tuple[int, str], list[Pending]] = defaultdict(list)
    for p in ready:
        stories[(p.follow_id, p.story)].append(p)
    items: list[AlertItem] = []
    rows: list[Pending] = []
    more: dict[int, int] = defaultdict(int)
    told: dict[int, int] = defaultdict(int)
    shown: set[str] = set()
    for (follow_id, story), group in stories.items():
        rows += group
        if story in shown:  # it moved two follows: told once, under the first
            continue
        shown.add(story)
        if told[follow_id] >= PER_FOLLOW:
            more[follow_id] += 1
            continue
        item = _item(ctx, store, follows[follow_id], story, group)
        if item is not None:
            items.append(item)
            told[follow_id] += 1
    held = any(p.held for p in rows)
    last = per_day is not None and sent_today + 1 >= per_day
    return AlertBatch(recipient, items, rows, day, held, last, dict(more))


def _item(ctx: Context, store: FollowStore, follow: Follow, story: str, group: list[Pending]) -> AlertItem | None:
    """The story's cited sentences from its first matched article; other copies and matches give "also"."""
    scope = scope_of(ctx, follow)
    article_ids = list(dict.fromkeys([p.article_id for p in group] + store.copies(follow.recipient, [story])[story]))
    evidence = gather(ctx.index, scope, None, None, ZoneInfo(follow.timezone), article_ids=article_ids)
    lead = next((a for a in article_ids if a in evidence.articles), None)
    if lead is None:  # pruned since, or no longer matching: settle the rows without a message
        return None
    best = sorted((c for c in evidence.candidates if c.hit.article_id == lead),
                  key=lambda c: (-(c.relevance + c.prior), c.position, c.index))[:ITEM_SENTENCES]
    sentences = _verified(best)
    if not sentences:
        return None
    outlet = evidence.articles[lead][2]
    also = tuple(dict.fromkeys(o for a, (_, _, o) in evidence.articles.items() if a != lead and o != outlet))
    return AlertItem(follow, lead, evidence.articles[lead][0].isoformat(), tuple(sentences), also)


def _verified(cands: list[Candidate]) -> list[CitedText]:
    """Each sentence checked by bot.verify against its own paragraph (they are verbatim: this is the contract)."""
    hits: list[Hit] = list({c.hit.key: c.hit for c in cands}.values())
    position = {h.key: n for n, h in enumerate(hits, start=1)}
    ordered = sorted(cands, key=lambda c: (c.position, c.index))  # in the article's order
    verified = verify([DraftSentence(c.text, (position[c.hit.key],)) for c in ordered], hits)
    return [CitedText(text, tuple(verified.citations[m - 1] for m in markers)) for text, markers in verified.sentences]


def numbered(batch: AlertBatch) -> list[tuple[AlertItem, list[tuple[str, tuple[Citation, ...]]]]]:
    """The batch's items with citation markers numbered once across the message."""
    markers: dict[tuple[str, int], int] = {}
    out = []
    for item in batch.items:
        sentences = []
        for s in item.sentences:
            cited = tuple(Citation(markers.setdefault(c.key, len(markers) + 1), c.article_id, c.title, c.url, c.source,
                                   c.published, c.paragraph, c.text) for c in s.citations)
            sentences.append((s.text, cited))
        out.append((item, sentences))
    return out
