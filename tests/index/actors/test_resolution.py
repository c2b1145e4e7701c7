"""Actor resolution on news as it is written: each article's people first, credits left out, honest merges."""

import pytest

from index.actors import extract, lookup, resolve_name
from index.actors.credits import furniture_spans, outlet_as_source
from index.actors.incremental import resolve_pending
from index.actors.resolve import cluster_rows, finish, resolve_actors
from index.actors.roles import clean_role
from index.articles import make_article
from index.sources import read_paths

WIRE = ("CAIRO, Egypt (Wire) -- Foreign Minister Orla Venn met Dr. Piet Harrow on Monday.\n\n"
        "Venn said the talks would go on. Harrow, the health chief, agreed.\n\n"
        "Protesters gathered near the ministry in Cairo | AP\n\n"
        "(Reporting by Dana Quill; Editing by Tom Brisk)\n\n"
        "Join our WhatsApp Channel to get the latest news on WhatsApp")


def test_credits_datelines_and_calls_to_action_are_furniture():
    for text, furniture in [("RABAT | Sun Feb 20, 2011 RABAT (Reuters) - A son of the leader spoke.", "RABAT"),
                            ("SØRHAVN, Luneria (Harbor Wire) — Negotiators met.", "Luneria"),
                            ("Join our WhatsApp Channel to get the latest news", "WhatsApp"),
                            ("(Reporting by Dana Quill; Editing by Tom Brisk)", "Dana Quill"),
                            ("Marchers in the square (AP Photo/Ann Lee) sang.", "Ann Lee"),
                            ("The minister met the envoy in Ankara, Turkey | AP", "AP")]:
        spans = furniture_spans(text)
        start = text.index(furniture)
        assert any(s <= start < e for s, e in spans), text
    assert furniture_spans("The NATO chief said -- in a statement -- that the alliance would act.") == []
    text = "Blinken will head to Asia, reported The Associated Press."
    assert outlet_as_source(text, text.index("The Associated"), len(text) - 1, "The Associated Press")
    assert not outlet_as_source("Al Jazeera's office was raided.", 0, 10, "Al Jazeera")


def test_roles_read_like_roles():
    assert clean_role("WHO Director-General Dr.") == "WHO Director-General"
    assert clean_role("Iran's supreme leader Ayatollah") == "Iran's supreme leader"
    assert clean_role("Dr.") is None and clean_role("U.S. Secretary of State") == "U.S. Secretary of State"


def test_an_article_resolves_its_own_people_and_drops_its_furniture():
    article = make_article(title="t", text=WIRE, given_id="w1")
    mentions, _ = extract([article])
    names = {m.name for m in mentions}
    assert not names & {"Dana Quill", "Tom Brisk", "WhatsApp", "WhatsApp Channel", "AP", "Wire"}
    rows = [{**m.__dict__, "actor_id": None} for m in mentions]
    records, _ = finish(cluster_rows(sorted(rows, key=lambda r: r["paragraph"]), []))
    people = {r["name"]: r for r in records if r["type"] == "person"}
    assert set(people) == {"Orla Venn", "Piet Harrow"}
    assert "Venn" in people["Orla Venn"]["aliases"] and "Harrow" in people["Piet Harrow"]["aliases"]
    assert people["Orla Venn"]["roles"] == ["Foreign Minister"]
    assert not any("Dr" in r for r in people["Piet Harrow"]["roles"])


def _row(article, paragraph, name, kind="person", role=None, cue=None):
    return {"article_id": article, "paragraph": paragraph, "start": 0, "end": len(name), "surface": name,
            "name": name, "kind": kind, "role": role, "gender": None, "cue": cue, "zone": None, "actor_id": None}


def _resolve(rows):
    records, assignment = finish(cluster_rows(sorted(rows, key=lambda r: (r["article_id"], r["paragraph"])), []))
    return {r["name"]: r for r in records}, assignment


def test_no_merge_across_a_country_and_a_person_on_spelling_alone():
    rows = [_row(f"c{i}", 1, "David Cameron", role="Prime Minister") for i in range(4)]
    rows += [_row("c9", 1, "Cameroon"), _row("c8", 1, "Cameroon", "place"), _row("c1", 2, "Cameron")]
    actors, _ = _resolve(rows)
    assert actors["Cameroon"]["type"] == "place" and "Cameroon" not in actors["David Cameron"]["aliases"]
    assert "Cameron" in actors["David Cameron"]["aliases"]


def test_a_lone_given_name_joins_only_a_distinctive_full_name_of_its_article():
    rows = [_row("e1", 1, "Mohamed ElBaradei"), _row("e1", 2, "Mohamed"), _row("e2", 1, "Mohamed Tantawi"),
            _row("f1", 1, "Hakan Fidan"), _row("f1", 2, "Hakan"), _row("g1", 1, "Al-Mahmoudi"),
            _row("g1", 2, "Mahmoud Jibril")]
    actors, _ = _resolve(rows)
    assert "Mohamed" not in actors["Mohamed ElBaradei"]["aliases"]  # two Mohameds in the corpus
    assert "Hakan" in actors["Hakan Fidan"]["aliases"]
    assert "Al-Mahmoudi" not in actors["Mahmoud Jibril"]["aliases"]


def test_middle_name_forms_join_but_a_son_stays_apart():
    rows = [_row(f"m{i}", 1, "Hosni Mubarak", role="President") for i in range(3)]
    rows += [_row("m9", 1, "Mohamed Hosni Mubarak"), _row("g1", 1, "Muammar Gaddafi"), _row("g2", 1, "Muammar Gaddafi"),
             _row("g3", 1, "Saif al-Islam Gaddafi"), _row("g4", 1, "Saif al-Islam Muammar Gaddafi")]
    actors, _ = _resolve(rows)
    assert "Mohamed Hosni Mubarak" in actors["Hosni Mubarak"]["aliases"]
    assert any(e["rule"] == "middle-name" for e in actors["Hosni Mubarak"]["evidence"])
    assert "Saif al-Islam Muammar Gaddafi" not in actors["Muammar Gaddafi"]["aliases"]


def test_a_surname_in_an_article_on_the_son_still_goes_to_the_famous_father():
    rows = [_row(f"a{i}", 1, "Muammar Gaddafi") for i in range(6)] + [_row(f"a{i}", 2, "Gaddafi") for i in range(6)]
    rows += [_row("s1", 1, "Saif al-Islam Gaddafi"), _row("s1", 2, "Gaddafi"), _row("s2", 1, "Saif al-Islam Gaddafi")]
    actors, assignment = _resolve(rows)
    assert assignment[("s1", 2, 0)] == actors["Muammar Gaddafi"]["id"]


def test_incremental_resolution_matches_a_full_pass(new_index):
    from tests.conftest import EXAMPLES

    index = new_index("inc")
    items = list(read_paths([EXAMPLES / "articles"], 200_000))
    index.ingest(items[:-2])
    index.ingest(items[-2:])  # the new articles only: resolve_pending, not the full pass
    catalog = index.catalog
    incremental = {(r[0], r[1], r[2]): r[3] for r in catalog.conn.execute(
        "SELECT m.article_id, m.paragraph, m.start, a.name FROM mentions m JOIN actors a ON a.id = m.actor_id")}
    resolve_actors(catalog)
    full = {(r[0], r[1], r[2]): r[3] for r in catalog.conn.execute(
        "SELECT m.article_id, m.paragraph, m.start, a.name FROM mentions m JOIN actors a ON a.id = m.actor_id")}
    assert incremental == full
    assert resolve_pending(catalog)["mentions"] >= 0 and lookup(catalog, "Aydar").name == "Selin Aydar"


@pytest.fixture(scope="module")
def seed_index(shared_data, tmp_path_factory, models_root):
    from index.store import Index
    from tests.bot.actors.test_actors import HashEmbeddings
    from tests.conftest import make_config

    index = Index.open(make_config(tmp_path_factory.mktemp("seed"), models_root), embeddings=HashEmbeddings())
    index.ingest(read_paths([shared_data / "seed" / "blinken-turkey.txt"], 200_000))
    yield index
    index.close()


def test_blinken_and_fidan_on_the_seed_article(seed_index):
    catalog = seed_index.catalog
    blinken, fidan, khamenei = (resolve_name(catalog, n).actor for n in ("Blinken", "Fidan", "Khamenei"))
    assert blinken and blinken.name == "Antony Blinken" and blinken.type == "person"
    assert "Secretary of State" in blinken.main_role
    from index.actors.clusters import role_key

    # Captions are furniture now, so the role is as the reporting writes it: "Turkey's Foreign Minister".
    assert fidan and fidan.name == "Hakan Fidan" and role_key(fidan.main_role) == "turkish foreign minister"
    assert khamenei and khamenei.name == "Ali Khamenei" and khamenei.main_role == "Iran's supreme leader"
    names = {r[0] for r in catalog.conn.execute("SELECT name FROM actors")}
    assert not names & {"Blinken", "AP", "Associated Press", "Reuters", "WhatsApp", "WhatsApp Channel"}
