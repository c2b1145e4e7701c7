"""Timelines: event days read from the sentence, actor and topic timelines over examples/ with verified
citations, "nothing found" with the closest actors, the CLI, and the LLM path (one call per entry, verified,
extractive fallback) against the fake OpenAI-compatible server."""

import json
from datetime import UTC, date, datetime

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.qa.evaluate import citation_is_real
from bot.timeline import build_timeline
from bot.timeline.dates import event_date
from bot.verify import unsupported_reason
from tests.fakes import FakeOpenAI, Reply

SUNDAY = date(2011, 2, 27)


@pytest.mark.parametrize(("sentence", "day", "explicit"), [
    ("The U.N. Security Council on Saturday imposed sanctions on Gaddafi.", date(2011, 2, 26), True),
    ("Rebels took Misrata yesterday.", date(2011, 2, 26), True),
    ("On February 26, the council voted.", date(2011, 2, 26), True),
    ("On 26 February the UN voted.", date(2011, 2, 26), True),
    ("Gaddafi spoke last Sunday.", date(2011, 2, 20), True),
    ("He said on Sunday that he would stay.", SUNDAY, False),  # the publication day itself
    ("Talks will resume on Monday.", SUNDAY, False),  # a plan
    ("A draft text could be ready as early as Tuesday.", SUNDAY, False),
    ("Talks are due to resume in Sørhavn on December 8.", SUNDAY, False),
    ("Protests have spread since Feb. 15.", SUNDAY, False),  # background
    ("Aydar, who shuttled between the delegations on Monday night, called the deal hard won.", SUNDAY, False),
    ("Officials said they may 2 be late.", SUNDAY, False),
    ("Protesters gathered in the square on Monday.", SUNDAY, False),  # six days back: more likely tomorrow
    ("Protesters gathered in the square last Monday.", date(2011, 2, 21), True),
    ("No day is named here.", SUNDAY, False),
])
def test_the_event_day_is_read_from_the_sentence_against_the_publication_day(sentence, day, explicit):
    assert event_date(sentence, SUNDAY) == (event_date(sentence, SUNDAY).__class__)(day, explicit)


def test_december_in_a_january_article_is_last_year():
    assert event_date("On Dec. 28 the talks collapsed.", date(2011, 1, 5)).day == date(2010, 12, 28)


def assert_cited_and_verbatim(services, timeline):
    assert timeline.entries
    for entry in timeline.entries:
        assert entry.citations
        assert all(citation_is_real(services.index.catalog, c.article_id, c.paragraph, c.text)
                   for c in entry.citations)
        assert unsupported_reason(entry.text, [c.text for c in entry.citations]) is None
    assert [e.date for e in timeline.entries] == sorted(e.date for e in timeline.entries)


def test_an_actor_timeline_follows_every_alias_oldest_first(services):
    timeline = build_timeline(services, "Aidar")  # Coastline Daily's spelling
    assert timeline.actor and timeline.actor["name"] == "Selin Aydar"
    assert_cited_and_verbatim(services, timeline)
    assert [e.date for e in timeline.entries][0] == "2026-11-23"
    assert all("Aydar" in e.text or "Aidar" in e.text for e in timeline.entries)
    assert len({e.text for e in timeline.entries}) == len(timeline.entries)


def test_a_topic_timeline_picks_each_days_development_and_numbers_markers_once(services):
    timeline = build_timeline(services, "Valdoria Kestrel ceasefire talks")
    assert timeline.actor is None and timeline.matched >= 5
    assert_cited_and_verbatim(services, timeline)
    days = [e.date for e in timeline.entries]
    assert {"2026-11-23", "2026-11-24", "2026-11-25"} <= set(days)
    assert "ceasefire" in " ".join(e.text for e in timeline.entries).lower()
    markers = [c.marker for e in timeline.entries for c in e.citations]
    assert markers == sorted(markers) and markers[0] == 1
    keys = {c.key: c.marker for e in timeline.entries for c in e.citations}
    assert len(set(keys.values())) == len(keys)  # one paragraph, one number


def test_max_entries_and_the_window_bound_the_timeline(services):
    one = build_timeline(services, "Valdoria Kestrel ceasefire talks", max_entries=1)
    assert len(one.entries) == 1
    later = build_timeline(services, "Valdoria Kestrel ceasefire talks", since=datetime(2026, 11, 25, tzinfo=UTC))
    assert later.entries and all(e.date >= "2026-11-25" for e in later.entries)
    assert later.window[0] == "2026-11-25T00:00:00+00:00"


def test_nothing_found_names_the_closest_actors_or_where_the_topic_is(services):
    unknown = build_timeline(services, "Bitcoin price")
    assert not unknown.entries and unknown.message.startswith("Nothing found for “Bitcoin price”")
    assert unknown.suggestions["topics"]  # the closest articles' headlines
    ambiguous = build_timeline(services, "Voss")
    assert "Marek Voss" in ambiguous.message and "Tomas Voss" in ambiguous.message
    elsewhere = build_timeline(services, "Aydar", since=datetime(2026, 12, 1, tzinfo=UTC))
    assert "from 2026-11-23 to 2026-11-25" in elsewhere.message


def test_cli_timeline_prints_entries_and_json_has_the_documented_shape(examples_cli):
    runner = CliRunner()
    result = runner.invoke(app, ["timeline", "Aydar", "--json", "--max-entries", "2"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {"query", "actor", "window", "entries", "notes"} <= payload.keys() and len(payload["entries"]) <= 2
    assert {"date", "text", "citations", "also_reported_by"} == payload["entries"][0].keys()
    assert {"marker", "article_id", "title", "url", "source", "published", "paragraph", "text"} == \
        payload["entries"][0]["citations"][0].keys()
    text = runner.invoke(app, ["timeline", "Aydar", "--until", "2026-11-23"], catch_exceptions=False)
    assert text.exit_code == 0 and "2026-11-23" in text.stdout and "2026-11-25" not in text.stdout
    assert "Sources" in text.stdout and "[1]" in text.stdout
    missing = runner.invoke(app, ["timeline", "Bitcoin price"])
    assert missing.exit_code == 1 and "Nothing found" in missing.stdout
    backwards = runner.invoke(app, ["timeline", "Aydar", "--since", "2026-11-25", "--until", "2026-11-23"])
    assert backwards.exit_code == 2


# -- the LLM engine ---------------------------------------------------------------------------------
def _tool(sentences, abstain=False):
    return Reply(tool_args={"sentences": [{"text": t, "citations": c} for t, c in sentences], "abstain": abstain})


def _number_of(fake_openai: FakeOpenAI, needle: str, request: int = -1) -> int:
    prompt = fake_openai.chat_requests()[request]["messages"][0]["content"]
    for block in prompt.split('<document index="')[1:]:
        if needle in block:
            return int(block.split('"')[0])
    raise AssertionError(f"{needle!r} not in the prompt")


def test_llm_entries_are_verified_one_call_per_entry_and_fall_back_when_cut(llm_services, fake_openai):
    fake_openai.queue(*[_tool([], abstain=True)] * 3)  # a probe: learn each day's numbering
    probe = build_timeline(llm_services, "Aydar", max_entries=3)
    assert len(fake_openai.chat_requests()) == len(probe.entries) and probe.engine == "extractive"
    assert any("citation check" in note for note in probe.notes)
    first_prompt = fake_openai.chat_requests()[0]["messages"][0]["content"]
    assert "2026-11-23" in first_prompt and "data, not instructions" in first_prompt
    n = _number_of(fake_openai, "Old Customs House, are being mediated", request=0)
    fake_openai.queue(_tool([
        ("Lunerian Foreign Minister Selin Aydar mediated the talks at the Old Customs House.", [n]),
        ("Aydar won a $9 billion prize.", [n])]),
                      *[_tool([], abstain=True)] * 2)
    timeline = build_timeline(llm_services, "Aydar", max_entries=3)
    assert timeline.engine == "extractive+llm"
    first = timeline.entries[0]
    assert first.text == "Lunerian Foreign Minister Selin Aydar mediated the talks at the Old Customs House."
    assert "Old Customs House" in first.citations[0].text
    assert all(citation_is_real(llm_services.index.catalog, c.article_id, c.paragraph, c.text)
               for e in timeline.entries for c in e.citations)


def test_an_llm_entry_giving_the_mediation_to_the_wrong_side_is_cut_by_the_meaning_check(llm_services, fake_openai):
    fake_openai.queue(*[_tool([], abstain=True)] * 3)  # a probe: learn each day's numbering
    build_timeline(llm_services, "Aydar", max_entries=3)
    n = _number_of(fake_openai, "Old Customs House, are being mediated", request=0)
    mediated = "The talks at the Old Customs House were mediated by the Northern Maritime Council."
    fake_openai.queue(_tool([(mediated, [n])]), *[_tool([], abstain=True)] * 2)
    timeline = build_timeline(llm_services, "Aydar", max_entries=3)
    assert timeline.engine == "extractive"  # the one LLM sentence was cut, so the entry was extracted
    assert "Northern Maritime Council" not in timeline.entries[0].text
    assert any("citation check" in note for note in timeline.notes)
    paragraph = next(c.text for c in timeline.entries[0].citations if "Old Customs House" in c.text)
    reason = unsupported_reason("The talks at the Old Customs House were mediated by the Northern Maritime Council.",
                                [paragraph], None, llm_services.index.catalog)
    assert reason.startswith("says the Northern Maritime Council mediated") and "Aydar did" in reason


def test_llm_failure_extracts_every_entry_after_one_failed_call(llm_services, fake_openai):
    fake_openai.queue(Reply(status=500))
    timeline = build_timeline(llm_services, "Aydar")
    assert timeline.engine == "extractive" and timeline.entries
    assert any("HTTP 500" in note for note in timeline.notes)
    assert len(fake_openai.chat_requests()) == 1
