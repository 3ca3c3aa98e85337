"""The calibration log read back: entries as a viewer may see them, narrowed by tags, status and
age; the tasks held out of the queue; the counts reports show (nothing per person)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import AwareDatetime, BaseModel

from governance.channel.calibration import CalibrationEntry, EntryStatus, normalise_tag, visible_entries
from governance.roles import User


def filter_entries(
    entries: Iterable[CalibrationEntry],
    viewer: User,
    now: datetime,
    *,
    tags: Iterable[str] = (),
    statuses: Iterable[EntryStatus | str] = (),
    min_age_days: float | None = None,
    max_age_days: float | None = None,
    task_id: str | None = None,
    set_aside_only: bool = False,
    oldest_first: bool = False,
) -> list[CalibrationEntry]:
    """The log as the viewer may see it, narrowed by tags (all must match), status and age."""
    wanted_tags = {normalise_tag(t) for t in tags}
    wanted_status = {EntryStatus(s) for s in statuses}
    out = []
    for e in visible_entries(entries, viewer):
        if wanted_tags and not wanted_tags <= set(e.all_tags):
            continue
        if wanted_status and e.status not in wanted_status:
            continue
        age = e.age_days(now)
        if min_age_days is not None and age < min_age_days:
            continue
        if max_age_days is not None and age > max_age_days:
            continue
        if task_id is not None and e.task_id != task_id:
            continue
        if set_aside_only and not e.set_aside:
            continue
        out.append(e)
    out.sort(key=lambda e: (e.created_at, e.entry_id), reverse=not oldest_first)
    return out


class HeldTask(BaseModel):
    """A task out of the queue because at least one flag set it aside."""

    task_id: str
    entry_ids: list[str]
    since: AwareDatetime


def held_tasks(entries: Iterable[CalibrationEntry]) -> list[HeldTask]:
    """Tasks currently set aside, longest held first; a task is back in the queue when absent."""
    by_task: dict[str, list[CalibrationEntry]] = {}
    for e in entries:
        if e.set_aside:
            by_task.setdefault(e.task_id, []).append(e)
    held = [
        HeldTask(task_id=t, entry_ids=[e.entry_id for e in es],
                 since=min(e.set_aside_at or e.created_at for e in es))
        for t, es in by_task.items()
    ]
    return sorted(held, key=lambda h: (h.since, h.task_id))


class CalibrationSummary(BaseModel):
    """Counts for reports; nothing per person, so it cannot be used to rank annotators."""

    total: int
    open: int
    resolved: int
    promoted: int
    tasks_set_aside: int
    oldest_open_age_days: float | None
    median_days_to_ruling: float | None
    median_days_to_ruling_reason: str | None
    top_tags: list[tuple[str, int]]
    guideline_versions_from_log: list[int]


def calibration_summary(
    entries: Sequence[CalibrationEntry], now: datetime, top: int = 10
) -> CalibrationSummary:
    """Status counts, ages and recurring tags of a log, for the PDF and Excel reports."""
    status = Counter(e.status for e in entries)
    open_ages = [e.age_days(now) for e in entries if e.status is EntryStatus.OPEN]
    to_ruling = [(e.ruling.decided_at - e.created_at).total_seconds() / 86_400
                 for e in entries if e.ruling is not None]
    tags = Counter(t for e in entries for t in e.all_tags)
    return CalibrationSummary(
        total=len(entries),
        open=status[EntryStatus.OPEN],
        resolved=status[EntryStatus.RESOLVED],
        promoted=status[EntryStatus.PROMOTED],
        tasks_set_aside=len(held_tasks(entries)),
        oldest_open_age_days=round(max(open_ages), 2) if open_ages else None,
        median_days_to_ruling=round(statistics.median(to_ruling), 2) if to_ruling else None,
        median_days_to_ruling_reason=None if to_ruling else "no entry has a ruling yet",
        top_tags=sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))[:top],
        guideline_versions_from_log=sorted({e.guideline.version for e in entries
                                            if e.guideline is not None}),
    )
