"""Sources read at a glance: grouped by article, markers with their paragraphs, the short answer first."""

from datetime import UTC, datetime

from bot.citations import Citation
from bot.qa.answer import Answer
from bot.render import short_answer_line, sources_block
from bot.telegram.render import answer_html, paragraph_buttons, sources_html
from bot.verify import ShortAnswer

DAY = datetime(2023, 11, 6, tzinfo=UTC)
LONG = "Israel-Hamas war: Mission incomplete, Blinken wraps up Mideast tour as fighting rages"
MEETING = "The meeting lasted for nearly three hours."
CITATIONS = [Citation(1, "a", LONG, "https://example.org/a", "Wire", DAY, 5, MEETING),
             Citation(2, "b", "Other story", None, None, None, 3, "Something else."),
             Citation(3, "a", LONG, "https://example.org/a", "Wire", DAY, 2, "After Turkey, Asia.")]


class Store:
    def callback_data(self, kind: str, payload: str) -> str:
        return f"{kind}:{payload}"


def test_terminal_sources_print_each_article_once_with_marker_and_paragraph():
    block = sources_block(CITATIONS)
    assert block.count(LONG) == 1
    assert f"{LONG} — Wire, 2023-11-06: [1] ¶5 · [3] ¶2" in block
    assert "Other story — unknown outlet, undated: [2] ¶3" in block


def test_telegram_sources_group_by_article_and_buttons_say_marker_and_paragraph():
    html = sources_html(CITATIONS)
    assert html.count(LONG) == 1 and "[1] ¶5 · [3] ¶2" in html and len(html.splitlines()) == 3
    labels = [b.text for row in paragraph_buttons(CITATIONS, Store()) for b in row]
    assert labels == ["[1] ¶5", "[2] ¶3", "[3] ¶2"]


def test_the_short_answer_opens_the_reply_in_bold():
    answer = Answer("How long?", "How long?", "The meeting lasted for nearly three hours [1].", CITATIONS[:1], False,
                    "extractive", short_answer=ShortAnswer("nearly three hours", 1))
    html = answer_html(answer)
    assert html.startswith("<b>Nearly three hours.</b>\nThe meeting lasted")
    assert short_answer_line("65 prisoners") == "65 prisoners." and short_answer_line("Why?") == "Why?"
