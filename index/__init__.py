"""The write side and the retrieval API: sources → articles → numbered paragraphs → catalog (SQLite, the
source of truth) + Chroma vectors + the lexical index, and `search` over them.

Top-level modules are the storage core (`articles`, `sources`, `catalog`, `vectors`, `bm25`, `embed`,
`models`, `config`, `dedupe`) and the facade over it (`store.Index` for atomic ingest, `search`).
`index.actors` (people, organisations and places named in the articles) sits between the core and the
facade; `index.live` (URLs and feeds) sits on top; `index.furniture` (text rules telling page furniture
from reporting) sits below everything. index/ never imports bot/.
"""
