"""Questions and what hangs off an answer: /ask, plain text, inline buttons (¶n, follow-ups,
summaries), /summarize and a message that is only a link."""

from __future__ import annotations

import re

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.citations import GONE, hit_for_paragraph
from bot.summary import SummaryError, summarize
from bot.telegram.render import (
    Rendered,
    answer_html,
    esc,
    keyboard,
    paragraph_buttons,
    paragraph_html,
    question_buttons,
    summary_buttons,
)
from bot.telegram.render_pages import summary_html
from bot.telegram.reply import pressed, respond, say
from bot.telegram.state import BotState, get_state
from index.actors import actors_in_text
from index.live import is_public, is_url

MAX_QUESTION_CHARS = 2_000
MAX_FOLLOW_UPS = 3
_ONLY_LINK = re.compile(r"^\s*<?(https?://\S+?)>?\s*$", re.IGNORECASE)


def session_of(chat_id: int) -> str:
    """The conversation id of a chat (a group shares one conversation)."""
    return f"tg:{chat_id}"


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask QUESTION"""
    question = " ".join(context.args or [])
    if not question.strip():
        await say(update, "Ask me something after /ask, e.g. /ask What did Valdoria demand at the talks?")
        return
    await answer_question(update, context, question)


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A plain message: a question (or, when it is only a link, a request to summarise it)."""
    text = addressed_text(update, context)
    if text is None:
        return
    link = _ONLY_LINK.match(text)
    if link:
        await summarize_target(update, context, link.group(1))
        return
    await answer_question(update, context, text)


def addressed_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The message text when it is meant for the bot; in groups only mentions and replies to the bot are."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.text is None:
        return None
    if chat.type == ChatType.PRIVATE:
        return message.text
    mention = f"@{context.bot.username}"
    if mention.lower() in message.text.lower():
        return re.sub(re.escape(mention), " ", message.text, flags=re.IGNORECASE).strip() or None
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == context.bot.id:
        return message.text
    return None


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Check length and rate, then answer in the chat's conversation (one question at a time per chat)."""
    state, chat = get_state(context), update.effective_chat
    if chat is None:
        return
    if len(question) > MAX_QUESTION_CHARS:
        await say(update, f"That message is {len(question):,} characters long; please ask in under "
                          f"{MAX_QUESTION_CHARS:,} characters.")
        return
    if not await within_rate(update, state):
        return
    async with state.chat_lock(chat.id):
        await respond(update, context, lambda: render_answer(state, question, session_of(chat.id)))


async def within_rate(update: Update, state: BotState) -> bool:
    """Count one costly request against the user's per-minute allowance; tell them when it is spent."""
    user = update.effective_user
    if user is None or state.is_admin(user.id):
        return True
    wait = state.limiter.check(user.id)
    if wait:
        await say(update, f"You're asking faster than I can read, sorry. Please try again in {int(wait) + 1} s.")
    return not wait


def render_answer(state: BotState, question: str, session: str) -> Rendered:
    """Answer (on a worker thread) and render with sources, ¶ buttons and follow-up suggestions."""
    answer = state.services.answerer.ask(question, session=session)
    summaries = summary_buttons(answer.citations, state.store)
    follow = question_buttons(follow_ups(state, answer), state.store)
    shown = answer.citations + [r.citation for r in answer.related]  # related paragraphs get buttons too
    return Rendered(answer_html(answer), keyboard(paragraph_buttons(shown, state.store), summaries, follow))


def follow_ups(state: BotState, answer) -> list[tuple[str, str]]:
    """Up to three "More on <actor>" suggestions: actors the answer names first, then the question's."""
    if answer.abstained:
        return []
    catalog = state.services.index.catalog
    in_question = actors_in_text(catalog, answer.standalone)
    in_answer = [a for a in actors_in_text(catalog, answer.text) if a not in in_question]
    chosen = (in_answer + in_question)[:MAX_FOLLOW_UPS]
    return [(f"More on {a.name}", f"What is the latest on {a.name}?") for a in chosen]


# -- inline buttons ------------------------------------------------------------------------------
async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """¶n shows the cited paragraph; a suggestion asks its question; Summarise summarises the article."""
    state = get_state(context)
    resolved = await pressed(update, context, "This button has expired; ask again.")
    if resolved is None:
        return
    kind, payload = resolved
    if kind == "p":
        await respond(update, context, lambda: render_paragraph(state, payload))
    elif kind == "q":
        await answer_question(update, context, payload)
    elif kind == "s" and not is_url(payload) and state.services.index.catalog.state(payload) is None:
        await say(update, f"{GONE}: that article was removed from the index.")
    elif kind == "s":
        await summarize_target(update, context, payload)


def render_paragraph(state: BotState, payload: str) -> Rendered:
    """The stored text of 'article_id:n'."""
    article_id, _, number = payload.rpartition(":")
    hit = hit_for_paragraph(state.services.index, article_id, int(number)) if number.isdigit() else None
    if hit is None:
        return Rendered(esc(f"{GONE}: that paragraph was removed from the index."))
    return Rendered(paragraph_html(hit.title, hit.source, hit.published, hit.paragraph, hit.text, hit.url))


# -- summaries -------------------------------------------------------------------------------------
async def summarize_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/summarize LINK"""
    target = " ".join(context.args or []).strip()
    if not target:
        await say(update, "Send /summarize followed by a link to an article.")
        return
    await summarize_target(update, context, target)


async def summarize_target(update: Update, context: ContextTypes.DEFAULT_TYPE, target: str) -> None:
    """Summarise a link or an indexed article."""
    state, user = get_state(context), update.effective_user
    if await within_rate(update, state):
        admin = state.is_admin(user.id if user else None)
        await respond(update, context, lambda: render_summary(state, target, admin),
                      placeholder="Reading the article…")


def render_summary(state: BotState, target: str, admin: bool = False) -> Rendered:
    """A summary of an http(s) link or an indexed article id (never a local file: targets come from users)."""
    if is_url(target):
        if not admin and not is_public(target):
            return Rendered(esc("I can only read articles on the public internet."))
    elif state.services.index.catalog.article(target) is None:
        return Rendered(esc("Send me a link to an article (http or https) to summarise."))
    try:
        summary = summarize(state.services, target, public_only=not admin)  # checked at every hop
    except SummaryError as exc:
        return Rendered(esc(f"I can't summarise that: {exc}"))
    text, citations = summary_html(summary)
    return Rendered(text, keyboard(paragraph_buttons(citations, state.store)))


