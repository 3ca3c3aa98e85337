"""Drift: the SLA metrics per week or per batch, and the changes between consecutive periods that
cross a threshold (a drop in agreement, accuracy or on-time share, a rise in defects)."""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel

from governance.delivery_counts import PERIOD_COLUMNS, DeliveryCounts, week_start
from governance.qa import period_table, rate
from governance.sla_stats import agreement_by_group

_COL = {name: i for i, name in enumerate(PERIOD_COLUMNS)}
HIGHER_IS_BETTER = {"percent_agreement": True, "accuracy": True, "on_time_rate": True, "defect_rate": False}


class PeriodRow(BaseModel):
    """One week or batch: its volume and the metric values (None where undefined)."""

    period: str
    annotations: int
    items: int
    values: dict[str, float | None]


class Drop(BaseModel):
    """A change for the worse between two consecutive periods larger than the threshold."""

    metric: str
    period: str
    previous_period: str
    previous: float
    current: float
    change: float


class DriftReport(BaseModel):
    """Metrics per period, oldest first, and the drops beyond `threshold`."""

    by: Literal["week", "batch"]
    threshold: float
    periods: list[PeriodRow]
    drops: list[Drop]


def _period_rows(counts: DeliveryCounts, by: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Period names, their row-level counts (PERIOD_COLUMNS) and each item's period index."""
    if by == "batch":
        table = period_table(counts, "batch")[1:]
        return list(counts.batches), table, counts.item_batch
    weeks = sorted(counts.weeks)
    table = np.array([counts.weeks[w] for w in weeks]).reshape(-1, len(PERIOD_COLUMNS))
    known = np.array(weeks, np.int64)
    pos = np.searchsorted(known, counts.item_week)
    found = pos < len(known)
    found[found] = known[pos[found]] == counts.item_week[found]
    item_period = np.where(found, pos, -1)
    return [week_start(w) for w in weeks], table, item_period


def drift(counts: DeliveryCounts, by: Literal["week", "batch"] = "week", threshold: float = 0.05) -> DriftReport:
    """Per-period defect rate, accuracy, on-time share and percent agreement, with the drops."""
    names, table, item_period = _period_rows(counts, by)
    agreement = agreement_by_group(counts, "percent_agreement", item_period, len(names))
    items = np.bincount(item_period[item_period >= 0], minlength=len(names))
    periods = []
    for i, name in enumerate(names):
        row = table[i]
        values = {
            "percent_agreement": agreement[i].value,
            "accuracy": rate(row[_COL["correct"]], row[_COL["gold"]], "gold").value,
            "defect_rate": rate(row[_COL["failed"]], row[_COL["reviewed"]], "reviews").value,
            "on_time_rate": rate(row[_COL["on_time"]], row[_COL["timed"]], "due dates").value,
        }
        periods.append(
            PeriodRow(
                period=name,
                annotations=int(row[_COL["rows"]]),
                items=int(items[i]),
                values=values,
            )
        )
    drops = []
    for metric, higher in HIGHER_IS_BETTER.items():
        prev: PeriodRow | None = None
        for cur in periods:
            value = cur.values[metric]
            if value is None:
                continue
            if prev is not None:
                before = prev.values[metric]
                assert before is not None
                worse = (before - value) if higher else (value - before)
                if worse > threshold + 1e-12:  # a change of exactly the threshold is not a drop
                    drops.append(
                        Drop(
                            metric=metric,
                            period=cur.period,
                            previous_period=prev.period,
                            previous=before,
                            current=value,
                            change=value - before,
                        )
                    )
            prev = cur
    return DriftReport(by=by, threshold=threshold, periods=periods, drops=drops)
