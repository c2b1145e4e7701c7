"""Publication dates as people and feeds write them: ISO 8601 first, then RFC 2822 (RSS, e-mail
headers), then absolute dates in words ("November 20, 2026", "20 novembre 2026") via dateparser.

Relative phrases ("yesterday", "3 days ago") are refused on purpose: they mean nothing once
stored, because the day they were relative to is gone. Anything unreadable raises ValueError, and
the caller decides what that costs (make_article keeps the article, undated, with a warning).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

MAX_DATE_CHARS = 100  # longer "dates" are prose or garbage; dateparser's cost grows with the text
EARLIEST_YEAR, LATEST_YEAR = 1800, 2200  # outside this a "date" is a typo or a sentinel like 0001-01-01
# Absolute parsers only (no "relative-time"); a year and a month must be present, so "Tuesday" or "99:99"
# alone is not a date.
_DATEPARSER_SETTINGS = {
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
    "RETURN_AS_TIMEZONE_AWARE": True,
    "TIMEZONE": "UTC",
    "TO_TIMEZONE": "UTC",
    "PREFER_DAY_OF_MONTH": "first",
    "REQUIRE_PARTS": ["year", "month"],
}
# Month names are tried in these languages: loading all of dateparser's ~200 costs ~3 s on first use
# (~0.5 s for these), and guessing among all of them reads more garbage as some language's date.
DATE_LANGUAGES = ["en", "fr", "de", "es", "it", "pt", "nl"]


def parse_date(value: object) -> datetime | None:
    """A timezone-aware datetime (naive = UTC); None for missing; ValueError saying why for garbage."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError(f"not a date: {_show(value)}")
    return _from_number(value) if isinstance(value, (int, float)) else _from_text(value.strip())


def plausible(when: datetime) -> bool:
    """Whether a parsed date can be a publication date (not a typo or a sentinel like 0001-01-01)."""
    return EARLIEST_YEAR <= when.year <= LATEST_YEAR


def _from_number(value: float) -> datetime:
    if not math.isfinite(value):
        raise ValueError(f"not a date: {value!r}")
    try:
        return datetime.fromtimestamp(value, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"date out of range: {value!r}") from exc


def _from_text(text: str) -> datetime:
    if len(text) > MAX_DATE_CHARS:
        raise ValueError(f"not a date: {_show(text)}")
    for parse in (_iso, _rfc2822, _words):
        parsed = parse(text)
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ValueError(f"not a date: {_show(text)}")


def _iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _rfc2822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _words(text: str) -> datetime | None:
    if not any(c.isdigit() for c in text):  # every absolute date has a year
        return None
    try:
        return _dateparser().parse(text, settings=_DATEPARSER_SETTINGS, languages=DATE_LANGUAGES)
    except (ValueError, OverflowError, TypeError, KeyError, AttributeError):  # its parsers raise on odd input
        return None


@lru_cache(maxsize=1)
def _dateparser():
    import dateparser  # deferred: ~0.1 s to import, ~0.5 s to load DATE_LANGUAGES on first use

    return dateparser


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
