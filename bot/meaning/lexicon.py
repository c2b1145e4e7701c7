"""The words the meaning check reads meaning from: modals and hedges, negations, verbs of speech and of
demand, predicates that name one act, symmetric events, order words and antonymous comparatives.

General English, not names: a list here says how a word behaves, never what a story is about.
"""

from __future__ import annotations

PERSON_LABELS = frozenset({"PERSON"})
GROUP_LABELS = frozenset({"NORP", "ORG", "GPE", "LOC", "FAC"})
MODALS = frozenset("will would may might could can should shall must ought 'll 'd wo".split())
# Verbs whose to-infinitive complement happened ("managed to leave"); every other one is a plan, hope or duty.
IMPLICATIVE = frozenset("manage begin start continue keep proceed happen dare tend seem appear use".split())
NEGATING = frozenset({"fail", "refuse", "decline"})  # "failed to leave": did not leave
# Verbs whose that-clause in the base form is a demand, not a fact ("demanded that Valdoria pay").
DIRECTIVE = frozenset("demand insist urge ask propose recommend suggest request require order call press push"
                      .split())
NEGATIVE_WORDS = frozenset({"nothing", "nobody", "none", "noone", "neither", "nor"})
SPEECH = frozenset("say tell add state stress insist note claim declare announce explain warn write argue assert "
                   "report accuse deny confirm reiterate emphasise emphasize acknowledge admit reply respond "
                   "quote".split())
# Predicates that mean one thing with several names ("sought" / "demanded"), for aligning paraphrases.
SYNONYMS = (
    SPEECH,
    frozenset("demand seek call ask urge want request push press insist".split()),
    frozenset("propose suggest offer".split()),
    frozenset("meet talk discuss hold".split()),
    frozenset("kill slay".split()),
    frozenset("travel go head visit fly arrive".split()),
    frozenset("recall withdraw".split()),
)
# Events that two sides do together: "A met B" is "B met A".
SYMMETRIC = frozenset("meet clash talk negotiate fight agree speak discuss trade exchange battle spar "
                      "collide argue partner ally confer".split())
BEFORE, AFTER = frozenset({"before", "prior", "ahead", "until", "till"}), frozenset({"after", "following", "since"})
ANTONYMS = {
    "more": {"less", "fewer"}, "less": {"more"}, "fewer": {"more"}, "higher": {"lower"}, "lower": {"higher"},
    "greater": {"smaller", "lesser"}, "smaller": {"greater", "larger", "bigger"}, "larger": {"smaller"},
    "bigger": {"smaller"}, "over": {"under", "below"}, "under": {"over", "above"}, "above": {"below", "under"},
    "below": {"above", "over"}, "most": {"least"}, "least": {"most"}, "increase": {"decrease", "fall", "drop"},
    "decrease": {"increase", "rise"}, "rise": {"fall", "drop", "decline"}, "fall": {"rise", "increase"},
    "drop": {"rise", "increase"}, "decline": {"rise"}, "longer": {"shorter"}, "shorter": {"longer"},
    "maximum": {"minimum"}, "minimum": {"maximum"}, "earlier": {"later"}, "later": {"earlier"},
}
# Words that flip or hedge meaning must not make two clauses look alike or different when aligning them.
FUNCTION_LEMMAS = (MODALS | NEGATIVE_WORDS | BEFORE | AFTER | set(ANTONYMS)
                   | frozenset("not never no be have do also then still just only already"
                               " -PRON- this that there it".split()))
CALENDAR = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april may "
                      "june july august september october november december".split())
CONTENT_POS = frozenset({"NOUN", "VERB", "ADJ", "ADV", "NUM", "PROPN"})


def same_predicate(a: str, b: str) -> bool:
    """Same lemma, or two lemmas that name the same kind of act ("said" / "told", "sought" / "demanded")."""
    return a == b or any(a in group and b in group for group in SYNONYMS)
