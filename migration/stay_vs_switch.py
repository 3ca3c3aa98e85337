"""Stay with the current vendor or switch: payback month, chance of paying back, cost in fees."""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, Field

from migration.cost_model import (
    break_even_months,
    monthly_fees,
    monthly_labels,
    staffed,
    team_monthly_cost,
)


class StayVsSwitchResult(BaseModel):
    """Switching against staying over the remaining horizon."""

    horizon_months: float
    current_monthly_fee: float = Field(description="Current vendor, usable labels, most likely")
    new_monthly_fee: float = Field(description="New vendor, usable labels, most likely")
    monthly_saving: float
    break_even_month: float | None = Field(description="At the most likely inputs")
    break_even_month_p50: float | None = Field(
        description="Median over the simulations of each draw's break-even month; None = never")
    break_even_month_p90: float | None = Field(
        description="90th percentile of the break-even month (the cautious plan); None = never")
    break_even_reason: str | None = None
    probability_switch_cheaper: float = Field(
        description="Share of simulations where switching costs less within the horizon")
    current_fee_basis: str = Field("", description="How the current monthly fee is made up")
    new_fee_basis: str = Field("", description="How the new monthly fee is made up")
    cost_in_months_of_current_fees: dict[str, float | None]
    stay_cost_over_horizon: float
    switch_cost_over_horizon: float


def fee_basis(p: dict[str, np.ndarray], vendor: str, horizon: float) -> str:
    """The monthly fee's arithmetic at the most likely inputs, in words and numbers."""
    if staffed(p, vendor):
        ftes, hours, rate = (float(p[f"{vendor}.{k}"][0]) for k in ("ftes", "hours_per_month", "hourly_rate"))
        team = float(team_monthly_cost(p, vendor)[0])
        milestones = float(p[f"{vendor}.milestone_payments"][0])
        text = f"staffing: {ftes:,.4g} FTEs x {hours:,.4g} h/month x {rate:,.2f}/h = {team:,.2f}"
        if milestones:
            text += f" + milestones {milestones:,.2f} / {horizon:g} months = {team + milestones / horizon:,.2f}"
        return text
    labels = float(monthly_labels(p)[0])
    price, fpy = float(p[f"{vendor}.price_per_label"][0]), float(p[f"{vendor}.first_pass_yield"][0])
    return (
        f"per label: {labels:,.0f} labels/month x {price:.4g} / first-pass yield {fpy:.4g} "
        f"= {labels * price / fpy:,.2f}"
    )


def _month(value: float) -> float | None:
    return None if not np.isfinite(value) else float(value)


def stay_vs_switch(
    horizon: float,
    ml_inputs: dict[str, np.ndarray],
    ml_total: float,
    draws: dict[str, np.ndarray],
    totals: np.ndarray,
    total_p50: float,
    total_p90: float,
) -> StayVsSwitchResult:
    """Compare over `horizon` months; break-even percentiles are taken over the draws."""
    cur_ml, new_ml = (float(x[0]) for x in monthly_fees(ml_inputs, horizon))
    be_ml = break_even_months(np.array([ml_total]), np.array([cur_ml]), np.array([new_ml]))[0]
    cur, new = monthly_fees(draws, horizon)
    be = break_even_months(totals, cur, new)
    # an order statistic (not interpolation) so "never" (inf) survives as a percentile
    p50, p90 = np.percentile(be, [50, 90], method="inverted_cdf")
    reason = None
    never = float(np.mean(~np.isfinite(be)))
    if not np.isfinite(p90):
        reason = (f"in {never:.0%} of simulations the new vendor is not cheaper per usable label, "
                  "so switching never pays back")
    cheaper = float(np.mean(totals + horizon * new < horizon * cur))
    months = {"deterministic": ml_total / cur_ml if cur_ml > 0 else None,
              "p50": total_p50 / cur_ml if cur_ml > 0 else None,
              "p90": total_p90 / cur_ml if cur_ml > 0 else None}
    return StayVsSwitchResult(
        horizon_months=horizon, current_monthly_fee=cur_ml, new_monthly_fee=new_ml,
        monthly_saving=cur_ml - new_ml, break_even_month=_month(be_ml),
        break_even_month_p50=_month(p50), break_even_month_p90=_month(p90),
        break_even_reason=reason, probability_switch_cheaper=cheaper,
        current_fee_basis=fee_basis(ml_inputs, "current_vendor", horizon),
        new_fee_basis=fee_basis(ml_inputs, "new_vendor", horizon),
        cost_in_months_of_current_fees=months,
        stay_cost_over_horizon=horizon * cur_ml,
        switch_cost_over_horizon=ml_total + horizon * new_ml,
    )
