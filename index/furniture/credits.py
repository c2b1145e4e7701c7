"""Furniture that names who made the page: photo captions and credits, bylines, datelines (index.furniture).

A caption is told by the credit that closes it ("… on Monday. Noah Berger/AP", "… Ankara, Turkey | AP",
"(AP Photo/Rich Pedroncelli)") or by the player around it ("JUST WATCHED … Replay More Videos"); a byline
by names with no verb ("By Nadeen Ebrahim", "– David Jackson", "CNN's Anneken Tappe contributed to this
report."); a dateline by being nothing but a place, an outlet and a dash, or a time stamp.
"""

from __future__ import annotations

import re

from index.furniture.words import (
    AGENCY,
    AGENCY_ALONE,
    CAP,
    CONTACT,
    QUOTE_START,
    REPORTING,
    fold,
    is_call,
    is_namey,
    sentences,
)

CREDIT_REACH = 240  # characters from a block's end within which a closing photo credit starts

_LINKER = r"(?:of|the|de|del|da|van|von|der|den|al|el|bin|la|le|du|y|via|for|and|&)"
_CREDIT_TAIL = re.compile(
    rf"(?P<prefix>\(?(?:Photo(?:graph)?s?|Images?|Pictures?|Video|Illustration|Photo illustration|Credit|"
    rf"Photo credit|Image credit|From)(?: by)?\s*:?\s*\(?)?"
    rf"(?P<credit>{CAP}(?: (?:{CAP}|{_LINKER}))*(?:/{CAP}(?: (?:{CAP}|{_LINKER}))*)+)\)*$")
_PIPE_CREDIT = re.compile(r"\s\|\s*(?P<credit>[^|]{1,60})$")
_PAREN_CREDIT = re.compile(r"\((?:(?:AP|AFP|Reuters|REUTERS|Getty|EPA|Xinhua|Bloomberg)\b[^()]{0,60}|"
                           r"(?:Photo|Photos|Photograph|Image|Picture|File|FILE|Credit|Courtesy|Handout|Video)\b"
                           r"[^()]{0,80})\)$")
_PICTURE_WORDS = re.compile(r"\b(?:images?|photos?|photographs?|pictures?|stock|press|wire|archives?|illustration|"
                            r"agency|handout|courtesy|file)\b", re.IGNORECASE)
_PICTURE_PREFIX = re.compile(r"^(?:FILE PHOTO|File photo|FILE|PHOTO|Photo|IMAGE|Image|PICTURE|Picture|Photograph|"
                             r"PHOTOGRAPH|Photos?|Caption|CAPTION)\s*[:\-–—]\s*(?P<rest>\S.*)$")
_FILE_PICTURE = re.compile(r"^(?:an? )?file (?:photo|photograph|picture|image)s?\b", re.IGNORECASE)
_GETTY_STYLE = re.compile(r"^[A-Z][A-Z .,'’-]+ - (?:JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)[A-Z]* \d{1,2}: ")
_PLAYER_TEXT = ("JUST WATCHED", "Replay More Videos", "MUST WATCH", "Hide Caption")  # video and gallery players
_PLAYER_END = re.compile(r"\d{1,2}:\d{2} - Source: [A-Z][\w ]*$|\bPrev Next$|"
                         r"\((?:Click|Tap) here to (?:view|watch|see)\)$")
# "Kim Badawi/Getty Images for CNN A protester totes a shield …": the credit printed before the caption
_CREDIT_FIRST = re.compile(rf"^(?:{CAP} ){{0,3}}{CAP}/(?:{CAP} )*?(?:Getty Images|AFP|AP|Reuters|EPA|Xinhua|"
                           rf"Bloomberg|Shutterstock)(?: for \w+)? (?=[A-Z\"“])|"
                           rf"^(?:REUTERS|AFP|AP|EPA)/{CAP}(?: {CAP}){{1,3}} ")
# Wire captions: "Rebels sit at the back of a truck in the village of Al-Qawalish July 10, 2011." (a place or
# ", Thursday," right before the date: reporting writes "on July 10" or "for Thursday, June 24")
_DATED_CAPTION = re.compile(r"(?:\b(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)[A-Z][\w.'’-]+,?|"
                            r", (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),) "
                            r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
                            r"Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.) \d{1,2}, (?:19|20)\d\d\.$")
_FILE_PHOTO_END = re.compile(r"\bin this (?:[\w, ]{0,30} )?(?:file|handout|undated) "
                             r"(?:photo|photograph|picture|image)s?(?: [^.]{0,60})?\.$")
_AGENCY_AFTER_SENTENCE = re.compile(r"[.!?\"”’)]\s+(?:AP|Reuters|AFP|Getty Images|EPA|Xinhua|Shutterstock|"
                                    r"Associated Press)$")

_BY = re.compile(r"^by\s+(?P<names>.+)$", re.IGNORECASE)
_MADE_BY = re.compile(r"^\(?(?:additional )?(?:reporting|writing|editing|compiled|edited|produced|story|text|"
                      r"words|photos?|photographs|photography|video|graphics|illustrations?|research|interview)"
                      r"(?: and [\w ]{1,30}?)? by\b", re.IGNORECASE)
_CONTRIBUTED = re.compile(r"\bcontributed(?: reporting)?(?: (?:to|for))? (?:this|the) (?:report|story|article|section|"
                          r"post|piece|update)\b|"
                          r"\bcontributed reporting\b|^(?:contributing|contributors?|contributing writers?)\s*:",
                          re.IGNORECASE)
_REPORTS = re.compile(rf"^{CAP}['’]s {CAP}(?: {CAP}){{0,3}} reports\.?$")  # "CNN's Frederik Pleitgen reports."
_DASH_NAME = re.compile(r"^(?:—|–|-{1,2})\s*(?P<names>\S.*)$")
_BIO = re.compile(rf"^{CAP}(?: {CAP}){{0,3}} (?:is|was) an? (?:[\w-]+ ){{0,4}}(?:reporter|writer|correspondent|"
                  r"editor|columnist|contributor|producer|journalist|photographer|fellow|intern)"
                  r"(?: (?:for|at|with|on|covering) (?P<rest>[^.]{1,60}))?\.?$")
_EMAIL_LINE = re.compile(r"^(?:e-?mail|contact|twitter|reach (?:him|her|them|me)(?: at)?)?\s*:?\s*"
                         r"(?:[\w.+-]+@[\w-]+\.[\w.]+|@\w+)\.?$", re.IGNORECASE)
_WIRE_REPORTS = re.compile(r"^(?:from )?(?:[\w .'’]{1,40} )?(?:staff|wire|news services?)(?: and wire)? reports$",
                           re.IGNORECASE)
_OUTLET_WRAP = re.compile(r"^(?:the |special (?:to|for) (?:the )?|from (?:the )?)|"
                          r" (?:staff|network|sports|news|wire|wire reports|digital|online|politics|business)$",
                          re.IGNORECASE)
_DOMAIN = re.compile(r"\b[\w-]+\.(?:com|org|net|co\.uk|co|news|info|in)\b", re.IGNORECASE)

_DASH_DATELINE = re.compile(r"^(?:[A-Z][\w.'’&-]*,? ){0,6}(?:\([A-Z][\w.&'’ -]{0,20}\) ?)?(?:—|–|--|-)$")
_BARE_AGENCY = re.compile(rf"^\({AGENCY}\)$")
_STAMP = re.compile(r"^(?:last )?(?:updated|published|posted|modified|first published)(?: on| at)?\s*:?\s*"
                    r"(?P<rest>.+)$", re.IGNORECASE)
_DATE_TOKEN = re.compile(r"^(?:\d[\d:.,/-]*|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?|"
                         r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?|a\.?m\.?,?|p\.?m\.?,?|"
                         r"et|est|edt|gmt|bst|utc|cet|cest|pt|pst|pdt|ist|jst|aest|local|time|at|on|\||,|-|—|–|"
                         r"updated|published|posted|last|\d+(?:st|nd|rd|th),?)$", re.IGNORECASE)


def caption(text: str, words: int) -> bool:
    """A photo or video caption: closed (or opened) by a credit, or wrapped in a player's labels."""
    if any(w in text for w in _PLAYER_TEXT) or text.startswith("Video Ad Feedback") or _PLAYER_END.search(text[-80:]):
        return True
    if _GETTY_STYLE.match(text) or _FILE_PICTURE.match(text):
        return True
    if words <= 60 and (_CREDIT_FIRST.match(text) or _AGENCY_AFTER_SENTENCE.search(text[-40:])
                        or _FILE_PHOTO_END.search(text[-120:])):
        return True
    if words <= 60 and _DATED_CAPTION.search(text[-60:]) and len(sentences(text)) == 1 and not REPORTING.search(text):
        return True
    prefixed = _PICTURE_PREFIX.match(text)
    if prefixed and len(prefixed.group("rest").split()) >= 3:
        return True
    start = _credit_start(text)
    return start is not None and len(text[:start].split()) >= 3


def credit(text: str, words: int) -> bool:
    """A photo credit standing alone: "Charles Dharapak/AP", "Photo: Reuters", "Getty Images"."""
    if words > 10:
        return False
    prefixed = _PICTURE_PREFIX.match(text)
    if prefixed and AGENCY_ALONE.fullmatch(prefixed.group("rest").rstrip(")")):
        return True
    return _credit_start(text) == 0 or bool(re.fullmatch(r"Getty Images|Shutterstock|Adobe Stock|Handout", text))


def _credit_start(text: str) -> int | None:
    """Where a photo credit closing the block begins ("… on Monday. Noah Berger/AP"), or None."""
    offset = max(0, len(text) - CREDIT_REACH)  # a credit closes the block: look at its end only
    tail = re.sub(r"\s*Prev Next$", "", text[offset:])
    pipe = _PIPE_CREDIT.search(tail)
    if pipe and _is_credit(pipe.group("credit").strip(), prefixed=False, after_sentence=True, piped=True):
        return offset + pipe.start()
    paren = _PAREN_CREDIT.search(tail)
    if paren:
        return offset + paren.start()
    slash = _CREDIT_TAIL.search(tail)
    if slash is None:
        return None
    start = slash.start()
    after_sentence = start > 0 and bool(re.search(r"[.!?\"”’)]\s*$", tail[:start]))
    if _is_credit(slash.group("credit"), prefixed=bool(slash.group("prefix")), after_sentence=after_sentence):
        return offset + start
    return None


def _is_credit(credit: str, prefixed: bool, after_sentence: bool, piped: bool = False) -> bool:
    parts = [p.strip() for p in credit.split("/") if p.strip()]
    if not parts or (piped and not all(is_namey(p) for p in parts)):
        return False
    if any(AGENCY_ALONE.fullmatch(p) or _PICTURE_WORDS.search(p) for p in parts) or prefixed:
        return True
    # "… is seen from the air. Ed Gainey/Pittsburgh Mayor's Office": a sentence, then a photographer's name
    return after_sentence and len(parts) >= 2 and len(parts[0].split()) >= 2


def byline(text: str, words: int) -> bool:
    """Who wrote or contributed: "By …", "– Name", "… contributed to this report.", a reporter's bio."""
    if words > 40 or QUOTE_START.match(text):
        return False
    by = _BY.match(text)
    if by and words <= 14 and is_namey(_strip_date(by.group("names"))):
        return True
    dash = _DASH_NAME.match(text)
    if dash and 2 <= len(dash.group("names").split()) <= 7 and is_namey(dash.group("names")):
        return True
    if _REPORTS.match(text) or _WIRE_REPORTS.match(text) or _EMAIL_LINE.match(text):
        return True
    said = sentences(text)
    credits = [s for s in said if _MADE_BY.match(s) or _CONTRIBUTED.search(s) or _is_bio(s)
               or (CONTACT.match(s) and not is_call(s))]  # "Reach Mira Castell at mcastell@…"
    return (bool(credits) and not REPORTING.search(text)
            and all(s in credits or CONTACT.match(s) or is_call(s) for s in said))


def sign_off(text: str, words: int) -> bool:
    """ "Fred Pleitgen, CNN, Cairo, Egypt." — a name, then the outlet: a broadcast sign-off or signature."""
    parts = [p.strip() for p in text.rstrip(".").split(",")]
    return (words <= 10 and len(parts) >= 2 and is_namey(parts[0]) and len(parts[0].split()) >= 2
            and any(AGENCY_ALONE.fullmatch(p) for p in parts[1:]))


def dateline(text: str, words: int) -> bool:
    """A bare dateline ("Washington CNN —", "(Reuters)") or time stamp ("Updated 10:30 a.m. Monday, April 24.")."""
    if words <= 8 and (_DASH_DATELINE.match(text) or _BARE_AGENCY.match(text)):
        return True
    stamp = _STAMP.match(text)
    if stamp and words <= 16:
        tokens = stamp.group("rest").replace(",", " , ").split()
        return bool(tokens) and all(_DATE_TOKEN.match(t) for t in tokens) and bool(re.search(r"\d", text))
    return False


def is_bare_name(text: str) -> bool:
    """One to four capitalised words and nothing else: a byline's name line."""
    tokens = text.split()
    return 1 <= len(tokens) <= 4 and is_namey(text) and not re.search(r"[^\w\s.'’-]", text)


def is_outlet_line(text: str, source: str | None) -> bool:
    """A block naming only an outlet or wire ("USA TODAY", "AP", "Special to The Times", "The Republic | x.com")."""
    if len(text.split()) > 6 or ":" in text or (re.search(r"[.!?]$", text) and not _DOMAIN.search(text)):
        return False
    core = text
    for _ in range(2):
        core = _OUTLET_WRAP.sub("", core).strip()
    if AGENCY_ALONE.fullmatch(core):
        return True
    if _DOMAIN.search(text) and is_namey(_DOMAIN.sub("X", text).replace("|", " ")):
        return True
    outlet = _outlet_key(source or "")
    return len(outlet) >= 3 and _outlet_key(text) == outlet


def _outlet_key(name: str) -> str:
    """ "usatoday.com", "USA TODAY", "The Westria Courier" -> "usatoday", "usatoday", "westriacourier"."""
    name = name.strip().lower().removeprefix("www.")
    if "." in name and " " not in name:
        name = name.split(".")[0]  # a host name: its first label
    for _ in range(2):
        name = _OUTLET_WRAP.sub("", name).strip()
    return fold(name).replace(" ", "")


def _is_bio(sentence: str) -> bool:
    bio = _BIO.match(sentence)
    return bio is not None and not re.search(r"\b(?:who|which|that|when|where|after|before)\b", bio.group("rest") or "")


def _strip_date(names: str) -> str:
    """ "Sammy Roth, The Desert Sun | April 13, 2016" -> the names, without the date after a bar or comma."""
    return re.split(r"\s\|\s|,\s(?=\w+\.? \d)", names)[0]
