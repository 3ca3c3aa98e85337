"""Tests that say whether a measured difference is real: exact McNemar for two providers judged on
the same gold items, Holm's step-down adjustment across categories, and a one-sided two-proportion
z-test for a drop between two deliveries.

    mcnemar_exact(b, c) -> PairedTest
    holm(p_values) -> adjusted p-values in the same order
    proportion_drop(k_before, n_before, k_after, n_after) -> DropTest
    rate_drop(...) -> DropTest: the same question with a stated minimum sample (`RATE_TEST_RULE`)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

from pydantic import BaseModel, ConfigDict
from scipy.stats import binom, hypergeom

from scorecard.measured import MIN_COUNT

MCNEMAR_METHOD = (
    "exact McNemar: two-sided binomial test of b against b + c discordant gold items at p = 1/2, "
    "p = min(1, 2 * P(X <= min(b, c)))"
)
DROP_METHOD = "one-sided two-proportion z-test with the pooled rate (H1: the later rate is lower)"
FISHER_METHOD = "one-sided Fisher exact test (H1: the later rate is lower; p = hypergeometric P(X <= k_after))"
MIN_GROUP = MIN_COUNT
NORMAL_CELLS = 10
RATE_TEST_RULE = (
    f"each group needs at least {MIN_GROUP} observations, else 'too few items' and no verdict; with at least "
    f"{NORMAL_CELLS} successes and {NORMAL_CELLS} failures in each group the z-test (the usual normal-approximation "
    "rule), otherwise Fisher's exact test"
)


class PairedTest(BaseModel):
    """Exact McNemar on paired right/wrong outcomes; `b` = only the first right, `c` = only the second."""

    model_config = ConfigDict(frozen=True)

    both_right: int
    b: int
    c: int
    both_wrong: int
    p_value: float
    method: str = MCNEMAR_METHOD


class DropTest(BaseModel):
    """Whether a rate fell between two periods; `p_value` None when the test has no variance."""

    model_config = ConfigDict(frozen=True)

    before: float | None
    after: float | None
    z: float | None
    p_value: float | None
    method: str = DROP_METHOD
    reason: str | None = None


def mcnemar_p(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value from the discordant counts (1.0 when there are none)."""
    if b < 0 or c < 0:
        raise ValueError("discordant counts must be non-negative")
    n = b + c
    if n == 0:
        return 1.0
    return min(1.0, 2 * float(binom.cdf(min(b, c), n, 0.5)))  # exact tail; a sum of big binomials took minutes


def mcnemar_exact(first_right: Sequence[bool], second_right: Sequence[bool]) -> PairedTest:
    """Exact McNemar over paired outcomes of the same items (same order, same length)."""
    if len(first_right) != len(second_right):
        raise ValueError("paired outcomes must have the same length")
    pairs = [(bool(a), bool(b)) for a, b in zip(first_right, second_right, strict=True)]
    b = sum(1 for a, s in pairs if a and not s)
    c = sum(1 for a, s in pairs if s and not a)
    both = sum(1 for a, s in pairs if a and s)
    return PairedTest(both_right=both, b=b, c=c, both_wrong=len(pairs) - both - b - c, p_value=mcnemar_p(b, c))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment (family-wise error), returned in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted


def proportion_drop(k_before: int, n_before: int, k_after: int, n_after: int) -> DropTest:
    """One-sided test that the rate k_after/n_after is below k_before/n_before (pooled variance)."""
    before = k_before / n_before if n_before > 0 else None
    after = k_after / n_after if n_after > 0 else None
    if before is None or after is None:
        return DropTest(before=before, after=after, z=None, p_value=None)
    pooled = (k_before + k_after) / (n_before + n_after)
    var = pooled * (1 - pooled) * (1 / n_before + 1 / n_after)
    if var <= 0:
        return DropTest(before=before, after=after, z=None, p_value=None)
    z = (before - after) / math.sqrt(var)
    return DropTest(before=before, after=after, z=z, p_value=NormalDist().cdf(-z))  # the upper tail, exact far out


def rate_drop(k_before: int, n_before: int, k_after: int, n_after: int, *, min_n: int = MIN_GROUP) -> DropTest:
    """`proportion_drop` under `RATE_TEST_RULE`: too few items (no p-value, a reason) below `min_n` in a
    group, Fisher's exact one-sided test where the normal approximation's rule is not met."""
    before = k_before / n_before if n_before > 0 else None
    after = k_after / n_after if n_after > 0 else None
    if min(n_before, n_after) < min_n:
        reason = f"too few items: {n_after} and {n_before}, each group needs at least {min_n}"
        return DropTest(before=before, after=after, z=None, p_value=None, reason=reason)
    if min(k_before, n_before - k_before, k_after, n_after - k_after) >= NORMAL_CELLS:
        return proportion_drop(k_before, n_before, k_after, n_after)
    p = float(hypergeom.cdf(k_after, n_before + n_after, k_before + k_after, n_after))
    return DropTest(before=before, after=after, z=None, p_value=min(1.0, p), method=FISHER_METHOD)
