"""A dated, cited timeline of a story or an actor: the days that mattered, oldest first, each told in one or
two verbatim sentences of the reporting (or, with an LLM, one or two sentences it drafts from the day's
paragraphs), every one checked by bot.verify against the paragraph it cites.

`build_timeline(ctx, "Egypt protests", since=..., until=..., max_entries=N)` is what the CLI
(`newsbot timeline`), the Telegram bot (`/timeline`) and follow alerts' "Timeline" button call.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from bot.citations import Citation, CitedText
from bot.context import Context
from bot.llm import LLMError, format_context
from bot.prompts import load_prompt
from bot.runtime import tz
from bot.timeline.evidence import Evidence, gather
from bot.timeline.scope import Scope, ambiguous_names, closest, resolve_scope
from bot.timeline.select import Picked, Weights, day_scores, pick_entries
from bot.verify import DraftSentence, verify
from index.search import Hit

log = logging.getLogger(__name__)
MAX_ENTRIES = 12
LLM_CONTEXT = 6  # paragraphs of the day shown to the LLM for one entry


@dataclass(frozen=True)
class Entry:
    """One day of the timeline: what happened, cited, and who else reported it."""

    date: str
    text: str
    citations: tuple[Citation, ...]
    also_reported_by: tuple[str, ...] = ()
    articles: int = 0  # matching stories published that day

    def to_json(self) -> dict:
        return {"date": self.date, "text": self.text, "citations": [c.to_json() for c in self.citations],
                "also_reported_by": list(self.also_reported_by)}


@dataclass(frozen=True)
class Timeline:
    """The entries of one query over a window; `message` explains an empty one."""

    query: str
    actor: dict | None
    window: tuple[str | None, str | None]
    entries: list[Entry]
    engine: str
    notes: list[str] = field(default_factory=list)
    message: str | None = None
    suggestions: dict[str, list[str]] = field(default_factory=dict)
    matched: int = 0  # articles that matched the query in the window

    def to_json(self) -> dict:
        out: dict = {"query": self.query, "window": {"since": self.window[0], "until": self.window[1]},
                     "entries": [e.to_json() for e in self.entries], "notes": list(self.notes),
                     "engine": self.engine, "matched_articles": self.matched}
        if self.actor:
            out["actor"] = self.actor
        if self.message:
            out["message"] = self.message
        if self.suggestions:
            out["suggestions"] = self.suggestions
        return out


def build_timeline(ctx: Context, query: str, since: datetime | None = None, until: datetime | None = None,
                   max_entries: int | None = None, weights: Weights | None = None) -> Timeline:
    """The timeline of `query` (an actor or a topic) over [since, until), at most `max_entries` entries."""
    if not query.strip():
        raise ValueError("a timeline needs a topic or an actor")
    zone = tz(ctx.settings)
    scope = resolve_scope(ctx.index, query)
    evidence = gather(ctx.index, scope, _ts(since), _ts(until), zone)
    window = (since.isoformat(timespec="seconds") if since else None,
              until.isoformat(timespec="seconds") if until else None)
    engine = ctx.llm.name if ctx.llm else "extractive"
    base = Timeline(scope.query, scope.to_json(), window, [], engine, matched=len(evidence.articles))
    if not evidence.articles:
        return _nothing(ctx, scope, base, since, until)
    first = since.astimezone(zone).date() if since else None
    last = (until - timedelta(seconds=1)).astimezone(zone).date() if until else None
    chosen = choose(evidence, first, last, max_entries or MAX_ENTRIES, weights or Weights())
    writer = _Writer(ctx, scope)
    entries = [e for e in (writer.entry(p, evidence) for p in chosen) if e is not None]
    return replace(base, entries=_numbered(entries), engine=writer.engine, notes=writer.notes,
                   message=None if entries else f"Nothing citable found for “{scope.label}” in this period.")


def choose(evidence: Evidence, first: date | None, last: date | None, limit: int, weights: Weights) -> list[Picked]:
    """The days worth an entry and their sentences (what bench/timeline.py scores)."""
    return pick_entries(evidence, day_scores(evidence, first, last, weights), limit, weights)


def _nothing(ctx: Context, scope: Scope, base: Timeline, since: datetime | None, until: datetime | None) -> Timeline:
    """'Nothing found for X' with the closest actors and topics; or, when X has articles elsewhere, where."""
    choices = ambiguous_names(ctx.index.catalog, scope.query)
    if choices:
        return replace(base, message=f"“{scope.query}” could be {', '.join(choices[:6])}. Which one?",
                       suggestions={"actors": choices, "topics": []})
    if since or until:
        anywhere = gather(ctx.index, scope, None, None, tz(ctx.settings))
        if anywhere.articles:
            days = sorted(d for d, _, _ in anywhere.articles.values())
            return replace(base, message=f"Nothing found for “{scope.label}” in this period; it has "
                                         f"{len(anywhere.articles)} article(s) from {days[0]} to {days[-1]}.")
    actors, headlines = closest(ctx.index, scope.query)
    hint = f" Closest actors: {', '.join(actors)}." if actors else ""
    return replace(base, message=f"Nothing found for “{scope.label}”.{hint}",
                   suggestions={"actors": actors, "topics": headlines})


class _Writer:
    """Writes entries one by one: the LLM when configured (verified), else or on failure the sentences."""

    def __init__(self, ctx: Context, scope: Scope) -> None:
        self.ctx = ctx
        self.scope = scope
        self.llm = ctx.llm
        self.notes: list[str] = []
        self.engines: set[str] = set()
        self.cut = 0

    @property
    def engine(self) -> str:
        return "+".join(sorted(self.engines)) or (self.llm.name if self.llm else "extractive")

    def entry(self, picked: Picked, evidence: Evidence) -> Entry | None:
        if self.llm is not None:
            written = self._llm_entry(picked, evidence)
            if written is not None:
                self.engines.add(self.llm.name if self.llm else "llm")
                return written
        sentences = [CitedText(c.text, (Citation.from_hit(0, c.hit),)) for c in picked.sentences]
        checked = self._verified(sentences)
        if not checked:
            return None
        self.engines.add("extractive")
        return _entry(picked, checked)

    def _llm_entry(self, picked: Picked, evidence: Evidence) -> Entry | None:
        context = day_context(picked, evidence)
        prompt = load_prompt("timeline", topic=self.scope.label, day=picked.day.isoformat(),
                             context=format_context(context))
        try:
            assert self.llm is not None
            verified = verify(self.llm.cited_sentences(prompt), context, self.ctx.index.embeddings,
                              self.ctx.index.catalog)
        except LLMError as exc:
            log.warning("LLM failed, timeline extracted: %s", exc)
            self.notes.append(f"{exc}; entries were extracted from the sources instead")
            self.llm = None
            return None
        self.cut += len(verified.cut)
        if verified.empty:
            self.notes.append(f"no LLM sentence for {picked.day.isoformat()} passed the citation check; "
                              "its entry was extracted from the sources")
            return None
        cited = [CitedText(text, tuple(verified.citations[m - 1] for m in markers))
                 for text, markers in verified.sentences[:2]]
        return _entry(picked, cited)

    def _verified(self, sentences: list[CitedText]) -> list[CitedText]:
        """Each extracted sentence checked against its paragraph, like everything an engine drafts."""
        hits: list[Hit] = []
        drafts = []
        for s in sentences:
            drafts.append(DraftSentence(s.text, tuple(range(len(hits) + 1, len(hits) + len(s.citations) + 1))))
            hits += [_hit(c) for c in s.citations]
        verified = verify(drafts, hits)
        self.cut += len(verified.cut)
        return [CitedText(text, tuple(verified.citations[m - 1] for m in markers))
                for text, markers in verified.sentences]


def day_context(picked: Picked, evidence: Evidence) -> list[Hit]:
    """The entry's own paragraphs, then the day's other most relevant paragraphs (distinct, at most LLM_CONTEXT)."""
    own = [c.hit for c in picked.sentences]
    others = sorted((c for c in evidence.candidates if c.day == picked.day), key=lambda c: (-c.relevance, -c.prior))
    out: dict[tuple[str, int], Hit] = {}
    for hit in own + [c.hit for c in others]:
        if len(out) >= LLM_CONTEXT:
            break
        out.setdefault(hit.key, hit)
    return list(out.values())


def _entry(picked: Picked, sentences: list[CitedText]) -> Entry:
    citations = tuple({c.key: c for s in sentences for c in s.citations}.values())
    return Entry(picked.day.isoformat(), " ".join(s.text for s in sentences), citations, picked.also,
                 picked.articles)


def _hit(c: Citation) -> Hit:
    return Hit(c.article_id, c.title, c.url, c.source, c.published, c.paragraph, c.text, 0.0)


def _numbered(entries: list[Entry]) -> list[Entry]:
    """Markers numbered once across the timeline: one paragraph, one number."""
    markers: dict[tuple[str, int], int] = {}
    return [replace(e, citations=tuple(replace(c, marker=markers.setdefault(c.key, len(markers) + 1))
                                       for c in e.citations)) for e in entries]


def _ts(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment else None

