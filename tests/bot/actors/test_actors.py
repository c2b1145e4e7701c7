"""Actors end to end: extraction at ingest, alias resolution, lookups, dossiers and the CLI."""

import hashlib
import json
import math
import re

import pytest
from langchain_core.embeddings import Embeddings
from typer.testing import CliRunner

from bot.actors import actor_filters, build_dossier, rank_actors
from bot.cli import app
from index.actors import actors_in_text, extract, lookup, paragraph_keys, resolve_name, suggest
from index.articles import make_article
from index.search import search
from index.sources import read_paths
from index.store import Index
from tests.conftest import EXAMPLES, make_config

LIBYA = ["f5a0e76b67e0", "fe1ab59aa2ed", "809c73f156a7", "e04b36b31280", "c4c06e926998", "9e1210365d21",
         "60d78ef9baee", "6c16e32b37f8", "894bb16899d2", "e8673b8f4852", "32a237fd63af", "133be56f2316"]
EGYPT = ["587cafca6ec0", "8ba03843f82f", "68ae29ba4741", "94ecb8200ff7", "71ddc112bc4f", "ccbb46f561cf",
         "b6a13d663282", "87c7f1a6f5c2", "18ff78fdb987", "cba22a1ff293", "b21f4bd966e9"]


class HashEmbeddings(Embeddings):
    """A fake embedding model (hashed bag of words): actors need no semantic vectors, and it is instant."""

    model_id = "test-hash-64"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self.embed_query(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        vector = [0.0] * 64
        for word in re.findall(r"\w+", text.lower()):
            vector[int(hashlib.md5(word.encode()).hexdigest(), 16) % 64] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        return [v / norm for v in vector]


@pytest.fixture(scope="module")
def libya_egypt(shared_data, tmp_path_factory, models_root):
    """A timeline17-dev subset holding Gaddafi's spellings, his son, and Mubarak (about 1,300 paragraphs)."""
    folder = shared_data / "timeline17-dev"
    wanted = set(LIBYA + EGYPT)
    items = [a for a in read_paths([folder / "LibyaWar_reuters.articles.jsonl",
                                    folder / "EgyptianProtest_cnn.articles.jsonl"], 500_000)
             if getattr(a, "id", None) in wanted]
    index = Index.open(make_config(tmp_path_factory.mktemp("t17"), models_root), embeddings=HashEmbeddings())
    report = index.ingest(items)
    assert len(report.added) == len(wanted)
    yield index
    index.close()


def test_extraction_keeps_titles_as_roles_and_every_paragraph():
    texts = ["Turkish Foreign Minister Hakan Fidan met U.S. Secretary of State Antony Blinken.\n\n"
             "Fidan said the talks would go on.",
             "The Northern Maritime Council (NMC) met.\n\nHis son, General Tomas Voss, spoke in Sørhavn."]
    articles = [make_article(title="t", text=t, given_id=f"a{i}") for i, t in enumerate(texts)]
    mentions, acronyms = extract(articles)
    found = {(m.article_id, m.paragraph, m.name): m for m in mentions}
    assert found[("a0", 1, "Hakan Fidan")].role == "Turkish Foreign Minister"
    assert found[("a0", 1, "Antony Blinken")].role == "U.S. Secretary of State"
    assert ("a0", 1, "State") not in found  # the ORG inside "Secretary of State" belongs to the title
    assert found[("a0", 1, "Turkish")].kind == "norp" and ("a0", 2, "Fidan") in found
    voss = found[("a1", 2, "Tomas Voss")]  # the last paragraph of every article is kept
    assert voss.role == "General" and voss.gender == "m"
    assert acronyms == [("a1", 1, "NMC", "Northern Maritime Council")]


# -- examples/ ------------------------------------------------------------------------------
def test_transliterated_mediator_is_one_actor(examples_index):
    aydar = lookup(examples_index.catalog, "Aydar")
    assert aydar is not None and aydar.name == "Selin Aydar" and aydar.type == "person"
    assert {"Selin Aydar", "Selin Aidar", "Aydar", "Aidar"} <= set(aydar.aliases)
    assert lookup(examples_index.catalog, "Selin Aidar") == aydar
    assert "Lunerian Foreign Minister" in aydar.roles
    assert aydar.gender == "f"  # "her opening remarks"


def test_father_and_son_voss_stay_apart(examples_index):
    catalog = examples_index.catalog
    marek, tomas = lookup(catalog, "Marek Voss"), lookup(catalog, "Tomas Voss")
    assert marek and tomas and marek.id != tomas.id
    assert "President" in marek.roles and "General" in tomas.roles
    resolution = resolve_name(catalog, "Voss")
    assert resolution.ambiguous and {a.name for a in resolution.candidates} == {"Marek Voss", "Tomas Voss"}
    assert lookup(catalog, "President Voss") == marek and lookup(catalog, "General Voss") == tomas
    assert {"Marek Voss", "Tomas Voss"} <= set(suggest(catalog, "Voss"))


def test_acronym_and_demonym_resolve_to_the_canonical_actor(examples_index):
    catalog = examples_index.catalog
    council = lookup(catalog, "NMC")
    assert council and council.name == "Northern Maritime Council" and council.type == "org"
    assert lookup(catalog, "the Northern Maritime Council") == council
    valdoria = lookup(catalog, "Valdorian")
    assert valdoria and valdoria.name == "Valdoria" and valdoria.type == "place"
    assert "Valdorian" in valdoria.aliases
    assert any(e["rule"] == "acronym-defined" for e in council.evidence)


def test_actors_named_in_a_question(examples_index):
    found = actors_in_text(examples_index.catalog, "What did aidar's team say about the NMC and Valdorian demands?")
    assert [a.name for a in found] == ["Selin Aydar", "Northern Maritime Council", "Valdoria"]
    assert actors_in_text(examples_index.catalog, "what is the weather like?") == []


def test_paragraph_keys_point_at_paragraphs_naming_the_actor(examples_index):
    catalog = examples_index.catalog
    aydar = lookup(catalog, "Aydar")
    keys = paragraph_keys(catalog, aydar.id)
    assert len(keys) >= 6
    for (article_id, number), text in catalog.paragraph_texts(sorted(keys)).items():
        assert any(alias in text for alias in aydar.aliases), (article_id, number)
    hits = search(examples_index, "ceasefire proposal", k=5, filters=actor_filters(catalog, aydar.id), boost=keys)
    assert hits and all(h.article_id in {a for a, _ in keys} for h in hits) and hits[0].key in keys


def test_dossier_cites_sentences_that_name_the_actor(examples_index):
    aydar = lookup(examples_index.catalog, "Aydar")
    d = build_dossier(examples_index, aydar)
    assert {"name", "type", "aliases", "roles", "mentions", "articles", "first_seen", "last_seen", "timeline",
            "quotes", "related"} <= d.keys()
    assert d["first_seen"] == "2026-11-23" and d["last_seen"] == "2026-11-25" and d["articles"] == 6
    assert [e["date"] for e in d["timeline"]] == sorted(e["date"] for e in d["timeline"])
    _check_entries(examples_index, aydar, d["timeline"] + d["quotes"])
    assert any("opening remarks" in q["text"] for q in d["quotes"])
    assert any(r["name"] == "Luneria" for r in d["related"])


class FakeChatModel:
    """Stands in for a LangChain chat model: `invoke(prompt)` returns a canned reply, prompts are kept."""

    def __init__(self, reply: str) -> None:
        self.reply, self.prompts = reply, []

    def invoke(self, prompt: str):
        self.prompts.append(prompt)
        return type("Message", (), {"content": self.reply})()


def test_dossier_llm_summary_keeps_only_sentences_citing_the_timeline(examples_index):
    aydar = lookup(examples_index.catalog, "Aydar")
    model = FakeChatModel("Aydar mediated the talks [1]. She won a prize [99]. No marker here.")
    d = build_dossier(examples_index, aydar, llm=model)
    assert (d["summary"]["text"], d["summary"]["markers"]) == ("Aydar mediated the talks [1].", [1])
    assert [c["reason"] for c in d["summary"]["cut"]] == ["cites [99], not a line of the timeline", "no citation"]
    assert "Selin Aydar" in model.prompts[0] and d["timeline"][0]["text"] in model.prompts[0]
    assert "summary" not in build_dossier(examples_index, aydar, llm=FakeChatModel("nothing cited"))


def test_rankings_by_articles_with_type_and_date(examples_index):
    catalog = examples_index.catalog
    top = rank_actors(catalog)
    assert top[0].articles >= top[-1].articles and top[0].actor.name in {"Valdoria", "Kestrel Republic"}
    people = rank_actors(catalog, type="person")
    assert people and all(r.actor.type == "person" for r in people)
    aydar = next(r for r in people if r.actor.name == "Selin Aydar")
    assert aydar.articles == 6 and aydar.to_json()["role"] == "Lunerian Foreign Minister"
    day3 = {r.actor.name: r.articles for r in rank_actors(catalog, date="2026-11-25")}
    assert day3["Halden Bridge"] >= 2 and "Tarsen Islands" not in day3  # the storm story ran on day 1


def test_extraction_can_be_switched_off_and_reindex_re_extracts(new_index):
    off = new_index("off", extract_actors=False)
    off.ingest(read_paths([EXAMPLES / "articles"], 200_000))
    assert lookup(off.catalog, "Aydar") is None and rank_actors(off.catalog) == []
    on = new_index("on")
    on.ingest(read_paths([EXAMPLES / "articles"], 200_000))
    before = {r.actor.id: r.mentions for r in rank_actors(on.catalog, limit=None)}
    on.reindex()
    assert {r.actor.id: r.mentions for r in rank_actors(on.catalog, limit=None)} == before


# -- the CLI ---------------------------------------------------------------------------------
@pytest.fixture()
def examples_env(examples_index, monkeypatch):
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(examples_index.config.data_dir))
    for var in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "NEWSBOT_CHROMA_URL"):
        monkeypatch.delenv(var, raising=False)
    return examples_index


def test_cli_actor_json_and_errors(examples_env):
    runner = CliRunner()
    ok = runner.invoke(app, ["actor", "Aidar", "--json"])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["name"] == "Selin Aydar"
    unknown = runner.invoke(app, ["actor", "Nobody Atall", "--json"])
    assert unknown.exit_code == 1 and "no actor named" in json.loads(unknown.stdout)["error"]
    ambiguous = runner.invoke(app, ["actor", "Voss"])
    assert ambiguous.exit_code == 1 and "Marek Voss" in ambiguous.stderr and "Traceback" not in ambiguous.output
    ranked = runner.invoke(app, ["actors", "--type", "person", "--json"])
    assert ranked.exit_code == 0 and {r["type"] for r in json.loads(ranked.stdout)} == {"person"}
    assert runner.invoke(app, ["actors", "--type", "animal"]).exit_code == 2


# -- timeline17-dev ----------------------------------------------------------------------------
def test_gaddafi_spellings_merge_and_saif_stays_apart(libya_egypt):
    catalog = libya_egypt.catalog
    gaddafi = lookup(catalog, "Muammar Gaddafi")
    assert gaddafi is not None and gaddafi.name == "Muammar Gaddafi"
    assert {"Gaddafi", "Qaddafi", "Kadhafi", "Moammar Gadhafi", "Muammar Qaddafi"} <= set(gaddafi.aliases)
    for spelling in ("Qaddafi", "Gadhafi", "Kadhafi", "Moammar Gadhafi", "Colonel Gaddafi"):
        assert lookup(catalog, spelling) == gaddafi, spelling
    saif = lookup(catalog, "Saif al-Islam")
    assert saif is not None and saif.id != gaddafi.id and saif.name == "Saif al-Islam Gaddafi"
    assert "Muammar Gaddafi" not in saif.aliases and not any(a.startswith("Saif") for a in gaddafi.aliases)


def test_mubarak_dossier_cites_real_paragraphs_that_name_him(libya_egypt):
    mubarak = lookup(libya_egypt.catalog, "Mubarak")
    assert mubarak is not None and mubarak.name == "Hosni Mubarak"
    d = build_dossier(libya_egypt, mubarak)
    assert len(d["timeline"]) >= 5 and d["quotes"]
    _check_entries(libya_egypt, mubarak, d["timeline"] + d["quotes"])
    texts = [e["text"] for e in d["timeline"]]
    assert len(set(texts)) == len(texts)


def test_misspelt_and_unknown_names(libya_egypt):
    catalog = libya_egypt.catalog
    assert lookup(catalog, "Mubarek") == lookup(catalog, "Hosni Mubarak")
    assert suggest(catalog, "Mubarek")[0] == "Hosni Mubarak"
    assert lookup(catalog, "Nobody Atall") is None
    assert isinstance(suggest(catalog, "Nobody Atall"), list)
    assert [a.name for a in actors_in_text(catalog, "What did Qaddafi's son Saif al-Islam say?")] == [
        "Muammar Gaddafi", "Saif al-Islam Gaddafi"]


def _check_entries(index, actor, entries):
    """Each entry: a verbatim sentence of its cited paragraph, which is stored and names the actor."""
    aliases = [a.lower() for a in actor.aliases]
    for entry in entries:
        assert entry["citations"]
        for c in entry["citations"]:
            stored = index.catalog.paragraph(c["article_id"], c["paragraph"])
            assert stored is not None and not stored.skipped and stored.text == c["text"]
            assert entry["text"] in c["text"]
            assert any(alias in entry["text"].lower() for alias in aliases), entry["text"]
            assert {"marker", "article_id", "title", "url", "source", "published", "paragraph", "text"} == c.keys()
