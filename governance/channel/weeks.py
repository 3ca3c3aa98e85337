"""ISO weeks as `YYYY-Www` strings: the unit of the weekly reflection and of weekly metrics."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def iso_week(when: date | datetime) -> str:
    """The ISO week a date or datetime falls in, e.g. `2026-W48`."""
    year, week, _ = when.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> tuple[date, date]:
    """Monday and Sunday of an ISO week string; ValueError if it is not one."""
    m = _WEEK.match(text.strip())
    if not m:
        raise ValueError(f"{text!r} is not an ISO week like 2026-W48")
    year, week = int(m.group(1)), int(m.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError as exc:
        raise ValueError(f"{text!r}: {exc}") from exc
    return monday, monday + timedelta(days=6)


def previous_week(text: str) -> str:
    """The ISO week before the given one."""
    monday, _ = parse_week(text)
    return iso_week(monday - timedelta(days=7))
