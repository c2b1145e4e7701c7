"""BM25 over paragraphs (bm25s), persisted under <data>/bm25 and rebuilt from the catalog."""

from __future__ import annotations

import json
import logging
import re
import shutil
import unicodedata
from functools import lru_cache
from pathlib import Path

# Bump when tokenize() changes: an index built with other tokens is rebuilt, not silently mismatched.
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


class BM25Index:
    """A bm25s retriever plus the paragraph key of each row."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.keys: list[tuple[str, int]] = []
        self._retriever = None

    def build(self, rows: list[tuple[str, int, str, str]]) -> None:
        """Index (article_id, number, text, title) rows and persist atomically.

        Only the paragraph text is indexed: a title repeated on every paragraph of an article
        made all of them match alike (recall@5 on rtqa-dev 0.73 with titles, 0.78 without)."""
        import bm25s

        logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every build at DEBUG to stderr
        self.keys = [(a, n) for a, n, _, _ in rows]
        retriever = bm25s.BM25()
        if rows:
            retriever.index([tokenize(text) or ["_"] for _, _, text, _ in rows], show_progress=False)
        self._retriever = retriever if rows else None
        tmp = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if rows:
            retriever.save(str(tmp))
        (tmp / "keys.json").write_text(json.dumps(self.keys))
        (tmp / "tokenizer.txt").write_text(TOKENIZER_VERSION)
        shutil.rmtree(self.directory, ignore_errors=True)
        tmp.rename(self.directory)

    def load(self) -> bool:
        """Load the persisted index; False when there is none yet."""
        import bm25s

        keys_file = self.directory / "keys.json"
        version_file = self.directory / "tokenizer.txt"
        if not keys_file.exists() or not version_file.exists() or version_file.read_text() != TOKENIZER_VERSION:
            return False
        self.keys = [tuple(k) for k in json.loads(keys_file.read_text())]
        self._retriever = bm25s.BM25.load(str(self.directory)) if self.keys else None
        return True

    def knows(self, token: str) -> bool:
        """Whether a (tokenized) word occurs anywhere in the indexed paragraphs."""
        return self._retriever is not None and token in self._retriever.vocab_dict

    def __len__(self) -> int:
        return len(self.keys)

    def query(self, text: str, k: int) -> list[tuple[str, int, float]]:
        """(article_id, paragraph, score) of the best k matches with a positive score."""
        tokens = tokenize(text)
        if self._retriever is None or not tokens:
            return []
        k = min(k, len(self.keys))
        docs, scores = self._retriever.retrieve([tokens], k=k, show_progress=False)
        return [(*self.keys[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
