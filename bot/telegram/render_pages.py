"""Telegram HTML for the longer pages: briefings, dossiers, actor rankings, index contents, summaries.

Each returns the HTML and the citations it numbered, so the caller can add "¶" buttons.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.citations import Citation
from bot.telegram.render import esc, link, sources_html, with_markers

MAX_TIMELINE = 12
MAX_QUOTES = 5


def citation_from_json(c: dict) -> Citation:
    """A Citation back from its `to_json()` form (dossiers carry JSON)."""
    published = datetime.fromisoformat(c["published"]) if c.get("published") else None
    return Citation(int(c["marker"]), c["article_id"], c["title"], c.get("url"), c.get("source"), published,
                    int(c["paragraph"]), c.get("text", ""))


def _cited(items: Sequence) -> list[Citation]:
    return [c for item in items for c in item.citations]


def briefing_html(briefing, title: str) -> tuple[str, list[Citation]]:
    """Stories as headline + cited bullets, then one sources block for the whole briefing."""
    stories = list(getattr(briefing, "stories", []) or [])
    if not stories:
        return f"<b>{esc(title)}</b>\n\n{esc(getattr(briefing, 'message', None) or 'No stories.')}", []
    blocks, citations = [f"<b>{esc(title)}</b>"], []
    for n, story in enumerate(stories, start=1):
        update = "Update: " if getattr(story, "update", False) else ""
        lines = [f"<b>{n}. {update}{esc(story.headline)}</b>"]
        lines += [f"• {with_markers(b.text, b.citations)}" for b in story.bullets]
        who = [str(a) for a in (getattr(story, "actors", None) or [])][:4]
        outlets = [str(s) for s in (getattr(story, "sources", None) or [])][:6]
        meta = ([f"Who: {', '.join(who)}"] if who else []) + ([f"Reported by: {', '.join(outlets)}"] if outlets else [])
        if meta:
            lines.append(f"<i>{esc(' · '.join(meta))}</i>")
        blocks.append("\n".join(lines))
        citations += _cited(story.bullets)
    if citations:
        blocks.append(sources_html(citations))
    return "\n\n".join(blocks), citations


def dossier_html(d: dict) -> tuple[str, list[Citation]]:
    """An actor's dossier: who, how often, a dated timeline and quotes, each cited."""
    head = f"<b>{esc(d['name'])}</b> ({esc(d['type'])})"
    if d.get("roles"):
        head += f" — {esc(d['roles'][0])}"
    lines = [head]
    if len(d.get("aliases") or []) > 1:
        lines.append(f"<i>Also: {esc(', '.join(a for a in d['aliases'][:8] if a != d['name']))}</i>")
    lines.append(f"{d['mentions']} mentions in {d['articles']} articles, {d.get('first_seen')} to {d.get('last_seen')}")
    blocks, citations = ["\n".join(lines)], []
    if d.get("summary"):
        blocks.append(esc(d["summary"]["text"]))
    for label, entries, cap in (("Timeline", d.get("timeline") or [], MAX_TIMELINE),
                                ("Quotes", d.get("quotes") or [], MAX_QUOTES)):
        shown = entries[-cap:] if label == "Timeline" else entries[:cap]
        if not shown:
            continue
        rows = []
        for e in shown:
            cited = [citation_from_json(c) for c in e["citations"]]
            citations += cited
            rows.append(f"{esc(e['date'])} — {with_markers(e['text'], cited)}")
        blocks.append(f"<b>{label}</b>\n" + "\n".join(rows))
    if d.get("related"):
        blocks.append("<b>Often mentioned with</b>: " + esc(", ".join(r["name"] for r in d["related"][:6])))
    if citations:
        blocks.append(sources_html(citations))
    return "\n\n".join(blocks), citations


def actors_html(ranked: Sequence) -> str:  # bot.actors.RankedActor
    """The most-mentioned actors with their main role."""
    if not ranked:
        return "No actors yet: nothing has been ingested, or actor extraction is off."
    lines = ["<b>Most mentioned</b>"]
    for n, r in enumerate(ranked, start=1):
        role = f" — {esc(r.actor.main_role)}" if r.actor.main_role else ""
        lines.append(f"{n}. <b>{esc(r.actor.name)}</b> ({r.actor.type}){role}: {r.articles} articles")
    lines.append("\nDetails: /actor NAME")
    return "\n".join(lines)


def index_html(counts: dict, sources: Sequence[tuple[str, int]], span: tuple[str | None, str | None],
               feeds: int | None = None) -> str:
    """What is indexed: counts, outlets, date range."""
    first, last = (s[:10] if s else "?" for s in span)
    lines = ["<b>What I have read</b>",
             f"{counts.get('articles', 0)} articles, {counts.get('indexable', 0)} citable paragraphs",
             f"Published {first} to {last}" if any(span) else "No dated articles yet"]
    if feeds:
        lines.append(f"{feeds} feeds followed")
    if sources:
        lines.append("\n<b>Outlets</b>")
        lines += [f"• {esc(name)}: {n}" for name, n in sources[:20]]
        if len(sources) > 20:
            lines.append(f"… and {len(sources) - 20} more")
    return "\n".join(lines)


def summary_html(summary) -> tuple[str, list[Citation]]:  # bot.summarize.Summary
    """A summary: the article (linked), its cited gist, cited bullets, sources."""
    article = summary.article if isinstance(summary.article, dict) else {}
    head = f"<b>{link(article.get('url'), article.get('title') or 'Summary')}</b>"
    where = ", ".join(x for x in (article.get("source"), (article.get("published") or "")[:10]) if x)
    blocks = [head + (f"\n<i>{esc(where)}</i>" if where else "")]
    gist = getattr(summary, "gist", None)
    if gist is not None:
        blocks.append(f"<i>{with_markers(gist.text, gist.citations)}</i>")
    bullets = list(summary.bullets or [])
    blocks.append("\n".join(f"• {with_markers(b.text, b.citations)}" for b in bullets) or "Nothing to summarise.")
    citations = _cited(([gist] if gist is not None else []) + bullets)
    if citations:
        blocks.append(sources_html(citations))
    return "\n\n".join(blocks), citations
