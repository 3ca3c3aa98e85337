"""Drift: the SLA metrics per week or per batch, overall, per category and per annotator, and the
changes for the worse between consecutive periods that are both larger than a threshold and not
noise by a stated test: a two-proportion z test (pooled) for accuracy, defect and on-time rates,
Welch's z test on the items' agreement shares for percent agreement; one-sided, 5% by default."""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import BaseModel

from governance.quality.reading.delivery_counts import PERIOD_COLUMNS, DeliveryCounts, week_start
from governance.quality.reading.label_order import natural_key
from governance.quality.sla.qa import NO_CATEGORY, period_table, rate
from governance.quality.sla.sla_stats import profiles
from governance.quality.stats.paired import proportion_drop

_COL = {name: i for i, name in enumerate(PERIOD_COLUMNS)}
HIGHER_IS_BETTER = {"percent_agreement": True, "accuracy": True, "on_time_rate": True, "defect_rate": False}
RATES = {"accuracy": ("correct", "gold"), "defect_rate": ("failed", "reviewed"), "on_time_rate": ("on_time", "timed")}
ALPHA = 0.05
TEST = (
    "a drop counts as drift when it exceeds the threshold and a one-sided test at {alpha:g} rejects 'no "
    "change': two-proportion z test (pooled) for rates; Welch's z on per-item agreement shares for "
    "percent agreement"
)


class PeriodRow(BaseModel):
    """One week or batch: its volume and the metric values (None where undefined)."""

    period: str
    annotations: int
    items: int
    values: dict[str, float | None]


class Drop(BaseModel):
    """A change for the worse between two consecutive periods, beyond the threshold and the test."""

    metric: str
    period: str
    previous_period: str
    previous: float
    current: float
    change: float
    group_kind: Literal["overall", "category", "annotator"] = "overall"
    group: str = "all"
    n_previous: int = 0
    n_current: int = 0
    z: float | None = None
    p_value: float | None = None


class DriftReport(BaseModel):
    """Metrics per period, oldest first, and the drops that are drift (overall and per group)."""

    by: Literal["week", "batch"]
    threshold: float
    alpha: float = ALPHA
    test: str = TEST.format(alpha=ALPHA)
    periods: list[PeriodRow]
    drops: list[Drop]
    not_significant: int = 0
    notes: list[str] = []


def _z_one_sided(z: float) -> float:
    """P(Z >= z) for a standard normal Z."""
    return 0.5 * math.erfc(z / math.sqrt(2))


def proportion_test(x1: int, n1: int, x2: int, n2: int, higher_is_better: bool) -> tuple[float, float]:
    """Pooled two-proportion z for a change for the worse from x1/n1 to x2/n2, and its one-sided p
    (`governance.quality.stats.paired.proportion_drop` on the good outcomes; no variance means no change, p = 1)."""
    test = proportion_drop(x1, n1, x2, n2) if higher_is_better else proportion_drop(n1 - x1, n1, n2 - x2, n2)
    return (0.0, 1.0) if test.z is None or test.p_value is None else (test.z, test.p_value)


def _mean_test(m1: float, v1: float, n1: int, m2: float, v2: float, n2: int) -> tuple[float, float]:
    """Welch's z for a drop in a mean from (m1, v1, n1) to (m2, v2, n2), one-sided p."""
    se = math.sqrt(v1 / n1 + v2 / n2) if n1 > 1 and n2 > 1 else 0.0
    if se == 0:
        return (math.inf if m1 > m2 else 0.0), (0.0 if m1 > m2 else 1.0)
    z = (m1 - m2) / se
    return z, _z_one_sided(z)


def _periods(counts: DeliveryCounts, by: str) -> tuple[list[str], list[int], np.ndarray]:
    """Period names in time order, their row indices into the period tables, each item's period."""
    if by == "batch":
        order = sorted(range(len(counts.batches)), key=lambda i: natural_key(counts.batches[i]))
        rank = np.full(len(counts.batches) + 1, -1, np.int64)
        rank[np.asarray(order, np.int64) + 1] = np.arange(len(order))
        return [counts.batches[i] for i in order], [i + 1 for i in order], rank[counts.item_batch + 1]
    weeks = sorted(counts.weeks)
    known = np.array(weeks, np.int64)
    pos = np.searchsorted(known, counts.item_week)
    found = pos < len(known)
    found[found] = known[pos[found]] == counts.item_week[found]
    return [week_start(w) for w in weeks], weeks, np.where(found, pos, -1)


def _agreement_sums(counts: DeliveryCounts, group: np.ndarray, n_groups: int) -> np.ndarray:
    """Per group: items with 2+ annotations, and the sum and sum of squares of their agreement shares
    (additive, so finer groups add up to coarser ones)."""
    prof = profiles(counts, group, n_groups)
    rows = prof.rows.astype(float)
    m = rows.sum(axis=1)
    keep = m >= 2
    share = np.where(keep, (rows * (rows - 1)).sum(axis=1) / np.maximum(m * (m - 1), 1), 0.0)
    w = np.where(keep, prof.weight, 0).astype(float)
    sums = [np.bincount(prof.group, w * share**k, minlength=n_groups) for k in (0, 1, 2)]
    return np.column_stack(sums)


def _agreement_parts(sums: np.ndarray) -> np.ndarray:
    """(n, sum, sum of squares) -> (n, mean, sample variance) of the items' agreement shares."""
    n, s1, s2 = sums[..., 0], sums[..., 1], sums[..., 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(n > 0, s1 / n, np.nan)
        var = np.where(n > 1, (s2 - n * mean**2) / (n - 1), 0.0)
    return np.stack([n, mean, np.maximum(var, 0.0)], axis=-1)


def _series(
    names: list[str], table: np.ndarray, agree: np.ndarray | None, threshold: float, alpha: float, kind: str, group: str
) -> tuple[list[Drop], int]:
    """Drift of one group: consecutive periods with data compared metric by metric."""
    drops: list[Drop] = []
    quiet = 0
    metrics = [*RATES, *(["percent_agreement"] if agree is not None else [])]
    for metric in metrics:
        higher = HIGHER_IS_BETTER[metric]
        prev: int | None = None
        for i in range(len(names)):
            if metric == "percent_agreement":
                assert agree is not None
                n_i = int(agree[i, 0])
                value = float(agree[i, 1]) if n_i else None
            else:
                num, den = RATES[metric]
                n_i = int(table[i, _COL[den]])
                value = table[i, _COL[num]] / n_i if n_i else None
            if value is None:
                continue
            if prev is not None:
                j = prev
                if metric == "percent_agreement":
                    assert agree is not None
                    before, n_j = float(agree[j, 1]), int(agree[j, 0])
                    z, p = _mean_test(before, agree[j, 2], n_j, value, agree[i, 2], n_i)
                else:
                    n_j = int(table[j, _COL[den]])
                    before = table[j, _COL[num]] / n_j
                    z, p = proportion_test(int(table[j, _COL[num]]), n_j, int(table[i, _COL[num]]), n_i, higher)
                worse = (before - value) if higher else (value - before)
                if worse > threshold + 1e-12:  # a change of exactly the threshold is not a drop
                    if p < alpha:
                        drops.append(
                            Drop(
                                metric=metric,
                                period=names[i],
                                previous_period=names[j],
                                previous=before,
                                current=value,
                                change=value - before,
                                group_kind=kind,  # type: ignore[arg-type]
                                group=group,
                                n_previous=n_j,
                                n_current=n_i,
                                z=z if math.isfinite(z) else None,
                                p_value=p,
                            )
                        )
                    else:
                        quiet += 1
            prev = i
    return drops, quiet


def _group_tables(counts: DeliveryCounts, by: str, rows: list[int], dim: str) -> np.ndarray | None:
    """(periods, groups, PERIOD_COLUMNS) of one grouping, or None when it was not counted."""
    if by == "batch":
        grid = counts.tables.get(f"batch_{dim}_period")
        return None if grid is None else _fit(grid, max(rows, default=0) + 1)[rows]
    store = counts.week_groups.get(dim)
    if store is None:
        return None
    size = max((a.shape[0] for a in store.values()), default=0)
    empty = np.zeros((size, len(PERIOD_COLUMNS)), np.int64)
    return np.stack([_fit(store.get(w, empty), size) for w in rows]) if rows else None


def _fit(arr: np.ndarray, n: int) -> np.ndarray:
    if arr.shape[0] >= n:
        return arr
    out = np.zeros((n, *arr.shape[1:]), arr.dtype)
    out[: arr.shape[0]] = arr
    return out


def drift(
    counts: DeliveryCounts, by: Literal["week", "batch"] = "week", threshold: float = 0.05, alpha: float = ALPHA
) -> DriftReport:
    """Per-period metrics and drift, overall, per category and per annotator."""
    names, rows, item_period = _periods(counts, by)
    if by == "batch":
        table = period_table(counts, "batch")[rows] if rows else np.zeros((0, len(PERIOD_COLUMNS)), np.int64)
    else:
        table = np.array([counts.weeks[w] for w in rows]).reshape(-1, len(PERIOD_COLUMNS))
    n_p = len(names)
    ncat = len(counts.categories) + 1
    fine = (  # per (period, category); the periods' figures are their sums
        _agreement_sums(
            counts, np.where(item_period >= 0, item_period * ncat + counts.item_category + 1, -1), n_p * ncat
        )
        if n_p
        else np.zeros((0, 3))
    ).reshape(n_p, ncat, 3)
    agree = _agreement_parts(fine.sum(axis=1))
    items = np.bincount(item_period[item_period >= 0], minlength=n_p)
    periods = [
        PeriodRow(
            period=name,
            annotations=int(table[i, _COL["rows"]]),
            items=int(items[i]),
            values={
                "percent_agreement": float(agree[i, 1]) if agree[i, 0] else None,
                **{m: rate(table[i, _COL[a]], table[i, _COL[b]], m).value for m, (a, b) in RATES.items()},
            },
        )
        for i, name in enumerate(names)
    ]
    drops, quiet = _series(names, table, agree, threshold, alpha, "overall", "all")
    notes = [
        f"drift per {dim} by {by} not computed: too many {by}s x {dim} values to keep a table"
        for dim in ("category", "annotator")
        if (by == "batch" and f"batch_{dim}_period" not in counts.tables)
        or (by == "week" and dim not in counts.week_groups and counts.weeks)
    ]
    cats = _group_tables(counts, by, rows, "category")
    if cats is not None and counts.categories:
        cat_agree = _agreement_parts(fine)
        for c, name in enumerate([NO_CATEGORY, *counts.categories]):
            if c < cats.shape[1] and cats[:, c, _COL["rows"]].any():
                found, q = _series(names, cats[:, c], cat_agree[:, c], threshold, alpha, "category", name)
                drops += found
                quiet += q
    anns = _group_tables(counts, by, rows, "annotator")
    if anns is not None:
        for a, name in sorted(enumerate(counts.annotators), key=lambda p: natural_key(p[1])):
            if a < anns.shape[1] and anns[:, a, _COL["rows"]].any():
                found, q = _series(names, anns[:, a], None, threshold, alpha, "annotator", name)
                drops += found
                quiet += q
    return DriftReport(
        by=by,
        threshold=threshold,
        alpha=alpha,
        test=TEST.format(alpha=alpha),
        periods=periods,
        drops=drops,
        not_significant=quiet,
        notes=notes,
    )
