"""Insights for engineers from the channel: recurring tags, tasks several people flagged, flags
that coincide with low or falling agreement/accuracy, and the questions that block work.

Metrics arrive as a plain table (category, week, metric, value) so any statistics module can feed
them; a missing `category` means the row holds for the whole program that week.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import AwareDatetime, BaseModel

from governance.channel.calibration import CalibrationEntry, EntryStatus
from governance.channel.reflection import Reflection, SharedInsight, shared_insights, sheet_frame
from governance.channel.weeks import iso_week, parse_week, previous_week
from governance.quality.sla.drift import HIGHER_IS_BETTER, DriftReport
from governance.roles import Permission, User, require
from ingest import InputError, Location, Problem, normalise_header, read_sheet

METRIC_COLUMNS = ("category", "week", "metric", "value")
DEFAULT_MIN_DROP = 0.10


class TagRecurrence(BaseModel):
    """A tag used by several people (flags, and insights their authors chose to share)."""

    tag: str
    people: int
    flags: int
    shared_insights: int
    categories: list[str]
    entry_ids: list[str]


def recurring_tags(
    entries: Iterable[CalibrationEntry],
    insights: Iterable[SharedInsight] = (),
    min_people: int = 2,
) -> list[TagRecurrence]:
    """Tags that at least `min_people` different people used, most widespread first."""
    people: dict[str, set[str]] = {}
    flags: dict[str, list[CalibrationEntry]] = {}
    shared: dict[str, int] = {}
    for e in entries:
        for t in e.all_tags:
            people.setdefault(t, set()).add(e.author_id)
            flags.setdefault(t, []).append(e)
    for s in insights:
        for t in s.tags:
            people.setdefault(t, set()).add(s.author_id)
            shared[t] = shared.get(t, 0) + 1
    out = [
        TagRecurrence(
            tag=t, people=len(who), flags=len(flags.get(t, [])), shared_insights=shared.get(t, 0),
            categories=sorted({e.category for e in flags.get(t, []) if e.category}),
            entry_ids=[e.entry_id for e in flags.get(t, [])],
        )
        for t, who in people.items() if len(who) >= min_people
    ]
    return sorted(out, key=lambda r: (-r.people, -r.flags, r.tag))


class TaskFlagCluster(BaseModel):
    """A task that several people flagged independently."""

    task_id: str
    people: int
    entry_ids: list[str]
    tags: list[str]
    open_entries: int
    first_flagged: AwareDatetime


def tasks_flagged_by_several(
    entries: Iterable[CalibrationEntry], min_people: int = 2
) -> list[TaskFlagCluster]:
    """Tasks flagged by at least `min_people` different people, most people first."""
    by_task: dict[str, list[CalibrationEntry]] = {}
    for e in entries:
        by_task.setdefault(e.task_id, []).append(e)
    out = []
    for task, es in by_task.items():
        who = {e.author_id for e in es}
        if len(who) < min_people:
            continue
        out.append(TaskFlagCluster(
            task_id=task, people=len(who), entry_ids=[e.entry_id for e in es],
            tags=sorted({t for e in es for t in e.all_tags}),
            open_entries=sum(e.status is EntryStatus.OPEN for e in es),
            first_flagged=min(e.created_at for e in es),
        ))
    return sorted(out, key=lambda c: (-c.people, c.first_flagged, c.task_id))


def validate_metrics(
    metrics: pd.DataFrame, source: str = "metrics", row_numbers: Sequence[int] | None = None
) -> pd.DataFrame:
    """Check a (category, week, metric, value) table; returns it with clean types.

    Empty values stay missing (an undefined statistic is never treated as low); one row per
    category, week and metric; `row_numbers` are the spreadsheet rows of the frame's rows
    (default: header on row 1)."""
    def row(i: int) -> int:
        return row_numbers[i] if row_numbers is not None else i + 2

    frame = metrics.rename(columns={c: str(c).strip().lower() for c in metrics.columns})
    missing = [c for c in METRIC_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(Problem(Location(source, column=c), "required column is missing")
                         for c in missing)
    problems = []
    weeks = frame["week"].astype("string").str.strip()
    for i, w in enumerate(weeks):
        try:
            parse_week("" if pd.isna(w) else str(w))
        except ValueError as exc:
            problems.append(Problem(Location(source, row=row(i), column="week"), str(exc)))
    values = pd.to_numeric(frame["value"], errors="coerce")
    for k in (values.isna() & frame["value"].notna()).to_numpy().nonzero()[0]:
        raw = frame["value"].iloc[int(k)]
        if isinstance(raw, str) and raw.strip() == "":
            continue
        problems.append(Problem(Location(source, row=row(int(k)), column="value"),
                                f"not a number: {raw!r}"))
    metric = frame["metric"].astype("string").str.strip()
    for k in (metric.isna() | (metric == "")).to_numpy().nonzero()[0]:
        problems.append(Problem(Location(source, row=row(int(k)), column="metric"), "empty"))
    if problems:
        raise InputError(problems)
    category = frame["category"].astype("string").str.strip()
    category = category.mask(category == "", pd.NA)
    table = pd.DataFrame({"category": category, "week": weeks, "metric": metric,
                          "value": values.astype("float64")})
    repeated = table.duplicated(["category", "week", "metric"]).to_numpy().nonzero()[0]
    if len(repeated):
        raise InputError(Problem(Location(source, row=row(int(k))),
                                 "repeats the category, week and metric of an earlier row")
                         for k in repeated)
    return table


def read_metrics(path: str | Path, data: bytes | None = None) -> pd.DataFrame:
    """A checked (category, week, metric, value) table from CSV or Excel; title rows above the
    header are skipped and problems name the spreadsheet row."""
    def is_header(row: Sequence[Any]) -> bool:
        return set(METRIC_COLUMNS) <= {normalise_header(c) for c in row}

    sheet = read_sheet(path, is_header, data=data)
    frame = sheet_frame(sheet, METRIC_COLUMNS)[list(METRIC_COLUMNS)]
    return validate_metrics(frame, sheet.file, sheet.row_numbers)


def metrics_from_drift(report: DriftReport) -> pd.DataFrame:
    """The weekly program-wide metrics of an SLA drift report as a (category, week, metric, value)
    table; only metrics where higher is better, so a fall means worse quality."""
    if report.by != "week":
        raise ValueError("flags join weekly metrics; compute the drift report by week")
    rows = [
        {"category": None, "week": iso_week(date.fromisoformat(p.period)), "metric": metric,
         "value": math.nan if value is None else float(value)}
        for p in report.periods for metric, value in p.values.items()
        if HIGHER_IS_BETTER.get(metric, False)
    ]
    return pd.DataFrame(rows, columns=list(METRIC_COLUMNS))


class MetricCoincidence(BaseModel):
    """Flags raised in a category and week where a quality metric was low or fell."""

    category: str | None
    week: str
    metric: str
    value: float
    previous_value: float | None
    drop: float | None
    threshold: float | None
    reasons: list[str]
    flags: int
    people: int
    entry_ids: list[str]
    tags: list[str]


def flags_with_low_metrics(
    entries: Iterable[CalibrationEntry],
    metrics: pd.DataFrame,
    *,
    thresholds: Mapping[str, float] | None = None,
    min_drop: float = DEFAULT_MIN_DROP,
    source: str = "metrics",
    row_numbers: Sequence[int] | None = None,
) -> list[MetricCoincidence]:
    """Join flags with metric rows of the same week (and category, when the row has one).

    A row is low when its value is under the metric's threshold, or at least `min_drop` under the
    same metric and category in the previous ISO week."""
    table = validate_metrics(metrics, source, row_numbers)
    limits = dict(thresholds or {})
    previous: dict[tuple[str | None, str, str], float] = {}
    records: list[dict[Any, Any]] = table.to_dict("records")
    for rec in records:
        if not math.isnan(rec["value"]):
            cat = None if pd.isna(rec["category"]) else str(rec["category"])
            previous[(cat, str(rec["week"]), str(rec["metric"]))] = float(rec["value"])
    entries = list(entries)
    out = []
    for (cat, week, metric), value in previous.items():
        reasons = []
        limit = limits.get(metric)
        if limit is not None and value < limit:
            reasons.append(f"{metric} {value:.3f} is under the threshold {limit:.3f}")
        before = previous.get((cat, previous_week(week), metric))
        drop = None if before is None else before - value
        if drop is not None and drop >= min_drop - 1e-12:
            reasons.append(f"{metric} fell {drop:.3f} from {before:.3f} the week before")
        if not reasons:
            continue
        hits = [e for e in entries if e.week == week and (cat is None or e.category == cat)]
        if not hits:
            continue
        out.append(MetricCoincidence(
            category=cat, week=week, metric=metric, value=value, previous_value=before,
            drop=None if drop is None else round(drop, 12), threshold=limit, reasons=reasons,
            flags=len(hits), people=len({e.author_id for e in hits}),
            entry_ids=[e.entry_id for e in hits],
            tags=sorted({t for e in hits for t in e.all_tags}),
        ))
    return sorted(out, key=lambda c: (c.week, c.category or "", c.metric))


class BlockingQuestion(BaseModel):
    """A flag whose task is held out of the queue until someone acts."""

    entry_id: str
    task_id: str
    author_name: str
    category: str | None
    tags: list[str]
    description: str
    status: EntryStatus
    waiting_for: str
    created_at: AwareDatetime
    age_days: float
    replies: int


def blocking_questions(
    entries: Iterable[CalibrationEntry], now: datetime
) -> list[BlockingQuestion]:
    """Entries holding a task aside, oldest first: awaiting a ruling, or a ruling awaiting
    promotion or release."""
    held = [e for e in entries if e.set_aside and e.status is not EntryStatus.PROMOTED]
    held.sort(key=lambda e: (e.created_at, e.entry_id))
    return [
        BlockingQuestion(
            entry_id=e.entry_id, task_id=e.task_id, author_name=e.author_name,
            category=e.category, tags=list(e.all_tags), description=e.description,
            status=e.status,
            waiting_for="a ruling" if e.status is EntryStatus.OPEN
            else "promotion into the guidelines or release",
            created_at=e.created_at, age_days=round(e.age_days(now), 2),
            replies=len(e.replies),
        )
        for e in held
    ]


class EngineerInsights(BaseModel):
    """Everything the insights page shows, in one JSON-ready object."""

    recurring_tags: list[TagRecurrence]
    tasks_flagged_by_several: list[TaskFlagCluster]
    metric_coincidences: list[MetricCoincidence]
    blocking_questions: list[BlockingQuestion]
    shared_insights: list[SharedInsight]


def engineer_insights(
    viewer: User,
    entries: Sequence[CalibrationEntry],
    reflections: Sequence[Reflection],
    now: datetime,
    metrics: pd.DataFrame | None = None,
    *,
    thresholds: Mapping[str, float] | None = None,
    min_drop: float = DEFAULT_MIN_DROP,
    min_people: int = 2,
) -> EngineerInsights:
    """All insights for reviewers, engineers and managers; reflections give shared parts only."""
    require(viewer, Permission.VIEW_INSIGHTS)
    shared = shared_insights(reflections, viewer)
    return EngineerInsights(
        recurring_tags=recurring_tags(entries, shared, min_people),
        tasks_flagged_by_several=tasks_flagged_by_several(entries, min_people),
        metric_coincidences=[] if metrics is None else flags_with_low_metrics(
            entries, metrics, thresholds=thresholds, min_drop=min_drop),
        blocking_questions=blocking_questions(entries, now),
        shared_insights=shared,
    )
