"""Live sources: one URL fetched with every cost bounded (`fetch`), URLs and feed URLs turned into
articles (`urls`), and feed subscriptions polled for unseen items (`feeds`).

It sits on top of the index: it may use the storage core and `index.store` to ingest what it fetched.
"""

from index.live.feeds import PollReport, add_feed, list_feeds, poll, remove_feed
from index.live.fetch import FetchError, fetch_article, is_public, is_url
from index.live.urls import ingest_urls, read_urls

__all__ = ["FetchError", "PollReport", "add_feed", "fetch_article", "ingest_urls", "is_public", "is_url",
           "list_feeds", "poll", "read_urls", "remove_feed"]
