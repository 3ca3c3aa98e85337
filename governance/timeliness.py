"""Turnaround and volume: the share of annotations submitted by their due time, and weekly
throughput against the volume the vendor committed to."""

from __future__ import annotations

from pydantic import BaseModel

from governance.delivery_counts import PERIOD_COLUMNS, DeliveryCounts, week_start
from governance.qa import RateResult, rate, scope_counts

_COL = {name: i for i, name in enumerate(PERIOD_COLUMNS)}


class WeekVolume(BaseModel):
    """Annotations submitted in one calendar week (Monday start) against the commitment."""

    week_start: str
    annotations: int
    committed: int | None
    meets: bool | None
    shortfall: int | None


def on_time_rate(counts: DeliveryCounts, dim: str = "category", group: str | None = None) -> RateResult:
    """Submitted at or before due / annotations carrying both times (overall or one group)."""
    if "due_at" not in counts.columns or "submitted_at" not in counts.columns:
        return RateResult(
            numerator=0,
            denominator=0,
            value=None,
            ci=None,
            undefined_reason="the delivery has no submitted_at and due_at columns",
        )
    row = scope_counts(counts, dim, group)
    return rate(int(row[_COL["on_time"]]), int(row[_COL["timed"]]), "annotations with both submitted_at and due_at")


def weekly_volume(counts: DeliveryCounts, committed: int | None = None) -> list[WeekVolume]:
    """Every week from the first to the last submission, empty weeks included."""
    if not counts.weeks:
        return []
    first, last = min(counts.weeks), max(counts.weeks)
    out = []
    for week in range(first, last + 1):
        row = counts.weeks.get(week)
        n = int(row[_COL["rows"]]) if row is not None else 0
        out.append(
            WeekVolume(
                week_start=week_start(week),
                annotations=n,
                committed=committed,
                meets=None if committed is None else n >= committed,
                shortfall=None if committed is None else max(0, committed - n),
            )
        )
    return out
