"""The read side and the front ends. Depends on index/, never the reverse.

Top-level modules are what every capability shares: `settings` (the one Settings object), `context`
(what a capability is given), `citations`, `verify` (with the `meaning` package beneath it: who did
what, negation, order, qualifiers), `llm`, `prompts`, `render`, `runtime`, and beneath them all the text
helpers: `text` (rules: sentence splitter, content words, numbers, names), `spans` (a stored paragraph's
sentences and typed entity spans, read from its ingest-time annotation, by rule without one: every capability
splits paragraphs through it), `standalone` (whether a sentence stands alone as a cited claim: datelines,
shape), `claims` (whether two sentences state one claim), `entities`. Above them sit the capabilities, which
never import one another:
`qa` (answers), `briefing` (daily briefings), `actors` (rankings and dossiers), `summary` (one-article
summaries) and `timeline` (timelines of a story or actor, follows and their alerts).
`services` wires a process's long-lived objects; the front ends `cli` and `telegram` sit on top.
"""
