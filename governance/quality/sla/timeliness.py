"""Turnaround and volume: the share of annotations submitted by their due time, and weekly
throughput against the volume the vendor committed to."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel

from contracts.sla_terms import RampSchedule
from governance.quality.reading.delivery_counts import PERIOD_COLUMNS, DeliveryCounts, week_start
from governance.quality.sla.qa import RateResult, rate, scope_counts

_COL = {name: i for i, name in enumerate(PERIOD_COLUMNS)}


PRORATION_RULE = (
    "a partial calendar week needs its floor x days covered / 7: the first from the later of the first "
    "submission and the ramp start, the last up to the period end the buyer states (period_end in the terms or "
    "--period-end), never the vendor's last submission; with no period end stated the last week counts whole"
)
_EPOCH = date(1970, 1, 1)


class WeekVolume(BaseModel):
    """Annotations submitted in one calendar week (Monday start) against that week's floor."""

    week_start: str
    annotations: int
    committed: int | None
    meets: bool | None
    shortfall: int | None
    contract_week: int | None = None
    days: int = 7
    required: float | None = None

    def holds(self, strict: bool = False) -> bool | None:
        """Whether the week reaches its prorated floor (exactly, in integers: n x 7 vs floor x days)."""
        if self.committed is None:
            return None
        have, need = self.annotations * 7, self.committed * self.days
        return have > need if strict else have >= need


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


def _covered(week: int, first_day: int, last_day: int) -> int:
    """Days of week index `week` (Monday = day 7w - 3 since the epoch) inside [first_day, last_day]."""
    monday = week * 7 - 3
    return max(0, min(last_day, monday + 6) - max(first_day, monday) + 1)


def weekly_volume(
    counts: DeliveryCounts,
    committed: int | None = None,
    ramp: RampSchedule | None = None,
    period_end: date | None = None,
) -> list[WeekVolume]:
    """Every week from the first submission to the last submission or the period end (whichever is
    later), empty weeks included, each against its floor: the ramp step of its contract week, else
    `committed`. Partial weeks are prorated by calendar days (`PRORATION_RULE`): the last one to the
    buyer's `period_end`, so a vendor that stops delivering early in a week does not shrink its own
    floor; weeks before the ramp start or after the period end have no floor."""
    if not counts.weeks:
        return []
    first, last = min(counts.weeks), max(counts.weeks)
    first_day = counts.day_span[0] if counts.day_span else first * 7 - 3
    last_day = last * 7 + 3  # Sunday of the last submission's week: no period end, no proration
    if period_end is not None:
        last_day = (period_end - _EPOCH).days
        last = max(last, (last_day + 3) // 7)
    if ramp is not None:
        first_day = max(first_day, (ramp.start - _EPOCH).days)
    out = []
    for week in range(first, last + 1):
        row = counts.weeks.get(week)
        n = int(row[_COL["rows"]]) if row is not None else 0
        monday = _EPOCH + timedelta(days=week * 7 - 3)
        number = ramp.week_of(monday) if ramp is not None else None
        floor = ramp.floor(number, committed) if ramp is not None and number is not None else committed
        days = _covered(week, first_day, last_day)
        if days == 0:
            floor = None
        vol = WeekVolume(
            week_start=week_start(week),
            annotations=n,
            committed=floor,
            meets=None,
            shortfall=None,
            contract_week=number,
            days=days,
            required=None if floor is None else round(floor * days / 7, 2),
        )
        if floor is not None:
            vol.meets = vol.holds()
            vol.shortfall = max(0, -(-(floor * days - 7 * n) // 7))
        out.append(vol)
    return out
