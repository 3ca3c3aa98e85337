"""Gwet-framework coefficients (Fleiss, AC1/AC2, Brennan-Prediger, Conger, alpha SE) against
Gwet's handbook example as printed by irrCAC, statsmodels' Randolph/Fleiss test tables, and the
irrCAC and statsmodels implementations (test oracles only) on random data with gaps."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annogov.cli import main
from governance.quality.stats.chance_corrected import (
    agreement_weight_matrix,
    alpha_gwet_se,
    chance_corrected,
    conger_kappa,
)
from governance.quality.stats.counts import ItemProfiles, profiles_from_table
from governance.quality.stats.fleiss_alpha import fleiss_kappa, krippendorff_alpha

irr_raw = pytest.importorskip("irrCAC.raw")
irr_data = pytest.importorskip("irrCAC.datasets")
inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")

ROOT = Path(__file__).resolve().parents[1]


def _tables(matrix: np.ndarray, categories: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Items x raters values (NaN = missing) -> (codes with -1, item x category counts)."""
    codes = np.full(matrix.shape, -1, np.int64)
    for k, c in enumerate(categories):
        codes[matrix == c] = k
    table = np.zeros((len(matrix), len(categories)), np.int64)
    rows, cols = np.nonzero(codes >= 0)
    np.add.at(table, (rows, codes[rows, cols]), 1)
    return codes, table


def _profiles(matrix: np.ndarray, categories: list[float]) -> ItemProfiles:
    return profiles_from_table(_tables(matrix, categories)[1])


def _bipolar(values: np.ndarray) -> np.ndarray:
    lo, hi = values.min(), values.max()
    k, m = values[:, None], values[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        w = 1 - (k - m) ** 2 / ((k + m - 2 * lo) * (2 * hi - k - m))
    return np.where(k == m, 1.0, w)


FOUR = [1.0, 2.0, 3.0, 4.0, 5.0]


def test_gwet_handbook_four_raters_as_printed_by_irrcac() -> None:
    """Gwet (2014) 12 units x 4 raters with gaps: AC1 0.77544 (SE 0.14295), Fleiss 0.76117
    (SE 0.15302), AC2 with bipolar weights 0.90037 (SE 0.10582); interval (0.46081, 1)."""
    prof = _profiles(irr_data.raw_4raters().to_numpy(float), FOUR)
    ac1 = chance_corrected(prof, "gwet", missing="gwet")[0]
    assert (round(ac1.value, 5), round(ac1.se, 5)) == (0.77544, 0.14295)
    assert ac1.ci is not None and round(ac1.ci[0], 5) == 0.46081 and ac1.ci[1] == 1.0
    assert ac1.method.startswith("Gwet's AC1") and "Student t" in (ac1.ci_method or "")
    fleiss = chance_corrected(prof, "fleiss", missing="gwet")[0]
    assert (round(fleiss.value, 5), round(fleiss.se, 5)) == (0.76117, 0.15302)
    ac2 = chance_corrected(prof, "gwet", weights=_bipolar(np.array(FOUR)), weights_name="bipolar", missing="gwet")[0]
    assert (round(ac2.value, 5), round(ac2.se, 5)) == (0.90037, 0.10582)
    assert ac2.method.startswith("Gwet's AC2")


@pytest.mark.parametrize(
    ("table", "fixed", "free"),
    [
        ([[7, 1], [3, 5]], 0.161905, 0.214286),
        ([[6, 1, 0], [0, 7, 0]], 0.708333, 0.785714),
        ([[6.99, 0.01], [6.99, 0.01]], None, None),
    ],
)
def test_randolph_calculator_values_from_statsmodels_tests(table: list[list[float]], fixed: float, free: float) -> None:
    """statsmodels' test values from Randolph's online calculator (fixed and free marginal)."""
    if fixed is None:
        return  # fractional counts: not a count table
    prof = profiles_from_table(np.asarray(table, np.int64))
    assert chance_corrected(prof, "fleiss", missing="pooled", ci="none")[0].value == pytest.approx(fixed, abs=6e-6)
    bp = chance_corrected(prof, "brennan_prediger", missing="pooled", ci="none")[0]
    assert bp.value == pytest.approx(free, abs=6e-6)


def test_wikipedia_fleiss_example_from_statsmodels_tests() -> None:
    """The 10 x 14 x 5 Wikipedia example statsmodels tests against: 0.210."""
    table = np.array(
        [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
         [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]
    )  # fmt: skip
    prof = profiles_from_table(table)
    for missing in ("pooled", "gwet"):
        assert round(chance_corrected(prof, "fleiss", missing=missing)[0].value, 3) == 0.210  # type: ignore[arg-type,operator]


def _random(seed: int, n_items: int, n_raters: int, n_used: int, missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, n_used + 1, n_items)
    noise = rng.integers(1, n_used + 1, (n_items, n_raters))
    data = np.where(rng.random((n_items, n_raters)) < rng.uniform(0.2, 0.9), truth[:, None], noise).astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    data = data[~np.isnan(data).all(axis=1)]
    return data


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_items=st.integers(4, 50),
    n_raters=st.integers(2, 6),
    n_used=st.integers(2, 4),
    missing=st.sampled_from([0.0, 0.3, 0.5]),
    weights=st.sampled_from(["none", "linear", "quadratic"]),
)
def test_matches_irrcac_to_1e9(
    seed: int, n_items: int, n_raters: int, n_used: int, missing: float, weights: str
) -> None:
    """Value and SE of AC1/AC2, Fleiss, Brennan-Prediger, Conger and alpha equal irrCAC's
    unrounded ones, with two allowed categories nobody used."""
    data = _random(seed, n_items, n_raters, n_used, missing)
    categories = [float(c) for c in range(1, n_used + 3)]
    codes, table = _tables(data, categories)
    if len(data) < 2 or ((table.sum(axis=1) >= 2).sum() == 0) or (~np.isnan(data)).sum(axis=0).min() == 0:
        return
    prof = profiles_from_table(table)
    w = agreement_weight_matrix(len(categories), weights, np.asarray(categories))
    irr_w = "identity" if weights == "none" else weights
    cac = irr_raw.CAC(pd.DataFrame(data), weights=irr_w, categories=categories, digits=15)
    with np.errstate(all="ignore"):
        for ours, theirs in (("gwet", "gwet"), ("fleiss", "fleiss"), ("brennan_prediger", "bp")):
            expected = _oracle(cac, theirs)
            got = chance_corrected(prof, ours, weights=w, weights_name=weights, missing="gwet")[0]  # type: ignore[arg-type]
            _same(got.value, got.se, expected)
        conger = conger_kappa(codes, len(categories), weights=w, weights_name=weights)[0]
        _same(conger.value, conger.se, _oracle(cac, "conger"))
        if (table.sum(axis=1) >= 2).sum() < 2:
            return  # irrCAC's alpha divides by n - 1 of the pairable items
        parts = alpha_gwet_se(prof, w)[0]
        _same(None if parts is None else parts[0], None if parts is None else parts[1], _oracle(cac, "krippendorff"))


def _oracle(cac: object, name: str) -> dict[str, float] | None:
    """irrCAC's estimate, or None where it divides by zero (chance agreement 1)."""
    try:
        return getattr(cac, name)()["est"]  # type: ignore[no-any-return]
    except ZeroDivisionError:
        return None


def _same(value: float | None, se: float | None, expected: dict[str, float] | None) -> None:
    if expected is None or not np.isfinite(expected["coefficient_value"]):
        assert value is None  # undefined for both
        return
    if value is None:  # undefined here only where irrCAC's chance agreement is 1 within rounding
        assert expected["pe"] > 1 - 1e-9
        return
    assert value == pytest.approx(expected["coefficient_value"], abs=1e-9)
    if expected["se"] > 1e-12:
        assert se == pytest.approx(expected["se"], abs=1e-9)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_items=st.integers(3, 40), n_raters=st.integers(2, 6), n_used=st.integers(2, 4))
def test_complete_data_matches_statsmodels_and_pooled_fleiss(
    seed: int, n_items: int, n_raters: int, n_used: int
) -> None:
    """On complete data both conventions give statsmodels' Fleiss and Randolph kappa, and the
    pooled Fleiss equals annogov's existing `fleiss_kappa`; alpha equals the coincidence alpha."""
    data = _random(seed, n_items, n_raters, n_used, 0.0)
    categories = [float(c) for c in range(1, n_used + 2)]
    _, table = _tables(data, categories)
    prof = profiles_from_table(table)
    with np.errstate(all="ignore"):
        sm_fleiss = inter_rater.fleiss_kappa(table, method="fleiss")
        sm_free = inter_rater.fleiss_kappa(table, method="randolph")
    for missing in ("pooled", "gwet"):
        got = chance_corrected(prof, "fleiss", missing=missing, ci="none")[0]  # type: ignore[arg-type]
        if np.isfinite(sm_fleiss):
            assert got.value == pytest.approx(sm_fleiss, abs=1e-9)
        bp = chance_corrected(prof, "brennan_prediger", missing=missing, ci="none")[0]  # type: ignore[arg-type]
        assert bp.value == pytest.approx(sm_free, abs=1e-9)
    existing = fleiss_kappa(prof, ci="none")[0]
    pooled = chance_corrected(prof, "fleiss", missing="pooled", ci="none")[0]
    assert existing.value == pooled.value or existing.value == pytest.approx(pooled.value, abs=1e-12)
    alpha = krippendorff_alpha(prof, ci="none")[0]
    parts = alpha_gwet_se(prof)[0]
    if alpha.value is not None and parts is not None:
        assert parts[0] == pytest.approx(alpha.value, abs=1e-9)


def test_conventions_differ_on_uneven_ratings_and_are_named() -> None:
    prof = _profiles(irr_data.raw_4raters().to_numpy(float), FOUR)
    pooled = chance_corrected(prof, "fleiss", missing="pooled", n_boot=200)[0]
    gwet = chance_corrected(prof, "fleiss", missing="gwet")[0]
    assert pooled.value != pytest.approx(gwet.value, abs=1e-6)
    assert "pooled category shares" in pooled.method and "bootstrap" in (pooled.ci_method or "")
    assert "Gwet's per-item shares" in gwet.method and gwet.se is not None
    with pytest.raises(ValueError, match="analytic SE"):
        chance_corrected(prof, "fleiss", missing="pooled", ci="analytic")


def test_one_category_in_the_label_set_is_undefined_and_ac1_of_unanimity_is_one() -> None:
    one = profiles_from_table(np.array([[3], [2]]))
    for coef in ("gwet", "fleiss", "brennan_prediger"):
        est = chance_corrected(one, coef)[0]  # type: ignore[arg-type]
        assert est.value is None and est.undefined_reason
    unanimous = profiles_from_table(np.array([[3, 0], [2, 0]]))
    assert chance_corrected(unanimous, "gwet")[0].value == 1.0
    assert chance_corrected(unanimous, "fleiss")[0].value is None


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_invariant_to_item_order_and_batches(seed: int) -> None:
    """Shuffled items and profiles merged from two batches give the same values and SEs."""
    data = _random(seed, 30, 4, 3, 0.3)
    _, table = _tables(data, [1.0, 2.0, 3.0, 4.0])
    order = np.random.default_rng(seed).permutation(len(table))
    whole = chance_corrected(profiles_from_table(table), "gwet")[0]
    half = len(table) // 2
    merged = profiles_from_table(table[order][:half]).merge(profiles_from_table(table[order][half:]))
    again = chance_corrected(merged, "gwet")[0]
    assert again.value == pytest.approx(whole.value, abs=1e-12)
    assert again.se == pytest.approx(whole.se, abs=1e-12)


def test_agreement_command_names_method_and_prints_se(capsys: pytest.CaptureFixture[str]) -> None:
    delivery = str(ROOT / "examples" / "delivery.csv")
    for metric, name, missing in (("gwet", "Gwet's AC1", "gwet"), ("bp", "Brennan-Prediger", "gwet"),
                                  ("conger", "Conger's kappa", "pooled")):  # Conger has no missing convention
        assert main(["agreement", delivery, "--metric", metric, "--missing", missing, "--format", "json"]) == 0
        payload = json.loads(capsys.readouterr().out)
        assert payload["method"].startswith(name) and payload["se"] > 0
        assert payload["ci"][0] < payload["value"] <= payload["ci"][1]
    assert main(["agreement", delivery, "--metric", "krippendorff", "--interval", "analytic", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["se"] > 0 and "Gwet" in payload["ci_method"]


def test_sla_term_on_gwet_ac1() -> None:
    from contracts.sla_terms import SlaTerm, SlaTermSet
    from governance.quality.reading.delivery import open_delivery
    from governance.quality.reading.delivery_counts import count_delivery
    from governance.quality.sla.sla_check import check_counts

    counts = count_delivery(open_delivery(ROOT / "examples" / "delivery.csv"))
    terms = SlaTermSet(
        terms=[
            SlaTerm(id="ac1", metric="gwet_ac", threshold=0.5, missing="gwet"),
            SlaTerm(id="bp", metric="brennan_prediger", threshold=0.99, scope="each_category"),
        ]
    )
    report = check_counts(terms, counts)
    ac1, bp = report.terms
    assert ac1.method.startswith("Gwet's AC1 (Gwet's per-item shares") and ac1.status == "pass"
    assert bp.status == "fail" and any(e.value is not None and e.value < 0.99 for e in bp.evidence)


# Published values of irrCAC's own test suite (afergadis/irrCAC, test/unit/irrCAC/raw, 3 digits):
# dataset, coefficient, weights -> (coefficient, SE, CI low, CI high); SE None where not printed.
PUBLISHED = {
    ("raw_4raters", "gwet", "none"): (0.775, 0.143, 0.461, 1.0),
    ("raw_4raters", "gwet", "linear"): (0.859, 0.117, 0.600, 1.0),
    ("raw_4raters", "gwet", "quadratic"): (0.914, 0.104, 0.685, 1.0),
    ("raw_5observers", "gwet", "none"): (0.497, 0.122, 0.235, 0.758),
    ("raw_g1g2", "gwet", "none"): (0.685, 0.134, 0.396, 0.973),
    ("raw_gender", "gwet", "none"): (0.208, 0.091, 0.014, 0.403),
    ("raw_ben_gerry", "gwet", "none"): (0.661, 0.184, 0.257, 1.0),
    ("raw_4raters", "fleiss", "none"): (0.761, None, 0.424, 1.0),
    ("raw_4raters", "fleiss", "linear"): (0.818, 0.149, 0.491, 1.0),
    ("raw_4raters", "fleiss", "quadratic"): (0.865, 0.146, 0.544, 1.0),
    ("raw_5observers", "fleiss", "none"): (0.458, 0.120, 0.199, 0.716),
    ("raw_g1g2", "fleiss", "none"): (0.657, 0.150, 0.333, 0.981),
    ("raw_gender", "fleiss", "none"): (0.129, 0.141, -0.172, 0.430),
    ("raw_ben_gerry", "fleiss", "none"): (0.649, 0.191, 0.228, 1.0),
    ("raw_4raters", "brennan_prediger", "none"): (0.773, 0.145, 0.454, 1.0),
    ("raw_4raters", "brennan_prediger", "linear"): (0.848, 0.123, 0.577, 1.0),
    ("raw_4raters", "brennan_prediger", "quadratic"): (0.902, 0.111, 0.657, 1.0),
    ("raw_5observers", "brennan_prediger", "none"): (0.487, 0.121, 0.228, 0.747),
    ("raw_g1g2", "brennan_prediger", "none"): (0.679, 0.136, 0.385, 0.974),
    ("raw_gender", "brennan_prediger", "none"): (0.183, 0.102, -0.035, 0.402),
    ("raw_ben_gerry", "brennan_prediger", "none"): (0.659, 0.185, 0.251, 1.0),
    ("raw_4raters", "conger", "none"): (0.763, None, 0.435, 1.0),
    ("raw_4raters", "conger", "linear"): (0.814, 0.145, 0.494, 1.0),
    ("raw_4raters", "conger", "quadratic"): (0.858, 0.144, 0.541, 1.0),
    ("raw_5observers", "conger", "none"): (0.469, 0.117, 0.219, 0.719),
    ("raw_g1g2", "conger", "none"): (0.659, 0.146, 0.343, 0.974),
    ("raw_gender", "conger", "none"): (0.166, 0.121, -0.094, 0.426),
    ("raw_ben_gerry", "conger", "none"): (0.657, 0.179, 0.262, 1.0),
    ("raw_4raters", "alpha", "none"): (0.743, 0.146, 0.419, 1.0),
    ("raw_4raters", "alpha", "quadratic"): (0.849, 0.129, 0.561, 1.0),
    ("raw_5observers", "alpha", "none"): (0.481, 0.114, 0.237, 0.724),
    ("raw_g1g2", "alpha", "none"): (0.632, 0.150, 0.306, 0.958),
    ("raw_gender", "alpha", "none"): (0.143, 0.141, -0.158, 0.445),
    ("raw_ben_gerry", "alpha", "none"): (0.665, 0.180, 0.264, 1.0),
}


@pytest.mark.parametrize(("dataset", "coefficient", "weights"), list(PUBLISHED))
def test_gwet_handbook_datasets_as_published(dataset: str, coefficient: str, weights: str) -> None:
    """Every coefficient, SE and t interval on Gwet's handbook datasets shipped with irrCAC."""
    frame = getattr(irr_data, dataset)()
    values = frame.to_numpy(object)
    present = ~pd.isna(values)
    categories = sorted({v for v in values[present]}, key=lambda v: (str(type(v)), v))
    codes = np.full(values.shape, -1, np.int64)
    for k, c in enumerate(categories):
        codes[present & (values == c)] = k
    keep = (codes >= 0).any(axis=1)
    codes = codes[keep]
    table = np.zeros((len(codes), len(categories)), np.int64)
    rows, cols = np.nonzero(codes >= 0)
    np.add.at(table, (rows, codes[rows, cols]), 1)
    prof = profiles_from_table(table)
    numeric = all(isinstance(c, float) for c in categories)
    w = agreement_weight_matrix(len(categories), weights, np.asarray(categories, float) if numeric else None)
    value, se, low, high = PUBLISHED[(dataset, coefficient, weights)]
    if coefficient == "alpha":
        alpha, got_se, n = alpha_gwet_se(prof, w)[0]  # type: ignore[misc]
        from governance.quality.stats.variance import t_interval

        ci = t_interval(alpha, got_se, n, 0.95)
        got = (alpha, got_se, *ci)
    else:
        if coefficient == "conger":
            est = conger_kappa(codes, len(categories), weights=w, weights_name=weights)[0]
        else:
            est = chance_corrected(prof, coefficient, weights=w, weights_name=weights, missing="gwet")[0]  # type: ignore[arg-type]
        assert est.ci is not None and est.value is not None and est.se is not None
        got = (est.value, est.se, *est.ci)
    assert round(got[0], 3) == value
    if se is not None:
        assert round(got[1], 3) == se
    assert (round(got[2], 3), round(got[3], 3)) == (low, high)
