"""The LLM engine: LangChain + ChatOpenAI (chat completions) against OpenAI or any compatible server.

Output is structured (sentences with citation numbers) via `with_structured_output`;
when a server ignores tools/JSON mode, the raw text is parsed by `parse_draft`. Every
failure surfaces as `LLMError`, on which callers fall back to the extractive engine.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence

from pydantic import BaseModel, Field, ValidationError

from bot.prompts import load_prompt
from bot.settings import Settings
from bot.verify import DraftSentence, ShortAnswer
from index.search import Hit

log = logging.getLogger(__name__)
MAX_CONTEXT_CHARS = 24_000  # ~6k tokens: fits small local models; larger contexts are trimmed


class LLMError(RuntimeError):
    """The LLM could not produce a usable answer (timeout, HTTP error, garbage, overflow)."""


class DraftSentenceModel(BaseModel):
    text: str = Field(description="One sentence of the answer.")
    citations: list[int] = Field(description="Numbers of the source paragraphs that support it.")


class ShortAnswerModel(BaseModel):
    text: str = Field(description="The few words that answer the question, copied exactly from the cited paragraph.")
    citation: int = Field(description="Number of the paragraph the words are copied from.")


class DraftModel(BaseModel):
    """A cited answer: sentences, each with the numbers of the paragraphs that support it."""

    sentences: list[DraftSentenceModel] = Field(default_factory=list)
    short_answer: ShortAnswerModel | None = Field(
        None, description="For who/which/where/when/how many questions: the answering phrase; else null.")
    abstain: bool = Field(False, description="True when the paragraphs do not answer the question.")


def format_context(context: Sequence[Hit], limit: int = MAX_CONTEXT_CHARS) -> str:
    """Numbered <document> blocks with title, outlet and date; trimmed to fit `limit` characters."""
    blocks: list[str] = []
    used = 0
    for n, hit in enumerate(context, start=1):
        date = hit.published.date().isoformat() if hit.published else "undated"
        block = (f'<document index="{n}" title="{_attr(hit.title)}" outlet="{_attr(hit.source or "unknown")}"'
                 f' date="{date}">\n{hit.text}\n</document>')
        if used + len(block) > limit and blocks:
            break
        blocks.append(block)
        used += len(block)
    return "\n".join(blocks)


def _attr(value: str) -> str:
    return value.replace('"', "'").replace("\n", " ")[:200]


def parse_draft(text: str) -> DraftModel:
    """Fallback parser: JSON (possibly fenced or embedded in prose), else sentences with [n] markers."""
    match = re.search(r"\{.*\}", text or "", re.DOTALL)
    if match:
        try:
            return DraftModel.model_validate(json.loads(match.group(0)))
        except (json.JSONDecodeError, ValidationError):
            pass
    if re.sub(r"^```(?:json)?\s*", "", (text or "").strip()).startswith(("{", "[")):
        # JSON cut off mid-way (a token limit, a dropped stream): its fragments are not prose to cite
        raise LLMError("the model's reply was unfinished or malformed JSON")
    found = re.findall(r"([^\[\]]+?)((?:\s*\[\d+\])+)\s*([.!?]?)", text or "")
    sentences = [DraftSentenceModel(text=(body.strip() + end).strip(),
                                    citations=[int(n) for n in re.findall(r"\d+", marks)])
                 for body, marks, end in found if body.strip(" .")]
    if not sentences:
        raise LLMError("the model's reply was neither the expected JSON nor cited sentences")
    return DraftModel(sentences=sentences)


class LLMEngine:
    """Answers and condenses with a chat model; raises LLMError on any failure."""

    name = "llm"

    def __init__(self, settings: Settings, model=None) -> None:
        self.model = model or make_chat_model(settings)

    def draft(self, question: str, context: list[Hit]) -> tuple[list[DraftSentence], ShortAnswer | None]:
        """Cited sentences from the model and its short answer (None when it gives none); [] when it abstains."""
        parsed = self._structured(load_prompt("answer", context=format_context(context), question=question))
        if parsed.abstain:
            return [], None
        short = parsed.short_answer
        return _sentences(parsed), (ShortAnswer(short.text, short.citation) if short and short.text.strip() else None)

    def cited_sentences(self, prompt: str) -> list[DraftSentence]:
        """Run any prompt whose reply is {sentences: [{text, citations}], abstain}; for briefings and summaries too.

        The prompt must number its sources [1..n] (see `format_context`); callers verify the result."""
        parsed = self._structured(prompt)
        return [] if parsed.abstain else _sentences(parsed)

    def _structured(self, prompt: str) -> DraftModel:
        structured = self.model.with_structured_output(DraftModel, method="function_calling", include_raw=True)
        out = self._call(structured, prompt)
        parsed = out.get("parsed")
        if parsed is None:
            log.info("structured output unusable (%s); parsing raw text", out.get("parsing_error"))
            parsed = parse_draft(_content(out.get("raw")))
        return parsed

    def condense(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        """A standalone rewrite of a follow-up question, given the conversation's (question, answer) pairs."""
        if not history:
            return question
        lines = "\n".join(f"User: {asked}\nAssistant: {answered}" for asked, answered in history[-4:])
        reply = _content(self._call(self.model, load_prompt("condense", history=lines, question=question)))
        rewritten = reply.strip().strip('"').splitlines()[0].strip() if reply.strip() else ""
        return rewritten if 3 <= len(rewritten) <= 500 else question

    def _call(self, runnable, prompt: str):
        import openai

        try:
            return runnable.invoke(prompt)
        except openai.BadRequestError as exc:
            raise LLMError(_overflow_or(exc, "the LLM rejected the request")) from exc
        except openai.APITimeoutError as exc:
            raise LLMError("the LLM did not answer in time") from exc
        except openai.RateLimitError as exc:
            raise LLMError("the LLM is rate-limited (HTTP 429)") from exc
        except openai.APIStatusError as exc:
            raise LLMError(f"the LLM server failed (HTTP {exc.status_code})") from exc
        except openai.APIConnectionError as exc:
            raise LLMError("cannot reach the LLM server") from exc
        except (ValidationError, ValueError, KeyError, TypeError) as exc:
            raise LLMError(f"the LLM returned malformed output ({type(exc).__name__})") from exc


def _sentences(parsed: DraftModel) -> list[DraftSentence]:
    return [DraftSentence(s.text, tuple(s.citations)) for s in parsed.sentences if s.text.strip()]


def make_chat_model(settings: Settings):
    """ChatOpenAI on the chat completions API, so any OpenAI-compatible server works."""
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        model=settings.llm_model,
        api_key=settings.openai_api_key or "not-needed",  # local servers usually ignore the key
        base_url=settings.openai_base_url,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        temperature=0,
        use_responses_api=False,
    )


def _content(message) -> str:
    content = getattr(message, "content", message) or ""
    if isinstance(content, list):  # content blocks
        return " ".join(part.get("text", "") if isinstance(part, dict) else str(part) for part in content)
    return str(content)


def _overflow_or(exc: Exception, default: str) -> str:
    text = str(exc).lower()
    if "context" in text and ("length" in text or "window" in text or "too long" in text):
        return "the question and sources exceed the LLM's context window"
    return default
