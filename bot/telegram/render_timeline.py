"""Telegram HTML for timelines and follow alerts, and their buttons ("Timeline: X", "¶1"…).

Each returns the HTML and the citations it numbered, so the caller can add "¶" buttons.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton

from bot.citations import Citation
from bot.telegram.render import CallbackMaker, esc, sources_html, with_markers
from bot.timeline import AlertBatch, Follow, Timeline, numbered

MAX_ENTRIES_SHOWN = 20


def timeline_html(timeline: Timeline) -> tuple[str, list[Citation]]:
    """'Timeline: X', then one dated line per entry with its markers and "also reported by", then sources."""
    label = timeline.actor["name"] if timeline.actor else timeline.query
    head = f"<b>Timeline: {esc(label)}</b>"
    if not timeline.entries:
        lines = [head, esc(timeline.message or "Nothing found.")]
        topics = timeline.suggestions.get("topics") or []
        if topics:
            lines.append("<i>Closest articles:</i>\n" + "\n".join(f"• {esc(t)}" for t in topics[:5]))
        return "\n\n".join(lines), []
    blocks, citations = [head + f"\n<i>{timeline.matched} matching articles</i>"], []
    for entry in timeline.entries[-MAX_ENTRIES_SHOWN:]:
        line = f"<b>{esc(entry.date)}</b> — {with_markers(entry.text, entry.citations)}"
        if entry.also_reported_by:
            line += f"\n<i>Also reported by {esc(', '.join(entry.also_reported_by[:5]))}</i>"
        blocks.append(line)
        citations += list(entry.citations)
    blocks += [f"<i>Note: {esc(n)}</i>" for n in timeline.notes]
    blocks.append(sources_html(citations))
    return "\n\n".join(blocks), citations


def alert_html(batch: AlertBatch, per_day: int) -> tuple[str, list[Citation]]:
    """One message for everything that moved: per follow, its stories' cited sentences and who else reported them."""
    blocks: list[str] = []
    if batch.held:
        blocks.append("<i>Held during your quiet hours:</i>")
    citations: list[Citation] = []
    last_of = {item.follow.id: n for n, item in enumerate(batch.items)}
    for n, (item, sentences) in enumerate(numbered(batch)):
        lines = [f"<b>New on {esc(item.follow.label)}</b> — {esc(item.date)}"]
        for text, cited in sentences:
            lines.append(with_markers(text, cited))
            citations += cited
        if item.also_reported_by:
            lines.append(f"<i>Also reported by {esc(', '.join(item.also_reported_by[:5]))}</i>")
        if last_of[item.follow.id] == n and batch.more.get(item.follow.id):
            lines.append(f"<i>…and {batch.more[item.follow.id]} more report(s): see its timeline.</i>")
        blocks.append("\n".join(lines))
    if batch.last_today:
        blocks.append(f"<i>That was today's last alert ({per_day} a day); what comes next waits until tomorrow.</i>")
    blocks.append(sources_html(citations))
    return "\n\n".join(blocks), citations


def following_html(follows: Sequence[Follow]) -> str:
    """The chat's follows, numbered as /unfollow takes them."""
    if not follows:
        return "You follow nothing yet. Try /follow Aydar or /follow Valdoria ceasefire"
    lines = ["<b>You follow</b>"]
    for n, f in enumerate(follows, start=1):
        quiet = f" — quiet {esc(f.quiet)} ({esc(f.timezone)})" if f.quiet else ""
        lines.append(f"{n}. {esc(f.label)} <i>({f.kind})</i>{quiet}")
    lines.append("\n/unfollow N stops one.")
    return "\n".join(lines)


def timeline_buttons(labels: Sequence[str], store: CallbackMaker) -> list[list[InlineKeyboardButton]]:
    """'Timeline: X' for each followed label (callback 't:<query>')."""
    row = [InlineKeyboardButton(f"Timeline: {label}"[:60], callback_data=store.callback_data("t", label))
           for label in dict.fromkeys(labels)]
    return [row[i:i + 2] for i in range(0, len(row), 2)]
