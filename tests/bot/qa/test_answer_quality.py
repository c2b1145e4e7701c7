"""Answers that answer: the short answer first, one good sentence is the answer, captions are never it."""

import pytest

from bot.qa.answer import Answerer
from bot.qa.evaluate import citation_is_real
from index.sources import read_paths
from index.store import Index
from tests.conftest import make_config

CAPTION_ENDS = ("| AP", "| Reuters")


@pytest.fixture(scope="module")
def blinken(shared_data, tmp_path_factory, models_root, embeddings):
    """The seed article (headline, standfirst, two photo captions, a promo line) in its own index."""
    config = make_config(tmp_path_factory.mktemp("blinken"), models_root)
    index = Index.open(config, embeddings=embeddings)
    index.ingest(read_paths([shared_data / "seed" / "blinken-turkey.txt"], config.max_article_chars))
    yield Answerer(index)
    index.close()


@pytest.fixture(scope="module")
def examples(examples_index):
    return Answerer(examples_index)


def _sentences(answer) -> int:
    return answer.text.count("[")


def test_how_long_gets_the_duration_first_from_the_sentence_that_says_it(blinken):
    answer = blinken.ask("How long did Blinken's meeting with the Turkish foreign minister last?")
    assert answer.short_answer is not None and answer.short_answer.text == "nearly three hours"
    cited = answer.citations[answer.short_answer.marker - 1]
    assert "lasted for nearly three hours" in cited.text
    assert not any(c.text.endswith(CAPTION_ENDS) for c in answer.citations)


def test_what_turkey_demanded_cites_what_turkey_demanded(blinken):
    answer = blinken.ask("What did Turkey demand?")
    assert not answer.abstained
    cited = " ".join(c.text for c in answer.citations)
    assert "release should be mutual" in cited or "unconditional ceasefire" in cited
    assert not any(c.text.endswith(CAPTION_ENDS) for c in answer.citations)


def test_what_fidan_said_is_not_answered_with_a_sentence_that_reports_no_speech(blinken):
    # The article reports nothing Fidan said after the meeting; a protest sentence naming the meeting
    # is near the question but does not answer it.
    answer = blinken.ask("What did Fidan say after the meeting?")
    assert answer.abstained
    assert not any("placards" in c.text for c in answer.citations)


def test_where_next_is_asia(blinken):
    answer = blinken.ask("Where will Blinken go next?")
    assert answer.short_answer is not None and answer.short_answer.text == "Asia"
    assert all(citation_is_real(blinken.index.catalog, c.article_id, c.paragraph, c.text) for c in answer.citations)


def test_an_absurd_question_is_not_answered_with_a_sentence_that_lacks_the_asked_for_type(blinken):
    answer = blinken.ask("Which company bought the Ministry of Foreign Affairs in Ankara last month?")
    assert answer.abstained and answer.short_answer is None


def test_one_good_sentence_is_the_whole_answer_not_the_first_of_three(examples):
    answer = examples.ask("What did Valdoria demand at the talks?")
    assert "40 detained sailors" in answer.text and _sentences(answer) == 1
    assert "grain corridor" not in answer.text and "2.4 billion" not in answer.text  # Kestrel's demand


def test_related_paragraphs_are_cited_but_not_the_answer(examples):
    answer = examples.ask("How many prisoners were exchanged at Halden Bridge?")
    assert answer.short_answer is not None and "65" in answer.short_answer.text
    answer_keys = {c.key for c in answer.citations}
    assert all(r.citation.key not in answer_keys for r in answer.related)
    markers = [c.marker for c in answer.citations] + [r.citation.marker for r in answer.related]
    assert markers == list(range(1, len(markers) + 1))


def test_a_near_miss_naming_a_place_the_answering_article_never_writes_is_not_answered(examples):
    # Vennick is a port of another article in the index; the exchange reports never name it.
    assert examples.ask("How many prisoners were exchanged at the Halden Bridge?").short_answer is not None
    answer = examples.ask("How many prisoners were exchanged at the Halden Bridge in Vennick?")
    assert answer.abstained and answer.short_answer is None
