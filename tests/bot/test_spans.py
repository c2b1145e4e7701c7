"""Sentences and typed spans: stored annotations first, rules for catalogs without them."""

from bot.spans import NAME, sentences_of
from index.articles import Annotation

TEXT = "The meeting with the FM lasted for nearly three hours. Turkey sought a ceasefire."


def test_stored_offsets_give_sentences_and_their_spans():
    annotation = Annotation(((0, 54), (55, 82)), ((35, 53, "TIME"), (55, 61, "GPE")))
    first, second = sentences_of(TEXT, annotation)
    assert first.text == "The meeting with the FM lasted for nearly three hours."
    assert [(s.text, s.label) for s in first.spans] == [("nearly three hours", "TIME")]
    assert second.index == 1 and [(s.text, s.label, s.start) for s in second.spans] == [("Turkey", "GPE", 0)]
    assert all(s.text == sentence.text[s.start:s.end] for sentence in (first, second) for s in sentence.spans)


def test_without_annotations_rules_split_and_type():
    first, second = sentences_of(TEXT, None)
    assert ("nearly three hours", "TIME") in [(s.text, s.label) for s in first.spans]
    assert [(s.text, s.label) for s in second.spans] == [("Turkey", NAME)]
    money = sentences_of("BP posted $8.5 billion in profit on Tuesday, up 10% from 2021.", None)[0]
    labels = {(s.text, s.label) for s in money.spans}
    assert {("$8.5 billion", "MONEY"), ("10%", "PERCENT"), ("Tuesday", "DATE"), ("2021", "DATE")} <= labels
    assert ("BP", NAME) in labels


def test_rule_names_skip_a_capitalised_sentence_opener():
    sentence = sentences_of("The Kestrel Republic demanded that Valdoria pay.", None)[0]
    assert [s.text for s in sentence.spans] == ["Kestrel Republic", "Valdoria"]
