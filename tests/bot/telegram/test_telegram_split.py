"""Message splitting for Telegram: size, balanced tags, whole entities and citation markers, text preserved."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.split import TELEGRAM_LIMIT, split_html, utf16_len

_TAG = re.compile(r"<(/?)([a-z-]+)[^>]*>")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
_MARKER = re.compile(r"\[\d+\]")


def text_of(part: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", part))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def balanced(part: str) -> bool:
    stack: list[str] = []
    for closing, name in _TAG.findall(part):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def whole_markup(part: str) -> bool:
    """Every '<' starts a complete tag and every '&' a complete entity."""
    no_tags = re.sub(r"<[a-z/][^<>]*>", "", part)
    return "<" not in no_tags and ">" not in no_tags and "&" not in _ENTITY.sub("", no_tags)


def check(source: str, parts: list[str], limit: int) -> None:
    assert all(utf16_len(p) <= limit for p in parts), [utf16_len(p) for p in parts]
    assert all(balanced(p) for p in parts)
    assert all(whole_markup(p) for p in parts)
    assert all(text_of(p).strip() for p in parts)
    assert squeezed("".join(text_of(p) for p in parts)) == squeezed(text_of(source))
    assert [m for p in parts for m in _MARKER.findall(p)] == _MARKER.findall(source)


# -- strategies: well-formed Telegram HTML with escaped text, markers, entities, emoji -----------------
_words = st.text(alphabet=st.sampled_from(list("abcdefgh ijk.,!?;:—é<>&\"'\n") + ["😀", "Ø"]),
                 min_size=1, max_size=40).map(lambda t: html.escape(t, quote=False))
_markers = st.integers(min_value=1, max_value=120).map(lambda n: f"[{n}]")
_leaf = st.one_of(_words, _markers, st.just("\n\n"), st.just(". "), st.just("&amp;"))
_TAGS = ["b", "i", "u", "s", "code", "blockquote", 'a href="https://example.org/a?x=1&amp;y=2"']


def _wrap(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    tagged = st.tuples(st.sampled_from(_TAGS), st.lists(children, min_size=1, max_size=6)).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}</{t[0].split()[0]}>")
    return st.one_of(tagged, st.lists(children, min_size=1, max_size=8).map("".join))


documents = st.lists(st.recursive(_leaf, _wrap, max_leaves=60), min_size=1, max_size=30).map("".join)


@settings(max_examples=150, deadline=None)
@given(documents, st.integers(min_value=40, max_value=400))
def test_split_properties(source: str, limit: int) -> None:
    check(source, split_html(source, limit), limit)


@settings(max_examples=30, deadline=None)
@given(st.tuples(documents, st.integers(min_value=2, max_value=400)).map(lambda t: "\n\n".join([t[0]] * t[1])))
def test_split_properties_at_telegram_size(source: str) -> None:
    check(source, split_html(source), TELEGRAM_LIMIT)


def test_short_message_is_one_part() -> None:
    assert split_html("<b>Hi</b> &amp; bye [1]") == ["<b>Hi</b> &amp; bye [1]"]


def test_prefers_paragraph_breaks_and_reopens_tags() -> None:
    para = "Sentence one is here. " * 40
    source = f"<b>{para.strip()}</b>\n\n<i>{para}\n\n{para}</i>"
    parts = split_html(source, limit=1200)
    assert len(parts) == 3
    assert parts[0].endswith("</b>") and parts[1].startswith("<i>") and parts[1].endswith("</i>")
    assert parts[2].startswith("<i>")  # the <i> opened in part 2 is reopened in part 3


def test_sentence_break_inside_a_long_paragraph() -> None:
    source = " ".join(f"This is sentence {n} about the talks [{n}]." for n in range(400))
    parts = split_html(source)
    assert len(parts) > 1
    assert all(p.rstrip().endswith(".") for p in parts)
    check(source, parts, TELEGRAM_LIMIT)


def test_never_cuts_a_word_without_need_and_handles_one_huge_word() -> None:
    check("x" * 10_000, split_html("x" * 10_000), TELEGRAM_LIMIT)
    emoji = "😀" * 3000  # 6,000 UTF-16 units
    parts = split_html(emoji)
    assert all(utf16_len(p) <= TELEGRAM_LIMIT for p in parts) and "".join(parts) == emoji


def test_unbalanced_input_is_made_balanced() -> None:
    parts = split_html("stray</b> close and <i>unclosed", limit=4096)
    assert parts == ["stray close and <i>unclosed</i>"]
