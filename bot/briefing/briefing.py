"""Daily briefings: the day's articles grouped into stories, ranked by coverage, every bullet cited,
with what each recipient was already told left out.

`brief(ctx, day=..., recipient=...)` is what the CLI (`newsbot brief`) and the Telegram bot call.
Stories come from `bot.briefing.stories`; bullets from the LLM (`bot.briefing.llm`, verified) or the extractive
engine (`bot.briefing.bullets`), which is also the fallback when the LLM fails; memory from `bot.briefing.deliveries`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import numpy as np

from bot.briefing.bullets import extract, headline, pool, story_splitter
from bot.briefing.deliveries import Delivered, Deliveries, Recall
from bot.briefing.llm import llm_bullets
from bot.briefing.salience import Salience, day_salience
from bot.briefing.stories import StoryGroup, actor_names, group_stories, local_date, window_docs
from bot.citations import CitedText
from bot.context import Context
from bot.llm import LLMError
from bot.runtime import tz
from bot.spans import Splitter
from index.catalog import Catalog
from index.search import Hit

log = logging.getLogger(__name__)
NOTHING_NEW = "Nothing new since your last briefing: every story of this period was already delivered."


@dataclass(frozen=True)
class Story:
    """One event as told by one or more outlets, with cited bullets."""

    headline: str
    bullets: list[CitedText]
    actors: list[str]
    sources: list[str]  # distinct outlets, the headline's first
    articles: list[str]  # article ids, most central first
    update: bool = False  # continues a story this recipient already received

    @property
    def also_reported_by(self) -> list[str]:
        return self.sources[1:]

    def to_json(self) -> dict:
        return {"headline": self.headline, "bullets": [b.to_json() for b in self.bullets],
                "actors": list(self.actors), "sources": list(self.sources), "articles": list(self.articles),
                "also_reported_by": self.also_reported_by, "update": self.update}


@dataclass(frozen=True)
class Briefing:
    """The stories of one day (or since a moment) for one recipient; `message` explains an empty one."""

    date: str
    generated_at: str
    engine: str
    stories: list[Story]
    message: str | None = None
    notes: list[str] = field(default_factory=list)
    window: tuple[str, str] = ("", "")  # [since, until) as ISO datetimes
    # With brief(remember=False): call once the briefing has really reached the recipient.
    confirm: Callable[[], None] | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict:
        return {"date": self.date, "generated_at": self.generated_at, "engine": self.engine,
                "stories": [s.to_json() for s in self.stories], "message": self.message, "notes": list(self.notes),
                "window": {"since": self.window[0], "until": self.window[1]}}


def brief(ctx: Context, day: date | None = None, since: datetime | None = None, max_stories: int = 5,
          recipient: str | None = None, remember: bool = True) -> Briefing:
    """Brief `day` (default: today in NEWSBOT_TIMEZONE) or everything since `since`; remember it for `recipient`.

    `remember=False` defers that to `Briefing.confirm()`, for senders that can fail (Telegram)."""
    if day is not None and since is not None:
        raise ValueError("brief one day or since a moment, not both")
    zone = tz(ctx.settings)
    start, end = window(zone, day, since)
    index = ctx.index
    llm = ctx.llm
    generated = datetime.now(zone).isoformat(timespec="seconds")
    label = start.date().isoformat()
    span = (start.isoformat(timespec="seconds"), end.isoformat(timespec="seconds"))
    docs = window_docs(index, int(start.timestamp()), int(end.timestamp()))
    if not docs:
        empty = empty_message(index.catalog, start, end, zone, since is not None)
        return Briefing(label, generated, llm.name if llm else "extractive", [], empty, window=span)
    groups = group_stories(index.catalog, docs)
    store = ctx.settings.data_dir / "briefings.sqlite3"
    deliveries = Deliveries(store) if recipient else None
    confirm = None
    try:
        writer = _Writer(ctx, deliveries.recall(recipient) if deliveries and recipient else Recall())
        stories = writer.stories(groups, max_stories)
        if deliveries and recipient and stories:
            delivered = writer.delivered(stories)
            confirm = partial(_remember, store, recipient, label, delivered)
            if remember:
                confirm()
                confirm = None
    finally:
        if deliveries:
            deliveries.close()
    message = None if stories else NOTHING_NEW if recipient else "No story with citable sentences in this period."
    return Briefing(label, generated, writer.engine, _numbered([s for s, _ in stories]), message, writer.notes,
                    span, confirm)


def _remember(store, recipient: str, label: str, delivered: list[Delivered]) -> None:
    deliveries = Deliveries(store)
    try:
        deliveries.remember(recipient, label, delivered)
    finally:
        deliveries.close()


def window(zone: ZoneInfo, day: date | None, since: datetime | None) -> tuple[datetime, datetime]:
    """[start, end): the local day (default today), or from `since` until now."""
    now = datetime.now(zone)
    if since is not None:
        return (since if since.tzinfo else since.replace(tzinfo=zone)), now
    start = datetime.combine(day or now.date(), time(), tzinfo=zone)
    return start, datetime.combine(start.date() + timedelta(days=1), time(), tzinfo=zone)


def empty_message(catalog: Catalog, start: datetime, end: datetime, zone: ZoneInfo, since_mode: bool) -> str:
    """'No articles dated D. Nearest dates with articles: X (earlier), Y (later).'"""
    before, after = nearest_dates(catalog, int(start.timestamp()), int(end.timestamp()))
    if before is None and after is None:
        return "No articles have been ingested yet; add some with `newsbot ingest`."
    what = f"since {start.isoformat(timespec='minutes')}" if since_mode else f"dated {start.date().isoformat()}"
    near = [f"{local_date(ts, zone).isoformat()} ({side})" for ts, side in ((before, "earlier"), (after, "later"))
            if ts is not None]
    return f"No articles {what}. Nearest dates with articles: {', '.join(near)}."


def nearest_dates(catalog: Catalog, start_ts: int, end_ts: int) -> tuple[int | None, int | None]:
    """Timestamps of the latest article before the window and the earliest after it (undated: ingestion)."""
    when = "COALESCE(published_ts, ingested_ts)"
    with catalog.lock:
        before = catalog.conn.execute(f"SELECT MAX({when}) FROM articles WHERE {when} < ?", (start_ts,)).fetchone()
        after = catalog.conn.execute(f"SELECT MIN({when}) FROM articles WHERE {when} >= ?", (end_ts,)).fetchone()
    return before[0], after[0]


class _Writer:
    """Writes stories one by one, switching to extraction for good once the LLM fails."""

    def __init__(self, ctx: Context, recall: Recall) -> None:
        self.index = ctx.index
        self.embeddings = ctx.index.embeddings
        self.llm = ctx.llm
        self.recall = recall
        self.notes: list[str] = []
        self.engines: set[str] = set()
        self.cut = 0
        self.salience: Salience | None = None
        self.said: list[tuple[str, np.ndarray]] = []  # the briefing's extracted bullets so far

    @property
    def engine(self) -> str:
        if len(self.engines) > 1:
            return "+".join(sorted(self.engines))
        return next(iter(self.engines), self.llm.name if self.llm else "extractive")

    def stories(self, groups: list[StoryGroup], max_stories: int) -> list[tuple[Story, StoryGroup]]:
        self.salience = day_salience(groups)
        out: list[tuple[Story, StoryGroup]] = []
        for group in groups:
            if len(out) >= max_stories:
                break
            if self.recall.repeats(group.article_ids):
                continue  # nothing in it moved on since it was delivered
            # What the day's articles repeat says which facts of a story matter, when several tell it;
            # an article alone is best told by its own lead.
            salience = self.salience if group.distinct > 1 else None
            paragraphs = pool(group, salience)
            splitter = story_splitter(self.index.catalog, group, paragraphs)
            bullets = self.bullets(group, paragraphs, salience, splitter)
            if bullets:
                out.append((Story(headline(group, splitter), bullets, actor_names(self.index.catalog, group.docs),
                                  group.sources, group.article_ids,
                                  self.recall.continues(group.article_ids, group.centroid)), group))
        if self.cut:
            self.notes.append(f"{self.cut} unsupported or repeated item(s) removed by the citation check")
        return out

    def bullets(self, group: StoryGroup, paragraphs: list[tuple[Hit, int]], salience: Salience | None,
                splitter: Splitter) -> list[CitedText]:
        if self.llm is not None:
            try:
                bullets, cut = llm_bullets(self.llm, self.embeddings, [h for h, _ in paragraphs], self.recall,
                                           actors=self.index.catalog)
                self.cut += len(cut)
                if bullets:
                    self.engines.add(self.llm.name)
                    return bullets
                self.notes.append(f"no LLM bullet for “{headline(group, splitter)}” passed the citation check; "
                                  "its bullets were extracted from the sources")
            except LLMError as exc:
                log.warning("LLM failed, briefing extractively: %s", exc)
                self.notes.append(f"{exc}; bullets were extracted from the sources instead")
                self.llm = None
        self.engines.add("extractive")
        return extract(self.embeddings, group, paragraphs, self.recall, splitter, salience, self.said)

    def delivered(self, stories: list[tuple[Story, StoryGroup]]) -> list[Delivered]:
        texts = [b.text for story, _ in stories for b in story.bullets]
        vectors = np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
        out, at = [], 0
        for story, group in stories:
            n = len(story.bullets)
            out.append(Delivered(story.headline, tuple(story.articles), group.centroid,
                                 tuple(texts[at:at + n]), vectors[at:at + n]))
            at += n
        return out


def _numbered(stories: list[Story]) -> list[Story]:
    """Citation markers numbered once across the briefing: one paragraph, one number."""
    markers: dict[tuple[str, int], int] = {}
    out = []
    for story in stories:
        bullets = [CitedText(b.text, tuple(replace(c, marker=markers.setdefault(c.key, len(markers) + 1))
                                           for c in b.citations)) for b in story.bullets]
        out.append(replace(story, bullets=bullets))
    return out
