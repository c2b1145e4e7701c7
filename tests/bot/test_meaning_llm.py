"""Scripted distortions through the real openai/langchain-openai clients against the fake server: every LLM
path (answers, briefing bullets, article summaries, dossier summaries) cuts them with a reason."""

import pytest

from bot.actors import build_dossier
from bot.briefing.deliveries import Recall
from bot.briefing.llm import llm_bullets
from bot.citations import hit_for_paragraph
from bot.llm import LLMEngine
from bot.qa.answer import Answerer
from bot.qa.memory import Memory
from bot.services import Services
from bot.settings import Settings
from bot.summary.summarize import summarize
from bot.verify import verify
from index.actors import lookup
from tests.bot.test_llm import _context_number
from tests.fakes import FakeOpenAI, Reply

VALDORIA = "What did Valdoria demand at the talks?"


def _settings(fake_openai: FakeOpenAI, tmp_path) -> Settings:
    return Settings(NEWSBOT_DATA_DIR=str(tmp_path), OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="test",
                    NEWSBOT_LLM_MODEL="fake-model", NEWSBOT_LLM_TIMEOUT=5, NEWSBOT_LLM_MAX_RETRIES=0)


@pytest.fixture()
def answerer(examples_index, fake_openai, tmp_path):
    memory = Memory(tmp_path / "memory.sqlite3")
    yield Answerer(examples_index, memory, LLMEngine(_settings(fake_openai, tmp_path)))
    memory.close()


def _tool(sentences):
    return Reply(tool_args={"sentences": [{"text": t, "citations": c} for t, c in sentences], "abstain": False})


def test_the_valdoria_answer_crediting_kestrels_demands_to_valdoria_is_cut(answerer, fake_openai):
    fake_openai.queue(Reply(tool_args={"sentences": [], "abstain": True}))  # a probe, to learn the numbering
    answerer.ask(VALDORIA)
    kestrel = _context_number(fake_openai, "be reopened and that Valdoria pay")
    valdoria = _context_number(fake_openai, "release of 40 detained sailors")
    fake_openai.queue(_tool([
        ("Valdoria demanded the release of 40 detained sailors.", [valdoria]),
        ("Valdorian demanded that the grain corridor through the Strait of Merrow be reopened and that Valdoria "
         "pay $2.4 billion.", [kestrel]),
    ]))
    answer = answerer.ask(VALDORIA)
    assert answer.engine == "llm" and answer.text == "Valdoria demanded the release of 40 detained sailors [1]."
    (cut,) = answer.cut
    assert cut["reason"].startswith("says Valdorian demanded that the grain corridor")
    assert cut["reason"].endswith("the source says the Kestrelian delegation did")
    assert any("removed by the citation check" in n for n in answer.notes)


def test_scripted_distortions_of_one_answer_are_each_cut_and_the_faithful_sentence_kept(examples_index, fake_openai,
                                                                                        tmp_path):
    llm = LLMEngine(_settings(fake_openai, tmp_path))
    talks = examples_index.catalog.ids_by_origin_stem("day1-harbor-talks-open")[0]
    context = [hit_for_paragraph(examples_index, talks, n) for n in (5, 6)]  # [1] Aydar, [2] Krell
    fake_openai.queue(_tool([
        ("Krell said his government would discuss compensation until the sailors were home.", [2]),  # negation
        ('"Bring them home first, then we will talk about money," Aydar said.', [1, 2]),  # the wrong speaker
        ("Valdoria will not discuss compensation until the sailors are home, Krell said.", [2]),  # faithful
    ]))
    drafts, _ = llm.draft("What did Krell say about compensation?", context)  # (sentences, short answer)
    verified = verify(drafts, context, examples_index.embeddings, examples_index.catalog)
    assert verified.text() == "Valdoria will not discuss compensation until the sailors are home, Krell said [1]."
    assert [c["reason"] for c in verified.cut] == [
        "says “his government would discuss compensation”; the source says the opposite: "
        "“his government would not discuss compensation”",
        "says Aydar said it; the source says Krell did"]


def test_an_expectation_told_as_done_in_a_briefing_bullet_is_cut(examples_index, fake_openai, tmp_path):
    llm = LLMEngine(_settings(fake_openai, tmp_path))
    harbor = examples_index.catalog.ids_by_origin_stem("day2-harbor-ceasefire-signed")[0]
    hits = [hit_for_paragraph(examples_index, harbor, n) for n in (1, 6)]
    fake_openai.queue(_tool([
        ("Valdorian and Kestrelian negotiators signed a 72-hour ceasefire agreement in Sørhavn on Tuesday.", [1]),
        ("The grain corridor through the Strait of Merrow reopened on Wednesday for ships carrying food.", [2]),
    ]))
    bullets, cut = llm_bullets(llm, examples_index.embeddings, hits, Recall(), actors=examples_index.catalog)
    assert [b.text for b in bullets] == [
        "Valdorian and Kestrelian negotiators signed a 72-hour ceasefire agreement in Sørhavn on Tuesday."]
    assert cut[0]["reason"].startswith("reports as done what the source gives only as a plan")


def test_a_summary_bullet_that_swaps_the_sides_is_removed_with_its_reason(examples_index, fake_openai, tmp_path):
    settings = _settings(fake_openai, tmp_path)
    llm = LLMEngine(settings)
    services = Services(settings, examples_index, llm, None, Answerer(examples_index, None, llm))
    fake_openai.queue(_tool([
        ("Forty Valdorian sailors and 25 Kestrelian soldiers went home in a 65-person prisoner swap.", [1]),
        ("The NMC's Amara Quell said no violations of the truce had been reported.", [5]),
        ("The Kestrel Republic has rejected Valdoria's claim for $2.4 billion.", [6]),  # it is the other way round
        ("The Kestrel Republic is seeking $2.4 billion for lost grain exports.", [6]),
    ]))
    summary = summarize(services, "sample-meridian-0125")
    assert summary.engine == "llm"
    assert [b.text for b in summary.bullets] == [
        "The NMC's Amara Quell said no violations of the truce had been reported.",
        "The Kestrel Republic is seeking $2.4 billion for lost grain exports."]
    (note,) = [n for n in summary.notes if "removed by the citation check" in n]
    assert "the source says Valdoria did" in note and "has rejected Valdoria's claim" in note
    assert summary.gist.text.startswith("Forty Valdorian sailors")


def test_a_dossier_summary_sentence_giving_the_wrong_side_the_demand_is_cut(examples_index, fake_openai, tmp_path):
    llm = LLMEngine(_settings(fake_openai, tmp_path))
    hale = lookup(examples_index.catalog, "Joran Hale")
    plain = build_dossier(examples_index, hale)
    line = next(e for e in plain["timeline"] if "2.4 billion" in e["text"])
    marker = line["citations"][0]["marker"]
    fake_openai.queue(Reply(content=f"Joran Hale led the Kestrelian delegation at the talks [{marker}]. "
                             f"Valdoria demanded that Valdoria pay $2.4 billion in compensation [{marker}]."))
    dossier = build_dossier(examples_index, hale, llm=llm)
    assert dossier["summary"]["text"] == f"Joran Hale led the Kestrelian delegation at the talks [{marker}]."
    (cut,) = dossier["summary"]["cut"]
    assert "the source says the Kestrelian delegation did" in cut["reason"]
    assert fake_openai.chat_requests()[-1]["model"] == "fake-model"
