"""Small text tools shared by the engines and the verifier: sentences, content words, numbers, names."""

from __future__ import annotations

import re
import unicodedata

from index.bm25 import STOPWORDS, tokenize

# Split after . ! ? (optionally followed by a closing quote) when the next sentence starts
# with a capital, a digit or an opening quote; common abbreviations are protected first.
_ABBREVIATIONS = re.compile(
    r"\b(Mr|Mrs|Ms|Dr|Prof|Gen|Col|Lt|Sgt|Capt|Sen|Rep|Gov|Rev|St|Jr|Sr|Inc|Corp|Ltd|Co|No|vs|v|etc|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.N|U\.K|E\.U|a\.m|p\.m)\.",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"'”’)]*)\s+(?=[\"'“‘(]?[A-Z0-9])")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "sixty": "60", "hundred": "100", "thousand": "1000", "million": "1000000",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
    "nineteen": "19", "seventy": "70", "eighty": "80", "ninety": "90", "dozen": "12", "billion": "1000000000",
}
_NAME = re.compile(r"\b[A-Z][\w’'-]+(?:\s+(?:al-|bin |de |van |von )?[A-Z][\w’'-]+)*")
_QUOTE = re.compile(r"[\"“]([^\"”]{8,})[\"”]")
EXTRA_STOPWORDS = frozenset(
    "said says say told according also would could should may might can just new one last first year "
    "years mr mrs ms about after before over into than then there these those been being more most other "
    "such only own same so too very not no nor all any both each few some our we you your us me my".split()
)
STOPWORDS_ALL = STOPWORDS | EXTRA_STOPWORDS


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences without breaking on 'Mr.' or 'U.S.'."""
    protected = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\x00"), text)
    parts = _SENTENCE_END.sub(lambda m: m.group(1) + "\x01", protected).split("\x01")
    return [p.replace("\x00", ".").strip() for p in _rejoin_quotes(parts) if p.strip()]


def _rejoin_quotes(parts: list[str]) -> list[str]:
    """Glue back sentences split inside a quotation, so a quote is never cut in half."""
    out: list[str] = []
    curly, straight = 0, 0  # open curly quotes; straight quotes seen (odd = inside one)
    for part in parts:
        if (curly > 0 or straight % 2) and out:
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
        curly = max(0, curly + part.count("“") - part.count("”"))
        straight += part.count('"')
    return out


# Words that shape a question but never need to appear in its answer ("how many", "take place"; "Where
# will Blinken go next?" is answered by "Blinken heads to Asia").
QUESTION_FUNCTION_WORDS = frozenset(tokenize(
    "many much long old far take took place happen happened start started tell kind type name called "
    "go goes going next upcoming "
    "between among during exactly currently recently recent now week weekend month year today "
    "country company city state person people group organization announce announced"))


def question_terms(question: str) -> set[str]:
    """The content words an answer's paragraph should contain (of a multi-word name, the last word only)."""
    given_names = {t for n in names(question) for t in tokenize(" ".join(n.split()[:-1]))}
    return content_words(question) - QUESTION_FUNCTION_WORDS - given_names


AUXILIARIES = frozenset("did do does is are was were has have had will would can could".split())
# "How many dinosaur species are…": the noun before the verb; "how much more aid": past the comparative
_HOW_MANY = re.compile(r"\bhow (?:many|much) (?:(?:more|less|fewer|additional|extra|new) )?(\w+)"
                       rf"(?: (\w+)(?= (?:{'|'.join(sorted(AUXILIARIES))})\b))?", re.IGNORECASE)
# "How much money / weight…" is answered by the amount's own type ("£28m", "60 pounds"), not by the word
_MEASURES = frozenset("money cash weight distance height length size area".split())
_WHAT_IS_OF = re.compile(r"^\s*(?:what|who)(?:'s| is| are| was| were) (?:the |a |an )?((?:\w+ ){0,2}?\w+) of\b",
                         re.IGNORECASE)
_NAMING = frozenset({"name", "title", "identity"})


def how_many_heads(question: str) -> list[str]:
    """The nouns "how many / how much" asks about ("species" in "how many dinosaur species are…"), none for
    "how many are…" or an amount of money or weight; the one reader of them (bot.qa.qtype reads it too)."""
    heads = [many.group(2) or many.group(1) for many in _HOW_MANY.finditer(question)]
    return [h for h in heads if h.lower() not in AUXILIARIES | _MEASURES]


def head_terms(question: str) -> set[str]:
    """The thing a question asks for ("population" in "What is the population of X?"); must be in the answer."""
    heads = how_many_heads(question)
    what = _attribute_of(question)
    if what:
        heads.append(what.group(1))
    return set(tokenize(" ".join(heads)))


def _attribute_of(question: str) -> re.Match[str] | None:
    """The attribute a "What is the population of X?" question asks for (group 1), whose it is after the
    match; none for "the name / title of the ship", which asks for a name, not the word."""
    what = _WHAT_IS_OF.match(question)
    return what if what and what.group(1).lower() not in _NAMING else None


def owner_names(question: str) -> set[str]:
    """The names of whose thing a question asks ("the prime minister of Luneria": Luneria), folded; none
    when it asks for a name or title ("the name of the ship"), which an article may give without the owner."""
    what = _attribute_of(question)
    return names(question[what.end():]) if what else set()


def term_coverage(terms: set[str], text_words: set[str]) -> float:
    """Share of `terms` found in `text_words`, a stem also matching its derivations (luneria ~ lunerian)."""
    if not terms:
        return 1.0
    found = sum(t in text_words or any(len(t) >= 5 and w.startswith(t) for w in text_words) for t in terms)
    return found / len(terms)


def content_words(text: str) -> set[str]:
    """Normalised words that carry meaning (stemmed as in BM25, stop words removed)."""
    return {t for t in tokenize(text) if t not in EXTRA_STOPWORDS and t not in STOPWORDS and len(t) > 1}


def numbers(text: str) -> set[str]:
    """Numbers in a text, normalised ("1,200" -> "1200"; "forty" -> "40")."""
    found = {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(text)}
    words = {w for w in re.findall(r"[a-z]+", text.lower())}
    return found | {_NUMBER_WORDS[w] for w in words & _NUMBER_WORDS.keys()}


# Words capitalised only because they open a sentence ("Due to…", "Within how many days…", "Above what
# income…"): alone they are no name; in a run they stay ("Beyond Meat", "Under Armour").
_OPENING_WORDS = frozenset("due above within below despite during amid following among under beyond since until "
                           "without across besides unlike".split())


def names(text: str) -> set[str]:
    """Capitalised word runs that are not sentence-initial stop words: a cheap proper-name detector."""
    out = set()
    for match in _NAME.finditer(text):
        words = [w for w in match.group(0).split() if w.lower() not in STOPWORDS_ALL]
        if len(words) == 1 and words[0].lower() in _OPENING_WORDS:
            continue
        if words:  # "Blinken's meeting" names Blinken
            out.add(fold(" ".join(words)).removesuffix("'s"))
    return out


def quotations(text: str) -> list[str]:
    """Direct quotations (8+ characters between quote marks)."""
    return [q.strip() for q in _QUOTE.findall(text)]


_QUOTES_AND_DASHES = str.maketrans("’‘“”—–", "''\"\"--")


def fold(text: str) -> str:
    """Lower-case, accent-free, quote-normalised, single-spaced text for verbatim comparisons."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.translate(_QUOTES_AND_DASHES)
    return re.sub(r"\s+", " ", text).strip()
