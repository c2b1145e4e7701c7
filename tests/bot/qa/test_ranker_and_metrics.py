"""The fitted ranker matches the features it reads; eval's reader-facing metrics."""

from datetime import UTC, datetime

import numpy as np

from bot.qa import fitted
from bot.qa.answer import Answer
from bot.qa.evaluate import answer_words, is_exact, short_answer_matches
from bot.qa.features import (
    FEATURES,
    Candidate,
    Question,
    article_names,
    lexical,
    missing_in_article,
    owned,
    relative,
    staleness,
    whole_names,
)
from bot.qa.ranker import ANSWER_FEATURES, ANSWER_ONLY, Ranker
from bot.qa.short import agreement
from bot.spans import Sentence, Span, sentences_of
from bot.verify import ShortAnswer
from index.search import Hit


def test_the_fitted_weights_were_fitted_on_these_features():
    # A feature added, removed or renamed without re-running bench/fit_answers.py fails here.
    assert tuple(fitted.FEATURES) == FEATURES and tuple(fitted.ANSWER_FEATURES) == ANSWER_FEATURES
    ranker = Ranker.fitted()
    assert len(ranker.order.coef) == len(ranker.lexical.coef) == len(FEATURES)
    assert len(ranker.answer.coef) == len(ANSWER_FEATURES)
    assert 0 < ranker.answer_at <= ranker.extra_at
    # what only the answerability model reads never moves which sentence is chosen
    for name in ANSWER_ONLY:
        assert ranker.order.coef[FEATURES.index(name)] == ranker.lexical.coef[FEATURES.index(name)] == 0.0
        assert name in ANSWER_FEATURES


def test_the_ordering_model_prefers_a_typed_on_topic_sentence():
    ranker = Ranker.fitted()
    base = dict.fromkeys(FEATURES, 0.0) | {"sem": 0.6, "overlap": 0.6, "weighted_context": 0.8, "term_coverage": 1.0,
                                          "head_coverage": 1.0, "named_sentence": 1.0, "named_paragraph": 1.0,
                                          "novelty": 0.5, "type_paragraph": 1.0}
    typed = base | {"type_strict": 1.0}
    untyped = base | {"type_missing": 1.0}
    rows = np.array([[row[f] for f in FEATURES] for row in (typed, untyped)])
    s_typed, s_untyped = ranker.order.score(relative(rows))  # the derived columns (prior, gaps) filled in
    assert s_typed > s_untyped


def _answer(text: str, short: str | None = None, abstained: bool = False) -> Answer:
    return Answer("q", "q", text, [], abstained, "extractive", short_answer=ShortAnswer(short, 1) if short else None)


def test_exact_reads_the_answer_shown_and_ignores_markers():
    assert is_exact(_answer("The meeting lasted for nearly three hours [1]."), ("nearly three hours",))
    assert is_exact(_answer("Talks ran long [1].", "nearly three hours"), ("three hours",))
    assert not is_exact(_answer("I couldn't find that.", abstained=True), ("three hours",))
    assert answer_words(_answer("The meeting lasted for nearly three hours [1][2].")) == 7


def test_short_answer_match_is_containment_either_way():
    assert short_answer_matches("Hakan Fidan", ("Fidan",)) and short_answer_matches("12", ("12 Republicans",))
    assert not short_answer_matches("Ankara", ("Hakan Fidan",)) and not short_answer_matches("", ("x",))


def _candidate(text: str, article: str, marker: int) -> Candidate:
    hit = Hit(article, f"title {article}", None, None, None, 1, text, 1.0)
    return Candidate(sentences_of(text, None)[0], marker, hit)


def test_agreement_counts_other_articles_stating_the_same_short_answer():
    q = Question.parse("How much prize money is on offer in the LIV Golf series?")
    cands = [_candidate("LIV Golf will dole out a combined $250 million in prize money.", "a", 1),
             _candidate("More than 40 players committed to play for the $255 million prize money.", "b", 2),
             _candidate("The series offers $255 million, the richest purse in golf.", "c", 3),
             _candidate("The $255 million purse was announced in London.", "c", 4)]
    shares = agreement(q, cands)
    # "$255 million": one other article for b, one for each of c's sentences; none states $250 million
    assert shares[0] == 0 and shares[1] == shares[2] == shares[3] > 0
    assert not agreement(Question.parse("What did Turkey demand?"), cands).any()


def test_missing_rare_reads_the_rarest_absent_word():
    q = Question.parse("Which of Saturn's moons show up in the Webb images?",
                       lambda words: {w: (5.0 if w == "saturn" else 1.0) for w in words})
    jupiter = _candidate("The Webb images show two of Jupiter's moons, Amalthea and Adrastea.", "a", 1)
    saturn = _candidate("Saturn's moons Enceladus and Titan show up in the new Webb images.", "b", 1)
    col = FEATURES.index("missing_rare")
    assert lexical(q, jupiter, 1, False)[col] == 1.0 and lexical(q, saturn, 1, False)[col] == 0.0


def test_missing_in_article_reads_the_whole_article_for_the_rarest_word():
    # A near miss: a report on the same fire that never mentions the helicopter the question asks about.
    q = Question.parse("Which pilots died in a helicopter crash near the Oak Fire?",
                       lambda words: {w: (6.0 if w == "helicopt" else 2.0) for w in words})
    cand = _candidate("Two pilots died fighting the Oak Fire on Saturday.", "a", 1)
    assert missing_in_article(q, [cand])[0] == 1.0  # only the context's paragraph: no helicopter
    assert missing_in_article(q, [cand], {"a": "oak fire ... two pilots died ... the helicopter went down"})[0] \
        == 2.0 / 6.0  # "crash" is still missing, and it weighs a third of "helicopter"
    told = {"a": "oak fire ... two pilots died when their helicopter crashed near the oak fire"}
    assert missing_in_article(q, [cand], told)[0] == 0.0
    assert not missing_in_article(Question.parse("Who was it?"), [cand]).any()  # no word to miss


def test_actor_verb_wants_the_question_s_actor_doing_the_asked_act():
    col = FEATURES.index("actor_verb")

    def value(question: str, text: str) -> float:
        return lexical(Question.parse(question), _candidate(text, "a", 1), 1, False)[col]

    demand = "What did Turkey demand?"
    assert value(demand, "Turkey made it clear the release should be mutual.") == 1.0
    assert value(demand, "An unconditional ceasefire was also sought by Turkey.") == 1.0  # passive agent
    assert value(demand, "Arab and Muslim nations demanded an immediate cease-fire.") == 0.0  # someone else
    say = "What did Aydar say after the prisoner exchange?"
    assert value(say, '"This is what a ceasefire is for," Foreign Minister Aydar said after it.') == 1.0
    assert value(say, "Aydar proposed a 72-hour ceasefire to prepare a prisoner exchange.") == 0.0  # another act
    assert value("How many prisoners crossed?", "Aydar said 65 prisoners crossed.") == 0.0  # not a what-did question


def test_whole_names_reads_the_whole_article_read_not_only_the_paragraph():
    q = Question.parse("What did Selin Aydar say after the prisoner exchange?")
    full = _candidate("Foreign Minister Selin Aydar opened the talks.", "a", 1)
    surname = Candidate(sentences_of('"It is a start," Aydar said.', None)[0], 2,
                        Hit("a", "title a", None, None, None, 2, '"It is a start," Aydar said.', 1.0))
    other = _candidate('"It is a start," Aydar said.', "b", 3)  # never named in full, nor tagged a person
    assert list(whole_names(q, [full, surname, other])) == [1.0, 1.0, 0.0]
    tagged = Candidate(Sentence('"It is a start," Aydar said.', (Span("Aydar", "PERSON", 17, 22),)), 1,
                       Hit("d", "title d", None, None, None, 1, '"It is a start," Aydar said.', 1.0))
    assert whole_names(q, [tagged])[0] == 1.0  # the article calls her a person: her surname will do
    tour = Question.parse("How many golfers did the DP World Tour suspend?")
    assert whole_names(tour, [_candidate("The PGA Tour suspended 17 golfers.", "c", 1)])[0] == 0.0


def test_whole_names_reads_the_stored_article_beyond_the_context():
    # A near miss: the context's paragraph is about the question's story, but the article never names
    # Florida; an answerable question's name may stand in a paragraph retrieval did not bring.
    q = Question.parse("How many people did Hurricane Fiona kill in Florida?")
    cand = _candidate("At least five people have died after Hurricane Fiona.", "a", 1)
    assert whole_names(q, [cand])[0] == 0.5
    assert whole_names(q, [cand], {"a": "hurricane fiona ... two in puerto rico"})[0] == 0.5
    assert whole_names(q, [cand], {"a": "hurricane fiona ... florida braces for the storm"})[0] == 1.0


def test_article_names_splits_possessives_and_lets_an_opening_word_go():
    assert article_names("What did NASA's Tom Statler say?") == [("nasa",), ("tom statler",)]
    assert article_names("President Biden named which monument?") == [("president biden", "biden")]
    assert article_names("Whose American League record did Aaron Judge tie?") == [
        ("aaron judge",), ("whose american league", "american league")]
    assert article_names("How much is the Knicks' offer?") == [("knicks",)]
    assert article_names("Turkey wants what?") == [("turkey",)]
    assert article_names("Police arrested 31 men near a Pride event in Coeur d'Alene. Where was it?") == []
    # "v." ends no sentence: the question is one asking sentence
    assert article_names("Which outlet published the draft opinion on Roe v. Wade?") == [("roe",), ("wade",)]


def test_a_word_capitalised_only_for_opening_the_question_is_no_name():
    # the name check held "Due" and "Within" to the article, so the answering one was filtered out
    assert article_names("Due to bots on its site, which platform is rolling out new features?") == []
    assert article_names("Within how many days must HHS report back?") == [("hhs",)]
    assert article_names("Which company is Beyond Meat's rival?") == [("beyond meat",)]  # in a run it stays


def test_the_thing_a_how_many_question_asks_for():
    assert Question.parse("How many dinosaur species are in Jurassic World Dominion?").heads == {"speci"}
    assert Question.parse("How much more military aid did the US announce?").heads == {"aid"}
    assert Question.parse("How many prisoners were exchanged?").heads == {"prison"}
    # the amount's own type answers "how much money / weight": "£28m" need not say "money"
    assert Question.parse("How much money did Rishi Sunak set aside?").heads == set()


def test_whose_thing_is_asked_for_must_be_named_where_it_is_answered():
    # examples/: "Who is the prime minister of Luneria?" was answered with the Kestrel Republic's
    q = Question.parse("Who is the prime minister of Luneria?")
    assert q.owners == {"luneria"}
    assert not owned(q, _candidate("Kestrelian Prime Minister Ilse Brandvik welcomed the agreement.", "a", 1))
    assert owned(q, _candidate("Lunerian Prime Minister Arvo Lind welcomed the agreement.", "b", 2))
    # a name or title may be given without its owner: "the name of the first grain ship" asks for no owner
    ship = Question.parse("What is the name of the first grain ship to sail through the Strait of Merrow?")
    assert ship.owners == set()


def test_whole_names_accept_a_name_the_question_runs_together_from_two():
    # "the 2022 NHL Stanley Cup Finals" is the NHL's "Stanley Cup Finals": each part is written whole
    q = Question.parse("Which team won the 2022 NHL Stanley Cup Finals?")
    won = _candidate("The Avalanche won the Stanley Cup Finals, ending the NHL playoffs 16-4.", "a", 1)
    assert whole_names(q, [won])[0] == 1.0
    assert whole_names(q, [_candidate("The Avalanche won the Stanley Cup on Sunday.", "b", 2)])[0] == 0.0


def test_phrase_is_the_longest_run_of_question_words_repeated_in_order():
    q = Question.parse("NFL owners this week unanimously approved the sale of which football team?")
    col = FEATURES.index("phrase")

    def value(text: str) -> float:
        return lexical(q, _candidate(text, "a", 1), 1, False)[col]

    restated = value("NFL owners unanimously approved the sale of the Denver Broncos on Tuesday.")
    paraphrased = value("The league's ownership group voted to approve the sale of the franchise.")
    assert restated > paraphrased > 0
    assert value("It is one of the best.") == 0.0  # "of the" holds no content word


def test_an_article_a_year_older_than_the_newest_report_is_stale():
    def dated(published: datetime | None) -> Candidate:
        text = "Blinken met Fidan in Ankara for nearly three hours."
        return Candidate(sentences_of(text, None)[0], 1, Hit("a", "t", None, None, published, 1, text, 1.0))

    newest = datetime(2022, 11, 3, tzinfo=UTC)
    cands = [dated(newest), dated(datetime(2022, 10, 20, tzinfo=UTC)), dated(datetime(2022, 5, 1, tzinfo=UTC)),
             dated(datetime(2021, 6, 1, tzinfo=UTC)), dated(None)]
    stale = staleness(cands)
    assert stale[0] == stale[1] == 0.0  # within a month of the newest: fresh
    assert 0.0 < stale[2] < 1.0 and stale[3] == 1.0
    assert stale[4] == 0.0  # undated: nothing known against it
    assert staleness([dated(None)]).tolist() == [0.0]
