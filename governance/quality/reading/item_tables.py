"""Per-item tables of a delivery, merged across record batches.

Each batch hands over small tables with one row per key of the batch (a run of rows with one item
id): label counts, annotator bits, labels by annotator, the first category / task type / batch,
the first week, whether the categories split. `merge` stacks them,
codes the keys once, keeps each item's first row and folds the rows of keys that recur into it in
file order, as if the whole file had been one batch.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from governance.quality.reading.item_ids import encode_ids

ATTRIBUTES = ("category", "task_type", "batch")  # first value wins; -1 is none
Layout = dict[str, tuple[tuple[int, ...], npt.DTypeLike, int]]  # table -> (row shape, final type, fill)


@dataclass
class BatchTables:
    """One batch's per-key tables: `size` rows each."""

    size: int
    tables: dict[str, np.ndarray]


def merge(
    parts: list[BatchTables], keys: pa.Array, layout: Layout
) -> tuple[pa.Array, np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """(distinct item ids in first-seen order, each key's item, the items' tables in the layout's
    types, the items an annotator labelled under two keys). `keys` are the batches' keys one after
    another; `parts` are emptied as they are stacked."""
    with ThreadPoolExecutor(1) as pool:  # code the item ids while the batch tables are stacked
        encoding = pool.submit(encode_ids, keys)
        t = {name: _stack(parts, name, shape, dtype, fill) for name, (shape, dtype, fill) in layout.items()}
        items, code = encoding.result()
    if len(code) == len(items):
        return items, code, t, np.zeros(0, np.int64)
    first = np.full(len(items), len(code), np.int64)
    first[code[::-1]] = np.arange(len(code) - 1, -1, -1)
    later = np.ones(len(code), bool)
    later[first] = False
    later_pos = np.flatnonzero(later)
    rest = {}
    for name in layout:
        rest[name] = t[name][later_pos]
        t[name] = t[name][first]
    later_code = code[later_pos]
    overlaps = [np.zeros(0, np.int64)]
    for at in _occurrences(later_code):
        overlaps.append(_fold(t, later_code[at], {name: arr[at] for name, arr in rest.items()}))
    return items, code, t, np.unique(np.concatenate(overlaps))


def _stack(parts: list[BatchTables], name: str, shape: tuple[int, ...], dtype: npt.DTypeLike, fill: int) -> np.ndarray:
    """One table of every batch, one after another, padded to the final width, in the layout's type
    (chosen to hold the merged values); each batch's copy is released as it is taken."""
    out = np.full((sum(p.size for p in parts), *shape), fill, dtype)
    at = 0
    for p in parts:
        arr = p.tables.pop(name)
        out[(slice(at, at + len(arr)), *(slice(0, s) for s in arr.shape[1:]))] = arr
        at += len(arr)
    return out


def _occurrences(code: np.ndarray) -> Iterator[np.ndarray]:
    """Positions of `code` in rounds: each value's first occurrence, then its second, and so on;
    positions ascend within a round."""
    if not len(code):
        return
    if int(np.bincount(code).max()) <= 8:  # few rounds: peel off first occurrences
        left = np.arange(len(code))
        while len(left):
            first = np.full(int(code.max()) + 1, -1, np.int64)
            first[code[left][::-1]] = left[::-1]
            taken = first[first >= 0]
            taken.sort()
            yield taken
            keep = np.ones(len(code), bool)
            keep[taken] = False
            left = left[keep[left]]
        return
    order = np.argsort(code, kind="stable")
    ordered = code[order]
    run_start = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    rank = np.arange(len(order)) - np.repeat(run_start, np.diff(np.r_[run_start, len(order)]))
    for r in range(int(rank.max()) + 1):
        yield np.sort(order[rank == r])


def _fold(t: dict[str, np.ndarray], idx: np.ndarray, new: dict[str, np.ndarray]) -> np.ndarray:
    """Fold tables `new` (row i for item `idx[i]`, no item twice) into `t`, as if their rows came
    after those already there; returns the items an annotator labelled on both sides."""
    # a key has a few labels and annotators: fold only the set cells, through flat indices
    rows, cols = np.nonzero(new["counts"])
    t["counts"].reshape(-1)[idx[rows] * t["counts"].shape[1] + cols] += new["counts"][rows, cols]
    mask = t["mask"]
    had = mask[idx]
    overlap = idx[(had & new["mask"]).any(axis=1)]
    mask[idx] = had | new["mask"]
    if "labels_by_annotator" in t:
        by_ann, labels = t["labels_by_annotator"], new["labels_by_annotator"]
        rows, cols = np.nonzero(labels >= 0)
        by_ann.reshape(-1)[idx[rows] * by_ann.shape[1] + cols] = labels[rows, cols]
    for name in ATTRIBUTES:
        cur = t[name][idx]
        if name == "category":
            t["category_split"][idx] |= new["category_split"] | ((cur >= 0) & (new[name] >= 0) & (cur != new[name]))
        t[name][idx] = np.where(cur >= 0, cur, new[name])
    t["week"][idx] = np.minimum(t["week"][idx], new["week"])
    return overlap
