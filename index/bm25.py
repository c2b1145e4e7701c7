"""The BM25 tokenizer: what a paragraph or a question is as a bag of terms (index/lexical.py stores them)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Bump when tokenize() changes: a lexical index built with other tokens is rebuilt, not silently mismatched.
TOKENIZER_VERSION = "snowball-en-2"
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# Letters NFKD does not decompose; without this "Sørhavn" would split into "s" and "rhavn".
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
# A small stop list: BM25's idf already discounts common words; these carry no content at all.
STOPWORDS = frozenset(
    "a an and are as at be but by for from has have he her his i in is it its of on or she that the their"
    " them they this to was were what when where which who whom why will with would how did do does".split()
)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer: Snowball English, so "demanded" and "demands" meet "demand"

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Lower-case, accent-folded, Snowball-stemmed word tokens without stop words."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c)).translate(_LETTERS)
    words = [re.sub(r"['’]s$", "", t) for t in _WORD.findall(folded) if t not in STOPWORDS]
    return _stemmer().stemWords(words)
