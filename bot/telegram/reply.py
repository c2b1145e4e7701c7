"""Sending: HTML parts under 4,096 characters, a typing indicator while work runs on a worker thread,
and a placeholder ("Looking through the articles…") that is edited into the result when work is slow."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from telegram import Bot, Chat, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.telegram.render import NO_PREVIEW, Rendered, esc
from bot.telegram.split import split_html
from bot.telegram.state import get_state

log = logging.getLogger(__name__)
PLACEHOLDER = "Looking through the articles…"
SORRY = "Sorry, something went wrong on my side. Please try again in a moment."
TYPING_EVERY = 4.0  # Telegram shows "typing…" for about 5 seconds per chat action


async def send(bot: Bot, chat_id: int, rendered: Rendered, reply_to: int | None = None,
               edit: Message | None = None) -> list[Message]:
    """Send `rendered` split into parts; the keyboard goes on the last part; `edit` becomes the first."""
    parts = split_html(rendered.html) or ["…"]
    sent: list[Message] = []
    for n, part in enumerate(parts):
        markup = rendered.keyboard if n == len(parts) - 1 else None
        if n == 0 and edit is not None:
            try:
                result = await edit.edit_text(part, parse_mode=ParseMode.HTML, reply_markup=markup,
                                              link_preview_options=NO_PREVIEW)
                sent.append(result if isinstance(result, Message) else edit)
                continue
            except BadRequest as exc:  # e.g. the placeholder was deleted: send anew below
                if "not modified" in str(exc).lower():  # an earlier, retried attempt got through: it is there
                    sent.append(edit)
                    continue
        sent.append(await bot.send_message(chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup,
                                           link_preview_options=NO_PREVIEW,
                                           reply_to_message_id=reply_to if n == 0 else None,
                                           allow_sending_without_reply=True))
    return sent


async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE, expired: str) -> tuple[str, str] | None:
    """The (kind, payload) behind an inline button, the press acknowledged; None, after telling the
    user `expired`, when the button is no longer stored."""
    query = update.callback_query
    if query is None:
        return None
    resolved = get_state(context).store.resolve(query.data or "")
    await query.answer(None if resolved else expired)
    return resolved


async def say(update: Update, text: str) -> None:
    """A short plain reply (escaped), e.g. a usage hint or a refusal."""
    message = update.effective_message
    if message is not None:
        await message.reply_text(esc(text), parse_mode=ParseMode.HTML)


async def respond(update: Update, context: ContextTypes.DEFAULT_TYPE, work: Callable[[], Rendered],
                  io: bool = False, placeholder: str = PLACEHOLDER) -> None:
    """Run `work` on a worker thread (`io`: network-bound admin work, see BotState.io) and send what it
    renders, typing meanwhile; failures become SORRY."""
    state, chat, message = get_state(context), update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    typing = asyncio.create_task(keep_typing(context.bot, chat.id))
    task = asyncio.ensure_future(state.io(work) if io else state.read(work))
    holder = _earlier_placeholder(update, context, chat)
    try:
        done, _ = await asyncio.wait({task}, timeout=state.placeholder_after)
        if not done and holder is None:
            holder = await message.reply_text(placeholder)
            state.journal.set_placeholder(update.update_id, holder.message_id)
        rendered = await task
    except Exception as exc:  # noqa: BLE001 - the user gets one short line; the log gets the context
        log_failure(update, exc)
        rendered = Rendered(esc(SORRY))
    finally:
        typing.cancel()
    await send(context.bot, chat.id, rendered, reply_to=message.message_id, edit=holder)


def _earlier_placeholder(update: Update, context: ContextTypes.DEFAULT_TYPE, chat: Chat) -> Message | None:
    """The placeholder a killed process had sent for this update: the replay edits it into the answer."""
    message_id = get_state(context).journal.placeholder(update.update_id)
    if message_id is None:
        return None
    holder = Message(message_id=message_id, date=datetime.now(UTC), chat=chat)
    holder.set_bot(context.bot)
    return holder


async def keep_typing(bot: Bot, chat_id: int) -> None:
    """Show "typing…" until cancelled."""
    while True:
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:  # a missed indicator is not worth failing a reply for
            log.debug("chat action failed: %s", exc)
        await asyncio.sleep(TYPING_EVERY)


def log_failure(update: object, exc: BaseException | None) -> None:
    """Log an exception with the update, chat and user it happened in."""
    update_id = chat_id = user_id = None
    if isinstance(update, Update):
        update_id = update.update_id
        chat_id = update.effective_chat.id if update.effective_chat else None
        user_id = update.effective_user.id if update.effective_user else None
    log.error("update %s failed (chat %s, user %s): %s", update_id, chat_id, user_id, exc,
              exc_info=(type(exc), exc, exc.__traceback__) if exc else None)
