"""Expected answer types and short answers by type, verbatim from the sentence."""

import pytest

from bot.qa.features import Question
from bot.qa.qtype import expected
from bot.qa.short import short_answer
from bot.spans import Sentence, Span, sentences_of


@pytest.mark.parametrize(("question", "kind"), [
    ("How long did Blinken's meeting with the Turkish foreign minister last?", "duration"),
    ("A British-Belgian teenager flew around the world solo. How old is he?", "age"),
    ("How many prisoners were exchanged at the Halden Bridge?", "number"),
    ("Who mediated the ceasefire talks?", "person"),
    ("Which university recently issued an apology?", "org"),
    ("Giorgia Meloni claimed victory this week to become which country's new prime minister?", "place"),
    ("Where will Blinken go next?", "place"),
    ("When will the second round of talks open?", "when"),
    ("Which countries recalled their ambassadors?", "place"),
    ("Which Hamilton County commissioner abstained in the vote?", "person"),  # the county is a modifier
    ("Which grandmaster did Hans Niemann accuse of cheating?", "person"),
    ("What did Turkey demand?", None),
    ("Which of the following grocery items has seen the biggest increase?", None),
    ("What did the man who bought the team say?", None),
])
def test_the_wording_names_the_expected_type(question, kind):
    assert expected(question).kind == kind


@pytest.mark.parametrize(("question", "paragraph", "short"), [
    ("How long did Blinken's meeting with the Turkish foreign minister last?",
     "The meeting with the FM lasted for nearly three hours.", "nearly three hours"),
    ("How many prisoners were exchanged at Halden Bridge?",
     "In all, 65 prisoners crossed Halden Bridge on Wednesday morning.", "65 prisoners"),
    ("How much profit did BP post?", "BP posted $8.5 billion in profit on Tuesday, up 10% on 2021.", "$8.5 billion"),
    ("When will the second round of talks open?", "A second round will open in Sørhavn on December 8.",
     "December 8"),
    ("Who did Blinken meet in Ankara?", "Blinken met Hakan Fidan in Ankara on Monday.", "Hakan Fidan"),
    ("How old is the pilot?", "A 17-year-old has become the youngest person to fly around the world solo.",
     "17-year-old"),
    ("How old was Godard?", "Jean-Luc Godard, 91, died on Tuesday.", "91"),
    # an age is not how long: "101-year-old" does not answer the length of a sentence
    ("How long was the guard sentenced to prison for?", "The 101-year-old guard was sentenced to five years in prison.",
     "five years"),
])
def test_short_answer_is_the_typed_span_the_question_does_not_state(question, paragraph, short):
    sentence = sentences_of(paragraph, None)[0]
    got = short_answer(Question.parse(question), sentence)
    assert got == short and got in sentence.text


def test_no_short_answer_without_a_span_of_the_type_or_for_open_questions():
    q = Question.parse("Which company bought the Eiffel Tower last month?")
    assert short_answer(q, sentences_of("The Eiffel Tower is now 20 feet taller.", None)[0]) is None
    open_question = Question.parse("What did Turkey demand?")
    assert short_answer(open_question, sentences_of("Turkey sought a ceasefire on Monday.", None)[0]) is None
    duration = Question.parse("How long did the meeting last?")
    assert short_answer(duration, sentences_of("The meeting ended on Monday.", None)[0]) is None
    # a count is no length of time: "3" choices does not say how long a tweet can be edited
    edit = Question.parse("For how long after posting can a tweet be edited?")
    assert short_answer(edit, sentences_of("The prompt offers 3 choices: send, edit or delete.", None)[0]) is None
    assert short_answer(edit, sentences_of("Tweets can be edited up to 30 minutes after posting.", None)[0]) == \
        "up to 30 minutes"


def test_where_prefers_the_place_after_a_preposition():
    sentence = sentences_of("After Turkey visit, Blinken heads to Asia", None)[0]
    assert short_answer(Question.parse("Where will Blinken go next?"), sentence) == "Asia"


def test_how_much_money_is_answered_by_an_amount_of_money():
    # "36" players is no amount of money: before, any number in the sentence could answer
    q = Question.parse("How much prize money is on offer at the event?")
    assert q.expect.labels == {"MONEY"}
    assert short_answer(q, sentences_of("The 36 players will compete at the event for a share of the pot.",
                                        None)[0]) is None
    assert short_answer(q, sentences_of("The 36 players will compete for $25 million in prize money.",
                                        None)[0]) == "$25 million"


@pytest.mark.parametrize(("question", "paragraph", "short"), [
    # a count: "$1.5 billion" in losses does not say how many subscribers left
    ("How many subscribers did Disney+ lose in the quarter?",
     "Disney+ incurred operating losses near $1.5 billion in the quarter.", None),
    ("How many subscribers did Disney+ lose in the quarter?", "Disney+ lost 2.4 million subscribers in the quarter.",
     "2.4 million subscribers"),
    # spaCy reads "30 days" as a DATE: a count of days still answers
    ("Within how many days must HHS report back?", "HHS must report back within 30 days.", "30 days"),
    ("What magnitude marsquake did InSight record?", "The lander recorded a magnitude 4 marsquake.", "4"),
])
def test_counts_are_answered_by_counts(question, paragraph, short):
    assert short_answer(Question.parse(question), sentences_of(paragraph, None)[0]) == short


def test_which_country_is_answered_by_a_country_not_any_place():
    q = Question.parse("Hurricane Roslyn made landfall in which country this week?")
    state = sentences_of("Roslyn made landfall near Santa Cruz in northern Nayarit state.", None)[0]
    assert short_answer(q, state) is None  # Nayarit and Santa Cruz are places, not countries
    assert short_answer(q, sentences_of("Hurricane Roslyn slammed into west-central Mexico.", None)[0]) == "Mexico"
    states = Question.parse("Which state has the highest average price for a gallon of gas?")
    sentence = sentences_of("In Fresno, California, a gallon costs $6.43.", None)[0]
    assert short_answer(states, sentence) == "California"
    bankrupt = Question.parse("Which country is now bankrupt?")
    text = "The lender said the debt was owed to the U.S."  # tagged at ingest: "U.S." keeps its full stop
    assert short_answer(bankrupt, Sentence(text, (Span("U.S.", "GPE", 41, 45),))) == "U.S."
