"""The meaning check behind bot.verify: does a reworded claim say who did what the way its source does?

`check.meaning_reason` aligns a claim with its best source sentences and compares them clause by clause
(agent, predicate, object, negation, order, quantity qualifiers, hedges, who a quotation is given to);
`parse` runs spaCy's full pipeline lazily and in one batch per answer, `clauses` and `relations` read
parses into clauses, `lexicon` holds the word lists, `names` resolves names through the actor index.

It sits between the shared text helpers (bot.text, bot.entities) and bot.verify, the only shared module
that calls it; capabilities reach it for `prefetch` (parse an answer's sentences together) and `Evidence`.
"""

from bot.meaning.check import meaning_reason
from bot.meaning.parse import Evidence, prefetch

__all__ = ["Evidence", "meaning_reason", "prefetch"]
