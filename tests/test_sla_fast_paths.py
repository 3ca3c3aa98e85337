"""The fast paths of `sla-check` give the report the general paths give (property tests): rows in
runs of one item (run starts, no scatter) against the same rows shuffled (kept rows) and split into
small batches (keys that recur across batches), profile and annotator counts over tiny blocks against
one block; on Parquet deliveries with missing categories, dates, gold and QA values, categories no row
uses, numeric or text labels, several weeks and batches."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.sla_terms import SlaTerm, SlaTermSet
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import PERIOD_COLUMNS, count_delivery
from governance.quality.sla import sla_stats
from governance.quality.sla.sla_check import check_delivery

TERMS = SlaTermSet(period_fee=1000, terms=[
    SlaTerm(id="k", metric="kappa", threshold=0.6, min_sample=5, tier="critical", scope="task_type:complex"),
    SlaTerm(id="ks", metric="kappa", threshold=0.6, min_sample=5, scope="task_type:simple"),
    SlaTerm(id="pa", metric="percent_agreement", scope="each_category", threshold=0.7, min_sample=3),
    SlaTerm(id="acc", metric="accuracy", scope="each_category", threshold=0.9, min_sample=3),
    SlaTerm(id="acc-c", metric="accuracy", scope="task_type:complex", threshold=0.9, min_sample=3),
    SlaTerm(id="defects", metric="defect_rate", comparator="<=", threshold=0.2, min_sample=3),
    SlaTerm(id="cov", metric="qa_coverage", scope="each_category", threshold=0.2, min_sample=1),
    SlaTerm(id="late", metric="on_time_rate", threshold=0.8, min_sample=5),
])


def _delivery(seed: int, n_items: int, numeric: bool, split: bool) -> dict[str, list[Any]]:
    """Rows grouped by item: 2-4 annotators each, some values missing, dates over several weeks; with
    `split`, a few annotations name another category (the item keeps its first, so row order matters)."""
    rng = np.random.default_rng(seed)
    names = [str(v) for v in (1, 2, 3, 5, 10)] if numeric else ["car", "bus", "van", "cyclist", "sign"]
    cols: dict[str, list[Any]] = {k: [] for k in (
        "item_id", "annotator_id", "label", "gold_label", "category", "task_type", "batch", "qa_result",
        "submitted_at", "due_at")}
    start = np.datetime64("2026-03-02T09:00", "m")
    for i in range(n_items):
        truth = int(rng.integers(0, 4))  # the fifth label is allowed by the data's order, never used
        cat = None if rng.random() < 0.1 else f"c{rng.integers(0, 3)}"
        gold = names[truth] if rng.random() < 0.4 else None
        task, batch = ("complex", "simple")[i % 2], f"b{1 + i * 3 // n_items}"
        for a in rng.choice(5, size=int(rng.integers(2, 5)), replace=False):
            label = truth if rng.random() < 0.75 else int(rng.integers(0, 4))
            sub = start + np.timedelta64(int(rng.integers(0, 30 * 24 * 60)), "m")
            cols["item_id"].append(f"item-{i}")
            cols["annotator_id"].append(f"ann-{a}")
            cols["label"].append(names[label])
            cols["gold_label"].append(gold)
            cols["category"].append(f"c{rng.integers(0, 3)}" if split and rng.random() < 0.05 else cat)
            cols["task_type"].append(task)
            cols["batch"].append(batch)
            cols["qa_result"].append(None if rng.random() < 0.6 else ("fail" if rng.random() < 0.2 else "pass"))
            cols["submitted_at"].append(None if rng.random() < 0.05 else sub.astype("datetime64[s]").item())
            cols["due_at"].append((sub + np.timedelta64(int(rng.integers(-600, 1200)), "m")).astype(
                "datetime64[s]").item())
    return cols


def _write(cols: dict[str, list[Any]], order: np.ndarray, path: Path) -> Path:
    """Parquet in the given row order; category as a dictionary that also holds a value no row uses."""
    arrays = {k: pa.array([v[i] for i in order]) for k, v in cols.items()}
    cats = ["c0", "c1", "c2", "unused"]
    codes = pa.array([None if v is None else cats.index(v) for v in arrays["category"].to_pylist()], pa.int32())
    arrays["category"] = pa.DictionaryArray.from_arrays(codes, pa.array(cats))
    pq.write_table(pa.table(arrays), path)
    return path


def _payload(path: Path, batch_rows: int, by: str) -> dict[str, Any]:
    source = open_delivery(path, batch_rows=batch_rows)
    return check_delivery(TERMS, source, drift_by=by, drift_threshold=0.01).to_payload()  # type: ignore[arg-type]


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), n_items=st.integers(12, 50), numeric=st.booleans(),
       batch_rows=st.sampled_from([4, 7, 31]), order_seed=st.integers(0, 10_000),
       by=st.sampled_from(["week", "batch"]))
def test_fast_paths_equal_the_general_ones(
    seed: int, n_items: int, numeric: bool, batch_rows: int, order_seed: int, by: str
) -> None:
    cols = _delivery(seed, n_items, numeric, split=True)
    plain = _delivery(seed, n_items, numeric, split=False)
    n, m = len(cols["item_id"]), len(plain["item_id"])
    with tempfile.TemporaryDirectory() as tmp:
        grouped = _write(cols, np.arange(n), Path(tmp) / "grouped.parquet")
        fast = _payload(grouped, 100_000, by)
        assert _payload(grouped, batch_rows, by) == fast
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sla_stats, "_BLOCK", 2)
            assert _payload(grouped, 100_000, by) == fast
        in_runs = _payload(_write(plain, np.arange(m), Path(tmp) / "runs.parquet"), 100_000, by)
        order = np.random.default_rng(order_seed).permutation(m)
        shuffled = _payload(_write(plain, order, Path(tmp) / "shuffled.parquet"), batch_rows, by)
    assert _canonical(shuffled) == _canonical(in_runs)


def _canonical(payload: dict[str, Any]) -> Any:
    """The payload with floats rounded and lists of rows sorted (ties may list in file order)."""
    def canon(value: Any) -> Any:
        if isinstance(value, float):
            return round(value, 9)
        if isinstance(value, dict):
            return {k: canon(v) for k, v in value.items() if k != "delivery"}
        if isinstance(value, list):
            out = [canon(v) for v in value]
            return sorted(out, key=repr) if out and all(isinstance(v, dict) for v in out) else out
        return value
    return canon(payload)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), n_items=st.integers(12, 50), batch_rows=st.sampled_from([5, 100_000]))
def test_period_tables_are_plain_counts_of_the_rows(seed: int, n_items: int, batch_rows: int) -> None:
    """Every per-category / task type / batch / annotator table (and batch x category, batch x
    annotator) equals a count of the rows done one row at a time."""
    cols = _delivery(seed, n_items, numeric=False, split=False)
    n = len(cols["item_id"])
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(cols, np.arange(n), Path(tmp) / "d.parquet")
        counts = count_delivery(open_delivery(path, batch_rows=batch_rows))
    index = {
        "category": lambda v: 0 if v is None else 1 + counts.categories.index(v),
        "task_type": lambda v: 1 + counts.task_types.index(v),
        "batch": lambda v: 1 + counts.batches.index(v),
        "annotator": lambda v: counts.annotators.index(v),
    }
    column = {"category": "category", "task_type": "task_type", "batch": "batch", "annotator": "annotator_id"}
    expected: dict[str, dict[tuple[int, ...], np.ndarray]] = {}
    for r in range(n):
        row = {k: v[r] for k, v in cols.items()}
        gold = row["gold_label"] is not None
        timed = row["submitted_at"] is not None and row["due_at"] is not None
        flags = [1, row["qa_result"] is not None, row["qa_result"] == "fail", gold,
                 gold and row["gold_label"] == row["label"], timed, timed and row["submitted_at"] <= row["due_at"]]
        at = {dim: index[dim](row[column[dim]]) for dim in index}
        keys = {f"{dim}_period": (at[dim],) for dim in index}
        keys |= {f"batch_{dim}_period": (at["batch"], at[dim]) for dim in ("category", "annotator")}
        for name, key in keys.items():
            cell = expected.setdefault(name, {}).setdefault(key, np.zeros(len(PERIOD_COLUMNS), np.int64))
            cell += np.array(flags, np.int64)
    for name, cells in expected.items():
        got = counts.table(name)
        assert got.sum() == sum(c.sum() for c in cells.values()), name
        for key in np.ndindex(got.shape[:-1]):
            assert np.array_equal(got[key], cells.get(key, np.zeros(len(PERIOD_COLUMNS), np.int64))), (name, key)
