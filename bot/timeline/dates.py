"""The day a sentence's event happened: "on Tuesday", "yesterday" or "Feb. 26" read against the
article's publication date; a sentence that names no day of its own happened on the day it was published.

Only the past resolves: "talks will resume on Monday" or "due on December 8" is a plan announced on the
publication day, and "since Feb. 15" or "X, who arrived on Sunday, said" is background, so these keep the
publication date. A misread costs little: a day needs several references before it gets an entry of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {name: n for n, names in enumerate((("jan", "january"), ("feb", "february"), ("mar", "march"),
                                             ("apr", "april"), ("may",), ("jun", "june"), ("jul", "july"),
                                             ("aug", "august"), ("sep", "sept", "september"),
                                             ("oct", "october"), ("nov", "november"), ("dec", "december")),
                                            start=1) for name in names}
MAX_BACK_DAYS = 366  # an explicit day further back than this is history, not the sentence's news
NEW_YEAR_DAYS = 60  # "Dec. 28" in a January article is last year's; "March 25" in February is a plan
_MONTHS = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
_EXPRESSION = re.compile(
    r"\b(?:(?P<yesterday>yesterday|last night)|(?P<today>today|tonight|this (?:morning|afternoon|evening))|"
    r"(?:(?P<which>last|this|next)\s+)?(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"(?!\s*,\s*(?:" + _MONTHS + r")\.?\s+\d)|"  # "Friday, Feb. 25" is read by the month-day branch
    r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?(?P<month>" + _MONTHS + r")\.?"
    r"\s+(?P<day>\d{1,2})\b(?!:)(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?|"
    r"(?P<day2>\d{1,2})\s+(?P<month2>" + _MONTHS + r")\b)", re.IGNORECASE)
# Words just before the expression that make it a plan or background rather than the sentence's event.
_NOT_THE_EVENT = re.compile(r"\b(?:will|would|could|can|may|might|shall|'ll|to be|due|expected|scheduled|planned|"
                            r"plans?|set to|aims? to|hopes? to|as early as|provides? for|until|till|by|beyond|"
                            r"through|since|from|before|after|ahead of|next|starting|begin(?:ning)?|deadline|during|"
                            r"much of|who|which|whose)\b[^.;]{0,40}$",
                            re.IGNORECASE)


@dataclass(frozen=True)
class EventDate:
    """The resolved day, and whether the sentence itself named it (False: the publication date)."""

    day: date
    explicit: bool


def event_date(sentence: str, published: date) -> EventDate:
    """When the sentence says its event happened, relative to `published`; else `published`."""
    for match in _EXPRESSION.finditer(sentence):
        if _NOT_THE_EVENT.search(sentence[max(0, match.start() - 60):match.start()]):
            continue
        day = _resolve(match, published)
        if day is not None and day != published:
            return EventDate(day, True)
        if day is not None:
            return EventDate(published, False)
    return EventDate(published, False)


def _resolve(match: re.Match[str], published: date) -> date | None:
    if match.group("yesterday"):
        return published - timedelta(days=1)
    if match.group("today"):
        return published
    if match.group("weekday"):
        if (match.group("which") or "").lower() == "next":
            return None
        back = (published.weekday() - WEEKDAYS.index(match.group("weekday").lower())) % 7
        if (match.group("which") or "").lower() == "last":
            back = back or 7
        elif back == 6:  # "Friday" in a Thursday article is tomorrow far more often than six days ago
            return None
        return published - timedelta(days=back)
    month, day = (match.group("month"), match.group("day")) if match.group("day") else \
        (match.group("month2"), match.group("day2"))
    if not month[0].isupper():  # "they may 2…" is no date
        return None
    year = int(match.group("year")) if match.group("year") else None
    return _month_day(MONTHS[month.lower().rstrip(".")], int(day), published, year)


def _month_day(month: int, day: int, published: date, year: int | None) -> date | None:
    """That day of the given year, else of the publication year, else (in January) of the one before;
    None when it is not a past day of the last year (a future day is a plan)."""
    years = (year,) if year else (published.year, published.year - 1)
    for candidate in years:
        try:
            found = date(candidate, month, day)
        except ValueError:
            return None
        back = (published - found).days
        if 0 <= back <= (MAX_BACK_DAYS if year or candidate == published.year else NEW_YEAR_DAYS):
            return found
    return None
