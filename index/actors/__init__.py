"""The actor index: spaCy mentions at ingest (`extract`), names and their spellings (`aliases`, `tables`),
corpus-wide resolution into canonical actors (`resolve*`, `clusters`) and its read side (`lookup`).

It uses the index's storage core (`catalog`, `articles`) only; `index.store` runs extraction and
resolution inside an ingest, and everything in bot/ reads actors through `lookup`.
"""

from index.actors.aliases import country_for_demonym, demonym_candidates
from index.actors.extract import extract, store_mentions
from index.actors.incremental import resolve_if_dirty
from index.actors.known import is_country, name_key
from index.actors.lookup import (
    Actor,
    Resolution,
    actors_in_text,
    boost_keys,
    directory,
    lookup,
    paragraph_keys,
    resolve_name,
    suggest,
)
from index.actors.resolve import resolve_actors

__all__ = ["Actor", "Resolution", "actors_in_text", "boost_keys", "country_for_demonym", "demonym_candidates",
           "directory", "extract", "is_country", "lookup", "name_key", "paragraph_keys", "resolve_actors",
           "resolve_if_dirty", "resolve_name", "store_mentions", "suggest"]
