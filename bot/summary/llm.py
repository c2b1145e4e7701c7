"""The LLM summariser: the model writes a gist and bullets over the article's numbered paragraphs; the
verifier keeps only what those paragraphs support.

Paragraphs are shown with the article's own numbers, so a citation needs no translation and a part of a
long article cites exactly what the whole would. A long article is summarised part by part (map); the
paragraphs the parts' surviving bullets cite, with the lead, are then summarised once more (reduce).
Any LLMError propagates: the caller falls back to the extractive engine.
"""

from __future__ import annotations

import time

import numpy as np

from bot.llm import LLMEngine, LLMError
from bot.meaning import Evidence, prefetch
from bot.prompts import load_prompt
from bot.summary.parts import PART_CHARS, PART_PARAGRAPHS, Draft, Point, in_article_order, split_parts
from bot.text import content_words, numbers
from bot.verify import DraftSentence, verify
from index.search import Hit

LEAD_KEPT = 2  # the reduce step always sees the article's first paragraphs, where the gist usually is
CUT_PREVIEW = 90  # characters of a cut bullet quoted in the note
REPEAT_JACCARD = 0.8  # content-word overlap at which a bullet only repeats the gist or another bullet


def summarize_llm(llm: LLMEngine, hits: list[Hit], count: int, embeddings=None,
                  deadline: float | None = None, actors=None) -> Draft:
    """Gist and up to `count` verified bullets; map-reduce over parts for a long article. Raises LLMError.

    `deadline` (time.monotonic()) bounds the whole map-reduce: each call has its own timeout, but a dozen
    parts at a slow local model's pace would keep the user waiting for minutes."""
    parts = split_parts(hits)
    if len(parts) == 1:
        return summarize_once(llm, hits, count, "the whole article", embeddings, actors=actors)
    notes: list[str] = []
    points: list[Point] = []
    for n, part in enumerate(parts, start=1):
        if deadline is not None and time.monotonic() > deadline:
            raise LLMError(f"the LLM took too long over the article's {len(parts)} parts")
        scope = f"part {n} of {len(parts)} of the article (paragraphs {part[0].paragraph}-{part[-1].paragraph})"
        draft = summarize_once(llm, part, count, scope, embeddings, with_gist=False, actors=actors)
        points.extend(draft.bullets)
        notes.extend(draft.notes)
    if not points:
        raise LLMError("no bullet of any part of the article passed the citation check")
    reduced = reduce_context(hits, points, embeddings)
    final = summarize_once(llm, reduced, count, "the whole article (its key paragraphs from every part)", embeddings,
                           actors=actors)
    notes.insert(0, f"long article: summarised in {len(parts)} parts, then the parts' key paragraphs together")
    return Draft(final.gist, final.bullets, (*notes, *final.notes))


def summarize_once(llm: LLMEngine, hits: list[Hit], count: int, scope: str, embeddings=None,
                   with_gist: bool = True, actors=None) -> Draft:
    """One model call over `hits`: the first sentence is the gist, the rest are bullets; each one verified.

    Without `with_gist` (a part of a long article) the part's gist is one more candidate bullet for the reduce."""
    first = hits[0]
    prompt = load_prompt("summarize", title=first.title, outlet=first.source or "unknown",
                         date=first.published.date().isoformat() if first.published else "undated",
                         scope=scope, count=str(count), paragraphs=format_paragraphs(hits))
    drafts = llm.cited_sentences(prompt)
    if not drafts and with_gist:
        raise LLMError("the LLM returned no summary")
    notes: list[str] = []
    actors = Evidence.of(actors, hits)
    prefetch([(d.text, [h.text for h in hits if h.paragraph in d.markers]) for d in drafts], actors)
    gist = check(drafts[0], hits, embeddings, notes, "gist", actors) if with_gist else None
    rest, limit = (drafts[1:], count) if with_gist else (drafts, count + 1)  # a part's gist is one more candidate
    checked = [p for d in rest if (p := check(d, hits, embeddings, notes, "bullet", actors))]
    bullets = distinct(checked, [gist] if gist else [])[:limit]
    if not bullets and with_gist:
        raise LLMError("none of the LLM's bullets passed the citation check")
    return Draft(gist, tuple(in_article_order(bullets)), tuple(notes))


def distinct(points: list[Point], before: list[Point]) -> list[Point]:
    """Points that do not repeat an earlier one (or the gist) nearly word for word, with no new number."""
    kept: list[Point] = []
    seen = [(content_words(p.text), numbers(p.text)) for p in before]
    for point in points:
        words, nums = content_words(point.text), numbers(point.text)
        if any(len(words & w) / max(len(words | w), 1) >= REPEAT_JACCARD and nums <= n for w, n in seen):
            continue
        kept.append(point)
        seen.append((words, nums))
    return kept


def format_paragraphs(hits: list[Hit]) -> str:
    """<paragraph number="¶"> blocks with the article's own paragraph numbers."""
    return "\n".join(f'<paragraph number="{h.paragraph}">\n{h.text}\n</paragraph>' for h in hits)


def check(draft: DraftSentence, hits: list[Hit], embeddings, notes: list[str], kind: str,
          actors=None) -> Point | None:
    """The draft as a Point when bot.verify supports it by the paragraphs it cites; else None and a note why."""
    position = {h.paragraph: i for i, h in enumerate(hits, start=1)}
    unknown = [m for m in draft.markers if m not in position]
    markers = tuple(position[m] for m in draft.markers if m in position)
    if unknown and not markers:
        notes.append(_cut_note(kind, draft.text, f"cites ¶{', ¶'.join(map(str, unknown))}, not a paragraph shown"))
        return None
    verified = verify([DraftSentence(draft.text, markers)], hits, embeddings, actors)
    if verified.empty:
        notes.append(_cut_note(kind, draft.text, verified.cut[-1]["reason"] if verified.cut else "unsupported"))
        return None
    text = verified.sentences[0][0]
    return Point(text, tuple(sorted(c.paragraph for c in verified.citations)))


def _cut_note(kind: str, text: str, reason: str) -> str:
    preview = text if len(text) <= CUT_PREVIEW else text[:CUT_PREVIEW].rsplit(" ", 1)[0] + "…"
    return f"an unsupported {kind} was removed by the citation check ({reason}): “{preview}”"


def reduce_context(hits: list[Hit], points: list[Point], embeddings=None) -> list[Hit]:
    """The lead plus the paragraphs the parts' bullets cite, most central bullets first, within one part's size."""
    by_number = {h.paragraph: h for h in hits}
    wanted = [h.paragraph for h in hits[:LEAD_KEPT]]
    for point in _by_centrality(points, embeddings):
        wanted.extend(point.paragraphs)
    kept: list[int] = []
    size = 0
    for number in dict.fromkeys(wanted):
        length = len(by_number[number].text)
        if kept and (len(kept) >= PART_PARAGRAPHS or size + length > PART_CHARS):
            continue  # a smaller paragraph further down the list may still fit
        kept.append(number)
        size += length
    return [by_number[n] for n in sorted(kept)]


def _by_centrality(points: list[Point], embeddings) -> list[Point]:
    if embeddings is None or len(points) < 2:
        return points
    vectors = np.asarray(embeddings.embed_documents([p.text for p in points]), dtype=np.float32)
    centroid = vectors.mean(axis=0)
    order = np.argsort(-(vectors @ centroid), kind="stable")
    return [points[i] for i in order]
