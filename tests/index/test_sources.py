import json
from pathlib import Path

from index.articles import Article
from index.sources import SourceError, read_paths
from tests.conftest import EXAMPLES

CAP = 200_000


def _read(*paths: Path, cap: int = CAP):
    items = list(read_paths(list(paths), cap))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, SourceError)]


def test_examples_folder_reads_every_format_without_errors():
    articles, errors = _read(EXAMPLES / "articles")
    assert not errors
    assert len(articles) == 8
    assert {a.source for a in articles} == {"Harbor Wire", "Coastline Daily", "The Meridian Post"}
    assert all(a.published is not None for a in articles)


def test_markdown_metadata_and_sample_comment_are_not_paragraphs():
    articles, _ = _read(EXAMPLES / "articles" / "day1-harbor-talks-open.md")
    article = articles[0]
    assert article.url and article.url.startswith("https://example.org/")
    assert all("SAMPLE" not in p.text and not p.text.startswith("Source:") for p in article.paragraphs)


def test_html_extraction_drops_navigation_cookie_banner_and_footer():
    articles, _ = _read(EXAMPLES / "articles" / "day2-meridian-ceasefire-agreed.html")
    text = " ".join(p.text for p in articles[0].paragraphs).lower()
    assert "cookie" not in text and "<script" not in text
    assert articles[0].source == "The Meridian Post"


def test_bad_jsonl_lines_are_reported_with_line_numbers_and_the_rest_read(tmp_path):
    good = {"title": "Ok", "text": "Para one.\n\nPara two."}
    lines = [json.dumps(good), "{not json", json.dumps({"title": "no text"}), "[1, 2]",
             json.dumps({**good, "text": "Other.", "published": "yesterday-ish 99:99"})]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines))
    articles, errors = _read(path)
    assert [e.origin.rsplit(":", 1)[1] for e in errors] == ["2", "3", "4"]
    assert "invalid JSON" in errors[0].message
    # An unreadable date costs the date, not the article: it is kept undated, with a warning.
    undated = articles[1]
    assert len(articles) == 2 and undated.published is None and undated.origin.endswith(":5")
    assert "unreadable published date" in undated.warnings[0] and "yesterday-ish 99:99" in undated.warnings[0]


def test_json_file_with_a_list_of_articles(tmp_path):
    path = tmp_path / "two.json"
    path.write_text(json.dumps([{"title": "A", "text": "x y z."}, {"title": "B", "text": "p q r."}]))
    articles, errors = _read(path)
    assert [a.title for a in articles] == ["A", "B"] and not errors


def test_encodings_bom_and_latin1(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffTitle BOM\n\nCafé au lait.".encode("utf-8"))
    (tmp_path / "latin.txt").write_bytes("Título\n\nSeñor Müller habló.".encode("latin-1"))
    articles, errors = _read(tmp_path)
    assert not errors
    by_title = {a.title: a for a in articles}
    assert by_title["Title BOM"].paragraphs[0].text == "Café au lait."
    assert by_title["Título"].paragraphs[0].text == "Señor Müller habló."


def test_empty_huge_unsupported_and_missing_inputs_are_clear_errors(tmp_path):
    (tmp_path / "empty.md").write_text("")
    (tmp_path / "huge.txt").write_text("Huge\n\n" + ("word " * 5000))
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    _, errors = _read(tmp_path / "empty.md", tmp_path / "huge.txt", tmp_path / "photo.png",
                      tmp_path / "nope.txt", cap=10_000)
    messages = [e.message for e in errors]
    assert "empty" in messages[0]
    assert "over the" in messages[1] and "cap" in messages[1]
    assert "unsupported file type .png" in messages[2]
    assert "no such file" in messages[3]


def test_html_without_article_text_is_refused(tmp_path):
    (tmp_path / "nav.html").write_text("<html><body><nav>Home</nav></body></html>")
    _, errors = _read(tmp_path / "nav.html")
    assert errors and "no article text" in errors[0].message


def test_binary_files_with_text_extensions_are_refused(tmp_path):
    (tmp_path / "photo.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "nul.md").write_bytes(b"# Title\n\n\x00\x01 garbage")
    _, errors = _read(tmp_path / "photo.txt", tmp_path / "nul.md")
    assert [e.message for e in errors] == ["looks like a binary file, not text (wrong extension?)"] * 2
