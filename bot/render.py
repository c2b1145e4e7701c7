"""Terminal rendering of citations (Telegram has its own HTML renderer)."""

from __future__ import annotations

from rich.text import Text

from bot.citations import Citation


def sources_block(citations: list[Citation]) -> str:
    """Numbered sources: '[1] Title ¶4 (Outlet, date) link'."""
    lines = []
    for c in citations:
        lines.append(f"[{c.marker}] {c.label()}" + (f"\n    {c.url}" if c.url else ""))
    return "\n".join(lines)


def sources_texts(citations: list[Citation]) -> list[Text]:
    """The same block for rich consoles: a bold "Sources" heading, then one entry per marker (links dimmed)."""
    if not citations:
        return []
    return [Text("\nSources", "bold"), *(Text.assemble(f"[{c.marker}] ", c.label(), (f"\n    {c.url}" if c.url else "",
                                                                                      "dim")) for c in citations)]
