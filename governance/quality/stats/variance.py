"""Gwet's analytic variance of multi-rater agreement coefficients (Handbook of Inter-Rater
Reliability, 4th ed., ch. 5), computed over item profiles so it is exact and linear in items.

Each coefficient c is linearised per item: c_i* = c_i - 2 (1 - c) (pe_i - pe) / (1 - pe), and
var(c) = (1 - f) / (n (n - 1)) * sum_i (c_i* - c)^2 with f the sampling fraction (0: a delivery
treated as a sample of an unlimited stream). Intervals use Student's t with n - 1 degrees of
freedom, as irrCAC and AgreeStat print them.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats


def linearised_variance(
    contrib: np.ndarray, weight: np.ndarray, coefficient: float, n: float, fraction: float = 0.0
) -> float:
    """(1 - f) / (n (n - 1)) * sum over items of (c_i* - c)^2, items given as weighted profiles."""
    if n < 2:
        return math.nan
    return float((1 - fraction) / (n * (n - 1)) * (weight * (contrib - coefficient) ** 2).sum())


def t_interval(value: float, se: float, n: float, confidence: float) -> tuple[float, float]:
    """value -/+ t(n - 1) * se, clipped to [-1, 1] (irrCAC clips the upper bound at 1)."""
    half = float(stats.t.ppf(0.5 + confidence / 2, max(n - 1, 1))) * se
    return max(value - half, -1.0), min(value + half, 1.0)


def t_interval_label(confidence: float, convention: str) -> str:
    """How the analytic interval was made, for `Estimate.ci_method`."""
    return f"Gwet's linearised variance ({convention}), Student t with n-1 df, {confidence:.0%}, clipped to [-1, 1]"
