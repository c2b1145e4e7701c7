"""Terminal rendering of answers (Telegram has its own HTML renderer)."""

from __future__ import annotations

from bot.answer import Answer
from bot.citations import Citation


def sources_block(citations: list[Citation]) -> str:
    """Numbered sources: '[1] Title ¶4 (Outlet, date) link'."""
    lines = []
    for c in citations:
        lines.append(f"[{c.marker}] {c.label()}" + (f"\n    {c.url}" if c.url else ""))
    return "\n".join(lines)


def answer_text(answer: Answer, show_passages: bool = False) -> str:
    """The answer, its notes, then its numbered sources (with the cited passages if asked)."""
    parts = [answer.text]
    parts += [f"(note: {n})" for n in answer.notes]
    if answer.citations:
        parts.append("\nSources:\n" + sources_block(answer.citations))
        if show_passages:
            parts += [f"\n[{c.marker}] “{c.text}”" for c in answer.citations]
    return "\n".join(parts)
