"""One call for the whole switching-cost analysis, and its JSON payload."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from migration.correlation import CorrelationUse
from migration.cost_model import area_costs, usable_label_cost
from migration.distributions import Estimate
from migration.montecarlo import Band, bands, most_likely_inputs, simulate_correlated
from migration.scenario import AREAS, ParameterInfo, Scenario, parameter_catalogue
from migration.sensitivity import Sensitivity, sensitivity
from migration.stay_vs_switch import StayVsSwitchResult, stay_vs_switch
from migration.tornado import TornadoBar, tornado

DEFAULT_SIMULATIONS = 10_000
DEFAULT_SEED = 20_261_126
MAX_SIMULATIONS = 2_000_000


class Derived(BaseModel):
    """Per-label figures at the most likely inputs that explain the totals."""

    new_cost_per_usable_label: float
    current_cost_per_usable_label: float
    normal_price_per_label_with_fixed_cost: float
    gap_price_per_label_with_fixed_cost: float | None = Field(
        description="Usable-label price plus fixed cost spread over the gap's reduced output")
    gap_price_reason: str | None = None
    recovery_curve: list[dict[str, float]] = Field(
        description="Agreement by week while the new team calibrates")


class SwitchingCostResult(BaseModel):
    """Deterministic costs, Monte Carlo bands, tornado and the stay-versus-switch comparison."""

    name: str
    currency: str
    simulations: int
    seed: int | None
    reannotation_items_from: str
    deterministic: dict[str, float]
    percentiles: dict[str, Band]
    tornado: list[TornadoBar]
    stay_vs_switch: StayVsSwitchResult
    derived: Derived
    parameters: list[ParameterInfo] = Field(description="Inputs with help text, units, ranges")
    correlation: CorrelationUse | None = Field(None, description="Rank correlation imposed, if any")
    sensitivity: Sensitivity | None = Field(None, description="Shares of the total's variance")

    def to_payload(self) -> dict[str, Any]:
        """Exactly what `annogov switching-cost --format json` prints (money rounded to cents)."""
        def cents(x: float) -> float:
            return round(x, 2)

        sv = self.stay_vs_switch.model_dump()
        for key in ("current_monthly_fee", "new_monthly_fee", "monthly_saving",
                    "stay_cost_over_horizon", "switch_cost_over_horizon"):
            sv[key] = cents(sv[key])
        for key in ("break_even_month", "break_even_month_p50", "break_even_month_p90"):
            sv[key] = None if sv[key] is None else round(sv[key], 2)
        sv["probability_switch_cheaper"] = round(sv["probability_switch_cheaper"], 4)
        sv["cost_in_months_of_current_fees"] = {
            k: None if v is None else round(v, 2)
            for k, v in sv["cost_in_months_of_current_fees"].items()}
        return {
            "name": self.name,
            "currency": self.currency,
            "simulations": self.simulations,
            "seed": self.seed,
            "reannotation_items_from": self.reannotation_items_from,
            "deterministic": {k: cents(v) for k, v in self.deterministic.items()},
            "percentiles": {k: {q: cents(v) for q, v in b.model_dump().items()}
                            for k, b in self.percentiles.items()},
            "tornado": [{**b.model_dump(), "total_at_low": cents(b.total_at_low),
                         "total_at_high": cents(b.total_at_high), "swing": cents(b.swing)}
                        for b in self.tornado],
            "stay_vs_switch": sv,
            "derived": self.derived.model_dump(),
            "parameters": [p.model_dump() for p in self.parameters],
            "correlation": self.correlation.to_payload() if self.correlation else None,
            "sensitivity": self.sensitivity.to_payload() if self.sensitivity else None,
        }


def with_reannotation_items(scenario: Scenario, items: int) -> Scenario:
    """The scenario with the split items fixed from a taxonomy result."""
    return scenario.with_estimate("taxonomy_migration.reannotation_items",
                                  Estimate.point(float(items)))


def _derived(scenario: Scenario, ml: dict[str, np.ndarray]) -> Derived:
    new_usable = float(usable_label_cost(ml, "new_vendor")[0])
    weekly = float(ml["volume.weekly_labels"][0])
    fixed = float(ml["sla_gap.fixed_weekly_cost"][0])
    share = float(ml["sla_gap.throughput_share"][0])
    gap_price = None
    reason = None
    if share > 0:
        gap_price = new_usable + fixed / (weekly * share)
    else:
        reason = "throughput during the gap is 0: no labels to spread the fixed cost over"
    kl = scenario.knowledge_loss
    weeks = kl.calibration_weeks.most_likely
    shape = kl.recovery_shape.most_likely
    drop = kl.baseline_agreement - kl.reset_agreement
    steps = max(1, int(np.ceil(weeks)))
    curve = []
    for week in range(steps + 1):
        t = min(week, weeks) / weeks if weeks > 0 else 1.0
        curve.append({"week": float(week),
                      "agreement": round(kl.baseline_agreement - drop * (1 - t) ** shape, 4)})
    return Derived(
        new_cost_per_usable_label=new_usable,
        current_cost_per_usable_label=float(usable_label_cost(ml, "current_vendor")[0]),
        normal_price_per_label_with_fixed_cost=new_usable + fixed / weekly,
        gap_price_per_label_with_fixed_cost=gap_price, gap_price_reason=reason,
        recovery_curve=curve)


def switching_cost(
    scenario: Scenario,
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int | None = DEFAULT_SEED,
    reannotation_items: int | None = None,
) -> SwitchingCostResult:
    """Price a switch: most-likely costs, P10/P50/P90 by area, tornado and stay-versus-switch.

    `reannotation_items` (from a taxonomy result) replaces the taxonomy area's item estimate.
    """
    return switching_cost_and_totals(scenario, simulations=simulations, seed=seed,
                                     reannotation_items=reannotation_items)[0]


def switching_cost_and_totals(
    scenario: Scenario,
    *,
    simulations: int = DEFAULT_SIMULATIONS,
    seed: int | None = DEFAULT_SEED,
    reannotation_items: int | None = None,
) -> tuple[SwitchingCostResult, np.ndarray]:
    """`switching_cost` and the simulated totals it took its bands from (for a histogram)."""
    if not 1 <= simulations <= MAX_SIMULATIONS:
        raise ValueError(f"simulations must be between 1 and {MAX_SIMULATIONS:,}")
    if seed is not None and seed < 0:
        raise ValueError(f"the seed must be a whole number of 0 or more, not {seed}")
    source = "scenario"
    if reannotation_items is not None:
        scenario = with_reannotation_items(scenario, reannotation_items)
        source = "taxonomy result"
    ml = most_likely_inputs(scenario)
    det = {k: float(v[0]) for k, v in area_costs(ml).items()}
    inputs, outputs, correlation = simulate_correlated(scenario, simulations, seed)
    pct = bands(outputs)
    svs = stay_vs_switch(scenario.stay_vs_switch.horizon_months, ml, det["total"], inputs,
                         outputs["total"], pct["total"].p50, pct["total"].p90)
    result = SwitchingCostResult(
        name=scenario.name, currency=scenario.currency, simulations=simulations, seed=seed,
        reannotation_items_from=source, deterministic={k: det[k] for k in (*AREAS, "total")},
        percentiles=pct, tornado=tornado(scenario), stay_vs_switch=svs,
        derived=_derived(scenario, ml), parameters=parameter_catalogue(scenario),
        correlation=correlation,
        sensitivity=sensitivity(inputs, outputs["total"], parameter_catalogue(scenario)))
    return result, outputs["total"]
