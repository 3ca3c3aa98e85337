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

MAX_ROWS = 100_000  # estimates from the first 100,000 draws: sampling error about 0.003
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


def _ranks(x: np.ndarray) -> np.ndarray:
    """0-based ranks along the last axis (ties broken by position)."""
    order = np.argsort(x, axis=-1)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.broadcast_to(np.arange(x.shape[-1]), x.shape), axis=-1)
    return ranks


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
    if not ranged or n < 2 * bins or float(np.var(y)) == 0.0:
        rows = [SensitivityRow(parameter=c.key, label=c.label, rank_correlation=0.0, direction="none",
                               contribution=0.0, first_order=0.0) for c in ranged]
        return Sensitivity(rows=rows, draws_used=n, method=method + " (the total does not vary: "
                           "nothing to apportion)")
    x = np.stack([np.asarray(inputs[c.key], dtype=np.float64)[:max_rows] for c in ranged])
    rx = _ranks(x).astype(np.float64)
    ry = _ranks(y).astype(np.float64)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean()
    rho = rx @ ry / np.sqrt((rx * rx).sum(axis=1) * (ry @ ry))
    rho = np.nan_to_num(rho)
    sq = rho ** 2
    share = sq / sq.sum() if sq.sum() > 0 else sq
    # first-order index: bins of equal count by the input's rank
    bin_of = ((rx + (n - 1) / 2) * bins // n).astype(np.int64)
    offsets = bin_of + (np.arange(len(ranged)) * bins)[:, None]
    sums = np.bincount(offsets.ravel(), weights=np.tile(y, len(ranged)),
                       minlength=len(ranged) * bins).reshape(len(ranged), bins)
    counts = np.bincount(offsets.ravel(), minlength=len(ranged) * bins).reshape(len(ranged), bins)
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    s1 = ((counts * (means - y.mean()) ** 2).sum(axis=1) / n) / float(np.var(y))
    rows = [SensitivityRow(parameter=c.key, label=c.label, rank_correlation=float(rho[i]),
                           direction="raises" if rho[i] > 0 else "lowers" if rho[i] < 0 else "none",
                           contribution=float(share[i]), first_order=float(min(1.0, s1[i])))
            for i, c in enumerate(ranged)]
    rows.sort(key=lambda r: -r.contribution)
    return Sensitivity(rows=rows, draws_used=n, method=method)
