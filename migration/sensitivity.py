"""Variance-based sensitivity beside the tornado: each ranged input's share of the total's
variance, from the Monte Carlo draws already made (no extra model runs).

- contribution to variance: squared rank correlation with the total, normalised to sum to 1
  (sign kept as the direction);
- first-order Sobol index Var(E[total | input]) / Var(total), estimated by averaging the total
  within equal-count bins of the input. With correlated inputs an index also carries the
  inputs it moves with, so indices can sum to more than 1; contributions always sum to 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

from migration.scenario import ParameterInfo

MAX_ROWS = 50_000  # estimates from the first 50,000 draws: sampling error about 0.005
BINS = 50


class SensitivityRow(BaseModel):
    """One ranged input's share of the variance of the total."""

    parameter: str
    label: str
    rank_correlation: float
    direction: str
    contribution: float
    first_order: float


class Sensitivity(BaseModel):
    """Rows largest contribution first, and how they were estimated."""

    rows: list[SensitivityRow]
    draws_used: int
    method: str

    def to_payload(self) -> dict[str, Any]:
        """Rounded for JSON and reports."""
        return {"method": self.method, "draws_used": self.draws_used,
                "rows": [{**r.model_dump(), "rank_correlation": round(r.rank_correlation, 4),
                          "contribution": round(r.contribution, 4),
                          "first_order": round(r.first_order, 4)} for r in self.rows]}


def sensitivity(inputs: Mapping[str, np.ndarray], total: np.ndarray,
                catalogue: Sequence[ParameterInfo], *, max_rows: int = MAX_ROWS,
                bins: int = BINS) -> Sensitivity:
    """Contribution to variance and first-order indices of every ranged input."""
    ranged = [c for c in catalogue if c.is_range]
    y = np.asarray(total, dtype=np.float64)[:max_rows]
    n = y.size
    method = (f"from the first {n:,} draws: contribution = squared rank correlation with the "
              f"total, normalised to sum to 1; first-order index = variance of the total's mean "
              f"within {bins} equal-count bins of the input over the total's variance")
    why = ("no input is a range" if not ranged else f"fewer than {2 * bins} draws" if n < 2 * bins
           else "the total does not vary" if float(np.var(y)) == 0.0 else None)
    if why is not None:
        rows = [SensitivityRow(parameter=c.key, label=c.label, rank_correlation=0.0, direction="none",
                               contribution=0.0, first_order=0.0) for c in ranged]
        return Sensitivity(rows=rows, draws_used=n, method=method + f" ({why}: nothing to apportion)")
    centred = np.arange(n, dtype=np.float64) - (n - 1) / 2  # ranks are a permutation of these
    norm = float(centred @ centred)
    bin_of_place = np.arange(n) * bins // n  # equal-count bins by the input's rank
    ry = np.empty(n)
    ry[np.argsort(y)] = centred
    var_y, mean_y = float(np.var(y)), float(y.mean())
    rho = np.zeros(len(ranged))
    s1 = np.zeros(len(ranged))
    rx = np.empty(n)
    bin_of = np.empty(n, dtype=np.int64)
    for i, c in enumerate(ranged):
        order = np.argsort(np.asarray(inputs[c.key], dtype=np.float64)[:max_rows])
        rx[order] = centred
        rho[i] = float(rx @ ry) / norm
        bin_of[order] = bin_of_place
        counts = np.bincount(bin_of, minlength=bins)
        means = np.bincount(bin_of, weights=y, minlength=bins) / counts
        s1[i] = float(counts @ (means - mean_y) ** 2) / n / var_y
    sq = rho ** 2
    share = sq / sq.sum() if sq.sum() > 0 else sq
    rows = [SensitivityRow(parameter=c.key, label=c.label, rank_correlation=float(rho[i]),
                           direction="raises" if rho[i] > 0 else "lowers" if rho[i] < 0 else "none",
                           contribution=float(share[i]), first_order=float(min(1.0, s1[i])))
            for i, c in enumerate(ranged)]
    rows.sort(key=lambda r: -r.contribution)
    return Sensitivity(rows=rows, draws_used=n, method=method)
