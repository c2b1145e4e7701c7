"""What a sentence says, read from spaCy's dependency parse: who did what to whom, negated or not,
done or only planned, in which order, and with which comparative.

`read(doc)` turns a parsed sentence into `Reading`: one `Clause` per predicate (agent and patient
normalised across voice, so "was sought by Turkey" and "Turkey sought" read alike), the before/after
relations between events, and the comparatives attached to a noun or a number. `bot.meaning.check` compares
the reading of a claim with the readings of its best-aligned source sentences.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.entities import TITLE_WORDS
from bot.meaning.lexicon import (
    CALENDAR,
    CONTENT_POS,
    DIRECTIVE,
    FUNCTION_LEMMAS,
    GROUP_LABELS,
    IMPLICATIVE,
    MODALS,
    NEGATING,
    NEGATIVE_WORDS,
    PERSON_LABELS,
    SPEECH,
)
from bot.meaning.relations import Comparative, Order, comparatives, orders

# Title words that head a description of one person ("the Turkish foreign minister", "the president").
ROLE_HEADS = frozenset(w for w in TITLE_WORDS if w not in ("foreign", "defence", "defense", "finance", "state",
                                                            "interior", "justice", "vice", "deputy", "prime",
                                                            "mr.", "mrs.", "ms.", "dr.", "sir", "lord", "chief"))

_CLAUSE_BREAKS = frozenset({"conj", "advcl", "parataxis", "relcl", "cc", "punct", "mark"})
_PHRASE_BREAKS = frozenset({"relcl", "advcl", "parataxis", "punct"})

@dataclass(frozen=True)
class Name:
    """A named entity inside an argument: its text, 'person' or 'group' (org, place, nationality), and the
    side it is on ('pro', 'anti') when the text says ("Pro-Palestinian")."""

    text: str
    kind: str
    stance: str | None = None
    at: int = -1  # index of its first token in the sentence
    role: bool = False  # a description ("the foreign minister"), not a name: it says who only if resolved


@dataclass(frozen=True)
class Phrase:
    """An argument of a predicate: its words, head lemma and the names it holds."""

    text: str
    head: str
    names: tuple[Name, ...]


@dataclass(frozen=True)
class Clause:
    """One predicate with its arguments, polarity and modality."""

    lemma: str
    text: str
    agent: Phrase | None
    patient: Phrase | None
    slots: tuple[tuple[str, Name], ...]  # every name in the clause with its place: "agent", "patient", "on", …
    negated: bool
    hedge: str | None  # the word that makes it a plan, hope or possibility ("will", "expected"), else None
    words: frozenset[str]  # content lemmas, names and polarity/modality words left out
    at: int = -1  # the predicate's token index
    around: tuple[Name, ...] = ()  # every name of the sentence, for telling a parse slip from a swap
    tail: str = ""  # what follows the verb in an active clause ("that the corridor be reopened"), for reasons
    sentence: str = ""  # the whole sentence, quoted in reasons

    @property
    def speech(self) -> bool:
        return self.lemma in SPEECH


@dataclass(frozen=True)
class Reading:
    """Everything the meaning check reads from one sentence."""

    clauses: tuple[Clause, ...]
    orders: tuple[Order, ...]
    comparatives: tuple[Comparative, ...]
    text: str = ""


def read(doc) -> Reading:
    """The clauses, event orders and comparatives of one parsed sentence."""
    names = _names(doc)
    around = tuple(dict.fromkeys(names[i] for i in sorted(names)))
    clauses = tuple(_clause(t, names, around) for t in doc if _is_predicate(t))
    return Reading(clauses, tuple(orders(doc, names)), tuple(comparatives(doc)), doc.text)


def _is_predicate(t) -> bool:
    if t.dep_ in ("amod", "compound", "prep", "nmod", "npadvmod", "advmod"):
        return False  # "detained sailors", "according to": modifiers, not events
    if t.pos_ == "VERB":
        return True
    return t.pos_ == "AUX" and t.dep_ not in ("aux", "auxpass") and any(
        c.dep_ in ("attr", "acomp", "expl", "nsubj") for c in t.children)


def _names(doc) -> dict[int, Name]:
    """Token index -> the Name it belongs to (entities, then proper nouns and demonyms spaCy missed)."""
    out: dict[int, Name] = {}
    other: set[int] = set()  # dates, numbers, money: entities that are not actors
    for ent in doc.ents:
        kind = "person" if ent.label_ in PERSON_LABELS else "group" if ent.label_ in GROUP_LABELS else None
        if kind:
            text, stance = _stance(ent.text)
            for t in ent:
                out[t.i] = Name(text, kind, stance, ent.start)
        else:
            other.update(t.i for t in ent)
    for t in doc:
        if t.i in out or t.i in other or not t.text[:1].isupper() or t.is_sent_start and t.pos_ != "PROPN":
            continue
        if t.lower_.rstrip(".") in TITLE_WORDS or t.lower_ in CALENDAR:
            continue  # "Prime Minister", "Monday": capitalised, but nobody's name
        if t.pos_ == "PROPN" or (t.pos_ == "ADJ" and t.text[1:].islower()) or (len(t) > 1 and t.text.isupper()):
            out[t.i] = Name(t.text, "group" if t.pos_ == "ADJ" else "unknown", None, t.i)
    for t in doc:  # "the Lunerian foreign minister": a person by role, whom the actor index may know by name
        named = [t.head] if t.dep_ in ("compound", "appos") else []  # "Foreign Minister Aydar": she is named
        named += [c for c in t.children if c.dep_ in ("compound", "appos", "flat")]
        if t.i not in out and t.lower_.rstrip(".") in ROLE_HEADS and t.pos_ in ("NOUN", "PROPN") and not any(
                out.get(x.i) is not None and out[x.i].kind == "person" for x in named):
            start = t.left_edge.i
            role = Name(doc[start:t.i + 1].text, "person", None, start, role=True)
            for i in range(start, t.i + 1):  # "Lunerian" in it is the minister's nationality, not another actor
                out[i] = role
    return out


def _stance(text: str) -> tuple[str, str | None]:
    lowered = text.lower()
    for stance in ("pro", "anti"):
        if lowered.startswith(stance + "-") or lowered.startswith(stance + " - "):
            return text.split("-", 1)[1].strip(), stance
    return text, None


def _clause(pred, names: dict[int, Name], around: tuple[Name, ...]) -> Clause:
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in pred.children) or (
        pred.dep_ == "acl" and pred.tag_ == "VBN")
    agent_tok = _child(pred, "agent")
    agent_tok = _child(agent_tok, "pobj") if agent_tok is not None else None
    if not passive:
        agent_tok = _child(pred, "nsubj", "csubj")
    patient_tok = _child(pred, "nsubjpass") if passive else _child(pred, "dobj", "attr", "acomp", "oprd")
    if agent_tok is None and not passive:
        agent_tok = _inherited_subject(pred)
    if patient_tok is None and pred.dep_ in ("relcl", "acl") and pred.head.pos_ in ("NOUN", "PROPN"):
        if passive or _child(pred, "nsubj") is not None:
            patient_tok = pred.head
        elif agent_tok is None:
            agent_tok = pred.head
    if patient_tok is None and passive:
        patient_tok = _inherited_subject(pred)
    agent, patient = _phrase(agent_tok, names), _phrase(patient_tok, names)
    span = _span(pred) | _tokens(agent_tok) | _tokens(patient_tok)
    roles = {**{i: "patient" for i in _tokens(patient_tok)}, **{i: "agent" for i in _tokens(agent_tok)}}
    # Names inside a complement or relative clause ("made it clear [Israel releases …]", "Asia [where the Gaza
    # conflict …]") are that clause's, not this one's.
    embedded = {x.i for i in span if pred.doc[i].dep_ in ("ccomp", "xcomp", "csubj", "relcl") and i != pred.i
                for x in pred.doc[i].subtree}
    slots = tuple(dict.fromkeys((_slot(pred.doc[i], pred, roles), names[i]) for i in sorted(span - embedded)
                                if i in names))
    words = frozenset(t.lemma_.lower() for t in pred.doc if t.i in span and _content(t, names))
    doc = pred.doc
    tail = detok(doc, {i for i in span if i > pred.i} - _tokens(agent_tok) if not passive else set())
    return Clause(pred.lemma_.lower(), detok(doc, span), agent, patient, slots, _negated(pred), _hedge(pred), words,
                  pred.i, around, tail, doc.text)


def detok(doc, ids: set[int]) -> str:
    """The tokens' text as written, a space where a left-out token stood between two kept ones."""
    out: list[str] = []
    last = None
    for i in sorted(ids):
        if last is not None and i != last + 1 and out and not out[-1].endswith(" "):
            out.append(" ")
        out.append(doc[i].text_with_ws)
        last = i
    return "".join(out).strip()


def _slot(token, pred, roles: dict[int, str]) -> str:
    """Where a name stands in the clause: under the nearest preposition ('for', 'according to'), else in
    the agent or patient (normalised across voice), else 'other'. The nearest preposition, not the
    attachment, so 'drove in six runs for Chicago' reads alike whichever word 'for' hangs from."""
    node = token
    while node.i != pred.i and node.head.i != node.i:
        if node.dep_ == "pobj" and node.head.pos_ == "ADP":
            prep = node.head
            if prep.dep_ == "agent" and prep.head.i == pred.i:
                return "agent"
            if prep.head.lower_ == "according":
                return "according to"
            return prep.lower_
        node = node.head
    return roles.get(token.i, "other")


def _child(token, *deps: str):
    if token is None:
        return None
    return next((c for c in token.children if c.dep_ in deps), None)


def _inherited_subject(pred):
    """The subject a verb shares with its governor: 'Troops are expected to enter', 'met and talked'."""
    head = pred.head
    if head.i == pred.i:
        return None
    if pred.dep_ == "xcomp" or (pred.dep_ == "advcl" and _child(pred, "aux") is not None
                                and _child(pred, "aux").lower_ == "to"):
        return _child(head, "dobj") if pred.dep_ == "xcomp" and _child(head, "dobj") is not None \
            else _child(head, "nsubj", "nsubjpass")
    if pred.dep_ == "conj" and head.pos_ in ("VERB", "AUX"):
        return _child(head, "nsubj", "nsubjpass") or _inherited_subject(head)
    if pred.dep_ in ("xcomp", "acomp") or head.dep_ in ("acomp", "xcomp"):
        return _child(head.head, "nsubj", "nsubjpass")
    return None


def _tokens(token) -> set[int]:
    if token is None:
        return set()
    return {t.i for t in _phrase_tokens(token)}


def _phrase_tokens(token) -> list:
    out = [token]
    for c in token.children:
        if c.dep_ not in _PHRASE_BREAKS:
            out.extend(_phrase_tokens(c))
    return out


def _phrase(token, names: dict[int, Name]) -> Phrase | None:
    if token is None:
        return None
    tokens = sorted(_phrase_tokens(token), key=lambda t: t.i)
    found = list(dict.fromkeys(names[t.i] for t in tokens if t.i in names))
    # The text as written, commas included, so a reason can cut it at its first comma.
    ids = {t.i for t in tokens}
    return Phrase(detok(token.doc, set(range(min(ids), max(ids) + 1))), token.lemma_.lower(), tuple(found))


def _span(pred) -> set[int]:
    """The clause's own tokens: its subtree less the other clauses hanging from it."""
    out = {pred.i}
    for c in pred.children:
        if c.dep_ in _CLAUSE_BREAKS and (c.pos_ in ("VERB", "AUX") or c.dep_ in ("cc", "punct", "mark")):
            continue
        out |= {t.i for t in c.subtree}
    return out


def _content(t, names: dict[int, Name]) -> bool:
    lemma = t.lemma_.lower()
    return (t.pos_ in CONTENT_POS and t.i not in names and not t.is_stop and lemma not in FUNCTION_LEMMAS
            and any(ch.isalnum() for ch in lemma))


def _negated(pred) -> bool:
    """Odd number of negations on the predicate: 'not', 'never', 'no longer', 'no statement', 'failed to'."""
    count = 0
    for c in pred.children:
        if c.dep_ == "neg" or c.lower_ == "never":
            count += 1
        elif c.dep_ == "advmod" and any(g.lower_ == "no" for g in c.children):
            count += 1
        elif c.dep_ in ("nsubj", "nsubjpass", "dobj", "attr") and (
                c.lower_ in NEGATIVE_WORDS or any(g.dep_ == "det" and g.lower_ in ("no", "neither")
                                                  for g in c.children)):
            count += 1
    if pred.dep_ == "xcomp" and pred.head.lemma_.lower() in NEGATING:
        count += 1
    return count % 2 == 1


def _hedge(pred) -> str | None:
    """The word that makes the event a plan, hope, duty or possibility rather than something done."""
    for c in pred.children:
        if c.dep_ == "aux" and (c.lemma_.lower() in MODALS or c.tag_ == "MD"):
            return c.text
        if c.dep_ == "mark" and c.lower_ in ("if", "unless"):
            return c.text
    head = pred.head
    infinitive = any(c.dep_ == "aux" and c.lower_ == "to" for c in pred.children)
    if infinitive and head.i != pred.i:
        governor = head.lemma_.lower()
        if governor in IMPLICATIVE or (governor in NEGATING and governor == "fail"):
            return _hedge(head) if head.pos_ in ("VERB", "AUX") else None
        if head.pos_ == "AUX" and head.lemma_.lower() == "be" and _child(head, "nsubj") is not None \
                and pred.dep_ in ("xcomp", "advcl") and not any(c.dep_ == "acomp" for c in head.children):
            return "to"  # "the pauses were to enable …": a purpose
        return head.text if head.pos_ in ("VERB", "AUX", "ADJ", "NOUN") else "to"
    if infinitive:
        return "to"
    if pred.dep_ in ("ccomp", "conj") and pred.tag_ in ("VB", "VBP", "VBN"):
        governor = head if pred.dep_ == "ccomp" else head.head
        if pred.dep_ == "conj" and head.dep_ != "ccomp":
            governor = None
        if governor is not None and governor.lemma_.lower() in DIRECTIVE and (
                pred.tag_ != "VBN" or any(c.dep_ == "auxpass" and c.tag_ == "VB" for c in pred.children)):
            return governor.text
    if pred.dep_ == "conj" and head.pos_ in ("VERB", "AUX") and not any(
            c.dep_ in ("nsubj", "nsubjpass") for c in pred.children):
        return _hedge(head)  # "will meet and talk": both only planned
    return None


