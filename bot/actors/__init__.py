"""Actors for readers: who the articles name most (`ranking`) and an actor's dossier (`dossier`): a dated,
cited timeline, quotes and related actors.

It reads the actor index through `index.actors` (lookup, resolution) and uses the shared bot modules;
no other capability.
"""

from bot.actors.dossier import build_dossier
from bot.actors.ranking import RankedActor, actor_filters, rank_actors

__all__ = ["RankedActor", "actor_filters", "build_dossier", "rank_actors"]
