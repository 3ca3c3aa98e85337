"""Rank correlation between switching-cost inputs: Iman-Conover (1982) reorders each input's own
draws so their ranks follow a target correlation, which keeps every marginal exactly; an expert's
matrix that is not a valid correlation matrix is repaired to the nearest one (Higham 2002)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from migration.distributions import Estimate

_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02,
      1.383577518672690e02, -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02,
      6.680131188771972e01, -1.328068155288572e01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00,
      -2.549732539343734e00, 4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)


def normal_quantile(p: np.ndarray) -> np.ndarray:
    """Standard normal quantiles for 0 < p < 1 (Acklam's rational approximation, rel. error 1e-9)."""
    p = np.asarray(p, dtype=np.float64)
    out = np.empty_like(p)
    lo, hi = p < 0.02425, p > 1 - 0.02425
    mid = ~(lo | hi)
    q = p[mid] - 0.5
    r = q * q
    out[mid] = (((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q / \
        (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1)
    for mask, sign in ((lo, 1.0), (hi, -1.0)):
        t = np.sqrt(-2 * np.log(np.where(sign > 0, p[mask], 1 - p[mask])))
        out[mask] = sign * (((((_C[0] * t + _C[1]) * t + _C[2]) * t + _C[3]) * t + _C[4]) * t + _C[5]) / \
            ((((_D[0] * t + _D[1]) * t + _D[2]) * t + _D[3]) * t + 1)
    return out


class RankCorrelation(BaseModel):
    """A target rank correlation between some ranged inputs, keyed `section.field`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    inputs: list[str] = Field(min_length=2, description="Inputs the matrix correlates, in its order")
    matrix: list[list[float]] = Field(description="Symmetric, 1 on the diagonal, entries in [-1, 1]")

    @model_validator(mode="after")
    def _shape(self) -> RankCorrelation:
        n = len(self.inputs)
        if len(set(self.inputs)) != n:
            raise ValueError("an input is listed twice")
        if len(self.matrix) != n:
            raise ValueError(f"the matrix has {len(self.matrix)} rows for {n} inputs; it must be {n} x {n}")
        for i, row in enumerate(self.matrix, 1):
            if len(row) != n:
                raise ValueError(f"row {i} has {len(row)} values; the matrix must be {n} x {n}")
        a = np.array(self.matrix, dtype=np.float64)
        bad = [(i + 1, j + 1) for i, j in zip(*np.nonzero(~np.isfinite(a) | (np.abs(a) > 1)), strict=True)]
        if bad:
            raise ValueError(f"entries must be between -1 and 1 (row, column): {bad[:5]}")
        if not np.allclose(np.diag(a), 1.0):
            raise ValueError("the diagonal must be 1 (each input with itself)")
        asym = [(i + 1, j + 1) for i, j in zip(*np.nonzero(np.abs(a - a.T) > 1e-9), strict=True) if i < j]
        if asym:
            raise ValueError(f"the matrix must be symmetric; (row, column) {asym[:5]} differ from "
                             "their mirror")
        return self


def nearest_correlation(a: np.ndarray, *, tol: float = 1e-10, max_iter: int = 1000) -> np.ndarray:
    """Higham's (2002) alternating projections with Dykstra's correction: the correlation matrix
    nearest to `a` in the Frobenius norm."""
    y = np.array(a, dtype=np.float64)
    ds = np.zeros_like(y)
    for _ in range(max_iter):
        r = y - ds
        vals, vecs = np.linalg.eigh((r + r.T) / 2)
        x = (vecs * np.maximum(vals, 0)) @ vecs.T
        ds = x - r
        y_new = x.copy()
        np.fill_diagonal(y_new, 1.0)
        if float(np.linalg.norm(y_new - y, "fro")) <= tol * max(1.0, float(np.linalg.norm(y, "fro"))):
            y = y_new
            break
        y = y_new
    return (y + y.T) / 2


class CorrelationUse(BaseModel):
    """The matrix the simulation used, whether it had to be repaired, and what the draws show."""

    inputs: list[str]
    target: list[list[float]]
    used: list[list[float]]
    repaired: bool
    max_change: float
    achieved: list[list[float]]
    note: str

    def to_payload(self) -> dict[str, Any]:
        """Rounded for JSON and reports."""
        def r(m: list[list[float]]) -> list[list[float]]:
            return [[round(v, 4) for v in row] for row in m]
        return {"inputs": self.inputs, "target": r(self.target), "used": r(self.used),
                "repaired": self.repaired, "max_change": round(self.max_change, 4),
                "achieved": r(self.achieved), "note": self.note}


def valid_matrix(target: np.ndarray) -> tuple[np.ndarray, bool]:
    """(a positive-definite correlation matrix, whether the target had to be repaired: True only
    when it is not positive semi-definite; a singular but valid one, such as a correlation of 1, is
    only moved a hair inside the cone so the Cholesky factor exists)."""
    smallest = np.linalg.eigvalsh(target).min()
    if smallest > 1e-10:
        return target, False
    repaired = smallest < -1e-10
    fixed = nearest_correlation(target) if repaired else target
    eps = 1e-8  # the change is far below any judgement
    fixed = (1 - eps) * fixed + eps * np.eye(len(fixed))
    return fixed, bool(repaired)


def _ranks(x: np.ndarray) -> np.ndarray:
    """0-based ranks of each column (ties by position: draws of continuous inputs do not tie)."""
    order = np.argsort(x, axis=0)
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(x.shape[0])[:, None], axis=0)
    return ranks


def spearman(x: np.ndarray) -> np.ndarray:
    """Spearman rank correlation matrix of the columns."""
    if x.shape[0] < 2:
        return np.eye(x.shape[1])
    return np.corrcoef(_ranks(x), rowvar=False).reshape(x.shape[1], x.shape[1])


def iman_conover(samples: np.ndarray, target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The columns of `samples` (n x k) reordered so their rank correlation follows `target`
    (positive definite); each column keeps exactly its own values."""
    n, k = samples.shape
    if n < k + 1:
        return samples.copy()
    half = normal_quantile(np.arange(1, n // 2 + 1) / (n + 1))  # van der Waerden scores, symmetric
    scores = np.concatenate([half, np.zeros(n % 2), -half[::-1]])
    m = np.stack([rng.permutation(scores) for _ in range(k)])  # k x n, rows contiguous
    q = np.linalg.cholesky(np.corrcoef(m))
    p = np.linalg.cholesky(target)
    t = p @ np.linalg.solve(q, m)  # rows now correlate as P P^T = target
    out = np.empty_like(samples)
    for j in range(k):  # the draw with the i-th smallest score takes the i-th smallest value
        out[np.argsort(t[j]), j] = np.sort(samples[:, j])
    return out


def correlate(inputs: dict[str, np.ndarray], spec: RankCorrelation, rng: np.random.Generator,
              check_rows: int = 50_000) -> tuple[dict[str, np.ndarray], CorrelationUse]:
    """The inputs with the named ones reordered (Iman-Conover); the rest untouched. The achieved
    rank correlation is measured on the first `check_rows` draws."""
    target = np.array(spec.matrix, dtype=np.float64)
    used, repaired = valid_matrix(target)
    cols = np.column_stack([inputs[k] for k in spec.inputs])
    # normal scores with Pearson r have Spearman (6 / pi) asin(r / 2): invert so the ranks hit the target
    normal, _ = valid_matrix(2 * np.sin(np.pi * used / 6))
    reordered = iman_conover(cols, normal, rng)
    out = dict(inputs)
    for j, key in enumerate(spec.inputs):
        out[key] = reordered[:, j]
    achieved = spearman(reordered[:check_rows])
    change = float(np.abs(used - target).max())
    if cols.shape[0] < cols.shape[1] + 1:
        note = f"too few draws ({cols.shape[0]}) to impose a correlation between {cols.shape[1]} inputs"
    elif not repaired:
        note = "rank correlation imposed by Iman-Conover; each input keeps its own draws"
    else:
        note = ("the matrix given is not a valid correlation matrix (not positive semi-definite); "
                f"the nearest valid one (Higham 2002) was used instead, changing entries by up to "
                f"{change:.3f}")
    return out, CorrelationUse(inputs=list(spec.inputs), target=target.tolist(), used=used.tolist(),
                               repaired=repaired, max_change=change,
                               achieved=[[float(v) if math.isfinite(v) else 0.0 for v in row]
                                         for row in achieved], note=note)


def correlation_problems(spec: RankCorrelation, estimates: Mapping[str, Estimate]) -> list[str]:
    """Why the matrix's inputs cannot be correlated in this scenario (unknown, or a point)."""
    out = []
    for key in spec.inputs:
        if key not in estimates:
            out.append(f"correlation.inputs: unknown input {key!r}; use section.field, e.g. "
                       "sla_gap.gap_weeks")
        elif estimates[key].is_point:
            out.append(f"correlation.inputs: {key} is a single value; give it a range to correlate it")
    return out
