"""Tornado: each ranged input swung from low to high with the others at most likely."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from migration.cost_model import area_costs
from migration.scenario import Scenario, parameter_catalogue


class TornadoBar(BaseModel):
    """The total at one input's low and high ends."""

    parameter: str
    label: str
    unit: str
    low: float
    high: float
    total_at_low: float
    total_at_high: float
    swing: float


def tornado(scenario: Scenario) -> list[TornadoBar]:
    """Bars for every ranged input, widest swing first (ties keep the scenario's order).

    All 2k evaluations run as one vectorised call of the cost model.
    """
    catalogue = [c for c in parameter_catalogue(scenario) if c.is_range]
    estimates = scenario.estimates()
    size = 2 * len(catalogue)
    if size == 0:
        return []
    inputs = {k: np.full(size, e.most_likely) for k, e in estimates.items()}
    for i, info in enumerate(catalogue):
        inputs[info.key][2 * i] = info.low
        inputs[info.key][2 * i + 1] = info.high
    total = area_costs(inputs)["total"]
    bars = [
        TornadoBar(parameter=info.key, label=info.label, unit=info.unit, low=info.low,
                   high=info.high, total_at_low=float(total[2 * i]),
                   total_at_high=float(total[2 * i + 1]),
                   swing=float(abs(total[2 * i + 1] - total[2 * i])))
        for i, info in enumerate(catalogue)
    ]
    return sorted(bars, key=lambda b: -b.swing)
