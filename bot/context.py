"""What a capability is given to work with: the settings, the open index and the LLM engine (or None).

Briefings, dossiers and summaries take a `Context`; `bot.services.Services` is one (it adds the
conversation memory and the answerer that only the front ends need), so call sites pass it as is.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.llm import LLMEngine
from bot.settings import Settings
from index.store import Index


@dataclass
class Context:
    """Settings, index and LLM engine (None when no LLM is configured), opened once per process."""

    settings: Settings
    index: Index
    llm: LLMEngine | None
