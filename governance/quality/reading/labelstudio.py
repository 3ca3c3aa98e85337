"""A Label Studio JSON export read as delivery rows: task -> item, annotator -> annotator_id,
choices -> label, `data.<field>` columns through the column mapping."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from governance.quality.reading.columns import CANONICAL, REQUIRED, ROW_COLUMN, ColumnMapping, as_text
from ingest import InputError, Location, Problem, decode_text, load_json


def _ls_annotator(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("email") or value.get("id")
    return None if value is None else str(value)


def _ls_label(results: Any) -> str | None:
    """The chosen label(s) of one annotation: choices (or labels) joined with '|' when several;
    a value of the wrong shape (an object or nested list where text is expected) is a ValueError."""
    chosen: list[str] = []
    for res in results if isinstance(results, list) else []:
        value = res.get("value") if isinstance(res, dict) else None
        if not isinstance(value, dict):
            continue
        for key in ("choices", "labels", "rating", "number", "text"):
            got = value.get(key)
            if got is None:
                continue
            for v in got if isinstance(got, list) else [got]:
                if not isinstance(v, str | int | float) or isinstance(v, bool):
                    raise ValueError(f"value.{key}: expected text or a number, found {type(v).__name__}")
                chosen.append(str(v))
            break
    return "|".join(chosen) if chosen else None


def read_labelstudio(raw: bytes, file: str, mapping: ColumnMapping, warnings: list[str]) -> pa.Table:
    """Label Studio JSON export: task id -> item_id, completed_by -> annotator_id, choices -> label;
    `data.<field>` columns (or a `category` data field) give category and other columns;
    ground-truth annotations become the item's gold label, cancelled ones are skipped."""
    tasks = load_json(decode_text(raw, file), file)
    if isinstance(tasks, dict):
        tasks = [tasks]
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise InputError.at("expected a Label Studio export: a list of tasks", file)
    data_map = {c: s.split(".", 1)[1] for c, s in mapping.columns.items() if s.startswith("data.")}
    for canonical in ("category", "task_type", "batch", "due_at"):
        data_map.setdefault(canonical, canonical)
    cols: dict[str, list[Any]] = {c: [] for c in CANONICAL}
    rows_no: list[int] = []
    problems: list[Problem] = []
    cancelled = 0
    for t_no, task in enumerate(tasks, start=1):
        data = task.get("data") if isinstance(task.get("data"), dict) else {}
        anns = task.get("annotations")
        if task.get("id") is None:
            problems.append(Problem(Location(file, row=t_no, column="id"), "task without an id"))
            continue
        if not isinstance(anns, list):
            problems.append(Problem(Location(file, row=t_no, column="annotations"), "task without an annotations list"))
            continue
        gold = None
        labels: dict[int, str | None] = {}
        for a_no, ann in enumerate(anns):
            if isinstance(ann, dict):
                try:
                    labels[a_no] = _ls_label(ann.get("result"))
                except ValueError as exc:
                    where = Location(file, row=t_no, path=f"[{t_no - 1}].annotations[{a_no}].result")
                    problems.append(Problem(where, str(exc)))
                    labels[a_no] = None
                if ann.get("ground_truth"):
                    gold = labels[a_no]
        for a_no, ann in enumerate(anns):
            if not isinstance(ann, dict) or ann.get("ground_truth"):
                continue
            if ann.get("was_cancelled"):
                cancelled += 1
                continue
            label = labels[a_no]
            if label is None:
                problems.append(
                    Problem(Location(file, row=t_no, column=f"annotations[{a_no}]"), "annotation without a choice")
                )
                continue
            cols["item_id"].append(str(task["id"]))
            cols["annotator_id"].append(_ls_annotator(ann.get("completed_by")))
            cols["label"].append(label)
            cols["gold_label"].append(gold)
            stamp = ann.get("updated_at") or ann.get("created_at")
            cols["submitted_at"].append(None if stamp is None else str(stamp))
            cols["qa_result"].append(None)
            for canonical, key in data_map.items():
                value = data.get(key)
                cols[canonical].append(None if value is None else str(value))
            rows_no.append(t_no)
    if problems:
        raise InputError(problems)
    if cancelled:
        warnings.append(f"{file}: {cancelled} cancelled annotation(s) skipped")
    table = {
        c: as_text(pa.array(v, pa.string())) for c, v in cols.items() if any(x is not None for x in v) or c in REQUIRED
    }
    table[ROW_COLUMN] = pa.array(rows_no, pa.int64())
    return pa.table(table)
