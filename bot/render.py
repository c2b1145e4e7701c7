"""Terminal rendering of citations (Telegram has its own HTML renderer), and what both share.

Sources are grouped by article, so an article cited three times prints its title once:
'Title — Outlet, date: [1] ¶5 · [2] ¶2'.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from bot.citations import Citation


def by_article(citations: Sequence[Citation]) -> list[list[Citation]]:
    """Citations grouped by article, articles in the order of their first marker, one per marker."""
    seen: dict[int, Citation] = {}
    for c in citations:
        seen.setdefault(c.marker, c)
    groups: dict[str, list[Citation]] = {}
    for marker in sorted(seen):
        groups.setdefault(seen[marker].article_id, []).append(seen[marker])
    return list(groups.values())


def markers_label(group: Sequence[Citation]) -> str:
    """'[1] ¶5 · [2] ¶2': each marker with the paragraph it points at."""
    return " · ".join(paragraph_label(c) for c in group)


def paragraph_label(c: Citation) -> str:
    """'[1] ¶5' — what a marker points at, as on the paragraph buttons."""
    return f"[{c.marker}] ¶{c.paragraph}"


def short_answer_line(text: str) -> str:
    """The short answer as the reply's first line: 'nearly three hours' → 'Nearly three hours.'"""
    text = text.strip()
    line = text[:1].upper() + text[1:]
    return line if line.endswith((".", "!", "?")) else line + "."


def sources_block(citations: Sequence[Citation]) -> str:
    """Sources by article: 'Title — Outlet, date: [1] ¶4 · [3] ¶7' and the link beneath."""
    lines = []
    for group in by_article(citations):
        first = group[0]
        lines.append(f"{first.title} — {first.source or 'unknown outlet'}, {first.date}: {markers_label(group)}"
                     + (f"\n    {first.url}" if first.url else ""))
    return "\n".join(lines)


def sources_texts(citations: Sequence[Citation]) -> list[Text]:
    """The same block for rich consoles: a bold "Sources" heading, then one entry per article (links dimmed)."""
    groups = by_article(citations)
    if not groups:
        return []
    return [Text("\nSources", "bold"), *(
        Text.assemble(f"{g[0].title} — {g[0].source or 'unknown outlet'}, {g[0].date}: {markers_label(g)}",
                      (f"\n    {g[0].url}" if g[0].url else "", "dim")) for g in groups)]
