"""Actor-aware Q&A: follow-up pronouns resolve through the actor index; two Vosses stay apart."""

import pytest

from bot.services import Services
from bot.settings import Settings


@pytest.fixture()
def services(examples_index, tmp_path, monkeypatch):
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    svc = Services.open(Settings(NEWSBOT_DATA_DIR=str(tmp_path)), index=examples_index)
    yield svc
    svc.memory.close()


def test_he_after_the_president_stays_on_the_president(services):
    first = services.answerer.ask("What did President Marek Voss order the navy to do?", session="v")
    assert "hold its positions" in " ".join(c.text for c in first.citations)
    follow = services.answerer.ask("What did he say about the grain corridor?", session="v")
    assert "Marek Voss" in follow.standalone and "Tomas" not in follow.standalone
    assert not follow.abstained
    assert any("honour the corridor" in c.text for c in follow.citations), follow.text


def test_the_general_resolves_to_the_son_not_the_father(services):
    services.answerer.ask("What did General Tomas Voss say about the grain corridor?", session="g")
    follow = services.answerer.ask("What did the general say about Kestrelian promises?", session="g")
    assert "Tomas Voss" in follow.standalone


def test_retrieval_favours_paragraphs_naming_the_actor_under_any_alias(services):
    boost = services.answerer.boost("What did Selin Aidar say?")
    texts = [services.index.catalog.paragraph(a, n).text for a, n in boost]
    assert any("Aydar" in t for t in texts) and any("Aidar" in t for t in texts)


def test_actor_boost_does_not_make_unanswerable_questions_answerable(services):
    from bot.qa.evaluate import load_questions
    from tests.conftest import EXAMPLES

    answered = [q.question for q in load_questions(EXAMPLES / "unanswerable.jsonl")
                if not services.answerer.ask(q.question).abstained]
    assert answered == []


def test_the_turkish_minister_stays_on_fidan_on_the_seed_article(shared_data, new_index, tmp_path, monkeypatch):
    from index.sources import read_paths

    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    index = new_index("seed")
    index.ingest(read_paths([shared_data / "seed" / "blinken-turkey.txt"], 200_000))
    svc = Services.open(Settings(NEWSBOT_DATA_DIR=str(tmp_path / "seed")), index=index)
    try:
        svc.answerer.ask("What did Fidan discuss with Blinken?", session="f")
        follow = svc.answerer.ask("and what did the Turkish minister want?", session="f")
        assert "Hakan Fidan" in follow.standalone, follow.standalone
    finally:
        svc.memory.close()
