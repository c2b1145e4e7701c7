"""LLM story bullets: map-reduce summarisation under the answers' citation contract.

A story whose paragraphs fit one prompt is summarised in one call; a larger one is summarised
chunk by chunk (map), then once more over the paragraphs the chunk summaries cite (reduce).
Every sentence, at both steps, goes through `bot.verify.verify`: unsupported ones are cut,
markers that point nowhere dropped. Failures raise LLMError; the caller falls back to extraction.
"""

from __future__ import annotations

import numpy as np

from bot.briefing.deliveries import Recall
from bot.citations import CitedText
from bot.llm import format_context
from bot.prompts import load_prompt
from bot.verify import Verified, verify
from index.search import Hit

BRIEF_CONTEXT_CHARS = 12_000  # per call: a story rarely needs more, and small local models stay comfortable
MAX_BULLETS = 4
KNOWN_BULLETS = 12  # delivered bullets shown to the model so it does not repeat them


def llm_bullets(llm, embeddings, hits: list[Hit], recall: Recall, chunk_chars: int = BRIEF_CONTEXT_CHARS,
                actors=None) -> tuple[list[CitedText], list[dict]]:
    """Verified bullets for one story and what the verifier cut; raises LLMError when the model fails.

    `actors` (the index's catalog) lets the verifier's meaning check resolve names."""
    chunks = chunked(hits, chunk_chars)
    cut: list[dict] = []
    context, notes = chunks[0] if chunks else [], ""
    if len(chunks) > 1:
        context, notes = _map(llm, embeddings, chunks, recall, cut, actors)
        context = chunked(context, chunk_chars)[0] if context else []  # the reduce step gets one prompt too
    if not context:
        return [], cut
    verified = verify(llm.cited_sentences(_prompt(context, notes, recall, chunk_chars)), context, embeddings, actors)
    cut += verified.cut
    bullets = [CitedText(text, tuple(verified.citations[m - 1] for m in markers))
               for text, markers in verified.sentences]
    return _new_only(embeddings, bullets, recall, cut)[:MAX_BULLETS], cut


def chunked(hits: list[Hit], chunk_chars: int) -> list[list[Hit]]:
    """Consecutive groups of paragraphs whose numbered context fits `chunk_chars`."""
    chunks: list[list[Hit]] = []
    size = 0
    for hit in hits:
        block = len(format_context([hit], limit=10 ** 9)) + 1  # as numbered in the prompt, with its newline
        if not chunks or size + block > chunk_chars:
            chunks.append([])
            size = 0
        chunks[-1].append(hit)
        size += block
    return chunks


def _map(llm, embeddings, chunks: list[list[Hit]], recall: Recall, cut: list[dict],
         actors=None) -> tuple[list[Hit], str]:
    """Summarise each chunk; return the paragraphs the summaries cite and the summaries, renumbered."""
    cited: dict[tuple[str, int], Hit] = {}
    drafts: list[tuple[str, list[tuple[str, int]]]] = []
    for chunk in chunks:
        partial: Verified = verify(llm.cited_sentences(_prompt(chunk, "", recall, 10 ** 9)), chunk, embeddings, actors)
        cut += partial.cut
        by_marker = {c.marker: (c.article_id, c.paragraph) for c in partial.citations}
        for c in partial.citations:
            cited.setdefault(c.key, next(h for h in chunk if h.key == c.key))
        drafts += [(text, [by_marker[m] for m in markers]) for text, markers in partial.sentences]
    order = {key: n for n, key in enumerate(cited, start=1)}
    notes = "\n".join(f"- {text} " + "".join(f"[{order[k]}]" for k in keys) for text, keys in drafts)
    return list(cited.values()), notes


def _prompt(context: list[Hit], notes: str, recall: Recall, limit: int) -> str:
    known = "\n".join(f"- {b}" for b in recall.bullets[-KNOWN_BULLETS:]) or "(nothing yet)"
    return load_prompt("brief", context=format_context(context, limit=limit), notes=notes or "(none)", known=known)


def _new_only(embeddings, bullets: list[CitedText], recall: Recall, cut: list[dict]) -> list[CitedText]:
    """Drop bullets that repeat what the recipient was already told."""
    if not bullets or not recall.bullets:
        return bullets
    vectors = np.asarray(embeddings.embed_documents([b.text for b in bullets]), dtype=np.float32)
    kept = []
    for bullet, vector in zip(bullets, vectors, strict=True):
        if recall.repeated(bullet.text, vector):
            cut.append({"kind": "sentence", "text": bullet.text, "reason": "already delivered to this recipient"})
        else:
            kept.append(bullet)
    return kept
