"""The switching-cost arithmetic, written once over arrays so one function serves a single
evaluation and a million Monte Carlo draws alike."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from migration.scenario import AREAS

WEEKS_PER_MONTH = 52 / 12

Params = Mapping[str, np.ndarray]


def monthly_labels(p: Params) -> np.ndarray:
    """Labels the program accepts in a month."""
    return p["volume.weekly_labels"] * WEEKS_PER_MONTH


def staffed(p: Params, vendor: str) -> bool:
    """Whether the vendor is priced as a staffed team (its draws carry FTEs) rather than per label."""
    return f"{vendor}.ftes" in p


def team_monthly_cost(p: Params, vendor: str) -> np.ndarray:
    """A staffed team's monthly bill before milestones: FTEs x hours per month x hourly rate."""
    return p[f"{vendor}.ftes"] * p[f"{vendor}.hours_per_month"] * p[f"{vendor}.hourly_rate"]


def usable_label_cost(p: Params, vendor: str) -> np.ndarray:
    """Price of one accepted label: per label, rejected first passes are paid for and redone
    (price / first-pass yield); a staffed team's hours already hold its rework (team cost /
    monthly labels)."""
    if staffed(p, vendor):
        return team_monthly_cost(p, vendor) / monthly_labels(p)
    return p[f"{vendor}.price_per_label"] / p[f"{vendor}.first_pass_yield"]


def price_per_pass(p: Params, vendor: str) -> np.ndarray:
    """What one pass over one item is billed: the per-label price, or a staffed team's cost per
    label (the rework is the passes themselves, so no first-pass yield on top)."""
    if staffed(p, vendor):
        return team_monthly_cost(p, vendor) / monthly_labels(p)
    return p[f"{vendor}.price_per_label"]


def area_costs(p: Params) -> dict[str, np.ndarray]:
    """Cost of each of the five areas and their total, element by element over the inputs.

    - taxonomy_migration = mapping hours x rate + split items x usable-label price
    - reannotation = affected x passes x price per pass + affected x disagreement x adjudication
      + gold items x expert minutes / 60 x expert rate
    - retraining = runs x (compute + engineering + evaluation)
    - sla_gap = weeks x (fixed weekly cost x (1 - throughput share) + delay cost per week)
    - knowledge_loss = calibration weeks x weekly cost + weekly labels x initial rework share
      x T / (shape + 1) x usable price + rulings x hours x rate
    """
    usable = usable_label_cost(p, "new_vendor")
    tm = "taxonomy_migration."
    rate = p[tm + "hourly_rate"]
    taxonomy = p[tm + "mapping_hours"] * rate + p[tm + "reannotation_items"] * usable

    ra = "reannotation."
    affected = p[ra + "affected_items"]
    reannotation = (
        affected * p[ra + "revision_cycles"] * price_per_pass(p, "new_vendor")
        + affected * p[ra + "disagreement_share"] * p[ra + "adjudication_cost_per_item"]
        + p[ra + "gold_set_items"] * p[ra + "expert_minutes_per_item"] / 60
        * p[ra + "expert_hourly_rate"]
    )

    rt = "retraining."
    retraining = p[rt + "runs"] * (
        p[rt + "compute_cost_per_run"] + p[rt + "engineering_cost_per_run"]
        + p[rt + "evaluation_cost_per_run"]
    )

    sg = "sla_gap."
    sla_gap = p[sg + "gap_weeks"] * (
        p[sg + "fixed_weekly_cost"] * (1 - p[sg + "throughput_share"])
        + p[sg + "delay_cost_per_week"]
    )

    kl = "knowledge_loss."
    weeks = p[kl + "calibration_weeks"]
    # the shortfall (1 - t/T)^s integrates to T / (s + 1) over the calibration weeks
    rework_weeks = weeks / (p[kl + "recovery_shape"] + 1)
    knowledge = (
        weeks * p[kl + "calibration_weekly_cost"]
        + p["volume.weekly_labels"] * p[kl + "initial_rework_share"] * rework_weeks * usable
        + p[kl + "undocumented_rulings"] * p[kl + "hours_per_ruling"] * rate
    )

    out = dict(zip(AREAS, (taxonomy, reannotation, retraining, sla_gap, knowledge), strict=True))
    total = out[AREAS[0]] + out[AREAS[1]]
    for area in AREAS[2:]:
        total = total + out[area]
    out["total"] = total
    return out


def monthly_fee(p: Params, vendor: str, horizon: float) -> np.ndarray:
    """A vendor's monthly cost of the program's volume: monthly labels x usable-label price, or a
    staffed team's FTEs x hours x rate plus its milestone payments spread over the horizon."""
    if staffed(p, vendor):
        return team_monthly_cost(p, vendor) + p[f"{vendor}.milestone_payments"] / horizon
    return monthly_labels(p) * usable_label_cost(p, vendor)


def monthly_fees(p: Params, horizon: float) -> tuple[np.ndarray, np.ndarray]:
    """Monthly cost of the program's volume: (current vendor, new vendor)."""
    return monthly_fee(p, "current_vendor", horizon), monthly_fee(p, "new_vendor", horizon)


def break_even_months(total: np.ndarray, current: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Months until the monthly saving repays the switching cost; inf where there is no saving."""
    saving = current - new
    out = np.full(np.shape(total), np.inf)
    np.divide(total, saving, out=out, where=saving > 0)
    return out
