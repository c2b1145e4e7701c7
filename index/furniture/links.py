"""Furniture that points elsewhere or talks to the reader: promos, related links, boilerplate, teasers.

A promo is a call to action aimed at a channel ("Join our WhatsApp Channel …", "Sign up for our
newsletter"); a related link is a line sending the reader to another story ("More: …", "Read the full
advisory here.", the headlines under a "Related" heading); boilerplate is the page's own machinery (ads,
comment forms, share buttons, disclaimers); a teaser repeats the headline (index.furniture).
"""

from __future__ import annotations

import re

from index.furniture.words import CHANNEL, CONTACT, QUOTE_START, REPORTING, fold, is_call, sentences

MAX_NOTICE_WORDS = 50  # a form or disclaimer is a few lines; a paragraph about a privacy policy is longer

_READER_QUESTION = re.compile(r"^(?:would you like|do you want|want|interested in|looking for|enjoy(?:ing)? this|"
                              r"like this|love this)\b", re.IGNORECASE)
_READER = re.compile(r"\b(?:[Yy]ou|[Yy]our|us|[Oo]ur)\b")  # "us", not "US"
_PROMO_PHRASE = re.compile(r"^(?:(?:click|tap) here\b.*|sign up for .*newsletter.*|subscribe(?: now)?\b.*)$",
                           re.IGNORECASE)

_RELATED_PREFIX = re.compile(r"^(?:more\b[^:.]{0,40}|related\b[^:.]{0,30}|read(?: more| also)?|also read|see also|"
                             r"watch|listen|recommended|must read|don['’]t miss|trending|top stories|"
                             r"editor['’]?s picks|further reading)\s*[:>»|]+\s*(?:$|(?-i:[\"'“‘A-Z0-9]))",
                             re.IGNORECASE)
_RELATED_HEADING = re.compile(
    r"^(?:related(?: (?:stories|articles|content|coverage|links|videos|news|reading|topics))?|"
    r"more (?:stories|news|coverage|videos|headlines)(?: from [\w .'’]+)?|"
    r"more (?:from|on|in|about) (?:[\w.'’-]+ ?){1,4}:|"
    r"more (?:from|on|in|about) (?-i:[A-Z])[\w.'’-]*(?: [\w.'’-]+){0,3}|"
    r"see also|also read|recommended(?: (?:stories|for you|reading|videos))?|"
    r"you (?:may|might) also (?:like|enjoy|be interested in)|most (?:read|popular|viewed|shared|watched|emailed)|"
    r"trending(?: now| stories| news)?|top stories|editor['’]?s picks|what to read next|"
    r"latest (?:news|stories|headlines|videos)|in case you missed it|must read|popular now|further reading|"
    r"around the web|from our partners|more to explore|keep reading)\W*$", re.IGNORECASE)
# USA TODAY's inline links: "Fact check:Vaccines protect …", "'Not a repudiation':Biden holds off red wave" — a
# label glued to a headline by a colon with no space, which prose never writes (times have digits either side)
_GLUED_LABEL = re.compile(r"^[^\w\"“'‘]*[^:]{2,70}[a-z'’)\"”?!.]:(?=[A-Z0-9])")
_READ_MORE = re.compile(r"^(?:read|see|view|load|show) more\b.*$", re.IGNORECASE)
# "Read the full advisory here.", "Watch CNN's interview with Clinton.": a link's text, in a sentence of its own
_STUB = re.compile(r"^(?:Read|Watch|View|Browse|Explore|Check out|See|Listen to|Hear)\b(?! out\b| you\b| if\b|,)")
_LINK_WORDS = re.compile(r"\b(?:here|full|more|about|video|videos|photos?|gallery|story|stories|coverage|report|"
                         r"interview|live|statement|trailer|timeline|preview|review|scene|lyrics|ads|stream|transcript|"
                         r"affidavit|order|advisory|list|lists|clip|footage|highlights|analysis|column|take|peek|"
                         r"episode|podcast|on CNN|at [\w.]+\.(?:com|org|net))\b")
_URL = re.compile(r"https?://\S+|www\.\S+")

_BOILERPLATE = re.compile(
    r"^(?:advertisements?|ad|ads|sponsored(?: content)?|paid (?:content|post)|"
    r"share(?: this)?(?: (?:article|story|page|post))?|"
    r"(?:copyright|©|\(c\))\s*(?:©|\(c\))?\s*\d{4}\b.{0,150}|©.{0,150}|all rights reserved\.?|"
    r"loading\W*|skip to (?:main )?content|(?:story|article) continues (?:below|after)(?: advertisement| this ad)?|"
    r"continue reading(?: the (?:main )?(?:story|article))?\W*|scroll (?:down )?(?:to|for) (?:continue|more)\W*|"
    r"print(?: this)?(?: article| page| story)?|e-?mail(?: this)?(?: article| story| page)?|comments?(?: \(\d+\))?|"
    r"(?:show|hide|view) (?:caption|comments|transcript|gallery)|back to top|ad feedback|"
    r"(?:\d+\. )?how relevant is this ad to you\?|"
    r"(?:this|the) (?:story|article|report|post) (?:has been|was|is being|will be) (?:updated|edited|"
    r"originally published|first published)\b.{0,160}|"
    r"the (?:opinions|views) expressed\b.{0,120}\b(?:are|is) (?:solely )?(?:those of|the author|his own|her own|"
    r"their own)\b.{0,120}|"
    r"(?:[\w ]{0,40} )?(?:coverage|reporting|journalism|content|this (?:story|article|series|project|report))"
    r"(?: at [\w .]{1,40})? (?:is|was) (?:made possible|supported|funded|produced)(?: in part)? (?:by|through|with) "
    r"(?:a grant|the support|support|funding|a partnership|a collaboration)\b.{0,200})$", re.IGNORECASE)
_FORM = re.compile(r"pre-screened|will not be displayed\)|rules of conduct|create a screen name|this screen name|"
                   r"follow-up comments|new posts (?:via|by) e-?mail|comments? (?:are|is) (?:now )?closed|"
                   r"discussion is (?:now )?closed|welcome comments|edited for length|moderation staff|"
                   r"do not represent those of|default edition|selected the [\w. ]{1,20} edition|"
                   r"reset (?:code|your password)|sign in to comment|log ?in to comment|"
                   r"characters, numbers and letters",
                   re.IGNORECASE)
_RETWEET = re.compile(r"\bRETWEET\b")  # a tweet widget's button, in capitals; "retweet" in a sentence is reporting
_TERMS = re.compile(r"privacy policy|terms of (?:service|use)|cookie policy|consent to the collection", re.IGNORECASE)
_TERMS_ADDRESS = re.compile(r"\b(?:you agree|you consent|by (?:clicking|registering|signing up|continuing|submitting)|"
                            r"our (?:privacy policy|terms|cookie))\b", re.IGNORECASE)
_DATA_NOTICE = re.compile(r"(?:stock quote|market|quote) data (?:is |are )?(?:provided|delayed)|"
                          r"(?:is|are) proprietary to|have been licensed for use|be held liable for any|"
                          r"^all times are (?:et|gmt|est|edt|local)\b|shown in real time", re.IGNORECASE)


def boilerplate(text: str, words: int) -> bool:
    """The page's machinery: ads, share buttons, comment and sign-in forms, update notes, disclaimers."""
    if _BOILERPLATE.match(text):
        return True
    if words > MAX_NOTICE_WORDS or REPORTING.search(text):
        return False
    return bool(_FORM.search(text) or _RETWEET.search(text) or _DATA_NOTICE.search(text)
                or (_TERMS.search(text) and _TERMS_ADDRESS.search(text)))


def promo(text: str, words: int) -> bool:
    """A call to action: every sentence calls the reader to a channel, or talks to them around the call."""
    if _PROMO_PHRASE.match(text):
        return True
    if words > 60 or QUOTE_START.match(text) or REPORTING.search(text):
        return False
    said = sentences(text)
    calls = [s for s in said if is_call(s) or (_READER_QUESTION.match(s) and CHANNEL.search(s))]
    # "If your day doesn't start until you're up to speed … Sign up here": the other sentences talk to the reader
    return bool(calls) and all(s in calls or _READER.search(s) or CONTACT.match(s) for s in said)


def related(text: str, words: int) -> bool:
    """A link to another story: "More: …", a bare URL, "Read the full advisory here.", a "Related" heading."""
    if _RELATED_HEADING.match(text):
        return True
    if _URL.search(text) and len(_URL.sub("", text).split()) <= 8:
        return True  # a bare link, or "More AP soccer: https://…"
    if words > 40 or QUOTE_START.match(text):
        return False
    glued = words <= 35 and _GLUED_LABEL.match(text) and not is_call(text)  # "Newsletter:Sign up …" is a promo
    if _RELATED_PREFIX.match(text) or (words <= 25 and _READ_MORE.match(text)) or glued:
        return True  # "More: Judd took own life, daughter says": a linked headline may hold "says"
    stub = _STUB.match(text) and words <= 20 and len(sentences(text)) == 1 and not text.endswith(("!", "?"))
    if not stub or REPORTING.search(text):
        return False
    return bool(_LINK_WORDS.search(text)) or _title_case(text)  # "Watch a Breathtaking Monarch Butterfly Swarm"


def is_related_heading(text: str) -> bool:
    """A heading over a list of links to other stories ("Related", "More from CNN", "Most read")."""
    return bool(_RELATED_HEADING.match(text)) or bool(re.fullmatch(r"(?:related|more)\s*:", text, re.IGNORECASE))


def is_link_line(text: str) -> bool:
    """A line that reads as another story's headline: short, no closing full stop (or a "Read more:" line)."""
    words = len(text.split())
    return (words <= 20 and not text.endswith(".") and not QUOTE_START.match(text)) or related(text, words)


def repeats_title(text: str, title: str) -> bool:
    """True when the block's words are (nearly) the headline's words and no more."""
    if len(text.split()) > len(title.split()) + 3:
        return False  # cheap test first: most blocks are far longer than a headline
    block, head = fold(text).split(), fold(title).split()
    if len(block) < 3 or not head or len(block) > len(head) + 1:
        return False
    shared = set(block) & set(head)
    return len(shared) >= 0.9 * len(set(block)) and len(shared) >= 0.75 * len(set(head))


def _title_case(text: str) -> bool:
    long_words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text) if len(w) > 3]
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)
