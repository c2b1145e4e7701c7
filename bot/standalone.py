"""Sentences of news copy that can stand alone as a cited claim: datelines cut from their front, and a
shape check that leaves out questions, list items, captions, links and the site talking to its reader.

Briefing bullets and timeline entries both pick such sentences; what is left stays verbatim. Splitting a
paragraph into sentences is bot.spans' business; this module judges one sentence.
"""

from __future__ import annotations

import re

MIN_WORDS, MAX_WORDS = 6, 70
# "SØRHAVN, Luneria (Harbor Wire) — ", "RABAT | Sun Feb 20, 2011 6:47 pm EST RABAT (Reuters) - ",
# "Washington (CNN) - ": a dateline is cut from the front of a bullet (what remains is still verbatim).
_DATELINE = re.compile(r"^(?P<head>[^\n]{2,120}?)\s(?:—|–|--|-)\s+(?=[\"“A-Z0-9])")
_META = re.compile(r"(following (is|are)|here (is|are)|click|watch|read more|editor's note|tune in|"
                   r"some comments)\b", re.IGNORECASE)
_PERSONAL = re.compile(r"\b(I|I'm|I've|I'd|me|[Mm]y|[Ww]e|[Ww]e're|[Ww]e've|us|[Oo]ur|[Yy]ou|[Yy]ou're|[Yy]our)\b")
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")


def strip_dateline(text: str) -> str:
    """The text after a leading dateline ('CITY (Outlet) — '); unchanged when there is none."""
    match = _DATELINE.match(text)
    if not match:
        return text
    head = match.group("head").strip()
    place = [w for w in re.split(r"[\s/]+", head.split(",")[0]) if re.search(r"\w", w)]
    shouted = bool(place) and all(w.isupper() for w in place) and len("".join(place)) >= 3
    # Wire copy may run the headline into the dateline ("Analysis: ... fight LONDON | Thu Feb 24 ... (Reuters) -").
    is_dateline = (len(head.split()) <= 40 and (head.endswith(")") or "|" in head)) or (len(head.split()) <= 16
                                                                                      and shouted)
    return text[match.end():] if is_dateline else text


def sentence_shaped(text: str) -> bool:
    """A whole third-person sentence of reporting: not a question, list item, caption, link or quote fragment."""
    words = text.split()
    if not MIN_WORDS <= len(words) <= MAX_WORDS or text.rstrip().endswith("?"):
        return False
    if "*" in text or "http" in text or "|" in text or not re.search(r"[a-z]", text) or _META.match(text):
        return False
    # A reporter's sentence is in the third person: "I"/"we"/"you" outside quotation marks is a quote
    # cut off by sentence splitting, a comment, or the site talking to its reader.
    if _PERSONAL.search(_QUOTED.sub("", text)):
        return False
    return text[0].isupper() or text[0] in "\"“‘'"
