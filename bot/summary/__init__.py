"""One-article summaries: a cited gist and 3-6 bullets in article order for a catalog id, URL or file
(`summarize`), drafted extractively or by the LLM, long articles in parts, with the article's key actors.

It uses the shared bot modules and index/ (the actor index for key actors); no other capability.
"""

from bot.summary.summarize import DEFAULT_BULLETS, Summary, SummaryError, summarize

__all__ = ["DEFAULT_BULLETS", "Summary", "SummaryError", "summarize"]
