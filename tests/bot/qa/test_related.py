"""Related reading: near paragraphs only, one per article beside an answer, and, when the engine
abstains, the free places filled from the same article (a reader of one article still gets somewhere)."""

from __future__ import annotations

from bot.qa.related import related
from index.search import Hit

QUESTION = "What did Turkey demand from Israel?"


def _hit(article: str, paragraph: int, text: str) -> Hit:
    return Hit(article, "Blinken wraps up tour", None, None, None, paragraph, text, 1.0)


HITS = [
    _hit("a", 1, "Turkey and Israel traded accusations on Monday."),
    _hit("a", 2, "The weather in Ankara was cold."),  # far: no Turkey, no Israel
    _hit("a", 3, "An unconditional ceasefire by Israel was also sought by Turkey."),
    _hit("b", 1, "Turkey recalled its ambassador to Israel."),
    _hit("a", 4, "Turkey wants Israel to release prisoners in return."),
]


def test_beside_an_answer_one_paragraph_per_other_article():
    shown = related(QUESTION, HITS, used={("a", 3)}, first_marker=2)
    assert [r.citation.key for r in shown] == [("b", 1)]
    assert shown[0].citation.marker == 2


def test_when_abstaining_the_same_article_fills_the_free_places_in_retrieval_order():
    shown = related(QUESTION, HITS, used=set(), first_marker=1)
    assert [r.citation.key for r in shown] == [("a", 1), ("a", 3), ("b", 1)]
    assert [r.citation.marker for r in shown] == [1, 2, 3]
    assert ("a", 2) not in {r.citation.key for r in shown}
