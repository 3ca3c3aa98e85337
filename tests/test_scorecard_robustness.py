"""Robustness findings: closed forms checked against brute force, Monte Carlo reproducibility."""

from __future__ import annotations

import numpy as np
import pytest

from scorecard.card import score_sheet
from scorecard.dimensions import DIMENSION_KEYS
from scorecard.robustness import boundary_moves, line_coefficients, pair_swaps
from tests.scorecard_helpers import sheet_from

GRID = np.linspace(0, 100, 100_001)  # weight steps of 0.001


def totals_when(dims: np.ndarray, weights: np.ndarray, k: int, x: np.ndarray) -> np.ndarray:
    """Totals (len(x) x P) with weight k set to x and the others rescaled proportionally."""
    others = np.delete(np.arange(len(weights)), k)
    scale = (100 - x) / (100 - weights[k])
    contrib_k = np.outer(x, dims[:, k]) / 5
    contrib_rest = np.outer(scale, (dims[:, others] * weights[others]).sum(axis=1)) / 5
    return contrib_k + contrib_rest


def brute_pair(dims: np.ndarray, weights: np.ndarray, u: int, lo: int) -> float | None:
    """Smallest |change| of one weight after which `lo` is strictly ahead of `u`."""
    best = None
    for k in range(len(weights)):
        t = totals_when(dims, weights, k, GRID)
        ahead = t[:, lo] - t[:, u] > 1e-9
        if ahead.any():
            change = np.abs(GRID[ahead] - weights[k]).min()
            best = change if best is None else min(best, change)
    return best


def test_line_coefficients_reproduce_the_totals() -> None:
    rng = np.random.default_rng(1)
    dims = rng.uniform(1, 5, (6, 5))
    weights = np.array([25, 20, 25, 15, 15.0])
    a, b = line_coefficients(dims, weights)
    for k in range(5):
        np.testing.assert_allclose(a[:, k] + b[:, k] * weights[k], dims @ weights / 5)
        np.testing.assert_allclose(a[:, k] + b[:, k] * 40, totals_when(dims, weights, k, np.array([40.0]))[0])


@pytest.mark.parametrize("seed", range(8))
def test_pair_swaps_match_brute_force(seed: int) -> None:
    rng = np.random.default_rng(seed)
    dims = rng.integers(2, 11, (5, 5)) / 2.0
    weights = rng.dirichlet(np.ones(5)) * 100
    totals = dims @ weights / 5
    order = np.argsort(-totals, kind="stable")
    pairs = pair_swaps([f"P{i}" for i in range(5)], dims, weights, order)
    for pair, u, lo in zip(pairs, order[:-1], order[1:], strict=True):
        expected = brute_pair(dims, weights, u, lo)
        if expected is None:
            assert pair["change"] is None
        else:
            assert pair["change"] is not None
            assert abs(pair["change"]) == pytest.approx(expected, abs=2e-3)


@pytest.mark.parametrize("seed", range(6))
def test_boundary_moves_match_brute_force(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    dims = rng.uniform(1.5, 4.8, (4, 5))
    weights = rng.dirichlet(np.ones(5)) * 100
    found = boundary_moves([f"P{i}" for i in range(4)], dims, weights, np.ones(4, dtype=bool))
    totals = dims @ weights / 5
    for entry in found:
        p, floor = int(entry["provider"][1:]), entry["boundary"]
        best = None
        for k in range(5):
            t = totals_when(dims, weights, k, GRID)[:, p]
            across = t >= floor if totals[p] < floor else t < floor
            if across.any():
                change = np.abs(GRID[across] - weights[k]).min()
                best = change if best is None else min(best, change)
        if best is None:
            assert entry["change"] is None
        else:
            assert abs(entry["change"]) == pytest.approx(best, abs=2e-3)


def test_worded_finding_names_the_weight_move() -> None:
    sheet = sheet_from({"A": [[4, 5, 4, 4, 4]], "B": [[4, 2, 4, 4, 5]]})
    pair = score_sheet(sheet, simulations=0).to_payload()["robustness"]["pairs"][0]
    assert pair["dimension"] == "security"
    assert pair["text"].startswith("Security & compliance's weight would have to drop from 20 to ")
    assert "for B to overtake A" in pair["text"]


def test_identical_providers_apart_from_order_cannot_be_swapped() -> None:
    sheet = sheet_from({"A": [[4, 4, 4, 4, 4]], "B": [[3, 3, 3, 3, 3]]})
    pair = score_sheet(sheet, simulations=0).to_payload()["robustness"]["pairs"][0]
    assert pair["change"] is None and pair["text"].startswith("No single-weight change")


def test_band_probabilities_are_seeded_and_certain_without_spread() -> None:
    spread = sheet_from({"A": [[4, 3, 4, 3, 4], [3, 4, 3, 4, 3], [4, 4, 4, 4, 4]], "B": [[4] * 5] * 3})
    one = score_sheet(spread, simulations=500, seed=7).robustness.band_probabilities
    two = score_sheet(spread, simulations=500, seed=7).robustness.band_probabilities
    assert one == two
    assert one["B"] == {"material delivery risk": 0.0, "viable with enhanced oversight": 0.0, "enterprise-grade": 1.0}
    assert sum(one["A"].values()) == pytest.approx(1.0)
    assert 0 < one["A"]["enterprise-grade"] < 1


def test_given_low_high_ranges_widen_the_simulation() -> None:
    sheet = sheet_from({"A": [[3, 3, 3, 3, 3]]})
    sheet.low = np.full(sheet.scores.shape, np.nan)
    sheet.high = np.full(sheet.scores.shape, np.nan)
    sheet.low[0, 0, : len(DIMENSION_KEYS)] = 2
    sheet.high[0, 0, : len(DIMENSION_KEYS)] = 4
    probs = score_sheet(sheet, simulations=2000, seed=1).robustness.band_probabilities["A"]
    assert 0.2 < probs["material delivery risk"] < 0.8  # symmetric around exactly 60
