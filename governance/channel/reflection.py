"""Weekly reflection: an annotator looks back over a selection of their own week's tasks.

Optional and private: never scored, never ranked. Only the author reads or edits a reflection;
reviewers, engineers and managers see the insight alone, and only when the author shares it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from governance.channel.calibration import CalibrationEntry, normalise_tag
from governance.channel.weeks import iso_week, parse_week
from governance.roles import Permission, PermissionDenied, User, can, require
from ingest import InputError, Location, Problem, Sheet, normalise_header, read_sheet

DEFAULT_PICKS = 12
_ALIASES = {"annotator": "annotator_id", "gold": "gold_label", "timestamp": "submitted_at"}
_REQUIRED = ("task_id", "annotator_id", "label")


class PickReason(StrEnum):
    """Why a task was put in front of the annotator."""

    DISAGREED_WITH_GOLD = "disagreed_with_gold"
    DISAGREED_WITH_OTHERS = "disagreed_with_others"
    FLAGGED = "flagged"
    SAMPLED = "sampled"


class TaskPick(BaseModel):
    """One of the annotator's tasks of the week, with what others (anonymously) and gold said."""

    task_id: str
    category: str | None
    label: str
    gold_label: str | None
    other_labels: dict[str, int]
    reasons: list[PickReason]
    entry_ids: list[str]


def _text(column: pd.Series) -> pd.Series:
    out = column.astype("string").str.strip()
    return out.mask(out == "", pd.NA)


def _is_week(text: str) -> bool:
    try:
        parse_week(text)
    except ValueError:
        return False
    return True


def _normalise_delivered(delivered: pd.DataFrame, source: str) -> pd.DataFrame:
    rows = delivered.attrs.get("row_numbers") or [i + 2 for i in range(len(delivered))]
    frame = delivered.rename(columns={c: str(c).strip().lower() for c in delivered.columns})
    frame = frame.rename(columns={k: v for k, v in _ALIASES.items()
                                  if k in frame.columns and v not in frame.columns})
    problems = [
        Problem(Location(source, column=col), "required column is missing")
        for col in _REQUIRED if col not in frame.columns
    ]
    if "week" not in frame.columns and "submitted_at" not in frame.columns:
        problems.append(Problem(Location(source, column="week"),
                                "needs a 'week' (2026-W48) or 'submitted_at' column"))
    if problems:
        raise InputError(problems)
    out = pd.DataFrame({col: _text(frame[col]) for col in _REQUIRED})
    for col in _REQUIRED:
        empty = out[col].isna().to_numpy().nonzero()[0]
        problems += [Problem(Location(source, row=rows[int(i)], column=col), "empty")
                     for i in empty[:50]]
    if problems:
        raise InputError(problems)
    if "week" in frame.columns:
        column, raw = "week", _text(frame["week"])
        bad = raw.isin([w for w in raw.dropna().unique() if not _is_week(str(w))])
        out["week"] = raw
    else:
        column, raw = "submitted_at", _text(frame["submitted_at"])
        stamps = pd.to_datetime(raw, errors="coerce", utc=True, format="ISO8601")
        bad = stamps.isna() & raw.notna()
        out["week"] = pd.Series([iso_week(s) if pd.notna(s) else pd.NA for s in stamps],
                                dtype="string", index=frame.index)
    if bad.any():
        expected = "an ISO week like 2026-W48" if column == "week" else "a date/time"
        raise InputError(
            Problem(Location(source, row=rows[int(i)], column=column),
                    f"not {expected}: {raw.iloc[int(i)]!r}")
            for i in list(bad.to_numpy().nonzero()[0])[:50]
        )
    for col in ("category", "gold_label"):
        out[col] = (_text(frame[col]) if col in frame.columns
                    else pd.Series(pd.NA, index=frame.index, dtype="string"))
    return out


def read_delivered(path: str | Path, data: bytes | None = None) -> pd.DataFrame:
    """Delivered labels from CSV or Excel: task_id, annotator_id (or annotator), label, and week
    or submitted_at; category and gold_label (or gold) are optional."""
    def is_header(row: Sequence[Any]) -> bool:
        names = {normalise_header(c) for c in row}
        return {"task_id", "label"} <= names and bool(names & {"annotator_id", "annotator"})

    return sheet_frame(read_sheet(path, is_header, data=data),
                       {*_REQUIRED, *_ALIASES, *_ALIASES.values(), "week", "category"})


def sheet_frame(sheet: Sheet, used: Collection[str]) -> pd.DataFrame:
    """The sheet under normalised header names, its spreadsheet rows in `attrs["row_numbers"]`;
    a `used` name that heads two columns is refused, as the reader could not tell which one."""
    names = [normalise_header(h) for h in sheet.header]
    repeated = sorted(n for n in set(names) & set(used) if names.count(n) > 1)
    if repeated:
        raise InputError(Problem(Location(sheet.file, sheet=sheet.name, column=n),
                                 "more than one column has this name") for n in repeated)
    frame = pd.DataFrame(sheet.rows, columns=names).loc[:, [n for n in names if n]]
    frame.attrs["row_numbers"] = list(sheet.row_numbers)
    return frame


def _rank_key(seed: int, user: str, week: str, task_id: str) -> str:
    return hashlib.sha256(f"{seed}|{user}|{week}|{task_id}".encode()).hexdigest()


def select_week_tasks(
    viewer: User,
    delivered: pd.DataFrame,
    week: str,
    *,
    entries: Iterable[CalibrationEntry] = (),
    limit: int = DEFAULT_PICKS,
    seed: int = 0,
    source: str = "delivered data",
) -> list[TaskPick]:
    """The viewer's own tasks of `week`: disagreements with gold first, then with the other
    annotators, then tasks they flagged, then a stable random sample of the rest."""
    require(viewer, Permission.WRITE_REFLECTION)
    parse_week(week)
    if limit < 1:
        raise ValueError("limit must be at least 1")
    data = _normalise_delivered(delivered, source)
    data = data[data["week"] == week]
    mine = data[data["annotator_id"] == viewer.data_id].drop_duplicates("task_id", keep="last")
    if mine.empty:
        return []
    others = data[data["task_id"].isin(mine["task_id"]) & (data["annotator_id"] != viewer.data_id)]
    other_counts: dict[str, dict[str, int]] = {}
    pairs = others.groupby(["task_id", "label"], dropna=True).size().reset_index(name="n")
    for pair in pairs.to_dict("records"):
        other_counts.setdefault(str(pair["task_id"]), {})[str(pair["label"])] = int(pair["n"])
    flagged: dict[str, list[str]] = {}
    for e in entries:
        if e.author_id == viewer.user_id:
            flagged.setdefault(e.task_id, []).append(e.entry_id)
    picks = []
    rows: list[dict[Any, Any]] = mine.to_dict("records")
    for row in rows:
        task, label = str(row["task_id"]), str(row["label"])
        gold = None if pd.isna(row["gold_label"]) else str(row["gold_label"])
        counts = other_counts.get(task, {})
        reasons = []
        if gold is not None and gold != label:
            reasons.append(PickReason.DISAGREED_WITH_GOLD)
        if counts:
            top = max(counts.values())
            if label not in {lab for lab, n in counts.items() if n == top}:
                reasons.append(PickReason.DISAGREED_WITH_OTHERS)
        if task in flagged:
            reasons.append(PickReason.FLAGGED)
        picks.append(TaskPick(
            task_id=task, category=None if pd.isna(row["category"]) else str(row["category"]),
            label=label, gold_label=gold, other_labels=dict(sorted(counts.items())),
            reasons=reasons or [PickReason.SAMPLED], entry_ids=flagged.get(task, []),
        ))
    order = [PickReason.DISAGREED_WITH_GOLD, PickReason.DISAGREED_WITH_OTHERS,
             PickReason.FLAGGED, PickReason.SAMPLED]
    picks.sort(key=lambda p: (min(order.index(r) for r in p.reasons),
                              _rank_key(seed, viewer.data_id, week, p.task_id)))
    return picks[:limit]


class Reflection(BaseModel):
    """An annotator's look back at one week; no score or rank field exists, by design."""

    model_config = ConfigDict(frozen=True)

    reflection_id: str
    author_id: str
    author_name: str
    week: str
    shown_task_ids: tuple[str, ...]
    most_challenging: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    comment: str = Field(default="", max_length=10_000)
    insight: str | None = Field(default=None, max_length=10_000)
    share_insight: bool = False
    entry_ids: tuple[str, ...] = ()
    created_at: AwareDatetime
    updated_at: AwareDatetime


class SharedInsight(BaseModel):
    """What an engineer sees of a reflection: the insight the author chose to share."""

    reflection_id: str
    author_id: str
    author_name: str
    week: str
    insight: str
    tags: tuple[str, ...]
    task_ids: tuple[str, ...]
    entry_ids: tuple[str, ...]


def _check_content(
    shown: Sequence[str], most_challenging: Iterable[str], tags: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    chosen = tuple(dict.fromkeys(most_challenging))
    known = set(shown)
    unknown = [t for t in chosen if t not in known]
    if unknown:
        raise ValueError(f"not among the tasks shown this week: {', '.join(unknown)}")
    clean = tuple(t for t in dict.fromkeys(normalise_tag(t) for t in tags) if t)
    return chosen, clean


def write_reflection(
    author: User,
    week: str,
    picks: Sequence[TaskPick],
    now: datetime,
    *,
    most_challenging: Iterable[str] = (),
    tags: Iterable[str] = (),
    comment: str = "",
    insight: str | None = None,
    share_insight: bool = False,
    reflection_id: str | None = None,
) -> Reflection:
    """A reflection over the shown picks; it references the calibration entries on those tasks."""
    require(author, Permission.WRITE_REFLECTION)
    parse_week(week)
    shown = tuple(p.task_id for p in picks)
    chosen, clean_tags = _check_content(shown, most_challenging, tags)
    text = (insight or "").strip() or None
    return Reflection(
        reflection_id=reflection_id or uuid.uuid4().hex, author_id=author.user_id,
        author_name=author.name, week=week, shown_task_ids=shown, most_challenging=chosen,
        tags=clean_tags, comment=comment.strip(), insight=text,
        share_insight=share_insight and text is not None,
        entry_ids=tuple(dict.fromkeys(e for p in picks for e in p.entry_ids)),
        created_at=now, updated_at=now,
    )


def _require_owner(reflection: Reflection, user: User) -> None:
    if reflection.author_id != user.user_id:
        raise PermissionDenied(
            f"{user.user_id} ({user.role.value}) may not open the reflection of another person"
        )


def edit_reflection(
    reflection: Reflection,
    user: User,
    now: datetime,
    *,
    most_challenging: Iterable[str] | None = None,
    tags: Iterable[str] | None = None,
    comment: str | None = None,
    insight: str | None = None,
    share_insight: bool | None = None,
) -> Reflection:
    """The author's edit; nobody else may change a reflection, whatever their role."""
    _require_owner(reflection, user)
    chosen, clean_tags = _check_content(
        reflection.shown_task_ids,
        reflection.most_challenging if most_challenging is None else most_challenging,
        reflection.tags if tags is None else tags,
    )
    text = reflection.insight if insight is None else (insight.strip() or None)
    share = reflection.share_insight if share_insight is None else share_insight
    return reflection.model_copy(update={
        "most_challenging": chosen, "tags": clean_tags,
        "comment": reflection.comment if comment is None else comment.strip(),
        "insight": text, "share_insight": share and text is not None, "updated_at": now,
    })


def shared_view(reflection: Reflection) -> SharedInsight | None:
    """The shareable part of a reflection, or None when the author shares nothing."""
    if not reflection.share_insight or reflection.insight is None:
        return None
    return SharedInsight(
        reflection_id=reflection.reflection_id, author_id=reflection.author_id,
        author_name=reflection.author_name, week=reflection.week, insight=reflection.insight,
        tags=reflection.tags, task_ids=reflection.most_challenging,
        entry_ids=reflection.entry_ids,
    )


def read_reflection(reflection: Reflection, viewer: User) -> Reflection | SharedInsight:
    """The whole reflection for its author; the shared insight for engineers; else refused."""
    if reflection.author_id == viewer.user_id:
        return reflection
    view = shared_view(reflection) if can(viewer, Permission.READ_SHARED_INSIGHTS) else None
    if view is None:
        raise PermissionDenied(
            f"{viewer.user_id} ({viewer.role.value}) may not read reflection "
            f"{reflection.reflection_id}"
        )
    return view


def own_reflections(reflections: Iterable[Reflection], viewer: User) -> list[Reflection]:
    """The viewer's own reflections, newest week first."""
    mine = [r for r in reflections if r.author_id == viewer.user_id]
    return sorted(mine, key=lambda r: r.week, reverse=True)


def shared_insights(reflections: Iterable[Reflection], viewer: User) -> list[SharedInsight]:
    """Every shared insight, newest week first, for roles that may read them."""
    require(viewer, Permission.READ_SHARED_INSIGHTS)
    views = [v for v in (shared_view(r) for r in reflections) if v is not None]
    return sorted(views, key=lambda v: (v.week, v.reflection_id), reverse=True)
