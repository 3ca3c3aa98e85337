"""Orders of a delivery's codes that never depend on the order rows happen to come in: labels in
the contract's label-set order, else numeric order when every label is a number, else text order
marked unordered (weighted and ordinal statistics are then refused until someone states the
order); categories, task types and batches in natural name order."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

import numpy as np

from governance.quality.stats.codes import LabelSet
from ingest import InputError

if TYPE_CHECKING:
    from governance.quality.reading.delivery_counts import DeliveryCounts

LabelOrder = Literal["label set", "numeric", "unordered"]
_LABEL_AXES = ("category_confusion", "annotator_confusion")


def canonical_order(labels: list[str]) -> tuple[list[int], LabelOrder]:
    """Positions of `labels` in numeric order when all are numbers, otherwise in text order."""
    values = LabelSet.of(labels).numeric_values() if labels else None
    if values is not None:
        return np.argsort(values, kind="stable").tolist(), "numeric"
    return sorted(range(len(labels)), key=lambda i: labels[i]), "unordered"


def reorder_labels(counts: DeliveryCounts, order: list[int]) -> None:
    """Recode every label-indexed table of `counts` in place so label j becomes `order.index(j)`."""
    if order == list(range(len(order))):
        return
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    counts.labels = [counts.labels[i] for i in order]
    counts.item_counts = np.take(counts.item_counts, order, axis=1)  # C-ordered, one pass

    def recode(codes: np.ndarray) -> np.ndarray:
        lookup = np.append(rank, -1).astype(codes.dtype)  # code -1 (no label) indexes the last entry
        return lookup[codes]

    counts.item_gold = recode(counts.item_gold)
    if counts.labels_by_annotator is not None:
        counts.labels_by_annotator = recode(counts.labels_by_annotator)
    for name in _LABEL_AXES:
        table = counts.tables.get(name)
        if table is not None and table.shape[-1] == len(order):
            counts.tables[name] = table[:, order][:, :, order]
    counts.cache.clear()


def order_labels(counts: DeliveryCounts, from_label_set: bool) -> DeliveryCounts:
    """Put the labels in their stated order (the label set's) or the canonical one, and record which."""
    if from_label_set:
        counts.label_order = "label set"
        return counts
    order, kind = canonical_order(counts.labels)
    reorder_labels(counts, order)
    counts.label_order = kind
    return counts


_GROUP_TABLES = {  # tables indexed by a dimension's code + 1 (0 = no value), and the axis
    "category": (("category_period", 0), ("category_confusion", 0), ("batch_category_period", 1)),
    "task_type": (("task_type_period", 0),),
    "batch": (("batch_period", 0), ("batch_category_period", 0), ("batch_annotator_period", 0)),
}


def natural_key(name: str) -> tuple[tuple[tuple[int, int | str], ...], str]:
    """Sort key that puts 'batch-2' before 'batch-10'; names the numbers make equal ('b1', 'b01')
    fall back to text order, so the order never depends on which came first."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", name) if p), name


def order_groups(counts: DeliveryCounts) -> DeliveryCounts:
    """Categories, task types and batches in (natural) name order, not in the order rows first name
    them, so per-group results and the seeds of their bootstrap intervals (taken per group index)
    do not depend on row order."""
    for dim, tables in _GROUP_TABLES.items():
        names: list[str] = getattr(counts, {"category": "categories", "task_type": "task_types"}.get(dim, "batches"))
        order = sorted(range(len(names)), key=lambda i: natural_key(names[i]))
        if order == list(range(len(names))):
            continue
        rows = np.concatenate([[0], np.asarray(order, np.int64) + 1])
        rank = np.empty(len(rows), np.int64)
        rank[rows] = np.arange(len(rows))
        setattr(
            counts, {"category": "categories", "task_type": "task_types"}.get(dim, "batches"), [names[i] for i in order]
        )
        codes = getattr(counts, f"item_{dim}")
        setattr(counts, f"item_{dim}", (rank[codes + 1] - 1).astype(codes.dtype))
        for name, axis in tables:
            table = counts.tables.get(name)
            if table is not None and table.shape[axis] == len(rows):
                counts.tables[name] = np.take(table, rows, axis=axis)
        if dim == "category":
            for week, table in counts.week_groups.get("category", {}).items():
                full = np.zeros((len(rows), *table.shape[1:]), table.dtype)
                full[: table.shape[0]] = table  # a week before later categories appeared has fewer rows
                counts.week_groups["category"][week] = full[rows]
    counts.cache.clear()
    return counts


def ordered_options(weights: str = "none", level: str = "nominal") -> str | None:
    """What in the options depends on the order of the labels ('quadratic weights'), or None;
    interval and ratio levels use the labels' numeric values instead."""
    if weights != "none":
        return f"{weights} weights"
    if level == "ordinal":
        return "the ordinal level"
    return None


def require_order(counts: DeliveryCounts, weights: str = "none", level: str = "nominal") -> None:
    """Refuse an ordered or weighted statistic over text labels whose order nobody stated."""
    needs = ordered_options(weights, level)
    if needs is None or counts.label_order != "unordered":
        return
    shown = ", ".join(counts.labels[:8]) + (", ..." if len(counts.labels) > 8 else "")
    raise InputError.at(
        f"{needs} depend on the order of the labels, and these labels are text ({shown}) with no label set "
        "to order them; give the order with --labels A,B,C (or the term set's label_set)",
        counts.file,
        column="label",
    )
