"""Article summaries: a one-line gist and 3–6 bullets in the article's own order, each cited to its paragraph(s).

API used by the CLI and the Telegram bot: `summarize(ctx, target, bullets=5, add_to_index=False) -> Summary`,
where `target` is an article id in the catalog, an http(s) URL, or a file path (`path#id` picks one article of
a multi-article file). Every refusal is a `SummaryError` whose message can be shown to the user as is.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from bot.citations import Citation, CitedText
from bot.context import Context
from bot.llm import LLMError
from bot.spans import Splitter
from bot.summary.actors import key_actors
from bot.summary.extractive import lead_gist, summarize_extractive
from bot.summary.llm import summarize_llm
from bot.summary.parts import Draft, Point, article_hits, bullet_count
from bot.summary.source import Loaded, load_target
from index.search import Hit

log = logging.getLogger(__name__)
MIN_BULLETS, DEFAULT_BULLETS, MAX_BULLETS = 3, 5, 6
LLM_BUDGET_CALLS = 6  # a long article's map-reduce may take this many LLM timeouts in all, then it is extracted


class SummaryError(Exception):
    """Why an article cannot be summarised (not found, not an article, too large, timed out, ...); one line."""


@dataclass(frozen=True)
class Summary:
    """A cited summary of one article; `article` holds id, title, url, source and published (ISO or None)."""

    article: dict
    gist: CitedText
    bullets: list[CitedText]
    actors: list[str]
    engine: str
    notes: list[str] = field(default_factory=list)

    @property
    def citations(self) -> list[Citation]:
        """Every distinct citation of the gist and bullets, in marker order (for a numbered sources list)."""
        found = {c.marker: c for item in (self.gist, *self.bullets) for c in item.citations}
        return [found[m] for m in sorted(found)]

    def to_json(self) -> dict:
        return {
            "article": {k: self.article.get(k) for k in ("id", "title", "url", "source", "published")},
            "gist": self.gist.to_json(),
            "bullets": [b.to_json() for b in self.bullets],
            "actors": list(self.actors),
            "engine": self.engine,
        }


def clamp_bullets(requested: int) -> int:
    """The requested number of bullets, held to 3..6."""
    return max(MIN_BULLETS, min(MAX_BULLETS, int(requested)))


def summarize(ctx: Context, target: str, bullets: int = DEFAULT_BULLETS, add_to_index: bool = False,
              public_only: bool = False) -> Summary:
    """Summarise an indexed article, a URL or a file; raises SummaryError with a message for the user.

    `public_only` (links from untrusted users): refuse private/local hosts at every redirect hop."""
    try:
        loaded = load_target(ctx, target, add_to_index, public_only)
    except ValueError as exc:
        raise SummaryError(str(exc)) from exc
    hits = article_hits(loaded.article)
    # An indexed article's paragraphs are split by their stored annotations (one query); one read from a
    # link or file has none, so the rules split it.
    splitter = Splitter.fetch(ctx.index.catalog if loaded.indexed else None, [h.key for h in hits])
    count = bullet_count(clamp_bullets(bullets), hits, splitter)
    if count == 0:
        raise SummaryError(f"“{loaded.article.title}” is too short to summarise: it says one thing")
    notes = list(loaded.notes)
    draft, engine = _draft(ctx, hits, count, notes, splitter)
    if draft.gist is None or not draft.bullets:
        raise SummaryError(f"“{loaded.article.title}” has too little running text to summarise")
    notes.extend(draft.notes)
    return _assemble(loaded, hits, draft, key_actors(ctx, loaded.article, loaded.indexed), engine, notes)


def _draft(ctx: Context, hits: list[Hit], count: int, notes: list[str], splitter: Splitter) -> tuple[Draft, str]:
    """The LLM's verified summary when an LLM is configured and delivers; the extractive one otherwise."""
    embeddings = ctx.index.embeddings
    llm = ctx.llm
    if llm is not None:
        try:
            deadline = time.monotonic() + LLM_BUDGET_CALLS * ctx.settings.llm_timeout
            draft = summarize_llm(llm, hits, count, embeddings, deadline, actors=ctx.index.catalog)
            if draft.gist is None:  # the model's gist failed the citation check: the article's own lead stands in
                draft = Draft(lead_gist(hits, embeddings, splitter), draft.bullets, draft.notes)
            return draft, llm.name
        except LLMError as exc:
            log.warning("LLM summary failed, extracting instead: %s", exc)
            notes.append(f"{exc}; this summary was extracted from the article instead")
    return summarize_extractive(hits, count, embeddings, splitter), "extractive"


def _assemble(loaded: Loaded, hits: list[Hit], draft: Draft, actors: list[str], engine: str,
              notes: list[str]) -> Summary:
    """Attach citations: markers number the cited paragraphs in article order, so [1] comes before [2]."""
    assert draft.gist is not None
    by_number = {h.paragraph: h for h in hits}
    cited = sorted({n for point in (draft.gist, *draft.bullets) for n in point.paragraphs})
    citations = {n: Citation.from_hit(marker, by_number[n]) for marker, n in enumerate(cited, start=1)}

    def cite(point: Point) -> CitedText:
        return CitedText(point.text, tuple(citations[n] for n in point.paragraphs))

    article = loaded.article
    header = {"id": article.id, "title": article.title, "url": article.url, "source": article.source,
              "published": article.published.isoformat() if article.published else None,
              "indexed": loaded.indexed}
    return Summary(header, cite(draft.gist), [cite(b) for b in draft.bullets], actors, engine, notes)
