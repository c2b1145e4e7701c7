"""Telegram HTML for answers and citations, and their inline keyboards.

Everything from articles or users goes through `esc`; the only markup is what this module
writes (<b>, <i>, <a href>, <blockquote>), so every message parses in HTML mode.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions

from bot.citations import Citation
from bot.render import by_article, markers_label, paragraph_label, short_answer_line

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)  # answers cite many links: no preview card for the first
MAX_URL = 1000  # longer links are shown as text only: they would crowd a message's 4,096 characters
BUTTONS_PER_ROW = 4  # "[1] ¶12" is wider than "¶1"
MAX_PARAGRAPH_BUTTONS = 12
_MARKER = re.compile(r"\[(\d{1,4})\]")


class CallbackMaker(Protocol):
    def callback_data(self, kind: str, payload: str) -> str: ...


@dataclass(frozen=True)
class Rendered:
    """A message to send: HTML text and an optional inline keyboard (for its last part)."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None


def esc(text: object) -> str:
    """Text escaped for a Telegram HTML text node (<, > and &)."""
    return html.escape(str(text), quote=False)


def link(url: str | None, label: str) -> str:
    """An <a href> around the escaped label when the URL is http(s) and of sane length."""
    if url and url.lower().startswith(("http://", "https://")) and len(url) <= MAX_URL:
        return f'<a href="{html.escape(url, quote=True)}">{esc(label)}</a>'
    return esc(label)


def day(published: datetime | str | None) -> str:
    if published is None:
        return "undated"
    return published.date().isoformat() if isinstance(published, datetime) else str(published)[:10]


def with_markers(text: str, citations: Iterable[Citation]) -> str:
    """Escaped text followed by the markers of its citations that it does not already carry."""
    present = {int(m) for m in _MARKER.findall(text)}
    missing = sorted({c.marker for c in citations} - present)
    return esc(text) + ("".join(f" [{m}]" for m in missing) if missing else "")


def article_line(group: Sequence[Citation]) -> str:
    """'Title — Outlet, 2026-11-24: [1] ¶4 · [3] ¶7' with the title linked to the article."""
    first = group[0]
    outlet = esc(first.source or "unknown outlet")
    return f"{link(first.url, first.title)} — {outlet}, {day(first.published)}: {markers_label(group)}"


def sources_html(citations: Sequence[Citation]) -> str:
    """The compact sources block, one line per article."""
    groups = by_article(citations)
    if not groups:
        return ""
    return "<b>Sources</b>\n" + "\n".join(article_line(g) for g in groups)


def answer_html(answer) -> str:  # bot.qa.Answer
    """The short answer in bold, the answer with its [n] markers, notes in italics, the sources block,
    then related paragraphs (cited, but not the answer)."""
    head = f"<b>{esc(short_answer_line(answer.short_answer.text))}</b>\n" if answer.short_answer else ""
    parts = [head + esc(answer.text)]
    parts += [f"<i>Note: {esc(note)}</i>" for note in answer.notes]
    if answer.citations:
        parts.append(sources_html(answer.citations))
    related = getattr(answer, "related", None) or []
    if related:
        parts.append("<b>Related</b> (not the answer)\n" + "\n".join(
            f"[{r.citation.marker}] “{esc(r.sentence)}” — {link(r.citation.url, r.citation.title)}, "
            f"{esc(r.citation.source or 'unknown outlet')}, {day(r.citation.published)}, ¶{r.citation.paragraph}"
            for r in related))
    return "\n\n".join(parts)


def paragraph_html(title: str, source: str | None, published, number: int, text: str, url: str | None,
                   marker: int | None = None) -> str:
    """One stored paragraph, quoted, with where it comes from."""
    head = (f"[{marker}] " if marker else "") + f"<b>{esc(title)}</b> ¶{number}"
    where = f"{esc(source or 'unknown outlet')}, {day(published)}"
    linked = link(url, "Read the article")
    tail = f"\n{linked}" if linked.startswith("<a") else ""
    return f"{head}\n<i>{where}</i>\n\n<blockquote>{esc(text)}</blockquote>{tail}"


# -- keyboards -----------------------------------------------------------------------------
def paragraph_buttons(citations: Sequence[Citation], store: CallbackMaker) -> list[list[InlineKeyboardButton]]:
    """'[1] ¶5', '[2] ¶2'… buttons (marker and paragraph) that show the cited paragraph
    (callback 'p:<article_id>:<n>')."""
    seen: dict[int, Citation] = {}
    for c in citations:
        seen.setdefault(c.marker, c)
    buttons = [InlineKeyboardButton(paragraph_label(seen[m]), callback_data=store.callback_data(
        "p", f"{seen[m].article_id}:{seen[m].paragraph}")) for m in sorted(seen)[:MAX_PARAGRAPH_BUTTONS]]
    return [buttons[i:i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]


def question_buttons(questions: Sequence[tuple[str, str]], store: CallbackMaker) -> list[list[InlineKeyboardButton]]:
    """One row per (label, question): tapping asks the question."""
    return [[InlineKeyboardButton(label[:60], callback_data=store.callback_data("q", question))]
            for label, question in questions]


def summary_buttons(citations: Sequence[Citation], store: CallbackMaker, limit: int = 3,
                    ) -> list[list[InlineKeyboardButton]]:
    """'Summarise [n]' for the first few cited articles."""
    firsts: dict[str, int] = {}
    for c in sorted(citations, key=lambda c: c.marker):
        firsts.setdefault(c.article_id, c.marker)
    row = [InlineKeyboardButton(f"Summarise [{m}]", callback_data=store.callback_data("s", a))
           for a, m in list(firsts.items())[:limit]]
    return [row] if row else []


def keyboard(*groups: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup | None:
    rows = [row for group in groups for row in group if row]
    return InlineKeyboardMarkup(rows) if rows else None
