"""Iman-Conover keeps marginals and reaches the target rank correlation; Higham's repair; the
scenario's correlation block; variance-based sensitivity."""

from __future__ import annotations

import json
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annogov.cli import main
from ingest import InputError
from migration.correlation import (
    RankCorrelation,
    correlate,
    iman_conover,
    nearest_correlation,
    normal_quantile,
    spearman,
    valid_matrix,
)
from migration.scenario_io import load_scenario, scenario_from_dict, scenario_to_dict
from migration.sensitivity import sensitivity
from migration.switching import switching_cost

EX = Path(__file__).resolve().parents[1] / "examples"


def test_normal_quantile_matches_the_standard_library() -> None:
    p = np.array([1e-9, 1e-4, 0.01, 0.02425, 0.3, 0.5, 0.77, 0.99, 1 - 1e-7])
    expected = [NormalDist().inv_cdf(float(v)) for v in p]
    assert np.allclose(normal_quantile(p), expected, rtol=1e-8, atol=1e-8)


def _inputs(n: int, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {"a": rng.beta(2, 5, n), "b": rng.triangular(0, 1, 4, n), "c": rng.exponential(1, n)}


TARGET = [[1.0, 0.7, 0.3], [0.7, 1.0, -0.2], [0.3, -0.2, 1.0]]


def test_iman_conover_keeps_marginals_and_reaches_the_rank_correlation() -> None:
    n = 20_000
    x = _inputs(n)
    spec = RankCorrelation(inputs=["a", "b", "c"], matrix=TARGET)
    out, use = correlate(x, spec, np.random.default_rng(1))
    for k in "abc":
        assert np.array_equal(np.sort(out[k]), np.sort(x[k]))  # the very same draws
    # sampling error of a rank correlation near these values at n = 20,000 is below 0.01
    assert np.abs(np.array(use.achieved) - np.array(TARGET)).max() < 0.03
    assert not use.repaired and "Iman-Conover" in use.note


@settings(max_examples=15, deadline=None)
@given(st.floats(-0.9, 0.9), st.integers(0, 10_000))
def test_any_valid_pair_correlation_is_reached(rho: float, seed: int) -> None:
    x = _inputs(5_000, seed)
    cols = np.column_stack([x["a"], x["b"]])
    out = iman_conover(cols, np.array([[1, 2 * np.sin(np.pi * rho / 6)], [2 * np.sin(np.pi * rho / 6), 1]]),
                       np.random.default_rng(seed))
    assert abs(spearman(out)[0, 1] - rho) < 0.06
    assert np.array_equal(np.sort(out[:, 0]), np.sort(cols[:, 0]))


def test_higham_published_example() -> None:
    """Higham (2002), section 4: nearest correlation matrix to tridiag(-1, 2, -1) of order 4."""
    a = np.array([[2, -1, 0, 0], [-1, 2, -1, 0], [0, -1, 2, -1], [0, 0, -1, 2]], dtype=float)
    expected = np.array([[1, -0.8084, 0.1916, 0.1068], [-0.8084, 1, -0.6562, 0.1916],
                         [0.1916, -0.6562, 1, -0.8084], [0.1068, 0.1916, -0.8084, 1]])
    assert np.allclose(nearest_correlation(a), expected, atol=1e-4)


def test_an_invalid_matrix_is_repaired_and_said_so() -> None:
    bad = [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]
    fixed, repaired = valid_matrix(np.array(bad))
    assert repaired and np.linalg.eigvalsh(fixed).min() > 0 and np.allclose(np.diag(fixed), 1)
    _, use = correlate(_inputs(5000), RankCorrelation(inputs=["a", "b", "c"], matrix=bad),
                       np.random.default_rng(0))
    assert use.repaired and "nearest valid one (Higham 2002)" in use.note and use.max_change > 0.3


@pytest.mark.parametrize(("block", "needle"), [
    ({"inputs": ["sla_gap.gap_weeks", "knowledge_loss.calibration_weeks"], "matrix": [[1, 0.5, 0], [0.5, 1, 0]]},
     "2 x 2"),
    ({"inputs": ["sla_gap.gap_weeks", "knowledge_loss.calibration_weeks"], "matrix": [[1, 0.5], [0.4, 1]]},
     "symmetric"),
    ({"inputs": ["sla_gap.gap_weeks", "knowledge_loss.calibration_weeks"], "matrix": [[1, 1.5], [1.5, 1]]},
     "between -1 and 1"),
    ({"inputs": ["sla_gap.gap_weeks", "nope.nope"], "matrix": [[1, 0.5], [0.5, 1]]}, "unknown input"),
    ({"inputs": ["sla_gap.gap_weeks", "volume.weekly_labels"], "matrix": [[1, 0.5], [0.5, 1]]},
     "single value"),
])
def test_bad_correlation_blocks_are_located(block: dict, needle: str) -> None:
    with pytest.raises(InputError, match=needle) as exc:
        scenario_from_dict({"correlation": block}, "s.yaml")
    assert exc.value.problems[0].location.file == "s.yaml"


def test_cli_exits_2_on_a_wrong_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"correlation": {"inputs": ["sla_gap.gap_weeks", "retraining.runs"],
                                                "matrix": [[1, 0.2]]}}))
    assert main(["switching-cost", str(path)]) == 2
    assert "s.json" in capsys.readouterr().err


def test_the_correlated_example_round_trips_and_raises_the_p90() -> None:
    scenario = load_scenario(EX / "scenario-correlated.yaml")
    assert scenario.correlation is not None
    assert scenario_from_dict(scenario_to_dict(scenario)) == scenario
    independent = switching_cost(scenario.model_copy(update={"correlation": None}), simulations=50_000, seed=3)
    correlated = switching_cost(scenario, simulations=50_000, seed=3)
    assert correlated.percentiles["total"].p90 > independent.percentiles["total"].p90
    assert correlated.correlation is not None and independent.correlation is None
    payload = correlated.to_payload()
    assert payload["correlation"]["inputs"] == scenario.correlation.inputs


def test_contributions_sum_to_one_and_sobol_matches_a_linear_model() -> None:
    from migration.scenario import ParameterInfo

    rng = np.random.default_rng(0)
    n = 100_000
    x1, x2, x3 = rng.uniform(0, 1, n), rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    y = 3 * x1 + 2 * x2 + 0 * x3
    cat = [ParameterInfo(key=k, section="s", name=k, label=k, unit="", help="", low=0, most_likely=0.5,
                         high=1, distribution="pert", is_range=True) for k in ("x1", "x2", "x3")]
    s = sensitivity({"x1": x1, "x2": x2, "x3": x3}, y, cat)
    assert sum(r.contribution for r in s.rows) == pytest.approx(1.0)
    first = {r.parameter: r.first_order for r in s.rows}
    # analytic first-order indices of a linear model with equal-variance inputs: 9/13, 4/13, 0
    assert first["x1"] == pytest.approx(9 / 13, abs=0.01)
    assert first["x2"] == pytest.approx(4 / 13, abs=0.01)
    assert first["x3"] == pytest.approx(0, abs=0.01)


def test_switching_payload_contributions_sum_to_one() -> None:
    r = switching_cost(load_scenario(EX / "scenario.yaml"), simulations=5000, seed=1)
    assert r.sensitivity is not None
    assert sum(row.contribution for row in r.sensitivity.rows) == pytest.approx(1.0)
    assert {row.parameter for row in r.sensitivity.rows} == {b.parameter for b in r.tornado}


def test_xlsx_scenario_carries_the_correlation_sheet(tmp_path: Path) -> None:
    import openpyxl

    from migration.scenario_io import write_scenario_xlsx

    scenario = load_scenario(EX / "scenario-correlated.yaml")
    path = tmp_path / "s.xlsx"
    write_scenario_xlsx(scenario, path)
    assert load_scenario(path) == scenario
    wb = openpyxl.load_workbook(path)
    wb["Correlation"]["B5"] = "high"
    wb["Correlation"]["D4"] = 0.1  # asymmetric now
    wb.save(path)
    with pytest.raises(InputError) as exc:
        load_scenario(path)
    [problem] = exc.value.problems
    assert (problem.location.sheet, problem.location.row) == ("Correlation", 5)
    wb["Correlation"]["B5"] = 0.7
    wb.save(path)
    with pytest.raises(InputError, match="symmetric") as exc:
        load_scenario(path)
    assert exc.value.problems[0].location.sheet == "Correlation"


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 6), st.integers(0, 10_000))
def test_any_symmetric_matrix_repairs_to_a_valid_one_and_valid_ones_stay(k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.uniform(-1, 1, (k, k))
    a = (a + a.T) / 2
    np.fill_diagonal(a, 1.0)
    fixed, repaired = valid_matrix(a)
    assert np.allclose(fixed, fixed.T) and np.allclose(np.diag(fixed), 1)
    assert np.linalg.eigvalsh(fixed).min() > 0
    assert repaired == (np.linalg.eigvalsh(a).min() < -1e-10)
    if np.linalg.eigvalsh(a).min() > 1e-10:
        assert np.array_equal(fixed, a)


@pytest.mark.parametrize("r", [1.0, -1.0])
def test_a_perfect_correlation_is_valid_not_repaired(r: float) -> None:
    # [[1, r], [r, 1]] with |r| = 1 is positive semi-definite (singular): a valid matrix, so the
    # user is not told it was invalid and replaced
    rng = np.random.default_rng(1)
    inputs = {"a.x": rng.uniform(0, 1, 4000), "b.y": rng.uniform(0, 1, 4000)}
    _, use = correlate(inputs, RankCorrelation(inputs=["a.x", "b.y"], matrix=[[1, r], [r, 1]]), rng)
    assert not use.repaired and "not a valid" not in use.note
    assert use.achieved[0][1] == pytest.approx(r, abs=0.01)
