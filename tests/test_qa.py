"""QA figures: exact integer coverage, Wilson intervals, and the stratified QA sample."""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery
from governance.quality.sla.qa import (
    as_fraction,
    defect_rate,
    qa_coverage,
    qa_sample,
    rate,
    required_count,
    sample_sizes,
    wilson_interval,
)


def test_required_count_is_exact_where_floats_are_not() -> None:
    assert math.ceil(0.07 * 100) == 8  # the float trap
    assert required_count(100, as_fraction(0.07)) == 7
    assert required_count(70, as_fraction("0.1")) == 7
    assert required_count(71, as_fraction(0.1)) == 8
    assert [required_count(n, as_fraction(0.1)) for n in (0, 1, 4, 5, 25)] == [0, 1, 1, 1, 3]
    assert as_fraction(0.1) == Fraction(1, 10)
    with pytest.raises(ValueError):
        as_fraction(1.5)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 10), (7, 60), (60, 60), (3, 1000)])
def test_wilson_matches_statsmodels(k: int, n: int) -> None:
    low, high = proportion_confint(k, n, alpha=0.05, method="wilson")
    ours = wilson_interval(k, n)
    assert ours == pytest.approx((low, high), abs=1e-12)
    assert rate(k, n, "x").ci == pytest.approx((low, high), abs=1e-12)


def test_zero_denominator_has_no_value() -> None:
    r = rate(0, 0, "reviewed annotations")
    assert r.value is None and r.ci is None and "no reviewed" in (r.undefined_reason or "")


def _delivery(tmp_path: Path) -> Path:
    lines = ["item_id,annotator_id,label,category,qa_result"]
    for i in range(70):
        lines.append(f"a{i},x,cat,common,{'pass' if i < 6 else 'fail' if i == 6 else ''}")
    for i in range(4):
        lines.append(f"b{i},x,dog,rare,")
    path = tmp_path / "d.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_coverage_lists_every_category_even_without_qa(tmp_path: Path) -> None:
    counts = count_delivery(open_delivery(_delivery(tmp_path)), ["cat", "dog"])
    rows = {r.category: r for r in qa_coverage(counts, 0.10)}
    assert set(rows) == {"common", "rare"}
    assert (rows["common"].reviewed, rows["common"].required, rows["common"].meets) == (7, 7, True)
    assert rows["common"].rate == "1/10"
    assert (rows["rare"].reviewed, rows["rare"].required, rows["rare"].meets) == (0, 1, False)
    assert rows["rare"].shortfall == 1
    d = defect_rate(counts)
    assert (d.numerator, d.denominator) == (1, 7)


def test_sample_meets_the_minimum_in_every_category() -> None:
    sizes = [1000, 70, 25, 4, 1, 0]
    wanted = sample_sizes(sizes, 0.10, min_per_category=10)
    assert wanted == [100, 10, 10, 4, 1, 0]
    assert sample_sizes(sizes, 0.10, min_per_category=1) == [100, 7, 3, 1, 1, 0]


def _table(sizes: dict[str, int]) -> pa.Table:
    cats = [c for c, n in sizes.items() for _ in range(n)]
    return pa.table({"item_id": [f"i{k}" for k in range(len(cats))],
                     "annotator_id": ["a"] * len(cats), "label": ["x"] * len(cats),
                     "category": cats})


def test_sample_is_reproducible_and_over_represents_rare_categories() -> None:
    table = _table({"car": 900, "bus": 60, "deer": 12})
    one = qa_sample(table, 0.10, seed=5)
    assert one.equals(qa_sample(table, 0.10, seed=5))
    assert not one.column("item_id").equals(qa_sample(table, 0.10, seed=6).column("item_id"))
    got = dict(zip(*np.unique(one.column("category").to_pylist(), return_counts=True),
                   strict=True))
    assert got == {"car": 90, "bus": 10, "deer": 10}
    assert got["deer"] / 12 > got["car"] / 900  # rare category over-represented
    assert len(set(one.column("item_id").to_pylist())) == one.num_rows  # no repeats


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(st.sampled_from(list("abcdefgh")), st.integers(1, 120), min_size=1),
       st.sampled_from(["0.05", "0.1", "0.07", "0.25", "1"]), st.integers(0, 2**31))
def test_sample_property(sizes: dict[str, int], min_rate: str, seed: int) -> None:
    sample = qa_sample(_table(sizes), min_rate, seed=seed, min_per_category=3)
    cats = sample.column("category").to_pylist()
    frac = Fraction(min_rate)
    for cat, n in sizes.items():
        k = cats.count(cat)
        assert 1 <= k <= n
        assert Fraction(k, n) >= frac  # exact: meets the minimum rate in every category
