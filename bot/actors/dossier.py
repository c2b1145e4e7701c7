"""An actor's dossier: counts, a dated timeline of what they did and quotes attributed to them.

Every timeline and quote text is one verbatim sentence of the cited paragraph (split by its stored
annotation, by rule without one), chosen because a stored mention of the actor falls inside it (so it
names them under some alias). Near-identical
sentences from several outlets appear once. An LLM, when given, only adds a summary of the
timeline: each of its sentences must cite timeline lines, and bot.verify checks it against them.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.citations import Citation
from bot.meaning import prefetch
from bot.prompts import load_prompt
from bot.spans import Splitter
from bot.text import sentences
from bot.verify import unsupported_reason
from index.actors import Actor
from index.articles import normalise_text, parse_published

log = logging.getLogger(__name__)

MAX_TIMELINE = 40
MAX_QUOTES = 20
MAX_RELATED = 10
DUPLICATE_JACCARD = 0.6  # word overlap above which two sentences are one story told twice
_SAY = r"(?:said|says|told|added|stated|declared|insisted|warned|asked|wrote|tweeted|urged|argued|acknowledged|" \
       r"admitted|claimed|noted|explained|replied|responded|announced|vowed|promised|pledged|denied)"
_AFTER = re.compile(r"^(?:['’]s?)?\s*(?:,[^,]{0,80},\s*)?(?:has |had |also |then |later |again |was quoted as )?"
                    + _SAY + r"\b")
_BEFORE = re.compile(r"(?:\b(?:said|says|added|wrote|asked|according to)\s+(?:the\s+)?(?:[\w.'’-]+\s+){0,4})$")
_ACTION = re.compile(r"\b(?:" + _SAY[3:-1] + r"|ordered|resigned|met|signed|agreed|proposed|demanded|rejected|"
                     r"accepted|visited|refused|appointed|sent|fled|arrived|spoke|offered|threatened|called|"
                     r"named|stepped|handed|returned|blamed|accused|condemned|welcomed|launched|imposed|approved|"
                     r"left|took|won|lost|faced|sought|backed|opposed|met|hosted|mediated|brokered)\b")


@dataclass(frozen=True)
class _Sentence:
    """A candidate sentence: where it is, what it says, how well it reports the actor."""

    key: tuple[str, int]
    text: str
    date_ts: int
    score: float
    quote: bool


def build_dossier(index, actor: Actor, llm=None, max_timeline: int = MAX_TIMELINE,
                  max_quotes: int = MAX_QUOTES) -> dict:
    """The dossier JSON of the issue: {name, type, aliases, roles, mentions, articles, first_seen, ...}."""
    catalog = getattr(index, "catalog", index)
    rows = _mention_rows(catalog, actor.id)
    paragraphs: dict[tuple[str, int], dict] = {}
    spans: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    for r in rows:
        paragraphs.setdefault((r["article_id"], r["paragraph"]), dict(r))
        spans[(r["article_id"], r["paragraph"])].append((r["start"], r["end"]))
    splitter = Splitter.fetch(catalog, paragraphs)
    candidates = [c for key, p in paragraphs.items() for c in _candidates(key, p, spans[key], splitter)]
    timeline = _timeline(candidates, max_timeline)
    quotes = _dedupe(sorted((c for c in candidates if c.quote), key=lambda c: -c.score))[:max_quotes]
    markers: dict[tuple[str, int], int] = {}
    dates = [p["date_ts"] for p in paragraphs.values()]
    out: dict[str, Any] = {
        "id": actor.id, "name": actor.name, "type": actor.type, "aliases": list(actor.aliases),
        "roles": list(actor.roles), "gender": actor.gender, "mentions": len(rows),
        "articles": len({k[0] for k in paragraphs}),
        "first_seen": _day(min(dates)) if dates else None, "last_seen": _day(max(dates)) if dates else None,
        "timeline": [_entry(c, paragraphs, markers) for c in sorted(timeline, key=_chronological)],
        "quotes": [_entry(c, paragraphs, markers) for c in sorted(quotes, key=_chronological)],
        "related": related(catalog, actor.id),
        "evidence": list(actor.evidence),
    }
    if llm is not None and out["timeline"]:
        summary = _summary(llm, actor, out["timeline"], catalog)
        if summary:
            out["summary"] = summary
    return out


def _mention_rows(catalog, actor_id: str) -> list:
    with catalog.lock:
        return catalog.conn.execute(
            "SELECT m.article_id, m.paragraph, m.start, m.end, p.text, a.title, a.url, a.source, a.published,"
            " COALESCE(a.published_ts, a.ingested_ts) AS date_ts FROM mentions m"
            " JOIN paragraphs p ON p.article_id = m.article_id AND p.number = m.paragraph"
            " JOIN articles a ON a.id = m.article_id"
            " WHERE m.actor_id = ? AND p.skipped = 0 ORDER BY date_ts, m.article_id, m.paragraph, m.start",
            (actor_id,)).fetchall()


def _candidates(key: tuple[str, int], paragraph: dict, spans: list[tuple[int, int]],
                splitter: Splitter) -> list[_Sentence]:
    """Sentences of the paragraph that contain a mention of the actor, scored."""
    out = []
    for sentence in splitter.sentences(key, paragraph["text"], typed=False):
        if sentence.start < 0:
            continue  # not verbatim in the paragraph: mention offsets cannot be placed in it
        start, end, text = sentence.start, sentence.end, sentence.text
        inside = [(s - start, e - start) for s, e in spans if start <= s and e <= end]
        if inside:
            quote = any(_attributed(text, s, e) for s, e in inside)
            out.append(_Sentence(key, text, paragraph["date_ts"], _score(text, inside, key[1], quote), quote))
    return out


def _attributed(sentence: str, start: int, end: int) -> bool:
    """'X said ...', '"...," said X', 'according to X': the words are the actor's."""
    return bool(_AFTER.match(sentence[end:end + 120]) or _BEFORE.search(sentence[max(0, start - 60):start]))


def _score(sentence: str, inside: list[tuple[int, int]], paragraph: int, quote: bool) -> float:
    """Higher for sentences that report the actor doing or saying something, early, in plain prose."""
    first = min(s for s, _ in inside)
    score = 1.0 + (1.5 if first <= max(40, len(sentence) // 4) else 0.0)
    score += 1.5 if _ACTION.search(sentence[first:first + 100]) else 0.0
    score += 0.5 if paragraph <= 3 else 0.0
    score += 0.5 if quote else 0.0
    letters = [c for c in sentence if c.isalpha()]
    if len(sentence) < 40 or len(sentence) > 400 or "?" in sentence or not sentence[:1].isupper():
        score -= 2.0
    if letters and sum(c.isupper() for c in letters) > 0.5 * len(letters):
        score -= 3.0  # shouting: reader comments, page furniture
    return score


def _timeline(candidates: list[_Sentence], limit: int) -> list[_Sentence]:
    """One or two sentences per article, distinct across outlets; spread over dates when cut."""
    by_article: dict[str, list[_Sentence]] = defaultdict(list)
    for c in candidates:
        by_article[c.key[0]].append(c)
    picked: list[_Sentence] = []
    for group in by_article.values():
        group.sort(key=lambda c: (-c.score, c.key[1]))
        best = group[0]
        picked.append(best)
        second = next((c for c in group[1:] if c.key != best.key), None)
        if second and second.score >= max(3.0, best.score - 0.5):
            picked.append(second)
    picked = _dedupe(sorted(picked, key=lambda c: -c.score))
    if len(picked) <= limit:
        return picked
    by_day: dict[str, list[_Sentence]] = defaultdict(list)
    for c in picked:
        by_day[_day(c.date_ts)].append(c)
    chosen = [group[0] for group in by_day.values()]  # the best sentence of each day first
    chosen = sorted(chosen, key=lambda c: -c.score)[:limit]
    rest = [c for c in picked if c not in chosen]
    return chosen + rest[: limit - len(chosen)]


def _dedupe(candidates: list[_Sentence]) -> list[_Sentence]:
    kept: list[tuple[_Sentence, set[str]]] = []
    for c in candidates:
        words = set(normalise_text(c.text).split())
        if not any(_jaccard(words, w) >= DUPLICATE_JACCARD for _, w in kept):
            kept.append((c, words))
    return [c for c, _ in kept if c.score > -1.0]


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _chronological(c: _Sentence) -> tuple:
    return (c.date_ts, c.key)


def _entry(c: _Sentence, paragraphs: dict, markers: dict[tuple[str, int], int]) -> dict:
    p = paragraphs[c.key]
    marker = markers.setdefault(c.key, len(markers) + 1)
    citation = Citation(marker, c.key[0], p["title"], p["url"], p["source"], parse_published(p["published"]),
                        c.key[1], p["text"])
    return {"date": _day(c.date_ts), "text": c.text, "citations": [citation.to_json()]}


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).date().isoformat()


def related(catalog, actor_id: str, limit: int = MAX_RELATED) -> list[dict]:
    """Actors most often named in the same paragraphs, with the number of such paragraphs."""
    with catalog.lock:
        rows = catalog.conn.execute(
            "SELECT b.actor_id, x.name, COUNT(DISTINCT b.article_id || ':' || b.paragraph) AS n"
            " FROM mentions a JOIN mentions b ON a.article_id = b.article_id AND a.paragraph = b.paragraph"
            " JOIN actors x ON x.id = b.actor_id"
            " WHERE a.actor_id = ? AND b.actor_id != ? GROUP BY b.actor_id ORDER BY n DESC, x.name LIMIT ?",
            (actor_id, actor_id, limit)).fetchall()
    return [{"id": r[0], "name": r[1], "count": r[2]} for r in rows]


def _summary(llm, actor: Actor, timeline: list[dict], catalog=None) -> dict | None:
    """A short LLM summary of the timeline: each sentence must cite timeline lines that support it, checked
    by bot.verify against those lines (words, names, numbers, and who did what); the rest is listed as cut."""
    lines = "\n".join(f"[{e['citations'][0]['marker']}] {e['date']}: {e['text']}" for e in timeline[:30])
    try:
        model = getattr(llm, "model", llm)
        reply = model.invoke(load_prompt("dossier", actor=actor.name, timeline=lines))
        text = str(getattr(reply, "content", reply) or "").strip()
    except Exception as exc:  # noqa: BLE001 - any LLM failure leaves the dossier without a summary
        log.info("dossier summary skipped: %s", exc)
        return None
    shown = {e["citations"][0]["marker"]: e["text"] for e in timeline[:30]}
    # The model's text was never a stored paragraph: it has no annotation, so the rules split it.
    drafts = [(s, [int(n) for n in re.findall(r"\[(\d+)\]", s)]) for s in sentences(text)]
    prefetch([(_bare(s), [shown[m] for m in markers if m in shown]) for s, markers in drafts])
    kept, cut = [], []
    for sentence, markers in drafts:
        reason = _unsupported(sentence, markers, shown, catalog)
        if reason:
            cut.append({"kind": "sentence", "text": sentence, "reason": reason})
        else:
            kept.append((sentence, markers))
    if not kept:
        return None
    used = sorted({m for _, markers in kept for m in markers})
    return {"text": " ".join(s for s, _ in kept), "markers": used, "cut": cut}


def _unsupported(sentence: str, markers: list[int], shown: dict[int, str], catalog) -> str | None:
    if not markers:
        return "no citation"
    unknown = [m for m in markers if m not in shown]
    if unknown:
        return f"cites [{', '.join(map(str, unknown))}], not a line of the timeline"
    return unsupported_reason(_bare(sentence), [shown[m] for m in markers], actors=catalog)


def _bare(sentence: str) -> str:
    """The sentence without its [n] markers, as the verifier reads claims."""
    return re.sub(r"\s*\[\d+\]", "", sentence).strip()
