"""Pure name functions: cleaning, titles, spelling-insensitive keys, demonyms and acronyms.

Everything here is deterministic string work with no I/O, so the merge rules in
`index.actors.resolve` can be tested (and reasoned about) one function at a time.
"""

from __future__ import annotations

import functools
import re

from rapidfuzz import fuzz

from index.actors.known import fold, known_countries, known_orgs, name_key
from index.actors.tables import (
    ACRONYMS,
    CANONICAL_NAMES,
    DEMONYMS,
    HONORIFICS,
    NAME_PREFIXES,
    NOT_COUNTRIES,
    PARTICLES,
    PATRONYMIC,
    TITLE_HEADS,
    TITLE_MODIFIERS,
)

PERSON_TOKEN_SIMILARITY = 70  # rapidfuzz ratio of light forms inside full names: Moammar/Muammar pass, Hosni/Hassan not
BARE_WORD_SIMILARITY = 80  # a lone surname has no other word to confirm it: Mubarek/Mubarak pass, Safia/Saif do not
NAME_SIMILARITY = 85  # stricter for places and organisations: Misrata/Misurata pass, Niger/Nigeria do not

_POSSESSIVE = re.compile(r"(?:['’]s|['’]|\s+s)$", re.IGNORECASE)  # "Gaddafi's", "Gaddafis'", "Qaddafi s"
_EDGE_JUNK = re.compile(r"^[\s\"“”‘’'(\[,.;:&-]+|[\s\"“”‘’'()\[\],;:&-]+$")
_FUNCTION_WORDS = frozenset("of for and the on in de du des la le to at a an".split())
_GLUED = re.compile(r"\s[-–—]+\s|--")  # "Mubarak - Mubarak", "Amre Moussa -- Mubarak": two names run together
_ADJECTIVE_PREFIX = re.compile(r"^(?:anti|pro)[-‑\s]+(?=[A-Z])", re.IGNORECASE)  # "anti-Gaddafi" names Gaddafi
_COUNTRY_NAMES = frozenset(c.lower() for c in DEMONYMS.values())
_KNOWN_TYPES = {name: kind for name, kind in ACRONYMS.values()}
_ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w'’&-]*\s+(?:(?:of|for|and|the|on|in|de)\s+)*){1,8}[A-Z][\w'’&-]*)\s*\(\s*([A-Z][A-Za-z.&]{1,9})\s*\)")


def clean_name(surface: str) -> str:
    """The written name without edge punctuation, possessive or a leading 'the'."""
    name = " ".join(surface.replace("\u00a0", " ").split())
    for _ in range(3):  # possessive, quotes, punctuation and "the" can nest: “Gaddafi’s”, the (Arab League
        name = _POSSESSIVE.sub("", _EDGE_JUNK.sub("", name))
        name = name[4:] if name[:4].lower() == "the " else name
    return name.strip()


def is_title_word(word: str, head_only: bool = False) -> bool:
    """True for words of a title: heads (minister, president) and, unless head_only, modifiers."""
    w = word.lower()
    return w in TITLE_HEADS or w in HONORIFICS or w in NAME_PREFIXES or (not head_only and w in TITLE_MODIFIERS)


def split_title(name: str, common: frozenset[str] | set[str] = frozenset(), initial: bool = False,
                ) -> tuple[str, str, str | None]:
    """(title, bare name, gender hint) of a person's name as spaCy cut it.

    'President Hosni Mubarak' -> ('President', 'Hosni Mubarak', None); 'Mr. Voss' -> ('', 'Voss', 'm');
    'Tunisian Malek Jaziri' keeps 'Tunisian' as the title; words glued on by the tagger go:
    'kick Gadaffi', 'CNN Mubarak', 'Missy Ryan MISRATA', and at a sentence start words the
    article also uses in lower case ('Following Mubarak', 'Mubarak Steps Down'). '' when no name is left
    ('Mubarak - Mubarak').
    """
    if _GLUED.search(name):
        return "", "", None
    name = re.split(r"\s*[:|/]", name)[0]  # "Arwa Damon: Outside" (a caption)
    words = _ADJECTIVE_PREFIX.sub("", name).split()
    title: list[str] = []
    gender = None
    while len(words) > 1:
        first, low = words[0], words[0].lower()
        if is_title_word(first) or country_for_demonym(first) or low in _COUNTRY_NAMES:
            gender = gender or HONORIFICS.get(low)
            title.append(first)
        elif not ((first.islower() and not _is_particle(first)) or (first.isupper() and len(first) <= 4)
                  or (initial and low in common)):
            break
        words.pop(0)
    while len(words) > 1 and (is_title_word(words[-1], head_only=True) or (words[-1].isupper() and len(words[-1]) > 2)
                              or (initial and words[-1].lower() in common)):
        words.pop()
    role = " ".join(w for w in title if w.lower() not in NAME_PREFIXES)
    return role, " ".join(words), gender


def _is_particle(word: str) -> bool:
    return fold(word) in PARTICLES or bool(re.match(r"(?:al|el)[-‑]", fold(word)))


@functools.lru_cache(maxsize=200_000)
def light(word: str) -> str:
    """A spelling-light form: folded letters, ph->f, q/g/c->k, inner h dropped, y->i, consonants undoubled."""
    w = fold(word)
    w = re.sub(r"^(?:al|el)[-‑]", "", w)
    w = re.sub(r"[^a-z]", "", w).replace("ph", "f")
    if not w:
        return ""
    w = w.translate(str.maketrans("qgc", "kkk"))
    w = w[0] + w[1:].replace("h", "")
    # Doubled consonants are spelling noise (Gaddafi/Gadafi); doubled vowels are not (Cameroon/Cameron).
    return re.sub(r"([^aeiou])\1+", r"\1", w.replace("y", "i"))


@functools.lru_cache(maxsize=200_000)
def spelling_key(word: str) -> str:
    """Transliteration-insensitive key: the light form without vowels after the first letter.

    Gaddafi, Gadhafi, Qaddafi, Kadhafi and Khadafy all give 'kdf'; Moammar and Muammar give 'mr'.
    """
    w = light(word)
    return re.sub(r"(.)\1+", r"\1", w[:1] + re.sub(r"[aeiouy]", "", w[1:]))


@functools.lru_cache(maxsize=200_000)
def name_tokens(name: str) -> tuple[str, ...]:
    """The comparable words of a person's name: folded, particles (al-, van) dropped, 'Ben Ali' one word."""
    out: list[str] = []
    joiner = ""
    for i, word in enumerate(name.replace("‑", "-").split()):
        w = fold(word).strip(".,")
        if w in PATRONYMIC and (i > 0 or w != "ben"):  # "Ben Rhodes" is a given name
            joiner = w + " "
            continue
        if w in PARTICLES:
            continue
        w = re.sub(r"^(?:al|el)-", "", w)
        if w:
            out.append(joiner + w)
            joiner = ""
    return tuple(out)


def same_word(a: str, b: str, threshold: int = PERSON_TOKEN_SIMILARITY) -> bool:
    """Two spellings of one name word: equal keys and similar light forms."""
    if a == b:
        return True
    la, lb = light(a), light(b)
    return bool(la) and spelling_key(a) == spelling_key(b) and (la == lb or fuzz.ratio(la, lb) >= threshold)


def same_bare_word(a: str, b: str) -> bool:
    """Stricter `same_word` for a name standing alone: short words must be equal once spelling is folded."""
    if a == b or (light(a) and light(a) == light(b)):
        return True
    return min(len(a), len(b)) >= 6 and same_word(a, b, BARE_WORD_SIMILARITY)


def same_tokens(a: tuple[str, ...], b: tuple[str, ...], threshold: int = PERSON_TOKEN_SIMILARITY) -> bool:
    """Word-by-word spelling variants of one name (same length)."""
    return len(a) == len(b) and all(same_word(x, y, threshold) for x, y in zip(a, b, strict=True))


def is_subname(short: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """A shorter form of the same full name: 'Saif al-Islam' or 'Saif Gaddafi' of 'Saif al-Islam Gaddafi'.

    The given name must match: a bare suffix is no evidence, since Arabic names carry the father's
    (Saif al-Islam Muammar Gaddafi is not Muammar Gaddafi).
    """
    if not 2 <= len(short) < len(full) or not same_word(short[0], full[0]):
        return False
    if same_tokens(short, full[: len(short)]):
        return True
    if not same_word(short[-1], full[-1]):
        return False
    rest = iter(full[1:-1])  # the middle words must appear in order
    return all(any(same_word(w, x) for x in rest) for w in short[1:-1])


def canonical_org_place(name: str) -> tuple[str, str | None]:
    """(canonical name, forced type or None): 'U.N.' -> United Nations, 'Britain' -> United Kingdom."""
    key = name_key(name)
    if key in CANONICAL_NAMES:
        target = CANONICAL_NAMES[key]
        return target, _KNOWN_TYPES.get(target) or ("place" if name_key(target) in known_countries() else None)
    compact = key.replace(" ", "")
    if compact in ACRONYMS and (name.replace(".", "").replace(" ", "").isupper()):
        return ACRONYMS[compact]
    if key in known_countries():
        return known_countries()[key], "place"
    org = known_orgs().get(key)
    if org and (len(compact) > 3 or name.replace(".", "").isupper()):  # "AP" the agency, not "ap"
        return org[0], "org"
    return name, None


def same_name(a: str, b: str) -> bool:
    """Spelling variants of a place or organisation name (Misrata/Misurata)."""
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    if a.replace(".", "").isupper() or b.replace(".", "").isupper():
        return False  # acronyms are exact: BBC is not BBQ, CIA is not Kia
    wa, wb = ka.split(), kb.split()
    if len(wa) != len(wb) or any(spelling_key(x) != spelling_key(y) for x, y in zip(wa, wb, strict=True)):
        return False
    if min(len(ka), len(kb)) < 6:  # CBS is not Gibbs: short names must match once spelling is folded
        return [light(w) for w in wa] == [light(w) for w in wb]
    return fuzz.ratio(" ".join(map(light, wa)), " ".join(map(light, wb))) >= NAME_SIMILARITY


def singular(word: str) -> str:
    """Libyans -> Libyan, Israelis -> Israeli (folded)."""
    w = fold(word).strip()
    if w in DEMONYMS or not w.endswith("s") or w.endswith("ss"):
        return w
    return w[:-1]


def country_for_demonym(word: str) -> str | None:
    """The country a nationality names, from the table (None for unknown or non-national words)."""
    w = singular(clean_name(word))
    if w in NOT_COUNTRIES or fold(word) in NOT_COUNTRIES:
        return None
    return DEMONYMS.get(w)


def demonym_candidates(word: str) -> list[str]:
    """Guesses for an unknown demonym's country, best first: Valdorian -> Valdoria, Valdor."""
    w = singular(clean_name(word))
    if w in NOT_COUNTRIES or len(w) < 4:
        return []
    rules = [("ian", "ia"), ("ian", ""), ("ean", "ea"), ("an", "a"), ("an", ""), ("ese", ""), ("ese", "a"),
             ("ish", ""), ("ish", "ia"), ("i", ""), ("ic", "ia")]
    out = []
    for suffix, replacement in rules:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            guess = (w[: -len(suffix)] + replacement).title()
            if guess not in out:
                out.append(guess)
    return out


def acronym_definitions(text: str) -> list[tuple[int, str, str]]:
    """(offset, acronym, expansion) for 'Northern Maritime Council (NMC)' style definitions."""
    found = []
    for match in _ACRONYM_DEF.finditer(text):
        acronym = match.group(2).replace(".", "")
        words = match.group(1).split()
        for i in range(len(words)):
            if words[i].lower() in _FUNCTION_WORDS:
                continue
            if _initials(words[i:]) == acronym.upper():
                start = match.start(1) + len(" ".join(words[:i])) + (1 if i else 0)
                found.append((start, acronym, " ".join(words[i:])))
                break
    return found


def _initials(words: list[str]) -> str:
    letters: list[str] = []
    for word in words:
        if word.lower() in _FUNCTION_WORDS:
            continue
        letters.extend(part[0].upper() for part in re.split(r"[-‑]", word) if part and part[0].isalpha())
    return "".join(letters)


def role_head(role: str) -> str:
    """The last word of a role, lower case, for comparing 'President' with 'Valdorian President'."""
    words = re.findall(r"[\w.-]+", role.lower())
    return words[-1] if words else ""
