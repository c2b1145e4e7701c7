from datetime import UTC, datetime

import pytest

from bot.verify import DraftSentence, ShortAnswer, unsupported_reason, verify
from index.search import Hit

P1 = ('Foreign Minister Selin Aydar said on Monday that "nobody in this room expects a peace treaty by Friday," '
      "as talks opened in Sørhavn with 40 detained sailors at the top of Valdoria's demands.")
P2 = "Storm Idra cut power to 120,000 homes across the Tarsen Islands on Monday night."


def _ctx():
    day = datetime(2026, 11, 23, tzinfo=UTC)
    return [Hit("a", "Talks open", None, "Harbor Wire", day, 3, P1, 1.0),
            Hit("b", "Storm", None, "The Meridian Post", day, 1, P2, 0.5)]


def test_supported_sentence_keeps_its_citation_renumbered():
    v = verify([DraftSentence("Power went out in 120,000 homes on the Tarsen Islands.", (2,))], _ctx())
    assert not v.cut and v.citations[0].marker == 1 and v.citations[0].article_id == "b"
    assert v.text() == "Power went out in 120,000 homes on the Tarsen Islands [1]."


def test_marker_pointing_nowhere_is_dropped_and_reported():
    v = verify([DraftSentence("Talks opened in Sørhavn.", (9,))], _ctx())
    assert v.empty and v.cut[0]["kind"] == "marker" and "only 1-2" in v.cut[0]["reason"]


def test_partly_invalid_markers_keep_the_valid_one():
    v = verify([DraftSentence("Talks opened in Sørhavn on Monday.", (1, 7))], _ctx())
    assert v.sentences == [("Talks opened in Sørhavn on Monday.", (1,))]
    assert any(c["kind"] == "marker" for c in v.cut)


def test_invented_quote_is_cut():
    reason = unsupported_reason('Aydar said "a treaty will be signed by Friday."', [P1])
    assert reason and "quotation" in reason


def test_real_quote_with_other_quote_marks_passes():
    assert unsupported_reason("Aydar said “nobody in this room expects a peace treaty by Friday.”", [P1]) is None


def test_wrong_number_and_unknown_name_are_cut():
    assert "number" in unsupported_reason("Valdoria demanded the release of 55 sailors.", [P1])
    assert "name" in unsupported_reason("Marek Voss opened the talks in Sørhavn.", [P1])


def test_sentence_about_something_else_is_cut():
    reason = unsupported_reason("The storm destroyed power lines across the islands.", [P1])
    assert reason and "cover" in reason


def test_citing_the_wrong_paragraph_is_cut():
    v = verify([DraftSentence("Storm Idra cut power to 120,000 homes.", (1,))], _ctx())
    assert v.empty and v.cut[0]["kind"] == "sentence"


def test_verbatim_extracts_pass():
    assert unsupported_reason(P2, [P2]) is None


# -- short answers -----------------------------------------------------------------------------------
def test_a_verbatim_short_answer_is_kept_with_its_marker_renumbered():
    draft = [DraftSentence("Storm Idra cut power to 120,000 homes across the Tarsen Islands on Monday night.", (2,))]
    v = verify(draft, _ctx(), short=ShortAnswer("120,000 homes", 2))
    assert v.short == ShortAnswer("120,000 homes", 1) and not v.cut


@pytest.mark.parametrize(("short", "reason"), [
    (ShortAnswer("130,000 homes", 2), "not verbatim in the sentence"),
    (ShortAnswer("40 detained sailors", 1), "which no kept sentence cites"),
    (ShortAnswer("Storm Idra cut power to 120,000 homes across the Tarsen Islands on Monday", 2), "more than"),
])
def test_a_short_answer_that_is_not_verbatim_in_its_cited_sentence_is_cut(short, reason):
    draft = [DraftSentence("Storm Idra cut power to 120,000 homes across the Tarsen Islands on Monday night.", (2,))]
    v = verify(draft, _ctx(), short=short)
    assert v.short is None and v.sentences
    assert v.cut[-1]["kind"] == "short_answer" and reason in v.cut[-1]["reason"]


def test_a_short_answer_in_a_paraphrase_but_not_in_the_paragraph_is_cut():
    draft = [DraftSentence("Power went out in 120,000 homes on the Tarsen Islands.", (2,))]
    v = verify(draft, _ctx(), short=ShortAnswer("Power went out", 2))
    assert v.short is None and "cited paragraph" in v.cut[-1]["reason"]
