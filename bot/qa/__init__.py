"""Questions and answers: condense a follow-up, retrieve, draft (LLM or extractive), verify, remember;
and `newsbot eval`'s scoring.

It uses the shared bot modules and index/ (the actor index for follow-ups and retrieval boosts);
no other capability.
"""

from bot.qa.actor_context import entity_finder, paragraph_boost
from bot.qa.answer import Answer, Answerer
from bot.qa.evaluate import Tally, evaluate_one, load_questions
from bot.qa.memory import Memory

__all__ = ["Answer", "Answerer", "Memory", "Tally", "entity_finder", "evaluate_one",
           "load_questions", "paragraph_boost"]
