"""Rewrites of one parsed source sentence: faithful variants and distortions, by rule, for the meaning benchmark.

Every function takes the sentence's spaCy Doc (full pipeline), the named entities of its paragraph by
label and a seeded random generator, and returns the rewritten sentence or None when the rule does not
apply. Nothing is picked by hand: bench/verify_meaning.py applies every rule to every sampled sentence.

Faithful: verbatim, compressed (adjuncts dropped), active<->passive, reordered (a fronted adjunct moved
to the end or a final one to the front). Distortions: agent swapped with another entity of the paragraph,
object swapped, quote speaker swapped, negation added or removed, before<->after, over<->under and
more<->fewer, a plan, hope or possibility reported as done.
"""

from __future__ import annotations

import random
import re

from lemminflect import getInflection

from bot.meaning.clauses import detok

ACTOR_LABELS = ("PERSON", "ORG", "GPE", "NORP")
SPEECH = frozenset("say tell add state stress insist note claim declare announce explain warn write argue".split())
MODALS = frozenset("will would may might could can should must 'll".split())
HEDGES = frozenset("expect hope plan aim want intend seek try attempt threaten vow promise pledge schedule set "
                   "likely due poised prepare propose offer".split())
KEEP_ADVERBS = frozenset("not n't never no only reportedly allegedly possibly probably likely perhaps maybe "
                         "apparently hardly barely almost nearly already".split())
QUALIFIER_SWAPS = [("more than", "fewer than"), ("fewer than", "more than"), ("less than", "more than"),
                   ("at least", "at most"), ("at most", "at least"), ("over", "under"), ("under", "over"),
                   ("above", "below"), ("below", "above")]
COMPARATIVE_SWAPS = {"more": "fewer", "fewer": "more", "less": "more", "higher": "lower", "lower": "higher"}
FAITHFUL = ("verbatim", "compressed", "voice", "reordered")
DISTORTIONS = ("agent", "object", "speaker", "negation", "order", "qualifier", "hedge")


def render(doc, replace: dict[int, str] | None = None, drop: set[int] | None = None, capital: bool = True) -> str:
    """The sentence with some tokens replaced or dropped, spacing and capitals tidied."""
    replace, drop = replace or {}, drop or set()
    parts = []
    gap = False  # a dropped token stood here: keep the words apart
    for t in doc:
        if t.i in drop:
            gap = gap or bool(t.whitespace_) or (t.i > 0 and bool(doc[t.i - 1].whitespace_))
            continue
        if gap and parts and not parts[-1].endswith(" "):
            parts.append(" ")
        gap = False
        parts.append(replace.get(t.i, t.text) + t.whitespace_)
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = re.sub(r"^[,;:\s]+", "", text).replace(" ,", ",")
    text = re.sub(r",\s*\.$", ".", text)
    return text[:1].upper() + text[1:] if text and capital else text


def _lower_first(doc) -> dict[int, str]:
    """Lower-case the sentence's first word when it moves away from the start (unless a name)."""
    first = doc[0]
    return {} if first.pos_ == "PROPN" or first.ent_type_ else {first.i: first.text.lower()}


def _root(doc):
    return next((t for t in doc if t.dep_ == "ROOT"), None)


def _span_ids(token) -> set[int]:
    return {t.i for t in token.subtree}


_text = detok  # the tokens' text in order, a space where a dropped token stood


def _inflect(lemma: str, tag: str) -> str:
    found = getInflection(lemma, tag=tag)
    return found[0] if found else lemma


# -- faithful ----------------------------------------------------------------------------------------
def verbatim(doc, entities, rng) -> str | None:
    return doc.text


def _quoted(doc) -> set[int]:
    """Tokens inside quotation marks: a faithful rewrite never touches quoted words."""
    inside, out = False, set()
    for t in doc:
        if t.text in ('"', "“", "”", "''", "``"):
            inside = not inside if t.text in ('"', "''", "``") else t.text == "“"
            out.add(t.i)
        elif inside:
            out.add(t.i)
    return out


def compressed(doc, entities, rng) -> str | None:
    """Drop the root's adjuncts (adverbial clauses, modifiers, non-argument phrases) and appositions."""
    root = _root(doc)
    if root is None:
        return None
    drop: set[int] = set()
    for c in root.children:
        if c.dep_ in ("advcl", "npadvmod") or (c.dep_ == "advmod" and c.lower_ not in KEEP_ADVERBS
                                                and not any(g.lower_ in KEEP_ADVERBS for g in c.subtree)):
            drop |= _span_ids(c)
        elif c.dep_ == "prep" and c.lower_ not in ("according", "by", "with", "to", "of", "on", "against") \
                and any(d.dep_ in ("dobj", "attr", "nsubjpass") for d in root.children):
            drop |= _span_ids(c)
    for t in doc:
        ids = _span_ids(t)
        if t.dep_ in ("appos", "relcl") and t.head.dep_ in ("nsubj", "dobj", "pobj", "nsubjpass") \
                and min(ids) > 0 and doc[min(ids) - 1].text == ",":
            drop |= ids | {min(ids) - 1}
    if any(doc[i].dep_ == "neg" or doc[i].lower_ in KEEP_ADVERBS for i in drop) or drop & _quoted(doc):
        return None
    kept = len(doc) - len(drop)
    if len(drop) < 3 or kept < 6:
        return None
    out = render(doc, _lower_first(doc) if 0 in drop else {}, drop)
    return out if out.endswith((".", "!", "?", '"', "”")) else out + "."


def voice(doc, entities, rng) -> str | None:
    """Active to passive ('Turkey sought a ceasefire' -> 'A ceasefire was sought by Turkey') or back."""
    root = _root(doc)
    if root is None or root.pos_ != "VERB":
        return None
    kids = {c.dep_: c for c in root.children}
    if len(doc) > 40 or any(t.text in ("—", "–", "|", ";", ":") for t in doc) or _quoted(doc) or any(
            c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") for c in root.children):
        return None  # long or list-like sentences: the parse is too often wrong to move its parts
    nominal = ("NOUN", "PROPN")
    if "nsubjpass" in kids and "agent" in kids and kids["nsubjpass"].pos_ in nominal:
        return _to_active(doc, root, kids)
    if "nsubj" in kids and "dobj" in kids and root.tag_ in ("VBD", "VBZ", "VBP") \
            and kids["nsubj"].pos_ in nominal and kids["dobj"].pos_ in nominal:
        return _to_passive(doc, root, kids)
    return None


def _pronoun_free(*tokens) -> bool:
    return all(t.pos_ != "PRON" and t.subtree is not None and all(x.pos_ != "PRON" or x.dep_ == "poss"
                                                                 for x in t.subtree) for t in tokens)


def _to_passive(doc, root, kids) -> str | None:
    subj, obj = kids["nsubj"], kids["dobj"]
    if not _pronoun_free(subj, obj) or any(c.dep_ in ("aux", "auxpass", "neg", "prt") for c in root.children):
        return None
    subj_ids, obj_ids = _span_ids(subj), _span_ids(obj)
    if min(subj_ids) > root.i or min(obj_ids) < root.i:
        return None
    plural = obj.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in obj.children)
    be = {"VBD": "were" if plural else "was"}.get(root.tag_, "are" if plural else "is")
    before = {t.i for t in doc if t.i < min(subj_ids) and t.i not in subj_ids}
    after = {t.i for t in doc if t.i > root.i and t.i not in obj_ids and t.i != len(doc) - 1}
    pieces = [_text(doc, before), _lowered(doc, obj_ids), be, _inflect(root.lemma_, "VBN"), "by",
              _lowered(doc, subj_ids), _text(doc, after)]
    text = " ".join(p for p in pieces if p)
    return _finish(text, doc)


def _to_active(doc, root, kids) -> str | None:
    subj, agent = kids["nsubjpass"], kids["agent"]
    pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
    aux = kids.get("auxpass")
    if pobj is None or aux is None or not _pronoun_free(subj, pobj):
        return None
    if any(c.dep_ in ("aux", "neg") for c in root.children):
        return None
    subj_ids, agent_ids = _span_ids(subj), _span_ids(agent)
    if min(subj_ids) > root.i:
        return None
    plural = pobj.tag_ in ("NNS", "NNPS") or any(c.dep_ == "conj" for c in pobj.children)
    tag = "VBD" if aux.tag_ == "VBD" else ("VBP" if plural else "VBZ")
    before = {t.i for t in doc if t.i < min(subj_ids)}
    after = {t.i for t in doc if t.i > root.i and t.i not in agent_ids and not (t.is_punct and t.i == len(doc) - 1)}
    pieces = [_text(doc, before), _lowered(doc, {t.i for t in pobj.subtree}), _inflect(root.lemma_, tag),
              _lowered(doc, subj_ids), _text(doc, after)]
    return _finish(" ".join(p for p in pieces if p), doc)


def _lowered(doc, ids: set[int]) -> str:
    first = doc[min(ids)]
    text = _text(doc, ids)
    if first.i == 0 and first.pos_ != "PROPN" and not first.ent_type_:
        return text[:1].lower() + text[1:]
    return text


def _finish(text: str, doc) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", re.sub(r"\s+", " ", text)).strip(" ,")
    if not text.endswith((".", "!", "?", '"', "”")):
        text += "."
    return text[:1].upper() + text[1:]


def reordered(doc, entities, rng) -> str | None:
    """Move a fronted adjunct ('After the talks, X ...') to the end, or a final adjunct to the front."""
    root = _root(doc)
    if root is None or _quoted(doc):
        return None
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None:
        return None
    fronted = [c for c in root.children if c.dep_ in ("prep", "advcl", "npadvmod") and c.i < subj.i
               and c.lower_ != "according"]
    if fronted:
        ids = _span_ids(fronted[0])
        if not any(doc[i].dep_ == "neg" for i in ids):
            rest = {t.i for t in doc if t.i not in ids and not (t.is_punct and t.i == max(ids) + 1)}
            tail = doc[-1].text if doc[-1].is_punct else "."
            body = render(doc, {}, ids | {len(doc) - 1} if doc[-1].is_punct else ids)
            moved = _lowered(doc, ids).rstrip(" ,;:")
            return _finish(f"{body.rstrip('.!?,; ')} {moved}{tail}", doc) if rest else None
    trailing = [c for c in root.children if c.dep_ in ("prep", "advcl") and c.i > root.i
                and c.lower_ not in ("according", "by", "to", "with", "of") and max(_span_ids(c)) >= len(doc) - 2]
    if trailing and any(c.dep_ in ("dobj", "attr", "prep") and c.i < trailing[-1].i for c in root.children):
        ids = _span_ids(trailing[-1])
        if any(doc[i].dep_ == "neg" or doc[i].lower_ in ('"', "“", "”") for i in ids):
            return None
        body = render(doc, _lower_first(doc), ids, capital=False)
        return _finish(f"{_text(doc, ids).rstrip(' ,;:')}, {body}", doc)
    return None


# -- distortions -------------------------------------------------------------------------------------
def _entity_at(doc, token):
    """The named entity (actor label) the token belongs to, or None."""
    for ent in doc.ents:
        if ent.start <= token.i < ent.end and ent.label_ in ACTOR_LABELS:
            return ent
    return None


def _swap(doc, token, entities, rng) -> str | None:
    """Replace the entity inside `token`'s phrase with another entity of the same label from the paragraph."""
    from bot.meaning.names import same_spelling

    ent = next((e for e in (_entity_at(doc, t) for t in _phrase_tokens(token)) if e is not None), None)
    if ent is None:
        return None
    phrase = _phrase_tokens(token)
    near = [x.text for x in doc.ents if any(x.start <= t.i < x.end for t in phrase)]
    others = [e for e in entities.get(ent.label_, []) if not any(same_spelling(e, x) for x in [ent.text, *near])]
    if not others:
        return None
    elsewhere = [e for e in others if not any(same_spelling(e, x.text) for x in doc.ents)]
    replacement = rng.choice(sorted(set(elsewhere or others)))
    drop = set(range(ent.start + 1, ent.end))
    text = replacement + (doc[ent.end - 1].whitespace_ or "")
    return render(doc, {ent.start: text.rstrip() + (" " if doc[ent.end - 1].whitespace_ else "")}, drop)


def _phrase_tokens(token):
    out = [token]
    for c in token.children:
        if c.dep_ not in ("relcl", "acl", "advcl", "appos", "punct", "cc", "conj"):
            out.extend(_phrase_tokens(c))
    return sorted(out, key=lambda t: t.i)


def _subjects(doc):
    for t in doc:
        if t.dep_ == "nsubj" and t.head.pos_ in ("VERB", "AUX") and t.head.lemma_ not in SPEECH:
            yield t
        elif t.dep_ == "pobj" and t.head.dep_ == "agent":
            yield t


def agent(doc, entities, rng) -> str | None:
    for subject in _subjects(doc):
        out = _swap(doc, subject, entities, rng)
        if out:
            return out
    return None


def object(doc, entities, rng) -> str | None:  # noqa: A001 - the distortion's name
    for t in doc:
        if t.dep_ in ("dobj", "nsubjpass") or (t.dep_ == "pobj" and t.head.dep_ == "prep"
                                               and t.head.head.pos_ == "VERB" and t.head.lower_ != "according"):
            out = _swap(doc, t, entities, rng)
            if out:
                return out
    return None


def speaker(doc, entities, rng) -> str | None:
    for t in doc:
        if t.dep_ == "nsubj" and t.head.lemma_ in SPEECH:
            out = _swap(doc, t, entities, rng)
            if out:
                return out
        if t.lower_ == "according":
            to = next((c for c in t.children if c.lower_ == "to"), None)
            obj = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
            if obj is not None:
                out = _swap(doc, obj, entities, rng)
                if out:
                    return out
    return None


def negation(doc, entities, rng) -> str | None:
    """Remove the main verb's negation, or add one (do-support for a bare past or present verb)."""
    root = _root(doc)
    if root is None or root.pos_ not in ("VERB", "AUX"):
        return None
    neg = next((c for c in root.children if c.dep_ == "neg"), None)
    auxes = [c for c in root.children if c.dep_ in ("aux", "auxpass") and c.i < root.i]
    if neg is not None:
        do = next((a for a in auxes if a.lemma_ == "do"), None)
        if do is not None:
            tag = "VBD" if do.tag_ == "VBD" else ("VBZ" if do.tag_ == "VBZ" else "VBP")
            return render(doc, {root.i: _inflect(root.lemma_, tag)}, {neg.i, do.i})
        return render(doc, {}, {neg.i})
    if auxes:
        first = auxes[0]
        return render(doc, {first.i: f"{first.text} not"})
    if root.lemma_ == "be":
        return render(doc, {root.i: f"{root.text} not"})
    if root.tag_ in ("VBD", "VBZ", "VBP") and root.pos_ == "VERB":
        do = {"VBD": "did", "VBZ": "does", "VBP": "do"}[root.tag_]
        return render(doc, {root.i: f"{do} not {root.lemma_}"})
    return None


def order(doc, entities, rng) -> str | None:
    """'before' <-> 'after' where it orders two events."""
    for t in doc:
        if t.lower_ in ("before", "after") and t.dep_ in ("prep", "mark", "advmod"):
            new = "after" if t.lower_ == "before" else "before"
            return render(doc, {t.i: new.capitalize() if t.text[0].isupper() else new})
    return None


def qualifier(doc, entities, rng) -> str | None:
    """over <-> under, more than <-> fewer than, at least <-> at most, more <-> fewer before a noun."""
    text = doc.text
    for old, new in QUALIFIER_SWAPS:
        match = re.search(rf"\b{old}\s+(?=[$€£]?\d)", text, re.IGNORECASE)
        if match:
            replacement = new.capitalize() if match.group(0)[0].isupper() else new
            return text[:match.start()] + replacement + " " + text[match.end():]
    for t in doc:
        if t.lower_ in COMPARATIVE_SWAPS and t.dep_ in ("amod", "advmod", "acomp") and t.head.pos_ in ("NOUN", "NUM"):
            new = COMPARATIVE_SWAPS[t.lower_]
            return render(doc, {t.i: new.capitalize() if t.text[0].isupper() else new})
    return None


def hedge(doc, entities, rng) -> str | None:
    """'will head' -> 'headed', 'are expected to enter' -> 'entered': a plan or possibility told as done."""
    for t in doc:
        if t.pos_ not in ("VERB", "AUX"):
            continue
        modal = next((c for c in t.children if c.dep_ == "aux" and c.lower_ in MODALS), None)
        if modal is not None and not any(c.dep_ == "neg" for c in t.children):
            subj = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            plural = subj is not None and subj.tag_ in ("NNS", "NNPS")
            passive = next((c for c in t.children if c.dep_ == "auxpass"), None)
            if passive is not None:
                return render(doc, {passive.i: "were" if plural else "was"}, {modal.i})
            if t.lemma_ == "be":
                return render(doc, {t.i: "were" if plural else "was"}, {modal.i})
            perfect = next((c for c in t.children if c.dep_ == "aux" and c.lemma_ == "have"), None)
            if perfect is not None:
                return render(doc, {perfect.i: "had"}, {modal.i})
            return render(doc, {t.i: _inflect(t.lemma_, "VBD")}, {modal.i})
        to = next((c for c in t.children if c.dep_ == "aux" and c.lower_ == "to"), None)
        gov = t.head
        if to is not None and t.dep_ == "xcomp" and gov.lemma_ in HEDGES and gov.i < t.i:
            drop = {i for i in range(gov.i, t.i) if doc[i].dep_ not in ("nsubj", "nsubjpass")}
            drop |= {c.i for c in gov.children if c.dep_ in ("aux", "auxpass") and c.i < gov.i and c.lower_ not in
                     ("not", "n't")}
            if gov.lemma_ in ("likely", "due", "poised", "set"):
                drop |= {c.i for c in gov.head.children if c.dep_ in ("aux",)} | {gov.head.i} \
                    if gov.dep_ == "acomp" else set()
            if any(doc[i].dep_ == "neg" for i in range(gov.head.i if gov.dep_ == "acomp" else gov.i, t.i)):
                return None
            return render(doc, {t.i: _inflect(t.lemma_, "VBD")}, drop)
    return None


RULES = {"verbatim": verbatim, "compressed": compressed, "voice": voice, "reordered": reordered,
         "agent": agent, "object": object, "speaker": speaker, "negation": negation, "order": order,
         "qualifier": qualifier, "hedge": hedge}


def variants(doc, entities: dict[str, list[str]], rng: random.Random) -> dict[str, str]:
    """Every rule's rewrite of the sentence that applies and changes it (verbatim aside)."""
    out = {}
    for kind, rule in RULES.items():
        try:
            text = rule(doc, entities, rng)
        except (IndexError, KeyError, ValueError):
            text = None  # an odd parse: the rule does not apply
        if text and (kind == "verbatim" or _changed(text, doc.text)):
            out[kind] = text
    return out


def _changed(a: str, b: str) -> bool:
    squash = lambda s: re.sub(r"\W+", " ", s).strip().lower()  # noqa: E731
    return squash(a) != squash(b)
