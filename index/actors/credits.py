"""Names inside reporting text that are not actors of the story: credits, datelines, calls to action.

Whole paragraphs of page furniture (captions, promos, bylines) are flagged `skipped` before this
runs; what is left here is the furniture *inside* a citable paragraph: "RABAT (Reuters) -",
"| AP" after a caption, "AP Photo/Name", "(Reporting by X; Editing by Y)", a dateline word
("HALDEN, Luneria —"), "Join our WhatsApp Channel ...", and an outlet named as the source of the
reporting ("reported The Associated Press"). Outlets stay actors where they are the story.
"""

from __future__ import annotations

import re

from index.actors.aliases import name_key
from index.actors.known import known_orgs
from index.actors.tables import ACRONYMS

# "RABAT | Sun Feb 20, 2011 6:47 pm EST RABAT (Reuters) -", "CAIRO, Egypt (CNN) --", "SØRHAVN, Luneria (Harbor
# Wire) —", "PORT ELLERY, Tarsen Islands —", "New York CNN Business —": a place in capitals or an outlet in
# brackets, then a dash, within the paragraph's first words.
_DATELINE = re.compile(
    r"^\s*(?=[^\n]{0,140}?(?:\b[A-ZÀ-Þ]{3,}\b|\([^()]{2,40}\)))[^\n]{0,140}?(?:\s[-–—]{1,2}\s?|--|\s[-–—]$)")
_DATELINE_ONLY = re.compile(r"^\s*[A-Z][\w .,'’|-]{0,60}[-–—]\s*$")  # "New York CNN Business —" alone
_BRACKETED = re.compile(r"\((?:[A-Z][\w.&' -]{1,30})\)")  # "(Reuters)", "(AP)"
_CREDIT_PARENS = re.compile(r"\(\s*(?:additional\s+)?(?:reporting|writing|editing|compiled|written|produced|"
                            r"photo(?:graph)?s?|video|graphics?|research|translation|translated|story|sub-?editing)"
                            r"\b[^()]*\)", re.IGNORECASE)
_CREDIT_TAIL = re.compile(r"(?:^|[.;]\s*)(?:additional\s+)?(?:reporting|writing|editing|compiled)\s+by\b.*$",
                          re.IGNORECASE)
_PHOTO = re.compile(r"\b[A-Z][\w.&-]*(?:\s[A-Z][\w.&-]*)?\s*(?:Photo|Photos|Images|Pictures|Video)?\s*/\s*"
                    r"[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,3}|\b(?:Photo|Image|Picture|Credit)s?\s*:\s*[^.|\n]{2,60}")
_PIPE_CREDIT = re.compile(r"\|\s*[A-Z][\w .&/'’-]{1,40}\s*$")  # a caption's "| AP", "| Reuters"
_CALL_TO_ACTION = re.compile(
    r"^\W*(?:join|follow|subscribe|download|sign\s+up|click|tap|like|share|visit|check\s+out|get\s+the|"
    r"read\s+more|watch|listen|don['’]t\s+miss|never\s+miss|stay\s+(?:informed|updated)|install)\b.{0,200}?"
    r"\b(?:our|us|here|app|channel|newsletter|podcast|latest|updates|alerts|page|feed)\b", re.IGNORECASE)
_CTA_WORDS = ("join", "follow", "subscribe", "download", "sign", "click", "tap", "like", "share", "visit", "check",
              "get", "read", "watch", "listen", "don", "never", "stay", "install")
_ATTRIBUTION_BEFORE = re.compile(r"(?:\b(?:reported|reports|told|according\s+to|said|quoted|citing|via|cited\s+by|"
                                 r"reporting\s+by|confirmed\s+to|in\s+an\s+interview\s+with)\s+(?:the\s+)?)$",
                                 re.IGNORECASE)
_ATTRIBUTION_AFTER = re.compile(r"^(?:['’]s\s+[a-z]+\s+)?\s*(?:reported|reports|has\s+reported|said|quoted|"
                                r"learned|obtained|reviewed|contributed)\b", re.IGNORECASE)


def furniture_spans(text: str, sentences: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """Character ranges of a paragraph that hold credits, a dateline or a call to action."""
    spans: list[tuple[int, int]] = []
    if _DATELINE_ONLY.match(text):
        return [(0, len(text))]
    lower = text.lower()
    # Cheap tests first: most paragraphs hold none of these, and the patterns are costly to try everywhere.
    head = _DATELINE.match(text) if any(d in text[:150] for d in ("-", "—", "–")) else None
    if head and _is_dateline(head.group(0)):
        spans.append((0, head.end()))
    for pattern, needed in ((_CREDIT_PARENS, "("), (_PHOTO, "/"), (_PHOTO, ":"), (_PIPE_CREDIT, "|"),
                            (_CREDIT_TAIL, " by ")):
        if needed in lower:
            spans.extend(m.span() for m in pattern.finditer(text))
    if "(" in text:
        for m in _BRACKETED.finditer(text):
            known = known_orgs().get(name_key(m.group(0)[1:-1]))
            if known and known[1] == "outlet":
                spans.append(m.span())
    for start, end in sentences or _sentences(text):
        if lower[start:end].lstrip(" \"'“‘(").startswith(_CTA_WORDS) and _CALL_TO_ACTION.match(text[start:end]):
            spans.append((start, end))
    return spans


def _sentences(text: str) -> list[tuple[int, int]]:
    """Rough sentence ranges (a call to action opens one); spaCy's would cost a walk over every token."""
    starts = [0] + [m.end() for m in re.finditer(r"[.!?]['\"”’)]*\s+", text)]
    return list(zip(starts, starts[1:] + [len(text)], strict=True))


def _is_dateline(prefix: str) -> bool:
    """A dateline names a place in capitals or an outlet, and is not a sentence of its own."""
    words = prefix.split()
    if len(words) > 16 or re.search(r"\b(?:said|says|is|was|were|are|has|had)\b", prefix):
        return False
    first = words[0].strip(",|") if words else ""
    shouted = first.isupper() and len(first) >= 3 and name_key(first) not in ACRONYMS  # "RABAT", not "NATO"
    bracket = _BRACKETED.search(prefix)
    outlet = bool(bracket and name_key(bracket.group(0)[1:-1]) in known_orgs())
    return shouted or outlet


def is_caption(text: str) -> bool:
    """A paragraph that ends in a photo credit ("... in Ankara, Turkey | AP") reads as a caption."""
    return bool(_PIPE_CREDIT.search(text) or re.search(r"\b(?:AP|AFP|REUTERS|Reuters|Getty)\s*(?:Photo)?\s*/", text))


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def outlet_as_source(text: str, start: int, end: int, name: str) -> bool:
    """An outlet named as who reported it ('reported The Associated Press', 'Reuters said', 'told CNN')."""
    known = known_orgs().get(name_key(name))
    if known is None or known[1] != "outlet":
        return False
    return bool(_ATTRIBUTION_BEFORE.search(text[max(0, start - 40):start])
                or _ATTRIBUTION_AFTER.match(text[end:end + 40].lstrip(" ,")))
