"""Timelines and follows: a dated, cited timeline of any story or actor (`timeline`: which days mattered,
from `evidence` and `select`, with event days read by `dates`), and follows that turn newly ingested
articles into alerts (`follows` stores them and what was sent; `alerts` matches and words them).

It uses the shared bot modules and index/; no other capability.
"""

from bot.timeline.alerts import AlertBatch, AlertItem, add_follow, due, in_quiet, match_new, numbered, parse_quiet
from bot.timeline.follows import Follow, FollowStore, Pending
from bot.timeline.scope import Scope, resolve_scope
from bot.timeline.timeline import Entry, Timeline, build_timeline

__all__ = ["AlertBatch", "AlertItem", "Entry", "Follow", "FollowStore", "Pending", "Scope", "Timeline", "add_follow",
           "build_timeline", "due", "in_quiet", "match_new", "numbered", "parse_quiet", "resolve_scope"]
