"""Split Telegram HTML into messages of at most 4,096 characters.

Cuts fall on paragraph breaks, then line breaks, then sentence ends, then spaces, and only as a
last resort between two characters; never inside a tag, an entity (``&amp;``) or a citation marker
(``[12]``). Tags open at a cut are closed at the end of one part and reopened at the start of the
next, so every part is balanced HTML on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TELEGRAM_LIMIT = 4096
# Atoms that must never be cut: a tag, an entity, a citation marker, or else one character.
_ATOM = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);|\[\d{1,4}\]|.", re.DOTALL)
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)")
_SENTENCE_END = ".!?…"
_MIN_FILL = 0.3  # a better kind of break is preferred unless it leaves a part under 30% full

PARAGRAPH, LINE, SENTENCE, WORD, ANYWHERE = 4, 3, 2, 1, 0


@dataclass(frozen=True)
class _Atom:
    raw: str
    kind: str  # "text" | "open" | "close"
    name: str = ""


_NOTHING_OPEN: tuple[_Atom, ...] = ()


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_html(html: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Parts of `html`, each at most `limit` UTF-16 units, balanced and with visible text."""
    atoms = [_atom(m.group(0)) for m in _ATOM.finditer(html)]
    parts: list[str] = []
    start, stack = 0, _NOTHING_OPEN
    while start < len(atoms):
        body, start, stack = _next_part(atoms, start, stack, limit)
        if _visible(body):
            parts.append(body)
        while start < len(atoms) and atoms[start].kind == "text" and atoms[start].raw.isspace():
            start += 1  # whitespace at a cut would only start the next message with a blank
    return parts


def _atom(raw: str) -> _Atom:
    match = _TAG.match(raw) if raw.startswith("<") else None
    if match is None:
        return _Atom(raw, "text")
    kind = "close" if match.group(1) else "open"
    return _Atom(raw, kind, match.group(2).lower())


def _next_part(atoms: list[_Atom], start: int, stack: tuple[_Atom, ...], limit: int,
               ) -> tuple[str, int, tuple[_Atom, ...]]:
    """(HTML of the part beginning at `start`, where the next part begins, tags open there)."""
    if _tags_len(stack) > limit // 2:
        stack = ()  # pathological: formatting alone would fill the message; keep the text instead
    pieces = [t.raw for t in stack]
    length, current, cuts, i = sum(utf16_len(p) for p in pieces), stack, [], start
    while i < len(atoms):
        after, emitted = _apply(current, atoms[i])
        size = length + (utf16_len(atoms[i].raw) if emitted else 0)
        if size + _closing_len(after) > limit:
            break
        if emitted:
            pieces.append(atoms[i].raw)
        length, current, i = size, after, i + 1
        kind = _break_kind(atoms, i)
        if kind is not None:
            cuts.append((kind, i, length, current, len(pieces)))
    if i == start:  # not even one atom fits
        if atoms[start].kind == "open" or stack:  # drop formatting rather than text
            return "", start + (atoms[start].kind == "open" and not stack), ()
        return atoms[start].raw, start + 1, ()  # a limit too small for one character: nothing better exists
    end, end_stack, used = (i, current, len(pieces)) if i == len(atoms) or not cuts else _choose(cuts, limit)
    body = "".join(pieces[:used]).rstrip()  # trailing blanks at a cut show as nothing anyway
    return body + "".join(f"</{t.name}>" for t in reversed(end_stack)), end, end_stack


def _apply(stack: tuple[_Atom, ...], atom: _Atom) -> tuple[tuple[_Atom, ...], bool]:
    """The open tags after `atom`, and whether it is written (a close tag nothing opened is dropped)."""
    after = _push(stack, atom)
    return after, not (atom.kind == "close" and after == stack)


def _tags_len(stack: tuple[_Atom, ...]) -> int:
    return sum(utf16_len(t.raw) for t in stack) + _closing_len(stack)


def _push(stack: tuple[_Atom, ...], atom: _Atom) -> tuple[_Atom, ...]:
    if atom.kind == "open":
        return (*stack, atom)
    if atom.kind == "close":
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].name == atom.name:
                return stack[:depth] + stack[depth + 1:]
    return stack


def _closing_len(stack: tuple[_Atom, ...]) -> int:
    return sum(utf16_len(f"</{t.name}>") for t in stack)


def _break_kind(atoms: list[_Atom], i: int) -> int | None:
    """How good a cut before atoms[i] is; None where a cut is not allowed (right after a tag)."""
    if atoms[i - 1].kind != "text":
        return None
    last = atoms[i - 1].raw
    if not last.isspace():
        return ANYWHERE
    before = _previous_text(atoms, i - 1)
    if last == "\n":
        return PARAGRAPH if before.endswith("\n") else LINE
    return SENTENCE if before.rstrip("\"'”’)»]").endswith(tuple(_SENTENCE_END)) else WORD


def _previous_text(atoms: list[_Atom], i: int, want: int = 4) -> str:
    """Up to `want` characters of text before atoms[i], tags skipped."""
    out = ""
    for j in range(i - 1, -1, -1):
        if atoms[j].kind == "text":
            out = atoms[j].raw + out
            if len(out) >= want:
                break
    return out


def _choose(cuts: list[tuple], limit: int) -> tuple[int, tuple[_Atom, ...], int]:
    """(index, open tags, pieces used) of the latest cut of the best kind that still fills the part well."""
    for kind in (PARAGRAPH, LINE, SENTENCE, WORD, ANYWHERE):
        fitting = [c for c in cuts if c[0] == kind and c[2] >= limit * _MIN_FILL]
        if fitting:
            return fitting[-1][1], fitting[-1][3], fitting[-1][4]
    return cuts[-1][1], cuts[-1][3], cuts[-1][4]


def _visible(html: str) -> bool:
    return bool(re.sub(r"<[^>]*>", "", html).strip())
