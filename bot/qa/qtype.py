"""What kind of answer a question expects, as the entity labels of the spans that would answer it.

"How long did the meeting last?" wants a duration (TIME, DATE, QUANTITY); "Which university…?" an
organisation; "Where…?" a place; "Who…?" a person. Factoid questions get a short answer: the typed span
of the cited sentence that answers them. Read from the wording alone, in microseconds; a question whose
wording names no type ("What did Turkey demand?") has none and is answered by sentences only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.text import how_many_heads, sentences

PERSON = frozenset({"PERSON"})
ORG = frozenset({"ORG"})
PLACE = frozenset({"GPE", "LOC", "FAC"})
WHEN = frozenset({"DATE", "TIME"})
NUMBER = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
MONEY = frozenset({"MONEY"})
COUNT = frozenset({"CARDINAL", "QUANTITY"})  # "how many": no dev answer is a sum of money or a percentage
DURATION = frozenset({"TIME", "DATE", "QUANTITY", "CARDINAL"})
AGE = frozenset({"DATE", "CARDINAL", "QUANTITY"})  # spaCy reads "17-year-old" as a DATE, "Godard, 91," as a CARDINAL
NAMED = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
RULE_NAME = "NAME"  # bot.spans labels a capitalised run NAME when the catalog has no annotations

# Head nouns of "which/what X" that say what kind of name answers. A noun not listed still asks for
# a name of some kind (NAMED); these only sharpen it.
_HEAD_KINDS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset("person man woman men women official leader player actor actress singer rapper star president "
               "minister senator justice judge politician executive ceo coach author director athlete "
               "individual celebrity governor mayor lawmaker candidate king queen pope billionaire founder "
               "owner chef artist musician writer journalist host comedian quarterback pitcher commissioner sheriff "
               "manager teenager grandmaster golfer spokesperson spokesman spokeswoman secretary chancellor officer "
               "pilot driver student suspect victim boxer swimmer chairman chairwoman producer designer activist "
               "economist scientist astronaut commander".split()), "person"),
    (frozenset("company firm platform airline university college school team club network brand retailer bank "
               "party agency group organization organisation outlet newspaper channel app service league union "
               "automaker carrier studio chain restaurant business manufacturer maker corporation startup "
               "department ministry court committee army institution charity website site".split()), "org"),
    (frozenset("country nation city state town island region province area county capital continent park port "
               "village territory neighborhood neighbourhood district location place venue stadium".split()),
     "place"),
    (frozenset("year month day date time decade century season".split()), "when"),
    (frozenset("percentage percent share proportion number amount price cost total age score sum margin "
               "magnitude".split()), "number"),
)
# A unit of time: "how many days" may be answered by a DATE ("30 days"); "how long" needs one (bot.qa.features)
TIME_UNIT = re.compile(r"(?:second|minute|hour|day|night|week|month|year|decade|century|centuries)s?\b",
                       re.IGNORECASE)
_KIND_LABELS = {"person": PERSON, "org": ORG | NAMED - PERSON, "place": PLACE, "when": WHEN, "number": NUMBER,
                "duration": DURATION, "age": AGE, "name": NAMED}
# A wh-word that opens the question or a clause of it ("and where…", "to whom…"), not a relative "who".
_OPENS = r"(?:^|[;:]\s*|\b(?:and|but|or|to|by|with|from|for|in|on|at|since|until)\s+)"
_WHICH = re.compile(r"\b(?:which|what)\s+((?:[\w’'-]+\s+){0,4}?[\w’'-]+)(?=’s|'s|\s+(?:is|are|was|were|will|would|"
                    r"did|does|do|has|have|had|can|could|should|may|might)\b|\s+of\b|[?,.]|$)", re.IGNORECASE)
_WHICH_LOOSE = re.compile(r"\b(?:which|what)\s+((?:[\w’'-]+\s*){1,4})", re.IGNORECASE)


@dataclass(frozen=True)
class Expected:
    """The answer a question asks for: a kind (person, org, place, when, number, duration, age, name) or none."""

    kind: str | None
    labels: frozenset[str] = frozenset()
    head: str | None = None  # the noun of "how many X" / "which X", when there is one

    @property
    def factoid(self) -> bool:
        return self.kind is not None

    def accepts(self, label: str) -> bool:
        """A span with this label can answer (NAME, from rules, stands for any named kind)."""
        return label in self.labels or (label == RULE_NAME and bool(self.labels & NAMED))

    def near(self, label: str) -> bool:
        """A span with this label may answer: for a name of one kind, a name of any kind will do, since
        the small NER model often mislabels them (Sri Lanka a PERSON, the Space Station an ORG)."""
        return self.accepts(label) or (bool(self.labels & NAMED) and label in NAMED)


def expected(question: str) -> Expected:
    """The expected answer type of a question, from its wording."""
    q = asking_sentence(" ".join(question.replace("’", "'").split()))
    low = q.lower()
    # "How much (prize) money…" is answered by an amount of money ("£28m"), not by any count in the sentence.
    if re.search(r"\bhow much (?:\w+ ){0,2}?(?:money|cash)\b", low):
        return Expected("number", MONEY)
    how = re.search(r"\bhow (many|much|long|old|far|big|tall|large|often)\b", low)
    if how:
        word = how.group(1)
        kind = {"long": "duration", "old": "age", "often": "duration"}.get(word, "number")
        heads = how_many_heads(q) if word in ("many", "much") else []
        head = heads[0].lower() if heads else None
        labels = _KIND_LABELS[kind]
        if word == "many":
            # a count: "How many subscribers did Disney+ lose?" is not answered by "$1.5 billion" in losses;
            # spaCy reads "30 days" as a DATE and "12 hours" as a TIME
            labels = COUNT | (WHEN if head and TIME_UNIT.fullmatch(head) else frozenset())
        return Expected(kind, labels, head)
    if re.search(r"\bwhat (percentage|percent|share|proportion)\b", low):
        return Expected("number", frozenset({"PERCENT", "CARDINAL"}))
    if re.search(_OPENS + r"(?:when|what time|what date|what day|what year|which year|which day|which month)\b", low):
        return Expected("when", WHEN)
    if re.search(_OPENS + r"where\b", low):
        return Expected("place", PLACE)
    if re.search(r"\bwhat (?:is|was) the name of\b", low):
        return Expected("name", NAMED)
    if re.search(_OPENS + r"(?:who|whom|whose)\b", low) or re.search(r"\bwhat (?:is|was) (?:his|her|their) name\b",
                                                                     low):
        return Expected("person", PERSON | frozenset({"ORG", "NORP"}))
    head = _which_head(q)
    if head is not None:
        kind = next((k for nouns, k in _HEAD_KINDS if head in nouns), "name")
        return Expected(kind, _KIND_LABELS[kind], head)
    return Expected(None)


def asking_sentence(question: str) -> str:
    """The sentence that asks: quiz questions often open with a statement ("X died this week. Which…?")."""
    parts = sentences(question)
    asking = [p for p in parts if p.rstrip().endswith("?")]
    return (asking or parts or [question])[-1]


def _which_head(question: str) -> str | None:
    """The head noun after which/what: the last listed type noun of the phrase, else its last word."""
    match = _WHICH.search(question) or _WHICH_LOOSE.search(question)
    if not match or re.match(r"\s*(?:of|is|are|was|were|did|does|do|happened|will|would|can)\b", match.group(1),
                             re.IGNORECASE):
        return None  # "which of the following", "what did X say", "what happened": no type in the wording
    words = [_singular(w.lower().removesuffix("'s")) for w in match.group(1).split()]
    listed = [w for w in words if any(w in nouns for nouns, _ in _HEAD_KINDS)]
    if listed:
        return listed[-1]
    return words[-1] if len(words) <= 4 and match.re is _WHICH else None


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word
