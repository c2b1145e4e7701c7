"""The meaning check: hand-written cases on examples/, the Blinken–Fidan distortions, and what it leaves alone."""

import json

import pytest

import bot.meaning.parse as deep_parse
from bot.meaning.check import meaning_reason
from bot.meaning.parse import Evidence, best_sentences, claim_spans
from bot.verify import DraftSentence, unsupported_reason, verify
from index.search import Hit
from tests.conftest import EXAMPLES


def _paragraph(catalog, article: str, number: int) -> str:
    article_id = catalog.ids_by_origin_stem(article[5:])[0] if article.startswith("file:") else article
    return catalog.paragraph(article_id, number).text


CASES = [json.loads(line) for line in (EXAMPLES / "meaning_cases.jsonl").read_text(encoding="utf-8").splitlines()
         if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}-{'ok' if c['faithful'] else 'bad'}-{i}"
                                             for i, c in enumerate(CASES)])
def test_hand_written_cases_on_the_examples_are_decided_right(examples_index, case):
    sources = [_paragraph(examples_index.catalog, case["article"], n) for n in case["paragraphs"]]
    reason = unsupported_reason(case["claim"], sources, examples_index.embeddings, examples_index.catalog)
    if case["faithful"]:
        assert reason is None, reason
    else:
        assert reason and "\n" not in reason


def test_kestrels_demands_credited_to_valdoria_are_cut_with_a_reason(examples_index):
    catalog = examples_index.catalog
    sources = [_paragraph(catalog, "file:day1-harbor-talks-open", n) for n in (3, 4)]
    claim = "Valdorian demanded that the grain corridor be reopened and that Valdoria pay $2.4 billion."
    reason = unsupported_reason(claim, sources, examples_index.embeddings, catalog)
    assert reason.startswith("says Valdorian demanded that the grain corridor")
    assert reason.endswith("the source says the Kestrelian delegation did")
    assert unsupported_reason("Valdoria demanded the release of 40 detained sailors from Kestrel.", sources,
                              examples_index.embeddings, catalog) is None


def test_a_role_and_an_alias_name_the_same_agent_through_the_actor_index(examples_index):
    catalog = examples_index.catalog
    five = _paragraph(catalog, "file:day1-harbor-talks-open", 5)
    six = _paragraph(catalog, "file:day1-harbor-talks-open", 6)
    assert meaning_reason("The Lunerian foreign minister proposed a 72-hour ceasefire.", [five], catalog) is None
    assert meaning_reason("A 72-hour ceasefire was proposed by Aydar.", [five], catalog) is None  # passive = active
    wrong = meaning_reason("The Valdorian foreign minister proposed a 72-hour ceasefire.", [five, six], catalog)
    assert wrong == "says the Valdorian foreign minister proposed a 72-hour ceasefire; the source says Aydar did"


def test_two_people_with_one_surname_stay_two_agents(examples_index):
    catalog = examples_index.catalog
    sources = [_paragraph(catalog, "file:day2-harbor-ceasefire-signed", n) for n in (4, 5)]
    assert meaning_reason("President Voss ordered the navy to hold its positions.", sources, catalog) is None
    reason = meaning_reason("General Tomas Voss ordered the navy to hold its positions.", sources, catalog)
    assert "the source says President Marek Voss did" in reason


def test_a_claim_the_parse_cannot_align_is_left_to_the_lexical_check():
    source = "Storm Idra cut power to 120,000 homes across the Tarsen Islands on Monday night."
    assert meaning_reason("Power failed across the islands.", [source]) is None
    assert meaning_reason("Nothing in common here.", ["Completely unrelated words."]) is None


def test_entity_spans_are_borrowed_from_the_cited_paragraphs_annotations():
    paragraph = "Turkey sought a ceasefire. Israel refused it."
    evidence = Evidence(None, {paragraph: ((0, 6, "GPE"), (27, 33, "GPE"))})
    assert claim_spans("A ceasefire was sought by Israel.", [paragraph], evidence) == ((26, 32, "GPE"),)
    assert claim_spans("A ceasefire was sought by Israel.", [paragraph], Evidence()) is None
    chosen = best_sentences("A ceasefire was sought by Israel.", [paragraph], evidence)
    assert chosen[0] == ("Turkey sought a ceasefire.", ((0, 6, "GPE"),))


def test_verbatim_extracts_never_load_or_run_the_parser(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a verbatim extract must not be parsed")

    monkeypatch.setattr(deep_parse, "readings", refuse)
    monkeypatch.setattr(deep_parse, "parser", refuse)
    paragraph = "Storm Idra cut power to 120,000 homes. Governor Ruth Ambersey declared an emergency."
    hit = Hit("storm", "Storm", None, "The Meridian Post", None, 1, paragraph, 1.0)
    verified = verify([DraftSentence("Governor Ruth Ambersey declared an emergency.", (1,))], [hit])
    assert verified.sentences == [("Governor Ruth Ambersey declared an emergency.", (1,))]


def test_extractive_answers_do_not_parse(examples_index, monkeypatch):
    from bot.qa.answer import Answerer

    monkeypatch.setattr(deep_parse, "readings", lambda *a, **k: pytest.fail("extractive answers must not parse"))
    answer = Answerer(examples_index).ask("What did Valdoria demand at the start of the talks?")
    assert not answer.abstained and "40 detained sailors" in answer.text


# -- the Blinken–Fidan article of the issue: its distortions are built from the article itself -----------------
# Each distortion is (a phrase of one sentence, what a model wrote instead); the sentence is read from
# ../shared/data, so no article text is kept here beyond the phrase being changed.
DISTORTIONS = [
    ("sought by Turkey", "sought by Israel"),  # agent swapped
    ("release should be mutual", "release should not be mutual"),  # negation added
    ("there was not a joint statement", "there was a joint statement"),  # negation removed
    ("over 9,700", "fewer than 9,700"),  # qualifier flipped
    ("Pro-Palestinian protesters", "Pro-Israel protesters"),  # side swapped
    ("Turkey made it clear", "Israel made it clear"),  # a position given to the wrong side
    ("After Turkey visit, Blinken will head", "Before Turkey visit, Blinken will head"),  # order reversed
    ("Troops are expected to enter", "Troops entered"),  # an expectation told as done
    ("pressure on Hamas", "pressure on Israel"),  # object swapped
    ("Jordan and Turkey have recalled their ambassadors to Israel",
     "Jordan and Israel have recalled their ambassadors to Turkey"),  # who recalled whom
]
PARAPHRASES = [  # faithful rewordings a model writes; each must pass
    ("An unconditional ceasefire was also sought by Turkey.", "Turkey also sought an unconditional ceasefire."),
    ("The meeting with the FM lasted for nearly three hours.", "The meeting with the FM lasted almost three hours."),
    ("Turkey made it clear the release should be mutual",
     "Turkey insisted that the release be mutual, Hamas freeing hostages and Israel freeing Palestinian prisoners."),
    ("So far over 9,700 Palestinians were killed", "More than 9,700 Palestinians have been killed since October 7."),
    ("After Turkey visit, Blinken will head to Asia", "Blinken will travel to Asia after his visit to Turkey."),
]


@pytest.fixture(scope="module")
def blinken(shared_data):
    text = (shared_data / "seed" / "blinken-turkey.txt").read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _sentence_with(paragraphs, phrase):
    from bot.text import sentences

    for paragraph in paragraphs:
        for sentence in sentences(paragraph):
            if phrase in sentence:
                return sentence, paragraph
    raise AssertionError(f"{phrase!r} is not in the seed article")


@pytest.mark.parametrize("phrase,written", DISTORTIONS, ids=[w for _, w in DISTORTIONS])
def test_the_ten_distortions_of_the_blinken_article_are_cut(blinken, phrase, written):
    sentence, paragraph = _sentence_with(blinken, phrase)
    claim = sentence.replace(phrase, written)
    assert claim != sentence
    assert unsupported_reason(claim, [paragraph]), claim


@pytest.mark.parametrize("anchor,claim", PARAPHRASES, ids=[c for _, c in PARAPHRASES])
def test_faithful_paraphrases_of_the_blinken_article_pass(blinken, anchor, claim):
    _, paragraph = _sentence_with(blinken, anchor)
    assert unsupported_reason(claim, [paragraph]) is None
