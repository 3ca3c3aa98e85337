"""Count tables, encoding, duplicates, grouping, streaming, undefined cases and intervals."""

from __future__ import annotations

import json

import numpy as np
import pytest

import governance.quality.stats.bootstrap as bootstrap_module
from governance.quality.stats.agreement import agreement
from governance.quality.stats.codes import (
    DuplicateAnnotationError,
    InconsistentGroupError,
    LabelSet,
    UnknownLabelError,
    find_duplicates,
)
from governance.quality.stats.cohen_scott import cohen_kappa
from governance.quality.stats.counts import (
    coincidence_matrices,
    item_category_table,
    item_profiles,
    pair_contingency,
    paired_codes,
    profiles_from_table,
)
from governance.quality.stats.estimate import NO_PAIRS, NO_SHARED, ONE_CATEGORY, Estimate
from governance.quality.stats.fleiss_alpha import fleiss_kappa, krippendorff_alpha, percent_agreement


def _delivery(seed: int, n_items: int, n_raters: int = 4, v: int = 6, n_groups: int = 3):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, v, n_items)
    group = rng.integers(0, n_groups, n_items)
    items = np.repeat(np.arange(n_items), n_raters)
    raters = np.tile(np.arange(n_raters), n_items)
    labels = np.where(
        rng.random(n_items * n_raters) < 0.7, truth[items], rng.integers(0, v, len(items))
    )
    keep = rng.random(len(items)) > 0.15  # missing annotations
    return items[keep], raters[keep], labels[keep], group[items[keep]]


# --- encoding ---------------------------------------------------------------------------------


def test_label_set_encodes_text_and_numbers_and_numeric_strings() -> None:
    ls = LabelSet.of([1, 2, 3])
    assert ls.encode(np.array(["1", "3", 2.0, 3], dtype=object)).tolist() == [0, 2, 1, 2]
    text = LabelSet.of(["car", "truck", "bus"])
    assert text.encode(["bus", "car"]).tolist() == [2, 0]
    assert text.numeric_values() is None
    assert ls.numeric_values() is not None and ls.numeric_values().tolist() == [1.0, 2.0, 3.0]


def test_unknown_label_is_named_with_its_rows() -> None:
    ls = LabelSet.of(["car", "truck"])
    with pytest.raises(UnknownLabelError) as info:
        ls.encode(["car", "bicycle", "truck", "bicycle"])
    assert "bicycle" in str(info.value)
    assert info.value.labels == ["bicycle"]
    assert info.value.rows.tolist() == [1, 3]


def test_missing_label_is_an_error_unless_allowed() -> None:
    ls = LabelSet.of(["a", "b"])
    with pytest.raises(UnknownLabelError, match="missing"):
        ls.encode(["a", None])
    assert ls.encode(["a", None], allow_missing=True).tolist() == [0, -1]


def test_label_set_rejects_repeats_and_observed_sorts_numbers() -> None:
    with pytest.raises(ValueError, match="repeats"):
        LabelSet.of(["a", "b", "a"])
    assert LabelSet.observed([10, 2, 2, 1]).categories == (1, 2, 10)


# --- duplicates and groups --------------------------------------------------------------------


def test_duplicates_are_located_and_rejected() -> None:
    items = ["i1", "i1", "i2", "i1", "i3", "i2"]
    who = ["a", "b", "a", "a", "a", "a"]
    dup = find_duplicates(items, who)
    assert dup.rows.tolist() == [0, 2, 3, 5]
    assert dup.pairs == [("i1", "a", 2), ("i2", "a", 2)]
    with pytest.raises(DuplicateAnnotationError, match="i1"):
        agreement(items, who, ["x", "y", "x", "x", "y", "y"], metric="percent")
    labels = ["x", "y", "x", "y", "y", "y"]
    last = agreement(items, who, labels, metric="percent", duplicates="last", ci="none")
    first = agreement(items, who, labels, metric="percent", duplicates="first", ci="none")
    # i1 is the only item with two annotators: a said x first and y last, b said y
    assert (first.overall.value, last.overall.value) == (0.0, 1.0)
    assert last.overall.n_items == 1


def test_errors_after_dropping_repeats_name_the_callers_rows() -> None:
    items, who = ["a", "a", "a", "b", "b"], ["x", "x", "y", "x", "y"]  # row 1 repeats row 0
    with pytest.raises(UnknownLabelError) as bad:
        agreement(items, who, ["car", "car", "car", "car", "bus"], label_set=["car"], duplicates="first")
    assert bad.value.rows.tolist() == [4]
    with pytest.raises(InconsistentGroupError) as split:
        agreement(items, who, ["car"] * 5, groups=["g", "g", "g", "g", "h"], duplicates="first")
    assert split.value.rows.tolist() == [3]
    with pytest.raises(ValueError, match=r"group is missing on 1 rows; row positions start \[4\]"):
        agreement(items, who, ["car"] * 5, groups=["g", "g", "g", "h", None], duplicates="first")
    with pytest.raises(ValueError, match=r"annotator is missing on 1 rows; row positions start \[2\]"):
        agreement(items, ["x", "x", None, "x", "y"], ["car"] * 5)


def test_inconsistent_group_within_an_item_is_an_error() -> None:
    with pytest.raises(InconsistentGroupError):
        agreement([1, 1, 2, 2], ["a", "b", "a", "b"], ["x", "x", "y", "y"],
                  groups=["car", "bus", "bus", "bus"], metric="fleiss")  # fmt: skip


# --- tables -----------------------------------------------------------------------------------


def test_profiles_and_coincidences_equal_the_dense_definition() -> None:
    items, raters, labels, group = _delivery(1, 300)
    v = 6
    table = item_category_table(items, labels, 300, v)
    per_item_group = np.zeros(300, np.int64)
    per_item_group[items] = group
    fast = item_profiles(items, labels, v, per_item_group, 3)
    dense = profiles_from_table(table, per_item_group, 3)
    for a, b in ((fast.rows, dense.rows), (fast.weight, dense.weight), (fast.group, dense.group)):
        assert np.array_equal(a, b)
    m = table.sum(axis=1)
    ok = m >= 2
    expected = np.zeros((3, v, v))
    for g in range(3):
        rows = table[ok & (per_item_group == g)]
        mm = rows.sum(axis=1)
        expected[g] = np.einsum("ki,kj->ij", rows / (mm - 1)[:, None], rows) - np.diag(
            (rows / (mm - 1)[:, None]).sum(axis=0)
        )
    assert np.allclose(coincidence_matrices(fast), expected)


def test_wide_label_sets_use_the_blockwise_path_with_the_same_result(monkeypatch) -> None:
    items, raters, labels, group = _delivery(2, 500, n_raters=6, v=6)
    per_item_group = np.zeros(500, np.int64)
    per_item_group[items] = group
    fast = item_profiles(items, labels, 6, per_item_group, 3)
    monkeypatch.setattr("governance.quality.stats.counts._EXACT_FLOAT", 1)  # force the dense-block fallback
    slow = item_profiles(items, labels, 6, per_item_group, 3)
    assert np.array_equal(fast.rows, slow.rows) and np.array_equal(fast.weight, slow.weight)


def test_tables_from_chunks_add_up_to_the_whole() -> None:
    items, raters, labels, group = _delivery(3, 900)
    per_item_group = np.zeros(900, np.int64)
    per_item_group[items] = group
    whole = item_profiles(items, labels, 6, per_item_group, 3)
    merged = None
    for lo in range(0, 900, 250):  # chunks hold disjoint items
        sel = (items >= lo) & (items < lo + 250)
        part = item_profiles(items[sel], labels[sel], 6, per_item_group, 3)
        merged = part if merged is None else merged.merge(part)
    assert merged is not None
    assert np.array_equal(merged.rows, whole.rows) and np.array_equal(merged.weight, whole.weight)
    assert np.allclose(coincidence_matrices(merged), coincidence_matrices(whole))
    a, b = paired_codes(items, raters, labels, 0, 1, 900)
    full = pair_contingency(a, b, 6, per_item_group, 3)
    split = sum(
        pair_contingency(a[lo : lo + 300], b[lo : lo + 300], 6, per_item_group[lo : lo + 300], 3)
        for lo in range(0, 900, 300)
    )
    assert np.array_equal(full, split)


def test_grouped_values_equal_each_group_computed_alone() -> None:
    items, raters, labels, group = _delivery(4, 600)
    names = np.array(["bus", "car", "van"])[group]
    for metric in ("percent", "fleiss", "krippendorff"):
        res = agreement(items, raters, labels, metric=metric, groups=names,  # type: ignore[arg-type]
                        label_set=list(range(6)), ci="none")  # fmt: skip
        assert list(res.groups) == ["bus", "car", "van"]
        for name in res.groups:
            sel = names == name
            alone = agreement(items[sel], raters[sel], labels[sel], metric=metric,  # type: ignore[arg-type]
                              label_set=list(range(6)), ci="none")  # fmt: skip
            assert res.groups[name].value == pytest.approx(alone.overall.value, abs=1e-12)
    cohen = agreement(items, raters, labels, metric="cohen", groups=names, pair=(0, 1),
                      label_set=list(range(6)), ci="none")  # fmt: skip
    sel = names == "car"
    alone = agreement(items[sel], raters[sel], labels[sel], metric="cohen", pair=(0, 1),
                      label_set=list(range(6)), ci="none")  # fmt: skip
    assert cohen.groups["car"].value == pytest.approx(alone.overall.value, abs=1e-12)


# --- undefined cases --------------------------------------------------------------------------


def test_single_category_is_undefined_with_a_reason_but_percent_agreement_is_one() -> None:
    items = np.repeat(np.arange(5), 3)
    who = np.tile(["a", "b", "c"], 5)
    labels = ["yes"] * 15
    for metric in ("fleiss", "krippendorff"):
        res = agreement(items, who, labels, metric=metric, label_set=["yes", "no"])  # type: ignore[arg-type]
        assert res.overall.value is None and res.overall.undefined_reason == ONE_CATEGORY
        assert res.overall.ci is None and res.overall.n_items == 5
    cohen = agreement(items, who, labels, metric="cohen", pair=("a", "b"), label_set=["yes", "no"])
    assert cohen.overall.value is None and cohen.overall.undefined_reason == ONE_CATEGORY
    pct = agreement(items, who, labels, metric="percent", label_set=["yes", "no"])
    assert pct.overall.value == 1.0


def test_no_pairable_items_and_no_shared_items_are_undefined() -> None:
    res = agreement([1, 2, 3], ["a", "b", "a"], ["x", "y", "x"], metric="krippendorff")
    assert res.overall.value is None and res.overall.undefined_reason == NO_PAIRS
    res = agreement([1, 2, 3], ["a", "b", "a"], ["x", "y", "x"], metric="cohen")
    assert res.overall.value is None and res.overall.undefined_reason == NO_SHARED
    assert fleiss_kappa(profiles_from_table(np.zeros((0, 3), int)))[0].value is None


def test_cohen_needs_a_pair_when_more_than_two_annotators() -> None:
    with pytest.raises(ValueError, match="name a pair"):
        agreement([1, 1, 1], ["a", "b", "c"], ["x", "x", "y"], metric="cohen")
    with pytest.raises(ValueError, match="'zed'"):
        agreement([1, 1, 1], ["a", "b", "c"], ["x", "x", "y"], metric="cohen", pair=("a", "zed"))


def test_interval_level_needs_numeric_labels() -> None:
    with pytest.raises(ValueError, match="numeric"):
        agreement([1, 1], ["a", "b"], ["x", "y"], metric="krippendorff", level="interval")


def test_estimate_never_holds_nan() -> None:
    with pytest.raises(ValueError):
        Estimate(value=float("nan"), method="x")
    with pytest.raises(ValueError):
        Estimate(value=None, method="x")


# --- intervals --------------------------------------------------------------------------------


def test_bootstrap_is_seeded_and_brackets_the_estimate() -> None:
    items, raters, labels, group = _delivery(6, 400)
    runs = [
        agreement(items, raters, labels, metric="krippendorff", seed=s, n_boot=300).overall
        for s in (1, 1, 2)
    ]
    assert runs[0].ci == runs[1].ci and runs[0].ci != runs[2].ci
    assert runs[0].ci is not None and runs[0].value is not None
    assert runs[0].ci[0] < runs[0].value < runs[0].ci[1]
    assert "bootstrap" in (runs[0].ci_method or "") and "seed 1" in (runs[0].ci_method or "")


def _naive_item_bootstrap(table: np.ndarray, stat, n_boot: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_boot):
        pick = rng.integers(0, len(table), len(table))
        out.append(stat(profiles_from_table(table[pick]))[0].value)
    return np.quantile(np.asarray(out, dtype=float), [0.025, 0.975])


@pytest.mark.parametrize("which", ["fleiss", "alpha_ordinal", "percent"])
def test_profile_bootstrap_matches_resampling_items_directly(which: str) -> None:
    items, raters, labels, _ = _delivery(7, 250, v=4)
    table = item_category_table(items, labels, 250, 4)
    table = table[table.sum(axis=1) >= 2]
    stats = {
        "fleiss": lambda p, **k: fleiss_kappa(p, **k),
        "alpha_ordinal": lambda p, **k: krippendorff_alpha(p, "ordinal", **k),
        "percent": lambda p, **k: percent_agreement(p, **k),
    }
    stat = stats[which]
    est = stat(profiles_from_table(table), n_boot=2000, seed=3)[0]
    naive = _naive_item_bootstrap(table, lambda p: stat(p, ci="none"), 1000, 4)
    assert est.ci is not None
    assert est.ci == pytest.approx(tuple(naive), abs=0.025)
    assert "multinomial" in (est.ci_method or "")


def test_large_sample_bootstrap_agrees_with_exact_resampling(monkeypatch) -> None:
    items, raters, labels, _ = _delivery(8, 3000, v=5)
    exact = agreement(items, raters, labels, metric="krippendorff", level="ordinal",
                      n_boot=800).overall  # fmt: skip
    monkeypatch.setattr(bootstrap_module, "_EXACT_BUDGET", 0)
    monkeypatch.setattr(bootstrap_module, "_EXACT_BELOW_ITEMS", 0)
    approx = agreement(items, raters, labels, metric="krippendorff", level="ordinal",
                       n_boot=800).overall  # fmt: skip
    assert "normal law" in (approx.ci_method or "") and "multinomial" in (exact.ci_method or "")
    assert exact.ci is not None and approx.ci is not None
    assert approx.ci == pytest.approx(exact.ci, abs=0.01)


def test_cohen_bootstrap_interval_is_close_to_the_analytic_one() -> None:
    rng = np.random.default_rng(9)
    a = rng.integers(0, 3, 2000)
    b = np.where(rng.random(2000) < 0.7, a, rng.integers(0, 3, 2000))
    table = pair_contingency(a, b, 3)
    analytic = cohen_kappa(table, ci="analytic")[0]
    boot = cohen_kappa(table, ci="bootstrap", n_boot=2000, seed=1)[0]
    assert analytic.ci is not None and boot.ci is not None
    assert boot.ci == pytest.approx(analytic.ci, abs=0.01)


# --- output shape -----------------------------------------------------------------------------


def test_json_shape_for_the_agreement_command() -> None:
    items, raters, labels, group = _delivery(10, 120)
    res = agreement(items, raters, labels, metric="fleiss", groups=group, n_boot=200)
    payload = json.loads(json.dumps(res.json_dict()))
    keys = {"metric", "weights", "level", "value", "ci", "n_items", "n_annotations",
            "undefined_reason", "groups"}  # fmt: skip
    assert keys <= set(payload)
    assert payload["metric"] == "fleiss" and isinstance(payload["ci"], list)
    assert set(payload["groups"]) == {"0", "1", "2"}
    assert keys - {"groups", "metric", "weights", "level"} <= set(payload["groups"]["1"])


# --- input forms ------------------------------------------------------------------------------


def test_categorical_inputs_give_the_same_answer_as_plain_ones() -> None:
    import pandas as pd

    items, raters, labels, group = _delivery(11, 300)
    names = np.array(["car", "bus", "van", "tram", "bike", "truck"], dtype=object)
    text = names[labels]
    plain = agreement(
        items.astype(str), raters, text, metric="fleiss", label_set=list(names), ci="none"
    )
    cat_labels = pd.Categorical(text, categories=[*names, "not-in-contract"])  # unused extra
    fast = agreement(
        pd.Categorical(items.astype(str)), pd.Series(raters), cat_labels,
        metric="fleiss", label_set=list(names), ci="none",
    )  # fmt: skip
    assert fast.overall.value == plain.overall.value
    text[5] = "scooter"
    with pytest.raises(UnknownLabelError, match="scooter") as info:
        LabelSet.of(list(names)).encode(pd.Categorical(text))
    assert info.value.rows.tolist() == [5]


def test_factorize_small_integers_without_hashing() -> None:
    from governance.quality.stats.codes import factorize

    codes, uniques = factorize(np.array([10, 3, 3, 7]))
    assert uniques.tolist() == [3, 7, 10] and codes.tolist() == [2, 0, 0, 1]
    codes, uniques = factorize(np.array(["b", "a", "b"], dtype=object))
    assert uniques.tolist() == ["a", "b"] and codes.tolist() == [1, 0, 1]


def test_prepared_data_serves_several_metrics_like_single_calls() -> None:
    from governance.quality.stats.agreement import agreement_data

    items, raters, labels, group = _delivery(12, 400)
    data = agreement_data(items, raters, labels, label_set=list(range(6)), groups=group)
    for metric in ("fleiss", "krippendorff", "percent"):
        once = agreement(items, raters, labels, metric=metric, label_set=list(range(6)),  # type: ignore[arg-type]
                         groups=group, ci="none")  # fmt: skip
        assert data.result(metric, ci="none") == once  # type: ignore[arg-type]
    cohen = data.result("cohen", pair=(0, 2), weights="linear")
    assert cohen.groups["1"].ci is not None
    assert "Fleiss, Cohen & Everitt" in (cohen.overall.ci_method or "")
