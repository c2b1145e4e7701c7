"""Page furniture: the blocks of a page that are not reporting, and why.

A page copied or extracted from a news site brings its furniture along: photo captions ending in a
credit, calls to follow the outlet somewhere, the byline, a bare dateline, lists of links to other
stories, a teaser repeating the headline. `classify` names the kind of every such block, judged with
its neighbours, the headline, the author and the outlet; index.articles keeps the block's number (the
citation contract) but never indexes or cites it. Precision comes first, since a real paragraph lost is
worse than a caption kept: every rule asks for a shape reporting does not take, and a block holding a
sentence of reporting besides its furniture stays citable. The shapes themselves live in
`credits` (captions, credits, bylines, datelines) and `links` (promos, related links, boilerplate,
teasers), their shared word lists in `words`; bench/furniture.py measures them on labelled pages.
It is pure text rules, below everything else in index/: it imports nothing of the project.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from index.furniture import credits, links
from index.furniture.words import clean, fold

KINDS = ("caption", "credit", "promo", "byline", "dateline", "related", "teaser", "boilerplate")
TOP = 4  # blocks from the top where a bare name above an outlet line is the byline
RELATED_RUN = 15  # at most this many link lines follow a "Related" heading

# Tried in this order; the first shape a block has names its kind.
_SHAPES: tuple[tuple[str, Callable[[str, int], bool]], ...] = (
    ("boilerplate", links.boilerplate),
    ("caption", credits.caption),
    ("credit", credits.credit),
    ("related", links.related),
    ("byline", credits.byline),
    ("byline", credits.sign_off),
    ("promo", links.promo),
    ("dateline", credits.dateline),
)


def classify(blocks: Sequence[str], title: str | None = None, author: str | None = None,
             source: str | None = None) -> tuple[str | None, ...]:
    """The furniture kind of each block (None for reporting), judged with its neighbours and the headline.

    A photo gallery is all captions: when nothing else would be left, its captions (and a repeated headline)
    are what the page says, and stay citable.
    """
    texts = [clean(b) for b in blocks]
    kinds: list[str | None] = [alone(t) for t in texts]
    _masthead(texts, kinds, author, source)
    _related_runs(texts, kinds)
    _teasers(texts, kinds, title)
    if all(kinds):
        kinds = [None if k in ("caption", "teaser") else k for k in kinds]
    return tuple(kinds)


def alone(text: str) -> str | None:
    """The kind of furniture a (cleaned) block is on its own, without context, or None."""
    if len(text) < 3 or not re.search(r"[^\W_]", text):
        return "boilerplate"  # "|", "___", "♦": separators
    words = len(text.split())
    return next((kind for kind, shape in _SHAPES if shape(text, words)), None)


def _masthead(texts: list[str], kinds: list[str | None], author: str | None, source: str | None) -> None:
    """Bylines: the author's name, an outlet line and, near the top, the bare name just above it."""
    folded_author = fold(author or "")
    for i, text in enumerate(texts):
        if kinds[i]:
            continue
        if folded_author and len(text) < 3 * len(folded_author) and (
                fold(text) in (folded_author, f"by {folded_author}")):
            kinds[i] = "byline"
        elif credits.is_outlet_line(text, source):
            kinds[i] = "byline"
            if 0 < i < TOP and not kinds[i - 1] and credits.is_bare_name(texts[i - 1]):
                kinds[i - 1] = "byline"  # "Patrick Ryan" above "USA TODAY"


def _related_runs(texts: list[str], kinds: list[str | None]) -> None:
    """The headline-like link lines under a "Related" / "More from ..." heading are links, not reporting."""
    i = 0
    while i < len(texts):
        if kinds[i] == "related" and links.is_related_heading(texts[i]):
            j = i + 1
            while j < len(texts) and j - i <= RELATED_RUN and kinds[j] is None and links.is_link_line(texts[j]):
                kinds[j] = "related"
                j += 1
            i = j
        else:
            i += 1


def _teasers(texts: list[str], kinds: list[str | None], title: str | None) -> None:
    """A block that only repeats the headline.

    Not the first block when the headline starts it: an untitled record is titled by its first block (and
    some feeds title an item by its lead), which a stored article cannot tell from a repeat. Nor a later
    block when the "headline" is itself a sentence (ends with a full stop): that title was cut from the text.
    """
    if not title:
        return
    head = fold(title)
    for i, text in enumerate(texts):
        if kinds[i] is not None or not links.repeats_title(text, title):
            continue
        if (i == 0 and fold(text).startswith(head)) or (i > 0 and title.rstrip().endswith(".")):
            continue
        kinds[i] = "teaser"
