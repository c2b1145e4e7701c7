"""Article summaries: cited gist and bullets in article order, from the index, files and links; refusals."""

import json
import re
import time

import pytest

from bot.llm import LLMEngine
from bot.qa.answer import Answerer
from bot.qa.evaluate import citation_is_real
from bot.qa.memory import Memory
from bot.services import Services
from bot.settings import Settings
from bot.summary.parts import article_hits, split_parts
from bot.summary.summarize import Summary, SummaryError, summarize
from bot.text import fold
from index.sources import read_file
from tests.conftest import EXAMPLES
from tests.fakes import Reply
from tests.fakes.news_site import FERRY, NAV, NewsSite, article_html

LLM_ENV = {"OPENAI_API_KEY": "test", "NEWSBOT_LLM_MODEL": "fake-model", "NEWSBOT_LLM_TIMEOUT": 5.0,
           "NEWSBOT_LLM_MAX_RETRIES": 0}


@pytest.fixture()
def make_services(tmp_path):
    """Services over a given index, with or without an LLM, like Services.open builds them."""
    memories: list[Memory] = []

    def build(index, llm_url: str | None = None, **env) -> Services:
        settings = Settings(NEWSBOT_DATA_DIR=str(tmp_path), **({**LLM_ENV, "OPENAI_BASE_URL": llm_url} if llm_url
                                                                 else {}), **env)
        memory = Memory(tmp_path / f"memory{len(memories)}.sqlite3")
        memories.append(memory)
        llm = LLMEngine(settings) if llm_url else None
        return Services(settings, index, llm, memory, Answerer(index, memory, llm))

    yield build
    for memory in memories:
        memory.close()


@pytest.fixture()
def site():
    with NewsSite() as server:
        yield server


def _markers_and_order(summary: Summary) -> None:
    """Bullets in article order; markers number the cited paragraphs 1..m in article order."""
    firsts = [b.citations[0].paragraph for b in summary.bullets]
    assert firsts == sorted(firsts)
    cited = summary.citations
    assert [c.marker for c in cited] == list(range(1, len(cited) + 1))
    assert [c.paragraph for c in cited] == sorted(c.paragraph for c in cited)


def _all_citations(summary: Summary):
    return [c for item in (summary.gist, *summary.bullets) for c in item.citations]


# -- the extractive engine on the indexed examples ---------------------------------------------------------
def test_every_example_article_is_summarised_with_real_citations_in_order(examples_index, make_services):
    services = make_services(examples_index)
    ids = [r["id"] for r in examples_index.catalog.conn.execute("SELECT id FROM articles").fetchall()]
    assert len(ids) == 8
    for article_id in ids:
        summary = summarize(services, article_id)
        paragraphs = len(examples_index.catalog.article(article_id).indexable)
        assert summary.engine == "extractive" and summary.article["id"] == article_id
        assert len(summary.bullets) == min(5, paragraphs - 1)
        for item in (summary.gist, *summary.bullets):
            assert item.citations, item
            for c in item.citations:
                assert citation_is_real(examples_index.catalog, c.article_id, c.paragraph, c.text)
                assert fold(item.text) in fold(c.text)  # extractive: verbatim from the paragraph it cites
        assert summary.gist.citations[0].paragraph <= 3
        assert len({fold(b.text) for b in summary.bullets} | {fold(summary.gist.text)}) == len(summary.bullets) + 1
        assert summary.actors
        _markers_and_order(summary)


def test_bullets_are_held_to_three_to_six_and_short_articles_get_fewer(examples_index, make_services):
    services = make_services(examples_index)
    longest = "d63303c9fc471696"  # 8 paragraphs
    assert len(examples_index.catalog.article(longest).indexable) == 8
    assert len(summarize(services, longest, bullets=10).bullets) == 6
    assert len(summarize(services, longest, bullets=1).bullets) == 3
    assert len(summarize(services, longest, bullets=4).bullets) == 4
    storm = "fdd16a01d9c0f36c"  # 5 paragraphs: the gist takes one, four are left for bullets
    assert len(summarize(services, storm, bullets=6).bullets) == 4


def test_json_has_the_documented_shape(examples_index, make_services):
    payload = summarize(make_services(examples_index), "sample-coastline-0125").to_json()
    assert set(payload) == {"article", "gist", "bullets", "actors", "engine"}
    assert set(payload["article"]) == {"id", "title", "url", "source", "published"}
    assert payload["article"]["published"].startswith("2026-11-25")
    assert set(payload["gist"]) == {"text", "citations"} and set(payload["bullets"][0]) == {"text", "citations"}
    assert set(payload["bullets"][0]["citations"][0]) == {"marker", "article_id", "title", "url", "source",
                                                          "published", "paragraph", "text"}
    assert any(name.startswith("Selin A") for name in payload["actors"])  # Aidar or Aydar: the resolver decides
    json.dumps(payload)


def test_files_one_article_each_or_named_with_a_fragment(examples_index, make_services, tmp_path):
    services = make_services(examples_index)
    many = EXAMPLES / "articles" / "articles.jsonl"
    with pytest.raises(SummaryError, match=r"holds 3 articles.*#ID"):
        summarize(services, str(many))
    picked = summarize(services, f"{many}#sample-meridian-0125")
    assert picked.article["id"] == "sample-meridian-0125" and picked.article["indexed"]  # the catalog's copy
    assert summarize(services, f"{many}#2").article["id"] == "sample-meridian-0125"
    with pytest.raises(SummaryError, match="no article with id 'nope'"):
        summarize(services, f"{many}#nope")
    html = summarize(services, str(EXAMPLES / "articles" / "day2-harbor-ceasefire-signed.html"))
    assert html.article["indexed"] and all(citation_is_real(examples_index.catalog, c.article_id, c.paragraph,
                                                            c.text) for c in _all_citations(html))


@pytest.mark.parametrize("target,message", [
    ("no-such-article", "neither an article id in the index, nor a link, nor an existing file"),
    ("", "say what to summarise"),
    ("ftp://127.0.0.1/a", "only http and https"),
])
def test_unknown_targets_are_refused_clearly(examples_index, make_services, target, message):
    with pytest.raises(SummaryError, match=message):
        summarize(make_services(examples_index), target)


def test_a_file_outside_the_index_is_summarised_but_not_added(examples_index, make_services, tmp_path):
    path = tmp_path / "ferry.md"
    path.write_text("# " + FERRY.title + "\nSource: Harbor Wire\nPublished: 2024-03-14\n\n"
                    + "\n\n".join(FERRY.paragraphs), encoding="utf-8")
    before = examples_index.catalog.counts()
    summary = summarize(make_services(examples_index), str(path))
    assert examples_index.catalog.counts() == before and not summary.article["indexed"]
    article = next(iter(read_file(path, 200_000)))
    for c in _all_citations(summary):
        assert c.article_id == article.id and c.text == article.paragraphs[c.paragraph - 1].text
        assert c.source == "Harbor Wire" and c.published.date().isoformat() == "2024-03-14"
    assert "Anneke Voss" in summary.actors
    _markers_and_order(summary)


def test_a_file_over_the_size_cap_is_refused(examples_index, make_services, tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("Big\n\n" + "\n\n".join(FERRY.paragraphs), encoding="utf-8")
    with pytest.raises(SummaryError, match="over the cap"):
        summarize(make_services(examples_index, NEWSBOT_MAX_ARTICLE_CHARS=300), str(path))


# -- long articles from ../shared/data ---------------------------------------------------------------------
def test_the_longest_dev_article_is_summarised_in_parts(shared_data, new_index, make_services, tmp_path):
    rows = [json.loads(line) for line in (shared_data / "rtqa-dev" / "articles.jsonl").open(encoding="utf-8")]
    longest = max(rows, key=lambda r: len(r["text"]))
    path = tmp_path / "longest.jsonl"
    path.write_text(json.dumps(longest) + "\n", encoding="utf-8")
    article = next(iter(read_file(path, 200_000)))
    assert len(split_parts(article_hits(article))) > 1
    started = time.monotonic()
    summary = summarize(make_services(new_index()), str(path))
    assert time.monotonic() - started < 120
    assert any("parts" in n for n in summary.notes), summary.notes
    assert 3 <= len(summary.bullets) <= 5
    for item in (summary.gist, *summary.bullets):
        for c in item.citations:
            stored = article.paragraphs[c.paragraph - 1]
            assert c.article_id == article.id and stored.number == c.paragraph and stored.text == c.text
            assert fold(item.text) in fold(c.text)
    assert max(c.paragraph for c in summary.citations) > 40  # the parts beyond the first were read
    _markers_and_order(summary)


# -- links --------------------------------------------------------------------------------------------------
def test_a_link_is_fetched_and_summarised_without_joining_the_index(examples_index, make_services, site):
    url = site.page("/news/ferry", article_html(FERRY))
    before = examples_index.catalog.counts()
    summary = summarize(make_services(examples_index), url)
    assert examples_index.catalog.counts() == before and not summary.article["indexed"]
    assert summary.article["title"] == FERRY.title and summary.article["source"] == "Harbor Wire"
    assert summary.article["published"].startswith("2024-03-14") and summary.article["url"] == url
    for c in _all_citations(summary):
        assert c.text == FERRY.paragraphs[c.paragraph - 1] and c.url == url
    assert 3 <= len(summary.bullets) <= 4
    _markers_and_order(summary)


def test_an_admin_can_add_a_link_to_the_index(new_index, make_services, site):
    index = new_index()
    url = site.page("/news/ferry", article_html(FERRY))
    summary = summarize(make_services(index), url, add_to_index=True)
    assert summary.article["indexed"] and any("added to the index" in n for n in summary.notes)
    assert index.catalog.state(summary.article["id"]) == "indexed"
    assert all(citation_is_real(index.catalog, c.article_id, c.paragraph, c.text) for c in _all_citations(summary))
    again = summarize(make_services(index), url)  # now read from the catalog, not fetched again
    assert again.article["indexed"] and len(site.hits("/news/ferry")) == 1


@pytest.mark.parametrize("path,message", [
    ("/gone", "HTTP 404"),
    ("/report.pdf", r"not an HTML page.*application/pdf"),
    ("/report", "PDF"),
    ("/world", "too little text"),
    ("/slow", "timed out"),
])
def test_pages_that_are_not_articles_are_refused_clearly(examples_index, make_services, site, path, message):
    site.page("/report.pdf", b"%PDF-1.7\n%fake\n", content_type="application/pdf")
    site.page("/report", b"%PDF-1.7\n%fake\n", content_type="text/html")
    site.page("/world", f"<html><head><title>World</title></head><body><nav><ul>{NAV}</ul></nav><h1>World news</h1>"
                        "<ul><li><a href='/a'>Ferry vote</a></li><li><a href='/b'>Apple harvest</a></li></ul></body>"
                        "</html>")
    site.slow("/slow", 5.0, article_html(FERRY))
    services = make_services(examples_index, NEWSBOT_FETCH_TIMEOUT=0.5)
    started = time.monotonic()
    with pytest.raises(SummaryError, match=message) as refused:
        summarize(services, site.url(path))
    assert "\n" not in str(refused.value) and site.url(path) in str(refused.value)
    assert time.monotonic() - started < 5


# -- the LLM engine against the fake OpenAI-compatible server ----------------------------------------------
def _tool(sentences):
    return Reply(tool_args={"sentences": [{"text": t, "citations": c} for t, c in sentences], "abstain": False})


def test_llm_summary_is_verified_and_put_in_article_order(examples_index, make_services, fake_openai):
    services = make_services(examples_index, fake_openai.base_url)
    fake_openai.queue(_tool([
        ("Valdoria and the Kestrel Republic exchanged 65 prisoners at the Halden Bridge.", [1]),
        ("Observers from the Northern Maritime Council confirmed that the ceasefire had held.", [4]),
        ("Forty Valdorian sailors walked across the bridge while 25 Kestrelian soldiers crossed the other way.", [2]),
        ("Valdoria also paid $9 billion in reparations.", [2]),
        ("Selin Aidar brokered the deal.", [3, 99]),
        ("The exchange ended the war for good.", [42]),
        ("Valdoria and the Kestrel Republic exchanged 65 prisoners at Halden Bridge.", [1]),  # the gist again
    ]))
    summary = summarize(services, "sample-coastline-0125")
    assert summary.engine == "llm"
    assert summary.gist.text.startswith("Valdoria and the Kestrel Republic exchanged 65")
    assert [b.text.split()[0] for b in summary.bullets] == ["Forty", "Selin", "Observers"]
    assert [[c.paragraph for c in b.citations] for b in summary.bullets] == [[2], [3], [4]]
    cut = " ".join(n for n in summary.notes if "removed by the citation check" in n)
    assert "$9 billion" in cut and "number" in cut and "ended the war" in cut and "¶42" in cut
    assert all(citation_is_real(examples_index.catalog, c.article_id, c.paragraph, c.text)
               for c in _all_citations(summary))
    _markers_and_order(summary)
    prompt = fake_openai.chat_requests()[-1]["messages"][0]["content"]
    assert '<paragraph number="1">' in prompt and "data, not instructions" in prompt and "up to 5 bullet" in prompt


def test_llm_gist_failing_the_check_is_replaced_by_the_lead(examples_index, make_services, fake_openai):
    fake_openai.queue(_tool([("The war is over and everyone is happy.", [1]),
                      ("Forty Valdorian sailors walked across the bridge.", [2])]))
    summary = summarize(make_services(examples_index, fake_openai.base_url), "sample-coastline-0125")
    assert summary.engine == "llm" and summary.gist.citations[0].paragraph == 1
    assert "exchanged 65 prisoners" in summary.gist.text and any("unsupported gist" in n for n in summary.notes)


@pytest.mark.parametrize("reply,note", [
    (Reply(status=500), "HTTP 500"),
    (Reply(content="I would rather not."), "neither the expected JSON"),
    (Reply(content='{"sentences": [{"text": "Sixty-five prisoners crossed', ), "unfinished or malformed JSON"),
    (Reply(status=503), "HTTP 503"),
    (Reply(tool_args={"sentences": [{"text": "Peace reigns.", "citations": [1]},
                                    {"text": "Everyone went home happy and rich.", "citations": [2]}]}),
     "none of the LLM's bullets passed"),
])
def test_llm_failure_falls_back_to_the_extractive_summary(examples_index, make_services, fake_openai, reply, note):
    fake_openai.queue(reply)
    summary = summarize(make_services(examples_index, fake_openai.base_url), "sample-coastline-0125")
    assert summary.engine == "extractive" and len(summary.bullets) == 5
    assert any(note in n and "extracted from the article instead" in n for n in summary.notes), summary.notes


def test_llm_map_reduce_keeps_the_articles_paragraph_numbers(examples_index, make_services, fake_openai, tmp_path):
    towns = ["Arvik", "Belmont", "Corrin", "Dunmere", "Estby", "Farrow", "Galway", "Hollin", "Ivers"]
    paragraphs = [f"The council of {towns[i % 9]} voted on item {i} of the harbour budget on Tuesday, "
                  f"approving {i * 10} new mooring posts for the fishing fleet." for i in range(1, 91)]
    path = tmp_path / "long.txt"
    path.write_text("Harbour budget approved item by item\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    article = next(iter(read_file(path, 200_000)))
    parts = split_parts(article_hits(article))
    assert [len(p) for p in parts] == [40, 40, 10]
    for part in parts:  # map: each part's first paragraph, plus one citation outside the part (cut)
        first = part[0].paragraph
        fake_openai.queue(_tool([(paragraphs[first - 1], [first]), (paragraphs[first], [first + 1]),
                          (paragraphs[0], [first + 45])]))
    fake_openai.queue(_tool([(paragraphs[0], [1]), (paragraphs[81], [82]), (paragraphs[40], [41])]))  # reduce
    summary = summarize(make_services(examples_index, fake_openai.base_url), str(path))
    assert summary.engine == "llm" and fake_openai.pending == 0
    assert summary.gist.citations[0].paragraph == 1
    assert [b.citations[0].paragraph for b in summary.bullets] == [41, 82]
    for c in _all_citations(summary):
        assert c.text == paragraphs[c.paragraph - 1] and c.article_id == article.id
    assert any("3 parts" in n for n in summary.notes) and any("not a paragraph shown" in n for n in summary.notes)
    prompts = [r["messages"][0]["content"] for r in fake_openai.chat_requests()]
    assert '<paragraph number="41">' in prompts[1] and '<paragraph number="40">' not in prompts[1]
    assert "part 2 of 3" in prompts[1]
    reduced = {int(n) for n in re.findall(r'<paragraph number="(\d+)">', prompts[-1])}
    assert reduced == {1, 2, 41, 42, 81, 82}


# -- the CLI --------------------------------------------------------------------------------------------------
def test_cli_prints_gist_bullets_and_sources_or_json_or_a_one_line_refusal(data_dir):
    from typer.testing import CliRunner

    from bot.cli import app

    runner = CliRunner()
    jsonl = EXAMPLES / "articles" / "articles.jsonl"
    out = runner.invoke(app, ["summarize", f"{jsonl}#sample-harbor-0125", "--bullets", "3"], catch_exceptions=False)
    assert out.exit_code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("First grain ship") and sum(line.startswith("• ") for line in lines) == 3
    assert "[1]." in lines[3] and "Sources:" in out.stdout and "Harbor Wire, 2026-11-25: [1] ¶1" in out.stdout
    payload = json.loads(runner.invoke(app, ["summarize", f"{jsonl}#1", "--json"]).stdout)
    assert payload["article"]["id"] == "sample-coastline-0125" and len(payload["bullets"]) == 5
    refused = runner.invoke(app, ["summarize", str(jsonl)])
    assert refused.exit_code == 1 and "holds 3 articles" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and "Traceback" not in refused.stderr + refused.stdout
    assert json.loads(runner.invoke(app, ["stats", "--json"]).stdout)["articles"] == 0  # nothing was added


def test_an_article_in_one_block_counts_sentences_and_a_one_liner_is_refused(examples_index, make_services,
                                                                             tmp_path):
    services = make_services(examples_index)
    block = tmp_path / "block.txt"
    block.write_text("Ferry vote\n\n" + " ".join(FERRY.paragraphs), encoding="utf-8")
    summary = summarize(services, str(block))
    assert len(summary.bullets) == 4 and {c.paragraph for c in summary.citations} == {1}
    one = tmp_path / "one.txt"
    one.write_text("Ferry vote\n\n" + FERRY.paragraphs[0], encoding="utf-8")
    with pytest.raises(SummaryError, match="too short to summarise"):
        summarize(services, str(one))


def test_llm_map_reduce_gives_up_at_its_deadline(examples_index, make_services, fake_openai):
    from bot.llm import LLMError
    from bot.summary.llm import summarize_llm
    from index.search import Hit

    hits = [Hit("long", "Long", None, None, None, n, f"Paragraph {n} says something about the harbour.", 0.0)
            for n in range(1, 91)]
    llm = make_services(examples_index, fake_openai.base_url).llm
    with pytest.raises(LLMError, match="took too long"):
        summarize_llm(llm, hits, 5, deadline=time.monotonic() - 1)
    assert fake_openai.chat_requests() == []
