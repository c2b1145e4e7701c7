"""The read side and the front ends. Depends on index/, never the reverse.

Top-level modules are what every capability shares: `settings` (the one Settings object), `context`
(what a capability is given), `citations`, `verify` (with the meaning check under it: `meaning`,
`clauses`, `relations`, `lexicon`, `deep_parse`, `actor_names`), `llm`, `prompts`, `text`, `sentences`,
`claims`, `entities`, `render`, `runtime`. Above them sit the capabilities, which never import one another:
`qa` (answers), `briefing` (daily briefings), `actors` (rankings and dossiers), `summary` (one-article
summaries) and `timeline` (timelines of a story or actor, follows and their alerts).
`services` wires a process's long-lived objects; the front ends `cli` and `telegram` sit on top.
"""
