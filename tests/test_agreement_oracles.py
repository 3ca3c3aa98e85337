"""Agreement coefficients match scikit-learn, statsmodels and the krippendorff package (test
oracles only) on random data, with missing values and unused categories in the label set."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.quality.stats.agreement import agreement
from governance.quality.stats.codes import LabelSet
from governance.quality.stats.cohen_scott import cohen_kappa
from governance.quality.stats.counts import item_profiles, pair_contingency
from governance.quality.stats.fleiss_alpha import fleiss_kappa, krippendorff_alpha

krippendorff = pytest.importorskip("krippendorff")
sk_metrics = pytest.importorskip("sklearn.metrics")
inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")


def _ratings(seed: int, n_items: int, n_raters: int, n_used: int, missing: float) -> np.ndarray:
    """Coder x unit matrix of values 1..n_used (float, NaN = missing), correlated by item."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, n_used + 1, n_items)
    noise = rng.integers(1, n_used + 1, (n_raters, n_items))
    keep_truth = rng.random((n_raters, n_items)) < rng.uniform(0.2, 0.9)
    data = np.where(keep_truth, truth[None, :], noise).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    return data


def _long(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    coder, unit = np.nonzero(~np.isnan(matrix))
    return unit, coder, matrix[coder, unit].astype(int)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_items=st.integers(5, 60),
    n_raters=st.integers(2, 6),
    n_used=st.integers(2, 5),
    missing=st.sampled_from([0.0, 0.2, 0.5]),
    level=st.sampled_from(["nominal", "ordinal", "interval", "ratio"]),
)
def test_krippendorff_matches_package(
    seed: int, n_items: int, n_raters: int, n_used: int, missing: float, level: str
) -> None:
    data = _ratings(seed, n_items, n_raters, n_used, missing)
    domain = np.arange(1, n_used + 3)  # two categories nobody used
    unit, coder, value = _long(data)
    result = agreement(
        unit, coder, value, metric="krippendorff", level=level, label_set=list(domain), ci="none"
    )
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            expected = krippendorff.alpha(
                reliability_data=data, value_domain=domain, level_of_measurement=level
            )
    except ValueError:  # the package refuses data with a single value or no pairable units
        assert result.overall.value is None and result.overall.undefined_reason
        return
    if not np.isfinite(expected):
        assert result.overall.value is None and result.overall.undefined_reason
    else:
        assert result.overall.value == pytest.approx(float(expected), abs=1e-9)


def test_krippendorff_ordinal_follows_label_set_order_for_text_labels() -> None:
    data = _ratings(7, 80, 4, 4, 0.3)
    names = np.array(["none", "mild", "moderate", "severe", "extreme"])
    unit, coder, value = _long(data)
    result = agreement(
        unit, coder, names[value - 1], metric="krippendorff", level="ordinal",
        label_set=list(names), ci="none",
    )  # fmt: skip
    expected = krippendorff.alpha(
        reliability_data=data, value_domain=[1, 2, 3, 4, 5], level_of_measurement="ordinal"
    )
    assert result.overall.value == pytest.approx(float(expected), abs=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_items=st.integers(5, 80),
    n_used=st.integers(2, 5),
    weights=st.sampled_from(["none", "linear", "quadratic"]),
)
def test_cohen_matches_sklearn(seed: int, n_items: int, n_used: int, weights: str) -> None:
    data = _ratings(seed, n_items, 2, n_used, 0.0).astype(int)
    label_set = ["c0", *[f"c{i}" for i in range(1, n_used + 1)], "c_unused"]
    names = np.array(label_set, dtype=object)
    a, b = names[data[0]], names[data[1]]
    items = np.concatenate([np.arange(n_items), np.arange(n_items)])
    who = np.repeat(["x", "y"], n_items)
    result = agreement(
        items, who, np.concatenate([a, b]), metric="cohen", weights=weights,  # type: ignore[arg-type]
        label_set=label_set, ci="none",
    )  # fmt: skip
    sk_w = None if weights == "none" else weights
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = sk_metrics.cohen_kappa_score(a, b, labels=label_set, weights=sk_w)
    if np.isfinite(expected) and len(set(a) | set(b)) > 1:
        assert result.overall.value == pytest.approx(float(expected), abs=1e-9)
    else:
        assert result.overall.value is None and result.overall.undefined_reason


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_items=st.integers(3, 60),
    n_raters=st.integers(2, 8),
    n_used=st.integers(2, 6),
)
def test_fleiss_matches_statsmodels(seed: int, n_items: int, n_raters: int, n_used: int) -> None:
    data = _ratings(seed, n_items, n_raters, n_used, 0.0).astype(int)
    table = np.zeros((n_items, n_used + 2), dtype=int)  # last two columns: unused categories
    for r in range(n_raters):
        np.add.at(table, (np.arange(n_items), data[r] - 1), 1)
    unit, coder, value = _long(data.astype(float))
    result = agreement(
        unit, coder, value, metric="fleiss", label_set=list(range(1, n_used + 3)), ci="none"
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = inter_rater.fleiss_kappa(table, method="fleiss")
    if np.isfinite(expected) and (table.sum(axis=0) > 0).sum() > 1:
        assert result.overall.value == pytest.approx(float(expected), abs=1e-9)
    else:
        assert result.overall.value is None and result.overall.undefined_reason


def test_fleiss_with_varying_raters_follows_its_stated_definition() -> None:
    data = _ratings(3, 50, 5, 4, 0.35)
    unit, coder, value = _long(data)
    got = agreement(unit, coder, value, metric="fleiss", label_set=[1, 2, 3, 4], ci="none")
    # plain per-item definition: mean P_i over items with 2+ ratings, pooled category shares
    p_items, pooled = [], np.zeros(4)
    for col in data.T:
        vals = col[~np.isnan(col)].astype(int)
        if len(vals) < 2:
            continue
        counts = np.bincount(vals - 1, minlength=4)
        p_items.append((counts * (counts - 1)).sum() / (len(vals) * (len(vals) - 1)))
        pooled += counts
    pe = ((pooled / pooled.sum()) ** 2).sum()
    expected = (np.mean(p_items) - pe) / (1 - pe)
    assert got.overall.value == pytest.approx(expected, abs=1e-12)
    assert got.overall.n_items == len(p_items)


def test_analytic_standard_error_matches_statsmodels() -> None:
    rng = np.random.default_rng(11)
    for _ in range(20):
        table = rng.integers(0, 30, (4, 4)) + np.diag(rng.integers(5, 60, 4))
        for wt, ours in [(None, "none"), ("linear", "linear"), ("quadratic", "quadratic")]:
            ref = inter_rater.cohens_kappa(table, wt=wt)
            est = cohen_kappa(table, ours, ci="analytic")[0]  # type: ignore[arg-type]
            assert est.value == pytest.approx(ref.kappa, abs=1e-12)
            assert est.ci is not None
            z = 1.959963984540054
            assert est.ci[0] == pytest.approx(max(ref.kappa - z * ref.std_kappa, -1), rel=1e-9)
            assert est.ci[1] == pytest.approx(min(ref.kappa + z * ref.std_kappa, 1), rel=1e-9)


def test_weighted_coefficients_on_random_ratings_are_near_zero() -> None:
    rng = np.random.default_rng(5)
    n = 20_000
    a, b = rng.integers(0, 5, n), rng.integers(0, 5, n)
    tables = pair_contingency(a, b, 5)
    for weights in ("none", "linear", "quadratic"):
        assert abs(cohen_kappa(tables, weights, ci="none")[0].value or 9) < 0.03  # type: ignore[arg-type]
    ratings = rng.integers(0, 5, (n, 4))
    items = np.repeat(np.arange(n), 4)
    profiles = item_profiles(items, ratings.ravel(), 5)
    assert abs(fleiss_kappa(profiles, ci="none")[0].value or 9) < 0.03
    values = np.arange(1.0, 6.0)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        est = krippendorff_alpha(profiles, level, values, ci="none")[0]  # type: ignore[arg-type]
        assert abs(est.value or 9) < 0.03


def test_unused_category_in_the_label_set_changes_weighted_kappa_like_sklearn() -> None:
    a = ["low", "low", "mid", "high", "mid", "high", "low", "mid", "high", "low"]
    b = ["low", "mid", "mid", "high", "high", "mid", "low", "mid", "high", "mid"]
    items = np.concatenate([np.arange(10), np.arange(10)])
    who = ["x"] * 10 + ["y"] * 10
    narrow_set = ["low", "mid", "high"]
    wide_set = ["low", "mid", "very", "high"]  # 'very' is allowed but nobody used it
    narrow = agreement(items, who, a + b, metric="cohen", weights="linear", label_set=narrow_set)
    wide = agreement(items, who, a + b, metric="cohen", weights="linear", label_set=wide_set)
    for result, labels in ((narrow, narrow_set), (wide, wide_set)):
        expected = sk_metrics.cohen_kappa_score(a, b, labels=labels, weights="linear")
        assert result.overall.value == pytest.approx(expected, abs=1e-12)
    assert wide.overall.value != pytest.approx(narrow.overall.value, abs=1e-3)
    assert LabelSet.of(wide_set).encode(["high"])[0] == 3
