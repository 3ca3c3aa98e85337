"""The switching-cost arithmetic, written once over arrays so one function serves a single
evaluation and a million Monte Carlo draws alike."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from migration.scenario import AREAS

WEEKS_PER_MONTH = 52 / 12

Params = Mapping[str, np.ndarray]


def usable_label_cost(p: Params, vendor: str) -> np.ndarray:
    """Price of one accepted label: rejected first passes are paid for and redone."""
    return p[f"{vendor}.price_per_label"] / p[f"{vendor}.first_pass_yield"]


def price_per_pass(p: Params, vendor: str) -> np.ndarray:
    """What one pass over one item is billed: the per-label price (rework is the passes themselves)."""
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


def monthly_fees(p: Params) -> tuple[np.ndarray, np.ndarray]:
    """Monthly cost of the program's volume in usable labels: (current vendor, new vendor)."""
    monthly_labels = p["volume.weekly_labels"] * WEEKS_PER_MONTH
    return (monthly_labels * usable_label_cost(p, "current_vendor"),
            monthly_labels * usable_label_cost(p, "new_vendor"))


def break_even_months(total: np.ndarray, current: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Months until the monthly saving repays the switching cost; inf where there is no saving."""
    saving = current - new
    out = np.full(np.shape(total), np.inf)
    np.divide(total, saving, out=out, where=saving > 0)
    return out
