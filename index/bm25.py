"""BM25 over paragraphs (bm25s), persisted under <data>/bm25 and rebuilt from the catalog."""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from pathlib import Path

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
# A small stop list: BM25's idf already discounts common words; these carry no content at all.
STOPWORDS = frozenset(
    "a an and are as at be but by for from has have he her his i in is it its of on or she that the their"
    " them they this to was were what when where which who whom why will with would how did do does".split()
)


def tokenize(text: str) -> list[str]:
    """Lower-case, accent-folded word tokens with a light plural/possessive strip."""
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    return [_stem(t) for t in _WORD.findall(folded) if t not in STOPWORDS]


def _stem(token: str) -> str:
    token = re.sub(r"['’]s$", "", token)
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


class BM25Index:
    """A bm25s retriever plus the paragraph key of each row."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.keys: list[tuple[str, int]] = []
        self._retriever = None

    def build(self, rows: list[tuple[str, int, str, str]]) -> None:
        """Index (article_id, number, text, title) rows and persist atomically."""
        import bm25s

        self.keys = [(a, n) for a, n, _, _ in rows]
        retriever = bm25s.BM25()
        if rows:
            retriever.index([tokenize(f"{title} {text}") or ["_"] for _, _, text, title in rows],
                            show_progress=False)
        self._retriever = retriever if rows else None
        tmp = self.directory.with_name(self.directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if rows:
            retriever.save(str(tmp))
        (tmp / "keys.json").write_text(json.dumps(self.keys))
        shutil.rmtree(self.directory, ignore_errors=True)
        tmp.rename(self.directory)

    def load(self) -> bool:
        """Load the persisted index; False when there is none yet."""
        import bm25s

        keys_file = self.directory / "keys.json"
        if not keys_file.exists():
            return False
        self.keys = [tuple(k) for k in json.loads(keys_file.read_text())]
        self._retriever = bm25s.BM25.load(str(self.directory)) if self.keys else None
        return True

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
