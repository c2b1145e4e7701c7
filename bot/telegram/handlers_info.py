"""/start, /help, /sources, /actors, /actor NAME, /reset, the access guard, and the handlers for
what the bot does not do (unknown commands, stickers and photos, edits) and for errors."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.actors import build_dossier, rank_actors
from bot.telegram.handlers_ask import session_of, within_rate
from bot.telegram.render import Rendered, esc, keyboard, paragraph_buttons
from bot.telegram.render_pages import actors_html, dossier_html, index_html
from bot.telegram.reply import SORRY, log_failure, respond, say
from bot.telegram.state import BotState, get_state
from index.actors import resolve_name, suggest
from index.live import list_feeds

log = logging.getLogger(__name__)
REFUSAL = "Sorry, this bot is private."

START = """<b>Hello! I read the news so you can ask about it.</b>

Ask me anything in plain words and I answer from the articles I have indexed. Every sentence \
carries a marker like [1] that points at the exact paragraph it came from; tap ¶1 to read it.

Try:
• What did Valdoria demand at the talks?
• What did Foreign Minister Aydar propose?
• …and then: what did she say after the prisoner exchange?  <i>(follow-ups work)</i>

/brief gives you the day's stories, /subscribe sends one every morning, /help lists everything."""

HELP = """<b>What I can do</b>
/ask QUESTION — or just send the question
/brief [today | yesterday | YYYY-MM-DD] — the day's stories, ranked by coverage
/subscribe [HH:MM] [time zone] — a daily briefing (default 07:00); /unsubscribe stops it
/actors — who is in the news; /actor NAME — what they said and did
/timeline TOPIC|NAME [since WHEN] — what happened, day by day
/follow TOPIC|NAME [quiet 22:00-07:00] — a message when new articles move it; /following, /unfollow N
/sources — what I have read
/summarize LINK — a cited summary of an article (or just send the link)
/reset — forget our conversation

Admins: /ingest URL, send a .txt .md .html .json or .jsonl file, /feeds [add URL | remove URL | poll]

Edited messages are not re-answered: send the corrected question as a new message."""

COMMANDS = [
    ("start", "What this bot does"), ("help", "All commands"), ("ask", "Ask about the news"),
    ("brief", "The day's stories: /brief [today|yesterday|YYYY-MM-DD]"), ("actors", "Who is in the news"),
    ("actor", "What someone said and did: /actor NAME"), ("sources", "What I have read"),
    ("summarize", "Summarise an article: /summarize LINK"),
    ("timeline", "What happened, day by day: /timeline TOPIC [since WHEN]"),
    ("follow", "Alerts on a topic or person: /follow NAME [quiet 22:00-07:00]"),
    ("following", "What you follow"), ("unfollow", "Stop following: /unfollow N"),
    ("subscribe", "Daily briefing: /subscribe [HH:MM] [time zone]"), ("unsubscribe", "Stop the daily briefing"),
    ("reset", "Forget our conversation"),
]
ADMIN_COMMANDS = [("ingest", "Add an article or feed by URL"), ("feeds", "Followed feeds: add, remove, poll")]


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group -1: users outside TELEGRAM_ALLOWED_USERS get one short refusal and nothing else."""
    user = update.effective_user
    if get_state(context).may_use(user.id if user else None):
        return
    if update.callback_query is not None:
        await update.callback_query.answer(REFUSAL)
    elif update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE:
        await say(update, REFUSAL)
    raise ApplicationHandlerStop


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start"""
    if update.effective_message is not None:
        await update.effective_message.reply_html(START)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help"""
    if update.effective_message is not None:
        await update.effective_message.reply_html(HELP)


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reset: forget this chat's conversation."""
    if update.effective_chat is not None:
        get_state(context).services.memory.reset(session_of(update.effective_chat.id))
        await say(update, "Conversation forgotten. Ask me anything.")


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources: counts, outlets and date range of the index."""
    state = get_state(context)
    await respond(update, context, lambda: render_index(state))


def render_index(state: BotState) -> Rendered:
    catalog = state.services.index.catalog
    return Rendered(index_html(catalog.counts(), catalog.sources(), catalog.date_range(), len(list_feeds(catalog))))


async def actors(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/actors: the most mentioned people, organisations and places."""
    state = get_state(context)
    await respond(update, context, lambda: Rendered(actors_html(rank_actors(state.services.index.catalog, limit=15))))


async def actor(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/actor NAME: the actor's dossier."""
    name, state = " ".join(context.args or []).strip(), get_state(context)
    if not name:
        await say(update, "Send /actor followed by a name, e.g. /actor Aydar")
        return
    if await within_rate(update, state):
        await respond(update, context, lambda: render_actor(state, name))


def render_actor(state: BotState, name: str) -> Rendered:
    catalog = state.services.index.catalog
    resolution = resolve_name(catalog, name)
    if resolution.actor is None:
        choices = [a.name for a in resolution.candidates] or suggest(catalog, name)
        if resolution.ambiguous:
            return Rendered(esc(f"'{name}' could be {', '.join(choices[:8])}. Which one?"))
        hint = f" Did you mean {', '.join(choices)}?" if choices else " See /actors."
        return Rendered(esc(f"I don't know anyone called '{name}'.{hint}"))
    text, citations = dossier_html(build_dossier(state.services.index, resolution.actor, llm=state.services.llm))
    return Rendered(text, keyboard(paragraph_buttons(citations, state.store)))


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have (ignored in groups unless addressed to this bot)."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    command = message.text.split()[0]
    name, _, target = command.partition("@")
    if chat.type != ChatType.PRIVATE and target.lower() != (context.bot.username or "").lower():
        return
    await say(update, f"Sorry, I don't know {name}. Try /help")


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice…: a hint, in private chats only."""
    if update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE:
        await say(update, "I only read text. Send me a question, or /help.")


async def edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Edits are not re-answered (the first answer stands); private chats get a hint."""
    if update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE:
        await say(update, "I answer new messages only. Send the corrected question again.")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log with the update, chat and user; tell the user in a line."""
    log_failure(update, context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, SORRY)
        except Exception as exc:  # noqa: BLE001 - the error handler must never raise
            log.warning("could not tell chat %s about the error: %s", update.effective_chat.id, exc)
