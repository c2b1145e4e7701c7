"""The meaning check: does a reworded claim say who did what the way its source sentence does?

The lexical check (bot.verify) passes a claim whose words, names and numbers occur in the paragraphs it
cites; a model still errs by keeping every word and moving them about: the agent swapped, a negation
dropped, "before" for "after", "fewer than" for "over", a plan told as done, a quotation given to the
wrong speaker. `meaning_reason` picks the source sentences that best share the claim's words, has
bot.meaning.parse parse the claim and those sentences (spaCy's full pipeline, loaded lazily), reads each
into clauses (bot.meaning.clauses) and compares the claim's clauses with the source clauses they align with.
Names are compared through the actor index when a catalog is given, so "the Turkish foreign minister"
is Hakan Fidan and "Valdorian" is Valdoria.

A claim is cut only on evidence: the aligned source clause says otherwise and no other aligned source
clause says what the claim says. A claim the parse cannot align passes: the lexical check stands.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.meaning.clauses import Clause, Name, Reading
from bot.meaning.lexicon import ANTONYMS, SYMMETRIC, same_predicate
from bot.meaning.names import NameMatcher
from bot.meaning.parse import Evidence, best_sentences, claim_spans, readings
from bot.text import fold

# Fitted on the tuning folds of bench/verify_meaning.py (dev paragraphs of ../shared/data); see its --fit.
ALIGN_SAME_PREDICATE = 0.3  # share of the claim clause's words a source clause with the same predicate must hold
ALIGN_OTHER_PREDICATE = 0.7  # ... when a light verb meets a full one ("there was no statement" / "none was issued")
RIVAL_MARGIN = 0.25  # a second source clause aligned this nearly as well as the best one may vouch for the claim
LIGHT_VERBS = frozenset({"be", "have"})
DIRECTIVE_STEMS = ("demand", "insist", "urg", "ask", "propos", "recommend", "suggest", "request", "requir", "order",
                   "call", "press", "push", "stress")
_QUALIFIER = re.compile(
    r"\b(more than|greater than|higher than|over|above|at least|upwards of|in excess of|exceeding|no fewer than|"
    r"no less than|fewer than|less than|lower than|under|below|at most|nearly|almost|up to|no more than|"
    r"just short of|close to)\s+(?:US\s?)?[$€£]?\s?(\d[\d,.]*\d|\d)", re.IGNORECASE)
_UP = frozenset("more than|greater than|higher than|over|above|at least|upwards of|in excess of|exceeding|"
                "no fewer than|no less than".split("|"))


def meaning_reason(claim: str, sources: Sequence[str], actors=None) -> str | None:
    """Why the claim misreports its sources (a sentence a reader understands), or None when it does not.

    `actors` is the index's catalog, or an `Evidence` of the cited paragraphs (catalog and entity spans)."""
    qualifier = _qualifier_conflict(claim, " ".join(sources))
    if qualifier:
        return qualifier
    evidence = actors if isinstance(actors, Evidence) else Evidence(actors)
    chosen = best_sentences(claim, sources, evidence)
    if not chosen:
        return None
    claim_reading, *source_readings = readings([(claim, claim_spans(claim, sources, evidence)), *chosen])
    matcher = NameMatcher(evidence.catalog)
    for clause in claim_reading.clauses:
        reason = _clause_conflict(clause, [c for r in source_readings for c in r.clauses], matcher)
        if reason:
            return reason
    return _order_conflict(claim_reading, source_readings) or _comparative_conflict(claim_reading, source_readings)


# -- clauses ---------------------------------------------------------------------------------------
def _score(claim: Clause, source: Clause) -> float:
    """How surely two clauses tell the same event: above 1 for one predicate (or two synonyms) sharing
    enough words; below 1 for 'there was no statement' / 'no statement was issued', a light verb and a
    full one with the same patient; 0 when they are not comparable."""
    mine, theirs = claim.words - {claim.lemma}, source.words - {source.lemma}
    # The arguments' shared words, as a share of each side, averaged: a parse that hangs more words from
    # one predicate than the other still aligns them, yet the closest telling scores highest.
    # No argument words on a side: neutral.
    shared = len(mine & theirs)
    share = (shared / len(mine) + shared / len(theirs)) / 2 if mine and theirs else 0.5
    light = (claim.lemma in LIGHT_VERBS, source.lemma in LIGHT_VERBS)
    patients = (claim.patient.head if claim.patient else None, source.patient.head if source.patient else None)
    same_patient = patients[0] is not None and patients[0] == patients[1]
    if same_predicate(claim.lemma, source.lemma) and (not any(light) or same_patient or patients == (None, None)):
        return 1.0 + share if share >= ALIGN_SAME_PREDICATE else 0.0
    return share if light[0] != light[1] and same_patient and share >= ALIGN_OTHER_PREDICATE else 0.0


def _clause_conflict(claim: Clause, sources: list[Clause], matcher: NameMatcher) -> str | None:
    aligned = sorted(((s, _score(claim, s)) for s in sources), key=lambda x: -x[1])
    aligned = [(s, score) for s, score in aligned if score > 0]
    if not aligned:
        return None
    best, best_score = aligned[0]
    reason = _differences(claim, best, matcher)
    if reason is None:
        return None
    # Another telling of the same event that says what the claim says: the claim is supported.
    rivals = [s for s, score in aligned[1:]
              if score >= best_score - RIVAL_MARGIN and (score >= 1.0 or best_score < 1.0)]
    if any(_differences(claim, s, matcher) is None for s in rivals):
        return None
    return reason


def _differences(claim: Clause, source: Clause, matcher: NameMatcher) -> str | None:
    """The first way `claim` contradicts `source` (both about the same event), as a reader's sentence."""
    names = _name_conflict(claim, source, matcher)
    if names:
        return names
    if claim.negated != source.negated:
        return f"says “{_trim(claim.text, 80)}”; the source says the opposite: “{_trim(source.text, 80)}”"
    if source.hedge and not claim.hedge:
        return (f"reports as done what the source gives only as {_hedge_kind(source.hedge)}: "
                f"“{_trim(source.sentence, 120)}”")
    return None


def _hedge_kind(word: str) -> str:
    """What a hedge word makes of an event, for a reader: 'will' a forecast, 'demanded' a demand, …"""
    word = word.lower()
    if word in ("will", "'ll", "shall", "wo") or word.startswith(("expect", "schedul", "set", "due", "likel", "plan")):
        return "a plan or a forecast"
    if word in ("would", "could", "may", "might", "can", "if", "unless"):
        return "a possibility"
    if word in ("should", "must", "ought") or word.startswith(DIRECTIVE_STEMS):
        return "a demand"
    return "a plan or an aim" if word == "to" else "an aim or a hope"


def _name_conflict(claim: Clause, source: Clause, matcher: NameMatcher) -> str | None:
    """Someone named where the source names someone else: in the same place of the same event."""
    symmetric = claim.lemma in SYMMETRIC and source.lemma in SYMMETRIC
    mine, theirs = _places(claim, symmetric), _places(source, symmetric)
    for place, ours in mine.items():
        if place not in theirs or place == "other":
            continue
        unmatched, unmentioned = _pair(ours, theirs[place], matcher)
        for mine_name, their_name in _substitutes(unmatched, unmentioned, ours, theirs[place], matcher):
            # The source giving the name as often, on the same side of the verb, is a parse that hung it
            # elsewhere; unless the name it displaced moved too: then two names changed places.
            elsewhere = _count(source, mine_name, mine_name.at < claim.at, matcher) >= _count(
                claim, mine_name, mine_name.at < claim.at, matcher)
            moved = any(matcher.same(n, their_name) for p, n in claim.slots if p != place)
            if not elsewhere or moved:
                return _name_reason(claim, source, place, mine_name, their_name)
    return _role_swap(claim, source, mine, theirs, matcher)


def _pair(ours: list[Name], theirs: list[Name], matcher: NameMatcher) -> tuple[list[Name], list[Name]]:
    """Claim names with no source name to pair with (one each: "Sotomayor, Sotomayor and Kagan" leaves one
    Sotomayor over where the source says Breyer), and source names the claim never gives."""
    used: set[int] = set()
    unmatched = []
    for name in ours:
        partner = next((k for k, t in enumerate(theirs) if k not in used and matcher.same(name, t)), None)
        if partner is None:
            unmatched.append(name)
        else:
            used.add(partner)
    unmentioned = [t for k, t in enumerate(theirs) if k not in used and not any(matcher.same(n, t) for n in ours)]
    return unmatched, unmentioned


def _count(clause: Clause, name: Name, before: bool, matcher: NameMatcher) -> int:
    """How often the clause's sentence gives `name` before (or after) the clause's verb."""
    return sum(1 for n in clause.around if (n.at < clause.at) == before and matcher.same(name, n))


def _places(clause: Clause, symmetric: bool) -> dict[str, list[Name]]:
    out: dict[str, list[Name]] = {}
    for place, name in clause.slots:
        if symmetric and place in ("agent", "patient", "with", "between"):
            place = "sides"  # "A met B" is "B met A"
        out.setdefault(place, []).append(name)
    return out


def _substitutes(unmatched: list[Name], unmentioned: list[Name], ours: list[Name], theirs: list[Name],
                 matcher: NameMatcher):
    """(claim name, source name) pairs that may stand for each other: kinds agree ('unknown' fits either)."""
    known = [n for n in unmatched if not n.role or matcher.ids(n.text)]  # an unresolved role says nobody
    for mine in known:
        for other in unmentioned:
            if mine.kind == other.kind or "unknown" in (mine.kind, other.kind):
                yield mine, other
    if len(ours) == 1 and len(theirs) == 1 and known and unmentioned:
        yield known[0], unmentioned[0]  # one name each: the tagger's kind may be wrong on either side


def _role_swap(claim: Clause, source: Clause, mine: dict[str, list[Name]], theirs: dict[str, list[Name]],
               matcher: NameMatcher) -> str | None:
    """The agent of the claim is the source's patient and not its agent (or the other way round)."""
    for role, other in (("agent", "patient"), ("patient", "agent")):
        ours = mine.get(role, [])
        if ours and theirs.get(other) and not theirs.get(role) and all(
                any(matcher.same(n, t) for t in theirs[other]) for n in ours):
            return f"swaps who did what: the source says “{_trim(source.sentence, 120)}”"
    return None


def _name_reason(claim: Clause, source: Clause, place: str, mine: Name, theirs: Name) -> str:
    if place == "agent" and claim.agent is not None and source.agent is not None:
        return f"says {_who(claim.agent.text)} {_did(claim)}; the source says {_who(source.agent.text)} did"
    if place == "according to":
        return f"attributes it to {mine.text}; the source attributes it to {theirs.text}"
    if place in ("agent", "patient", "sides", "other"):
        return f"names {mine.text} where the source names {theirs.text}: “{_trim(source.sentence, 120)}”"
    return f"says “{place} {mine.text}”; the source says “{place} {theirs.text}”"


def _who(phrase: str) -> str:
    """An agent as a reason names it: up to its first comma, 'The' lower-cased ('the Kestrelian delegation')."""
    head = phrase.split(",")[0].strip()
    return head[0].lower() + head[1:] if head.startswith(("The ", "A ", "An ")) else head


def _did(clause: Clause) -> str:
    """The claim's event in the past tense with what follows it: 'sought an unconditional ceasefire'."""
    from lemminflect import getInflection

    verb = (getInflection(clause.lemma, tag="VBD") or (clause.lemma,))[0]
    rest = clause.tail or (clause.patient.text if clause.patient is not None else "it" if clause.speech else "")
    if rest and rest[:1].isupper() and not rest.split()[0].isupper():
        rest = rest[0].lower() + rest[1:] if rest.split()[0] in ("The", "A", "An") else rest
    return _trim(f"{verb} {rest}".strip(), 70)


def _trim(text: str, limit: int = 100) -> str:
    text = " ".join(text.split()).rstrip(" ,;:")
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"


# -- orders and comparatives ----------------------------------------------------------------------
def _order_conflict(claim: Reading, sources: list[Reading]) -> str | None:
    for order in claim.orders:
        for reading in sources:
            for theirs in reading.orders:
                same = _overlap(order.earlier, theirs.earlier) + _overlap(order.later, theirs.later)
                flipped = _overlap(order.earlier, theirs.later) + _overlap(order.later, theirs.earlier)
                if flipped > same and flipped >= 1.0:
                    return (f"reverses the order of events (“{order.marker}”): the source says "
                            f"“{_trim(reading.text, 120)}”")
    return None


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def _comparative_conflict(claim: Reading, sources: list[Reading]) -> str | None:
    theirs = {(c.word, c.anchor) for r in sources for c in r.comparatives}
    for comp in claim.comparatives:
        if (comp.word, comp.anchor) in theirs:
            continue
        opposite = next((w for w, anchor in theirs if anchor == comp.anchor and w in ANTONYMS[comp.word]), None)
        if opposite:
            return f"says “{comp.word} {comp.anchor}”; the source says “{opposite} {comp.anchor}”"
    return None


def _qualifier_conflict(claim: str, source: str) -> str | None:
    """'fewer than 9,700' where the source says 'over 9,700' (or an exact 9,700)."""
    found: dict[str, set[str]] = {}
    for match in _QUALIFIER.finditer(source):
        found.setdefault(_number(match.group(2)), set()).add(_direction(match.group(1)))
    plain = {_number(n) for n in re.findall(r"\d[\d,.]*\d|\d", source)}
    for match in _QUALIFIER.finditer(claim):
        number, direction = _number(match.group(2)), _direction(match.group(1))
        said = found.get(number, set())
        if direction in said or number not in plain:
            continue
        source_words = next((m.group(0) for m in _QUALIFIER.finditer(source) if _number(m.group(2)) == number),
                            number)
        return f"says “{match.group(0)}”; the source says “{source_words}”"
    return None


def _number(text: str) -> str:
    return text.replace(",", "").rstrip(".")


def _direction(words: str) -> str:
    return "up" if fold(words) in _UP else "down"
