"""CLI commands of the read side: ask, chat, eval."""

from __future__ import annotations

import json
import sys
import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from bot.qa import Answer, Tally, evaluate_one, load_questions
from bot.render import short_answer_line, sources_block
from bot.runtime import emit_json, err_console, fail, tz
from bot.services import Services
from bot.settings import Settings

MAX_QUESTION_CHARS = 2_000


def register(app: typer.Typer) -> None:
    app.command()(ask)
    app.command()(chat)
    app.command("eval")(eval_cmd)


def ask(
    question: Annotated[str, typer.Argument(help="Your question about the news.")],
    session: Annotated[str | None, typer.Option(help="Conversation id, for follow-up questions.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    passages: Annotated[bool, typer.Option(help="Also print the cited passages.")] = False,
) -> None:
    """Answer a question; every sentence cites its source paragraph."""
    _check_question(question)
    settings = Settings()
    services = Services.open(settings)
    answer = services.answerer.ask(question, session=session, today=datetime.now(tz(settings)).date())
    if as_json:
        emit_json(answer.to_json())
    else:
        typer.echo(answer_text(answer, show_passages=passages))


def chat(session: Annotated[str | None, typer.Option(help="Resume this conversation id.")] = None) -> None:
    """A terminal conversation; /reset forgets it, /quit (or Ctrl-D) leaves."""
    services = Services.open(Settings())
    session = session or f"cli-{uuid.uuid4().hex[:8]}"
    err_console.print(f"newsbot chat (session {session}). Ask about the news; /reset forgets, /quit leaves.")
    for line in sys.stdin if not sys.stdin.isatty() else _prompt_lines():
        text = line.strip()
        if not text:
            continue
        if text in ("/quit", "/exit"):
            break
        if text == "/reset":
            services.memory.reset(session)
            typer.echo("Conversation forgotten.")
            continue
        if len(text) > MAX_QUESTION_CHARS:
            typer.echo(f"That is too long; please ask in under {MAX_QUESTION_CHARS} characters.")
            continue
        today = datetime.now(tz(services.settings)).date()
        typer.echo(answer_text(services.answerer.ask(text, session=session, today=today)) + "\n")


def _prompt_lines():
    while True:
        try:
            yield input("you> ")
        except (EOFError, KeyboardInterrupt):
            return


def eval_cmd(
    questions: Annotated[Path, typer.Argument(help="Question set (JSONL: id, question, answers, gold_article_ids).")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per question, then the summary.")] = False,
    k: Annotated[int, typer.Option("-k", min=1, max=50, help="Recall is measured in the top k paragraphs.")] = 5,
    withhold: Annotated[bool, typer.Option(help="Also ask each question with its gold articles left out "
                                                "(wrong_when_withheld); doubles the time.")] = True,
) -> None:
    """Measure support, exact answers, short answers, answer length, precision, abstention, answers
    with the gold articles withheld, citation validity, retrieval recall and latency."""
    if not questions.exists():
        fail(f"no such question file: {questions}")
    try:
        items = list(load_questions(questions))
    except ValueError as exc:
        fail(str(exc))
    services = Services.open(Settings())
    tally = Tally()
    with err_console.status("evaluating") as status:
        for n, item in enumerate(items, start=1):
            status.update(f"evaluating {n}/{len(items)}")
            record = evaluate_one(services.answerer, item, tally, k, withhold)
            if as_json:
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
    summary = tally.summary(k)
    if as_json:
        sys.stdout.write(json.dumps({"summary": summary}) + "\n")
    else:
        emit_json(summary)


def _check_question(question: str) -> None:
    if not question.strip():
        fail("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        fail(f"the question is {len(question):,} characters; keep it under {MAX_QUESTION_CHARS:,}")


def answer_text(answer: Answer, show_passages: bool = False) -> str:
    """The short answer, the answer, its notes, its sources by article (with the cited passages if
    asked), then related paragraphs that are not the answer."""
    parts = [short_answer_line(answer.short_answer.text)] if answer.short_answer else []
    parts.append(answer.text)
    parts += [f"(note: {n})" for n in answer.notes]
    if answer.citations:
        parts.append("\nSources:\n" + sources_block(answer.citations))
        if show_passages:
            parts += [f"\n[{c.marker}] “{c.text}”" for c in answer.citations]
    if answer.related:
        parts.append("\nRelated (not the answer):")
        parts += [f"  [{r.citation.marker}] “{r.sentence}” — {r.citation.label()}" for r in answer.related]
    return "\n".join(parts)
