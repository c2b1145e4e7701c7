"""Page furniture on real-looking pages (txt, html via trafilatura, jsonl) and on reporting that only looks like it."""

from pathlib import Path

import pytest

from index.articles import make_article, split_paragraphs
from index.furniture import KINDS, alone, classify
from index.sources import read_file

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "furniture"


def _kinds(path: Path) -> dict[str, dict[int, str | None]]:
    return {a.id: {p.number: p.furniture for p in a.paragraphs} for a in read_file(path, 200_000)}


def test_a_pasted_news_page_has_its_captions_promos_and_byline_flagged_and_its_reporting_kept():
    [article] = read_file(PAGES / "marrowgate-strike.txt", 200_000)
    kinds = {p.number: p.furniture for p in article.paragraphs}
    assert kinds == {
        1: None,  # the standfirst is the editor's summary: reporting
        2: "byline", 3: "dateline", 4: "caption", 5: None, 6: None, 7: "boilerplate", 8: None, 9: None,
        10: "promo", 11: None, 12: "caption", 13: None, 14: "related", 15: "promo", 16: "boilerplate",
        17: "teaser", 18: "related", 19: "related", 20: "related", 21: "related", 22: "byline", 23: "boilerplate",
    }
    assert all(p.skipped == (p.furniture is not None) for p in article.paragraphs)


def test_numbers_are_the_blocks_of_the_text_whatever_is_flagged():
    text = (PAGES / "marrowgate-strike.txt").read_text(encoding="utf-8").split("\n", 1)[1]
    blocks = [b for b in text.split("\n\n") if b.strip()]
    paragraphs = split_paragraphs(text, title="Dockworkers end Marrowgate strike after 11-day standoff")
    assert [p.number for p in paragraphs] == list(range(1, len(blocks) + 1))
    assert [p.text for p in paragraphs] == [" ".join(b.split()) for b in blocks]


def test_an_html_page_read_by_trafilatura_keeps_every_reporting_paragraph_citable():
    [article] = read_file(PAGES / "halden-ferry.html", 200_000)
    flagged = {p.number: (p.furniture, p.text.split()[0]) for p in article.paragraphs if p.skipped}
    assert flagged == {1: ("dateline", "Updated"), 4: ("promo", "Follow"), 8: ("related", "Read"),
                       9: ("promo", "Download"), 11: ("boilerplate", "Copyright")}
    assert len(article.indexable) == 6 and all(p.text.endswith((".", '"')) for p in article.indexable)


def test_jsonl_records_flag_video_players_signatures_and_the_masthead_from_their_metadata():
    kinds = _kinds(PAGES / "wire.jsonl")
    assert kinds["fx-kestrel-vote"] == {1: "dateline", 2: None, 3: "caption", 4: None, 5: "caption", 6: None,
                                        7: "caption", 8: None, 9: "promo", 10: "byline"}
    # "Mira Castell" is the record's author and sits above the outlet's name line
    assert kinds["fx-valdoria-roundup"] == {1: "byline", 2: "byline", 3: None, 4: "related", 5: None,
                                            6: "promo", 7: "byline", 8: "byline"}
    # an untitled record is titled by its first block, which is therefore not a teaser
    assert kinds["fx-untitled-lead"] == {1: None, 2: None}


@pytest.mark.parametrize("text", [
    "Twitter users can now sign up for the paid service, which costs $8 a month, the company said.",
    "By Friday morning, Tucker was interviewing with the athletic director and his search committee.",
    "By 25, he became the youngest person to broadcast a World Series game.",
    "Subscribers to the streaming service grew 5% in the third quarter.",
    "Copyright law experts said the ruling could reshape the music industry.",
    "The drug was licensed for use in the EU in 2019.",
    "Follow the money, the prosecutor told the jury.",
    "Reuters could not independently confirm the report.",
    "A Reuters reporter in central Tripoli said he heard jets overhead around midday.",
    "Tweets with limited replying are labeled, yet users can still view, retweet and share them.",
    "The hacker, whose screen name was Zero, was arrested in Lyon.",
    "This story has been corrected to show that Wayne Simmonds now plays for Nashville, not Philadelphia.",
    "Watch out for the State of the Union address later tonight.",
    "Read history to find out why.",
    "More than 40,000 people filed for unemployment last week in Kentucky.",
    "Trees scorched by the Hermits Peak/Calf Canyon Fire stand near Mora, New Mexico.",
    "Location: South Korea/Japan",
    "Take Tim Tebow for a second here.",
    "Get updates on the status of your next stimulus payment using the IRS tool.",
    "Hermits Peak/Calf Canyon Fire",
    "June 23",
    "KURTZ: All right.",
])
def test_reporting_that_looks_like_furniture_is_kept(text):
    assert alone(text) is None


@pytest.mark.parametrize(("text", "kind"), [
    ("Blinken Turkey visit U.S. Secretary of State Antony Blinken, left, meets with Turkish Foreign Minister "
     "Hakan Fidan at the Ministry of Foreign Affairs in Ankara, Turkey | AP", "caption"),
    ("Egg prices have soared over the past year. Brandon Bell/Getty Images", "caption"),
    ("A damaged building lies on its side after an earthquake in Abra province on July 27. AP", "caption"),
    ("FILE PHOTO: A man walks past the central bank building in Moscow, Russia.", "caption"),
    ("Charles Dharapak/AP", "credit"),
    ("Join our WhatsApp Channel to get the latest news, exclusives and videos on WhatsApp", "promo"),
    ("(You can get \"5 Things You Need to Know Today\" delivered to your inbox daily. Sign up here.)", "promo"),
    ("Would you like to receive The WeekDay newsletter ?", "promo"),
    ("By RANDALL CHASE AP Business Writer", "byline"),
    ("(Reporting by Tom Pfeiffer; Editing by Diana Abdallah)", "byline"),
    ("Fred Pleitgen, CNN, Cairo, Egypt.", "byline"),
    ("Washington CNN —", "dateline"),
    ("WASHINGTON (AP) —", "dateline"),
    ("More:Country star Naomi Judd took own life, daughter says", "related"),
    ("Read the full advisory here.", "related"),
    ("More AP soccer: https://apnews.com/hub/soccer", "related"),
    ("Comments are not pre-screened before they post.", "boilerplate"),
    ("The opinions expressed in this commentary are solely those of the author.", "boilerplate"),
    ("___", "boilerplate"),
])
def test_each_kind_of_furniture_is_named(text, kind):
    assert kind in KINDS and alone(text) == kind


def test_a_related_heading_flags_the_headlines_under_it_until_reporting_resumes():
    blocks = ["The storm reached the coast on Monday night and cut power to 40,000 homes.", "Related:",
              "Thousands pay tribute to Red Wings star Gordie Howe", "Albom: Goals, Cups, fights -- he did it all",
              "Crews expect to restore power to most homes by Wednesday evening, the utility said in a statement."]
    assert classify(blocks) == (None, "related", "related", "related", None)


def test_an_outlet_line_takes_the_bare_name_above_it_as_the_byline():
    blocks = ["Patrick Ryan", "USA TODAY", "Tidal holdouts can now stream the album on other services."]
    assert classify(blocks, source="usatoday.com") == ("byline", "byline", None)
    assert classify(blocks, source="example.org") == (None, None, None)


def test_a_teaser_repeats_the_headline_but_a_lead_that_starts_with_it_is_kept():
    title = "Ferry service resumes after storm damage"
    assert classify(["The ferry resumed on Friday.", "Ferry service resumes after storm damage"], title=title) \
        == (None, "teaser")
    lead = "Ferry service resumes after storm damage The ferry between Halden and Skarvøy resumed on Friday."
    assert classify([lead, "More crossings follow."], title=title) == (None, None)


def test_a_gallery_of_captions_stays_readable():
    captions = ["Crowds gather on the quay at dawn. Jonas Ek/AP", "The first ferry leaves the harbour. Jonas Ek/AP"]
    assert classify(captions) == (None, None)
    article = make_article(title="Photos: the ferry returns", text="\n\n".join(captions))
    assert len(article.indexable) == 2


def test_a_page_of_only_promos_and_boilerplate_is_refused():
    with pytest.raises(ValueError, match="no paragraph with content"):
        make_article(title="t", text="Advertisement\n\nFollow us on Twitter for the latest updates.")
