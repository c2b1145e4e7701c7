"""The read side and the front ends. Depends on index/, never the reverse.

Top-level modules are what every capability shares: `settings` (the one Settings object), `context`
(what a capability is given), `citations`, `verify`, `llm`, `prompts`, `text`, `entities`, `render`,
`runtime`. Above them sit the four capabilities, which never import one another: `qa` (answers),
`briefing` (daily briefings), `actors` (rankings and dossiers) and `summary` (one-article summaries).
`services` wires a process's long-lived objects; the front ends `cli` and `telegram` sit on top.
"""
