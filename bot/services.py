"""Wiring: build the long-lived objects an entry point needs from the one Settings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Context
from bot.llm import LLMEngine
from bot.qa import Answerer, Memory, entity_finder, paragraph_boost
from bot.runtime import open_index
from bot.settings import Settings
from index.store import Index


@dataclass
class Services(Context):
    """A `Context` plus conversation memory and the answerer, opened once per process."""

    memory: Memory
    answerer: Answerer

    @classmethod
    def open(cls, settings: Settings, index: Index | None = None) -> Services:
        index = index or open_index(settings)
        memory = Memory(settings.data_dir / "conversations.sqlite3", settings.memory_turns)
        llm = LLMEngine(settings) if settings.llm_configured else None
        answerer = Answerer(index, memory, llm, top_k=settings.top_k,
                            find_entities=entity_finder(index.catalog), boost=paragraph_boost(index.catalog))
        return cls(settings, index, llm, memory, answerer)

    def close(self) -> None:
        self.memory.close()
        self.index.close()
