"""Terminal rendering of citations (Telegram has its own HTML renderer)."""

from __future__ import annotations

from bot.citations import Citation


def sources_block(citations: list[Citation]) -> str:
    """Numbered sources: '[1] Title ¶4 (Outlet, date) link'."""
    lines = []
    for c in citations:
        lines.append(f"[{c.marker}] {c.label()}" + (f"\n    {c.url}" if c.url else ""))
    return "\n".join(lines)
