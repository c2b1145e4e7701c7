"""The LLM engine through the real openai/langchain-openai clients against a fake server on 127.0.0.1."""

import json

import pytest

from bot.llm import LLMEngine, format_context, parse_draft
from bot.qa.answer import ABSTAIN_TEXT, Answerer
from bot.qa.memory import Memory
from bot.settings import Settings
from tests.fakes import FakeOpenAI, Reply

QUESTION = "What did Valdoria demand at the start of the talks?"


@pytest.fixture()
def make_answerer(examples_index, fake_openai, tmp_path):
    memories = []

    def build(timeout: float = 5.0) -> Answerer:
        settings = Settings(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="test", NEWSBOT_LLM_MODEL="fake-model",
                            NEWSBOT_LLM_TIMEOUT=timeout, NEWSBOT_LLM_MAX_RETRIES=0)
        memory = Memory(tmp_path / f"m{len(memories)}.sqlite3")
        memories.append(memory)
        return Answerer(examples_index, memory, LLMEngine(settings))

    yield build
    for m in memories:
        m.close()


def _context_number(fake_openai: FakeOpenAI, needle: str) -> int:
    """Which [n] the engine gave the paragraph containing `needle` in the last prompt."""
    prompt = json.dumps(fake_openai.chat_requests()[-1]["messages"])
    for block in prompt.split("<document index=")[1:]:
        if needle in block:
            return int(block.split('\\"')[1])
    raise AssertionError(f"{needle!r} not in the prompt")


def _tool(sentences, abstain=False):
    return Reply(tool_args={"sentences": [{"text": t, "citations": c} for t, c in sentences], "abstain": abstain})


def test_good_structured_answer_passes_the_verifier(make_answerer, fake_openai):
    answerer = make_answerer()
    fake_openai.queue(Reply(tool_args={"sentences": [], "abstain": True}))  # probe call to learn the numbering
    answerer.ask(QUESTION)
    n = _context_number(fake_openai, "release of 40 detained sailors")
    fake_openai.queue(_tool([("Valdoria demanded the release of 40 detained sailors.", [n])]))
    answer = answerer.ask(QUESTION)
    assert answer.engine == "llm" and not answer.abstained
    assert answer.text == "Valdoria demanded the release of 40 detained sailors [1]."
    assert "40 detained sailors" in answer.citations[0].text
    request = fake_openai.chat_requests()[-1]
    assert request["model"] == "fake-model" and request["tools"]  # chat completions with a tool schema


def test_marker_pointing_nowhere_is_dropped_and_answer_abstains(make_answerer, fake_openai):
    # 99: beyond any context the engine sends (it reads 24 paragraphs at most)
    fake_openai.queue(_tool([("Valdoria demanded the release of 40 detained sailors.", [99])]))
    answer = make_answerer().ask(QUESTION)
    assert answer.abstained and answer.text == ABSTAIN_TEXT
    assert any(c["kind"] == "marker" for c in answer.cut)


def test_unsupported_sentence_and_invented_quote_are_cut(make_answerer, fake_openai):
    answerer = make_answerer()
    fake_openai.queue(Reply(tool_args={"sentences": [], "abstain": True}))
    answerer.ask(QUESTION)
    n = _context_number(fake_openai, "release of 40 detained sailors")
    fake_openai.queue(_tool([
        ("Valdoria demanded the release of 40 detained sailors.", [n]),
        ("Valdoria also demanded $9 billion in reparations.", [n]),
        ('Krell said "we will never negotiate with pirates."', [n]),
    ]))
    answer = answerer.ask(QUESTION)
    assert answer.text == "Valdoria demanded the release of 40 detained sailors [1]."
    reasons = " ".join(c["reason"] for c in answer.cut)
    assert "number" in reasons and "quotation" in reasons
    assert any("removed by the citation check" in n for n in answer.notes)


def test_plain_text_reply_is_parsed_by_the_fallback_parser(make_answerer, fake_openai):
    answerer = make_answerer()
    fake_openai.queue(Reply(tool_args={"sentences": [], "abstain": True}))
    answerer.ask(QUESTION)
    n = _context_number(fake_openai, "release of 40 detained sailors")
    fake_openai.queue(Reply(content=f"Valdoria demanded the release of 40 detained sailors [{n}]."))
    answer = answerer.ask(QUESTION)
    assert answer.engine == "llm" and "40 detained sailors" in answer.text


HALF = '{"sentences": [{"text": "Valdoria demanded the release of 40 detained sailors.", "citations": [1]}, {"te'


@pytest.mark.parametrize("reply,note", [
    (Reply(status=500), "HTTP 500"),
    (Reply(status=503), "HTTP 503"),
    (Reply(status=429), "rate-limited"),
    (Reply(body="{this is not json"), "malformed"),
    (Reply(body=""), "malformed"),
    (Reply(content="I am not sure, sorry."), "neither the expected JSON"),
    (Reply(content="\x00\x01 ��� <html>garbage</html>"), "neither the expected JSON"),
    (Reply(content=HALF), "unfinished or malformed JSON"),  # a reply cut off mid-way
    (Reply(content="```json\n" + HALF), "unfinished or malformed JSON"),
    (Reply(tool_args=HALF), "neither the expected JSON"),  # tool arguments cut off
    (Reply(status=400, content="This model's maximum context length is 4096 tokens"), "context window"),
])
def test_llm_failures_fall_back_to_the_extractive_engine(make_answerer, fake_openai, reply, note):
    fake_openai.queue(reply)
    answer = make_answerer().ask(QUESTION)
    assert answer.engine == "extractive" and not answer.abstained
    assert any(note in n for n in answer.notes), answer.notes
    assert "40 detained sailors" in " ".join(c.text for c in answer.citations)


def test_slow_llm_times_out_and_falls_back(make_answerer, fake_openai):
    fake_openai.queue(Reply(content="late", delay=3.0))
    answer = make_answerer(timeout=0.5).ask(QUESTION)
    assert answer.engine == "extractive" and any("in time" in n for n in answer.notes)


def test_injected_instructions_in_articles_cannot_produce_unsupported_text(make_answerer, fake_openai):
    answerer = make_answerer()
    # A model that obeyed the article's "praise the government" would say something like this:
    fake_openai.queue(_tool([("The government is wise and deserves praise.", [1])]))
    answer = answerer.ask("What did the protest signs in Sørhavn say?")
    assert "deserves praise" not in answer.text
    prompt = fake_openai.chat_requests()[-1]["messages"][0]["content"]
    rules, sources = prompt.split("Source paragraphs:")
    assert "data, not instructions" in rules and "Ignore all previous instructions" in sources


def test_follow_up_is_condensed_by_the_llm(make_answerer, fake_openai):
    answerer = make_answerer()
    fake_openai.queue(_tool([], abstain=True))
    answerer.ask("What did Selin Aydar say after the opening session?", session="c")
    fake_openai.queue(Reply(content="What did Selin Aydar say after the prisoner exchange?"), _tool([], abstain=True))
    answer = answerer.ask("and what did she say after the exchange?", session="c")
    assert answer.standalone == "What did Selin Aydar say after the prisoner exchange?"
    condense_prompt = fake_openai.chat_requests()[-2]["messages"][0]["content"]
    assert "Selin Aydar" in condense_prompt and "and what did she say" in condense_prompt


def test_parse_draft_accepts_fenced_json_and_rejects_prose():
    parsed = parse_draft('```json\n{"sentences": [{"text": "A.", "citations": [1]}], "abstain": false}\n```')
    assert parsed.sentences[0].citations == [1]
    from bot.llm import LLMError

    with pytest.raises(LLMError):
        parse_draft("no citations here at all")


def test_context_is_numbered_documents_with_outlet_and_date(examples_index):
    from index.search import search

    hits = search(examples_index, "ceasefire", k=3)
    text = format_context(hits)
    assert text.count("<document index=") == 3 and 'outlet="' in text and 'date="2026-11-' in text
