"""Seeded, vectorised Monte Carlo over the scenario: every draw an array, one model evaluation."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from migration.correlation import CorrelationUse, correlate
from migration.cost_model import area_costs
from migration.distributions import draw
from migration.scenario import AREAS, Scenario

PERCENTILES = (10, 50, 90)


class Band(BaseModel):
    """P10 / P50 / P90 of one quantity."""

    p10: float
    p50: float
    p90: float


def most_likely_inputs(scenario: Scenario) -> dict[str, np.ndarray]:
    """Every estimate at its most likely value, as one-element arrays."""
    return {k: np.array([e.most_likely]) for k, e in scenario.estimates().items()}


def draw_inputs(scenario: Scenario, n: int, seed: int | None) -> dict[str, np.ndarray]:
    """n draws of every estimate, in the scenario's fixed order, from one seeded Generator."""
    rng = np.random.default_rng(seed)
    return {k: draw(e, n, rng) for k, e in scenario.estimates().items()}


def deterministic(scenario: Scenario) -> dict[str, float]:
    """Area costs and total at the most likely values."""
    return {k: float(v[0]) for k, v in area_costs(most_likely_inputs(scenario)).items()}


def bands(samples: dict[str, np.ndarray]) -> dict[str, Band]:
    """P10/P50/P90 (numpy's linear interpolation) of each area and the total."""
    keys = [*AREAS, "total"]
    stacked = np.stack([samples[k] for k in keys])
    q = np.percentile(stacked, PERCENTILES, axis=1)
    return {k: Band(p10=float(q[0, i]), p50=float(q[1, i]), p90=float(q[2, i]))
            for i, k in enumerate(keys)}


def simulate(
    scenario: Scenario, n: int, seed: int | None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """(inputs, outputs) of n draws; outputs hold each area and the total."""
    inputs, outputs, _ = simulate_correlated(scenario, n, seed)
    return inputs, outputs


def simulate_correlated(
    scenario: Scenario, n: int, seed: int | None
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray], CorrelationUse | None]:
    """`simulate` plus how the scenario's rank correlation was imposed (None without one). The
    reordering has its own stream, so the draws themselves are those of an independent run."""
    if n < 1:
        raise ValueError("the number of simulations must be at least 1")
    inputs = draw_inputs(scenario, n, seed)
    use = None
    if scenario.correlation is not None:
        rng = np.random.default_rng(None if seed is None else [seed, 21])
        inputs, use = correlate(inputs, scenario.correlation, rng)
    return inputs, area_costs(inputs), use
