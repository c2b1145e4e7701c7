"""Relative time in questions ("this week", "yesterday") turned into a date window for retrieval."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

_PATTERNS: list[tuple[re.Pattern[str], int, int]] = [
    # (pattern, days back from the reference day, days after it) — a window [day-back, day+after)
    (re.compile(r"\btoday\b|\bthis (morning|afternoon|evening)\b|\btonight\b", re.I), 0, 1),
    (re.compile(r"\byesterday\b", re.I), 1, 0),
    (re.compile(r"\bthis week(end)?\b|\bin the (past|last) (few )?days\b", re.I), 7, 1),
    (re.compile(r"\blast week\b", re.I), 14, 1),
    (re.compile(r"\bthis month\b|\bin the (past|last) (few )?weeks\b", re.I), 31, 1),
]


def window(question: str, today: date) -> tuple[datetime, datetime] | None:
    """The [since, until) window a question's time expression names, relative to `today`; None if it names none."""
    for pattern, back, after in _PATTERNS:
        if pattern.search(question):
            since = datetime.combine(today - timedelta(days=back), time(), tzinfo=UTC)
            until = datetime.combine(today + timedelta(days=after), time(), tzinfo=UTC)
            if back == 1 and after == 0:  # "yesterday" is the whole of that one day
                until = since + timedelta(days=1)
            return since, until
    return None
