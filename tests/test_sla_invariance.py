"""No statistic of `sla-check` depends on the order of the rows, on consistent renaming of items and
annotators, or on the batches the file is read in (property tests)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.sla_terms import SlaTerm, SlaTermSet
from governance.quality.reading.delivery import open_delivery
from governance.quality.sla.sla_check import check_delivery

HEADER = ["item_id", "annotator_id", "label", "gold_label", "category", "batch", "qa_result",
          "submitted_at", "due_at"]
TERMS = SlaTermSet(period_fee=1000, terms=[
    SlaTerm(id="k", metric="kappa", weights="quadratic", threshold=0.6, min_sample=5, tier="critical",
            remedy={"kind": "percent_of_fee", "amount": 5}),
    SlaTerm(id="alpha", metric="krippendorff_alpha", level="ordinal", scope="each category", threshold=0.5,
            min_sample=3),
    SlaTerm(id="pa", metric="percent_agreement", threshold=0.7, min_sample=5, tier="critical"),
    SlaTerm(id="acc", metric="accuracy", scope="each category", threshold=0.9, min_sample=3),
    SlaTerm(id="defects", metric="defect_rate", comparator="<=", threshold=0.2, min_sample=3),
    SlaTerm(id="cov", metric="qa_coverage", scope="each category", threshold=0.2, min_sample=1),
    SlaTerm(id="late", metric="on_time_rate", threshold=0.8, min_sample=5),
])


def _delivery(seed: int, n_items: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_items):
        truth = int(rng.integers(1, 5))
        cat, batch = f"c{rng.integers(0, 3)}", f"b{rng.integers(1, 4)}"
        gold = str(truth) if rng.random() < 0.5 else ""
        for a in rng.choice(3, size=2, replace=False):
            label = truth if rng.random() < 0.7 else int(rng.integers(1, 5))
            day = 2 + int(rng.integers(0, 14))
            qa = "" if rng.random() < 0.6 else ("fail" if rng.random() < 0.2 else "pass")
            due = f"2026-03-{day + int(rng.integers(-1, 2)):02d}T12:00"
            rows.append([f"item-{i}", f"ann-{a}", str(label), gold, cat, batch, qa, f"2026-03-{day:02d}T10:00", due])
    return rows


def _run(rows: list[list[str]], batch_rows: int, by: str = "batch") -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "delivery.csv"
        path.write_text(",".join(HEADER) + "\n" + "".join(",".join(r) + "\n" for r in rows))
        source = open_delivery(path, batch_rows=batch_rows)
        return check_delivery(TERMS, source, drift_by=by, drift_threshold=0.01).to_payload()  # type: ignore[arg-type]


def _canonical(value: Any, names: dict[str, str]) -> Any:
    """Payload with floats rounded, names mapped back and lists of named rows sorted."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, str):
        return names.get(value, value)
    if isinstance(value, dict):
        return {k: _canonical(v, names) for k, v in value.items()}
    if isinstance(value, list):
        out = [_canonical(v, names) for v in value]
        if out and all(isinstance(v, dict) for v in out):
            return sorted(out, key=repr)
        return out
    return value


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_items=st.integers(12, 60),
    order_seed=st.integers(0, 10_000),
    batch_rows=st.sampled_from([3, 17, 100_000]),
    rename=st.booleans(),
    by=st.sampled_from(["week", "batch"]),
)
def test_row_order_renaming_and_batches_change_nothing(
    seed: int, n_items: int, order_seed: int, batch_rows: int, rename: bool, by: str
) -> None:
    rows = _delivery(seed, n_items)
    base = _canonical(_run(rows, 100_000, by), {})
    rng = np.random.default_rng(order_seed)
    changed = [rows[i] for i in rng.permutation(len(rows))]
    back: dict[str, str] = {}
    if rename:  # a consistent renaming that also changes the annotators' sort order
        items = {r[0] for r in rows}
        item_names = dict(zip(sorted(items), (f"z{k:05d}" for k in rng.permutation(len(items))), strict=True))
        ann_names = {"ann-0": "zoe", "ann-1": "adam", "ann-2": "mia"}
        changed = [[item_names[r[0]], ann_names[r[1]], *r[2:]] for r in changed]
        back = {v: k for k, v in ann_names.items()}
    assert _canonical(_run(changed, batch_rows, by), back) == base


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), order_seed=st.integers(0, 10_000), batch_rows=st.sampled_from([5, 100_000]))
def test_agreement_per_group_with_intervals_ignores_row_order(seed: int, order_seed: int, batch_rows: int) -> None:
    from governance.quality.reading.delivery_counts import count_delivery
    from governance.quality.sla.qa import dim_codes, dim_values
    from governance.quality.sla.sla_stats import agreement_by_group

    rows = _delivery(seed, 40)
    changed = [rows[i] for i in np.random.default_rng(order_seed).permutation(len(rows))]
    results = []
    for version, size in ((rows, 100_000), (changed, batch_rows)):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "delivery.csv"
            path.write_text(",".join(HEADER) + "\n" + "".join(",".join(r) + "\n" for r in version))
            counts = count_delivery(open_delivery(path, batch_rows=size))
        out = {}
        for dim in ("batch", "category"):
            names = dim_values(counts, dim)
            ests = agreement_by_group(counts, "krippendorff_alpha", dim_codes(counts, dim), len(names),
                                      level="ordinal", ci=True, seed=3)
            out[dim] = {n: (e.value, e.ci) for n, e in zip(names, ests, strict=True)}
        results.append(out)
    assert results[0] == results[1]
