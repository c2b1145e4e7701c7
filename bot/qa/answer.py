"""Grounded Q&A: condense → retrieve → draft (LLM or extractive) → verify → remember.

Nothing reaches the user that the verifier has not checked; an unsupported answer
becomes an abstention, and an LLM failure becomes an extractive answer with a note.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import date

from bot.citations import GONE, Citation, hit_for_paragraph
from bot.entities import Entity, EntityFinder, heuristic_entities
from bot.llm import LLMEngine, LLMError
from bot.qa.extractive import CANDIDATE_PARAGRAPHS, ExtractiveEngine
from bot.qa.followup import condense
from bot.qa.memory import Memory, Turn
from bot.qa.related import Related, related
from bot.qa.when import window
from bot.text import names
from bot.verify import ShortAnswer, Verified, verify
from index.bm25 import tokenize
from index.search import Filters, Hit, search
from index.store import Index

log = logging.getLogger(__name__)
ABSTAIN_TEXT = "I couldn't find that in the articles I have."


@dataclass
class Answer:
    """What a user sees, plus what the machinery did to get there."""

    question: str
    standalone: str
    text: str
    citations: list[Citation]
    abstained: bool
    engine: str
    notes: list[str] = field(default_factory=list)
    cut: list[dict] = field(default_factory=list)
    latency_ms: int = 0
    entities: list[Entity] = field(default_factory=list)
    retrieved: list[tuple[str, int]] = field(default_factory=list)  # context keys, best first (for eval)
    short_answer: ShortAnswer | None = None  # the phrase that answers a factoid question, its marker in `citations`
    related: list[Related] = field(default_factory=list)  # near the question, not the answer; markers follow on

    def to_json(self) -> dict:
        return {
            "question": self.question, "standalone_question": self.standalone,
            "short_answer": self.short_answer.to_json() if self.short_answer else None, "answer": self.text,
            "citations": [c.to_json() for c in self.citations], "abstained": self.abstained,
            "related": [r.to_json() for r in self.related],
            "engine": self.engine, "notes": self.notes, "cut": self.cut, "latency_ms": self.latency_ms,
        }


class Answerer:
    """Answers questions over an Index; one per process, shared by the CLI and the bot."""

    def __init__(self, index: Index, memory: Memory | None = None, llm: LLMEngine | None = None,
                 top_k: int = CANDIDATE_PARAGRAPHS, find_entities: EntityFinder = heuristic_entities,
                 boost=None) -> None:
        self.index = index
        self.memory = memory
        self.llm = llm
        self.extractive = ExtractiveEngine(index.embeddings, index.catalog)
        self.top_k = top_k
        self.find_entities = find_entities
        self.boost = boost  # callable(question) -> set of paragraph keys naming its actors, or None

    def ask(self, question: str, session: str | None = None, today: date | None = None,
            withhold: tuple[str, ...] = ()) -> Answer:
        """Answer one question (a follow-up when `session` has history); `today` anchors "this week";
        `withhold` leaves articles out as if they were not indexed (for `newsbot eval`)."""
        started = time.perf_counter()
        question = " ".join(question.split())
        history = self.memory.history(session) if (self.memory and session) else []
        notes: list[str] = []
        standalone = self._condense(question, history, notes)
        unknown = self.unknown_names(standalone)
        if unknown:
            notes.append(f"the articles never mention {', '.join(unknown)}")
        context = [] if unknown else self.retrieve(standalone, history, today or date.today(), notes, withhold)
        verified, engine = self._draft_and_verify(standalone, context, notes)
        answer = self._finish(question, standalone, verified, engine, notes)
        answer.retrieved = [h.key for h in context]
        answer.related = related(standalone, context, {c.key for c in answer.citations}, len(answer.citations) + 1)
        answer.latency_ms = int((time.perf_counter() - started) * 1000)
        if self.memory and session:
            self.memory.add(session, Turn(question, standalone, answer.text,
                                          tuple(c.key for c in answer.citations),
                                          tuple((e.name, e.type) for e in answer.entities)))
        return answer

    def retrieve(self, question: str, history: list[Turn] | None = None, today: date | None = None,
                 notes: list[str] | None = None, withhold: tuple[str, ...] = ()) -> list[Hit]:
        """Top paragraphs for the question (within its time window, if it names one), plus the
        previous turn's evidence as extra candidates."""
        boost = self.boost(question) if self.boost else None
        span = window(question, today) if today else None
        since, until = span if span else (None, None)
        hits = search(self.index, question, k=self.top_k, boost=boost,
                      filters=Filters(since=since, until=until, exclude_ids=withhold), notes=notes)
        if span and not hits:
            if notes is not None:
                notes.append(f"nothing dated {span[0].date()} to {span[1].date()}; older articles were searched")
            hits = search(self.index, question, k=self.top_k, boost=boost, filters=Filters(exclude_ids=withhold),
                          notes=notes)
        if history:
            have = {h.key for h in hits}
            for article_id, number in history[-1].evidence:
                previous = hit_for_paragraph(self.index, article_id, number)
                if previous is None and notes is not None:  # pruned since the last turn cited it
                    notes.append(f"{GONE}: {article_id} ¶{number}, cited earlier in this conversation")
                if previous and previous.key not in have:
                    hits.append(previous)
        return hits

    def unknown_names(self, question: str) -> list[str]:
        """Names in the question that no indexed paragraph contains: nothing here can answer about them."""
        catalog = self.index.catalog
        if catalog.lexical_empty():
            return []
        return [word for name in sorted(names(question)) for word in name.split()
                if len(word) > 2 and not all(catalog.knows(t) for t in tokenize(word))]

    def _condense(self, question: str, history: list[Turn], notes: list[str]) -> str:
        if not history:
            return question
        if self.llm:
            try:
                return self.llm.condense(question, [(t.question, t.answer) for t in history])
            except LLMError as exc:
                notes.append(f"{exc}; the follow-up was resolved offline")
        return condense(question, history, self.find_entities)

    def _draft_and_verify(self, question: str, context: list[Hit], notes: list[str]) -> tuple[Verified, str]:
        if not context:
            return Verified(), "extractive"
        if self.llm:
            try:
                sentences, short = self.llm.draft(question, context)
                return verify(sentences, context, self.index.embeddings, self.index.catalog, short), self.llm.name
            except LLMError as exc:
                log.warning("LLM failed, answering extractively: %s", exc)
                notes.append(f"{exc}; this answer was extracted from the sources instead")
        sentences, short = self.extractive.draft(question, context)
        return verify(sentences, context, short=short), self.extractive.name

    def _finish(self, question: str, standalone: str, verified: Verified, engine: str, notes: list[str]) -> Answer:
        if verified.cut:
            notes.append(f"{len(verified.cut)} unsupported item(s) removed by the citation check")
        if verified.empty:
            return Answer(question, standalone, ABSTAIN_TEXT, [], True, engine, notes, verified.cut)
        entities = self.find_entities(standalone) + self.find_entities(verified.text())
        return Answer(question, standalone, verified.text(), verified.citations, False, engine, notes,
                      verified.cut, entities=entities, short_answer=verified.short)
