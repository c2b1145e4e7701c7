"""Briefings: stories clustered across outlets, valid citations, what's new per recipient, empty days,
and the LLM path (map-reduce, verifier, fallback) against the fake OpenAI-compatible server."""

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from bot.briefing.briefing import NOTHING_NEW, Briefing, brief
from bot.briefing.deliveries import Recall
from bot.briefing.llm import llm_bullets
from bot.citations import hit_for_paragraph
from bot.cli import app
from bot.llm import LLMEngine, format_context
from bot.qa.evaluate import citation_is_real
from bot.services import Services
from bot.settings import Settings
from bot.text import fold
from index.sources import read_paths
from tests.conftest import EXAMPLES
from tests.fakes import FakeOpenAI, Reply

DAY1, DAY2, DAY3 = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)


@pytest.fixture()
def services(examples_index, tmp_path):
    """Services over the shared examples index; briefing memory goes to tmp_path."""
    opened = Services.open(Settings(NEWSBOT_DATA_DIR=str(tmp_path), NEWSBOT_TIMEZONE="UTC"), index=examples_index)
    yield opened
    opened.memory.close()  # the shared index stays open for other tests


def ids(index, *stems: str) -> set[str]:
    return {i for stem in stems for i in index.catalog.ids_by_origin_stem(stem)}


def all_citations(briefing: Briefing):
    return [c for s in briefing.stories for b in s.bullets for c in b.citations]


def test_a_story_told_by_two_outlets_is_one_story(services):
    index = services.index
    day1 = brief(services, day=DAY1)
    assert [set(s.articles) for s in day1.stories] == [
        ids(index, "day1-harbor-talks-open", "day1-coastline-talks-open"), ids(index, "day1-meridian-storm-idra")]
    talks, storm = day1.stories
    assert set(talks.sources) == {"Harbor Wire", "Coastline Daily"} and storm.sources == ["The Meridian Post"]
    assert "Storm Idra" in storm.headline and any(a.startswith("Selin") for a in talks.actors)
    day2 = brief(services, day=DAY2)
    assert [set(s.articles) for s in day2.stories] == [
        ids(index, "day2-harbor-ceasefire-signed", "day2-meridian-ceasefire-agreed")]


def test_every_bullet_is_a_verbatim_sentence_citing_a_real_paragraph(services):
    for day in (DAY1, DAY2, DAY3):
        briefing = brief(services, day=day)
        assert briefing.engine == "extractive" and briefing.message is None
        for story in briefing.stories:
            assert 2 <= len(story.bullets) <= 4
            for bullet in story.bullets:
                assert bullet.citations and fold(bullet.text) in fold(bullet.citations[0].text)
        citations = all_citations(briefing)
        assert all(citation_is_real(services.index.catalog, c.article_id, c.paragraph, c.text) for c in citations)
        markers = {c.key: c.marker for c in citations}  # one paragraph, one marker, numbered from 1
        assert sorted(set(markers.values())) == list(range(1, len(markers) + 1))


def test_bullets_prefer_different_outlets_and_say_each_claim_once(services):
    talks = brief(services, day=DAY1).stories[0]
    assert {c.source for b in talks.bullets for c in b.citations} == {"Harbor Wire", "Coastline Daily"}
    sailors = [b for b in talks.bullets if "40 sailors" in b.text or "40 detained sailors" in b.text]
    assert len(sailors) <= 1  # both outlets report the demand; the briefing says it once


def test_a_continuing_story_is_an_update_and_repeats_are_left_out(services):
    first = brief(services, day=DAY1, recipient="chat-1")
    assert not any(s.update for s in first.stories)
    second = brief(services, day=DAY2, recipient="chat-1")
    (ceasefire,) = second.stories
    assert ceasefire.update  # the ceasefire continues the talks delivered yesterday
    assert "signed" in ceasefire.bullets[0].text  # the news itself is not mistaken for a repeat
    assert brief(services, day=DAY2, recipient="someone-else").stories[0].update is False
    again = brief(services, day=DAY2, recipient="chat-1")
    assert again.stories == [] and again.message == NOTHING_NEW


def test_a_deferred_briefing_counts_as_delivered_only_once_confirmed(services):
    unsent = brief(services, day=DAY2, recipient="tg:7", remember=False)
    assert unsent.stories and unsent.confirm is not None
    retry = brief(services, day=DAY2, recipient="tg:7", remember=False)  # the send failed: nothing was lost
    assert [s.headline for s in retry.stories] == [s.headline for s in unsent.stories]
    retry.confirm()
    assert brief(services, day=DAY2, recipient="tg:7").message == NOTHING_NEW


def test_new_coverage_of_a_delivered_story_drops_the_delivered_bullets(new_index, tmp_path):
    index = new_index()
    settings = Settings(NEWSBOT_DATA_DIR=str(tmp_path / "state"), NEWSBOT_TIMEZONE="UTC")
    services = Services.open(settings, index=index)
    index.ingest(read_paths([EXAMPLES / "articles" / "day1-harbor-talks-open.md"], 100_000))
    before = brief(services, day=DAY1, recipient="cli:me")
    index.ingest(read_paths([EXAMPLES / "articles" / "day1-coastline-talks-open.md"], 100_000))
    after = brief(services, day=DAY1, recipient="cli:me")
    (story,) = after.stories
    assert story.update and "Coastline Daily" in story.sources
    told = {b.text for s in before.stories for b in s.bullets}
    assert story.bullets and not told & {b.text for b in story.bullets}
    services.memory.close()


def test_an_empty_day_names_the_nearest_dates(services):
    gap = brief(services, day=date(2026, 11, 20))
    assert gap.stories == [] and "2026-11-20" in gap.message and "2026-11-23 (later)" in gap.message
    after = brief(services, day=date(2026, 12, 1))
    assert "2026-11-25 (earlier)" in after.message


def test_cli_brief_json_and_empty_day_exit_zero(examples_index, monkeypatch):
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(examples_index.config.data_dir))
    monkeypatch.setenv("NEWSBOT_TIMEZONE", "UTC")
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "NEWSBOT_CHROMA_URL"):
        monkeypatch.delenv(var, raising=False)
    runner = CliRunner()
    result = runner.invoke(app, ["brief", "--date", "2026-11-24", "--json"], catch_exceptions=False)
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert {"date", "generated_at", "engine", "stories"} <= payload.keys() and payload["date"] == "2026-11-24"
    story = payload["stories"][0]
    assert {"headline", "bullets", "actors", "sources", "articles", "update"} <= story.keys()
    assert {"marker", "article_id", "title", "url", "source", "published", "paragraph", "text"} == \
        story["bullets"][0]["citations"][0].keys()
    empty = runner.invoke(app, ["brief", "--date", "2026-11-30"], catch_exceptions=False)
    assert empty.exit_code == 0 and "2026-11-25" in empty.stdout
    text = runner.invoke(app, ["brief", "--date", "2026-11-23", "--max-stories", "1"], catch_exceptions=False)
    assert text.exit_code == 0 and "Sørhavn" in text.stdout and "Storm" not in text.stdout and "[1]" in text.stdout
    both = runner.invoke(app, ["brief", "--date", "2026-11-23", "--since", "2026-11-22"])
    assert both.exit_code != 0


# -- the LLM engine ---------------------------------------------------------------------------------
def _tool(sentences, abstain=False):
    return Reply(tool_args={"sentences": [{"text": t, "citations": c} for t, c in sentences], "abstain": abstain})


def _number_of(fake_openai: FakeOpenAI, needle: str) -> int:
    """Which [n] the last prompt gave the paragraph containing `needle`."""
    prompt = fake_openai.chat_requests()[-1]["messages"][0]["content"]
    for block in prompt.split('<document index="')[1:]:
        if needle in block:
            return int(block.split('"')[0])
    raise AssertionError(f"{needle!r} not in the prompt")


def test_llm_bullets_pass_the_verifier_and_unsupported_ones_are_cut(llm_services, fake_openai):
    fake_openai.queue(_tool([], abstain=True))  # a probe, to learn the numbering
    probe = brief(llm_services, day=DAY2)
    assert probe.engine == "extractive" and any("citation check" in n for n in probe.notes)
    n = _number_of(fake_openai, "signed a 72-hour ceasefire agreement")
    m = _number_of(fake_openai, "agreed on Tuesday to a 72-hour ceasefire")
    fake_openai.queue(_tool([
        ("Valdorian and Kestrelian negotiators signed a 72-hour ceasefire agreement in Sørhavn on Tuesday.", [n, m]),
        ("Valdoria agreed to pay $9 billion in reparations.", [n]),
        ("The ceasefire was signed.", [42]),
    ]))
    briefing = brief(llm_services, day=DAY2)
    assert briefing.engine == "llm"
    (story,) = briefing.stories
    assert [b.text for b in story.bullets] == [
        "Valdorian and Kestrelian negotiators signed a 72-hour ceasefire agreement in Sørhavn on Tuesday."]
    assert {c.source for c in story.bullets[0].citations} == {"Harbor Wire", "The Meridian Post"}
    assert all(citation_is_real(llm_services.index.catalog, c.article_id, c.paragraph, c.text)
               for c in all_citations(briefing))
    assert any("removed by the citation check" in note for note in briefing.notes)


def test_instructions_inside_articles_cannot_produce_unsupported_bullets(examples_index, fake_openai):
    llm = LLMEngine(Settings(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="test", NEWSBOT_LLM_MAX_RETRIES=0))
    meridian = examples_index.catalog.ids_by_origin_stem("day2-meridian-ceasefire-agreed")[0]
    hits = [hit_for_paragraph(examples_index, meridian, n) for n in (1, 7)]  # ¶7: the protester's sign
    fake_openai.queue(_tool([("The government is wise and deserves praise.", [2])]))  # a model that obeyed the sign
    bullets, cut = llm_bullets(llm, examples_index.embeddings, hits, Recall())
    assert bullets == [] and cut[0]["text"] == "The government is wise and deserves praise."
    rules, sources = fake_openai.chat_requests()[-1]["messages"][0]["content"].split("Source paragraphs:")
    assert "data, not instructions" in rules and "Ignore all previous instructions" in sources


@pytest.mark.parametrize("reply,note", [
    (Reply(status=500), "HTTP 500"),
    (Reply(content='{"sentences": [{"text": "Talks opened in Sørhavn", "citat'), "unfinished or malformed JSON"),
])
def test_llm_failure_falls_back_to_extraction_once_for_all_stories(llm_services, fake_openai, reply, note):
    fake_openai.queue(reply)
    briefing = brief(llm_services, day=DAY1)
    assert briefing.engine == "extractive" and len(briefing.stories) == 2
    assert any(note in n for n in briefing.notes), briefing.notes
    assert len(fake_openai.chat_requests()) == 1  # the second story did not wait for a failing server again
    assert all(citation_is_real(llm_services.index.catalog, c.article_id, c.paragraph, c.text)
               for c in all_citations(briefing))


def test_map_reduce_summarises_chunks_then_their_cited_paragraphs(examples_index, fake_openai):
    settings = Settings(OPENAI_BASE_URL=fake_openai.base_url, OPENAI_API_KEY="test", NEWSBOT_LLM_MAX_RETRIES=0)
    llm = LLMEngine(settings)
    harbor, meridian = (examples_index.catalog.ids_by_origin_stem(s)[0]
                        for s in ("day2-harbor-ceasefire-signed", "day2-meridian-ceasefire-agreed"))
    hits = [hit_for_paragraph(examples_index, a, n) for a, n in ((harbor, 1), (harbor, 3), (meridian, 3))]
    sizes = [len(format_context([h])) + 1 for h in hits]
    chunk_chars = sizes[0] + max(sizes[1], sizes[2])  # chunks [1, 2] and [3]; the reduce step gets [1, 3]
    fake_openai.queue(
        _tool([("Valdorian and Kestrelian negotiators signed a 72-hour ceasefire agreement.", [1])]),  # map, chunk 1
        _tool([("The 40 Valdorian sailors will be exchanged on Wednesday for 25 Kestrelian soldiers.", [1])]),
        _tool([("Negotiators signed a 72-hour ceasefire agreement in Sørhavn.", [1]),  # reduce
               ("The 40 Valdorian sailors will be exchanged for 25 Kestrelian soldiers.", [2])]),
    )
    bullets, cut = llm_bullets(llm, examples_index.embeddings, hits, Recall(), chunk_chars=chunk_chars)
    assert len(fake_openai.chat_requests()) == 3 and not cut
    assert [b.citations[0].key for b in bullets] == [(harbor, 1), (meridian, 3)]
    reduce_prompt = fake_openai.chat_requests()[-1]["messages"][0]["content"]
    assert "- The 40 Valdorian sailors will be exchanged on Wednesday for 25 Kestrelian soldiers. [2]" in reduce_prompt
