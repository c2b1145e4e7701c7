"""Daily briefings: the day's articles grouped into stories (`stories`), ranked by coverage, each with cited
bullets (`bullets` + `salience` offline, `llm` when configured), and what each recipient already got
(`deliveries`).

It uses the shared bot modules and index/; no other capability.
"""

from bot.briefing.briefing import Briefing, Story, brief

__all__ = ["Briefing", "Story", "brief"]
