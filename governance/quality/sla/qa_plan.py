"""QA samples sized by statistics instead of a rule of thumb: the sample per category that
estimates a defect rate within a margin at a confidence (Cochran's formula with the finite-
population correction), or a single-sampling acceptance plan (n, c) meeting a producer's risk at
the acceptable quality level and a consumer's risk at the rejectable one (binomial), with its
operating-characteristic curve and the verdict on a reviewed sample."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy import stats

from governance.quality.stats.estimate import wilson_interval, z_value

MAX_PLAN_N = 100_000


class MarginRow(BaseModel):
    """Sample size of one category for a margin of error."""

    category: str
    delivered: int
    sample: int
    reviewed: int | None = None
    failed: int | None = None
    defect_rate: float | None = None
    ci: tuple[float, float] | None = None
    margin_met: bool | None = None


def margin_sample_size(delivered: int, margin: float, confidence: float, expected_rate: float = 0.5) -> int:
    """ceil(n0 / (1 + (n0 - 1) / N)), n0 = z^2 p (1 - p) / e^2 (Cochran 1977); at most N, and
    at least one item of a non-empty category."""
    if not 0 < margin < 1:
        raise ValueError(f"the margin must lie between 0 and 1, got {margin}")
    if not 0 < expected_rate < 1:
        raise ValueError(f"the expected defect rate must lie between 0 and 1, got {expected_rate}")
    if delivered <= 0:
        return 0
    z = z_value(confidence)
    n0 = z * z * expected_rate * (1 - expected_rate) / (margin * margin)
    n = n0 / (1 + (n0 - 1) / delivered)
    return int(min(delivered, max(1, math.ceil(n - 1e-9))))


def margin_plan(
    categories: dict[str, tuple[int, int, int]],
    margin: float,
    confidence: float = 0.95,
    expected_rate: float = 0.5,
) -> list[MarginRow]:
    """Per category (delivered, reviewed, failed): the sample size, and for what was reviewed
    the defect rate with its Wilson interval and whether its half-width is within the margin."""
    rows = []
    for name, (delivered, reviewed, failed) in categories.items():
        row = MarginRow(
            category=name, delivered=delivered, sample=margin_sample_size(delivered, margin, confidence, expected_rate)
        )
        if reviewed > 0:
            low, high = wilson_interval(failed, reviewed, confidence)
            row = row.model_copy(
                update={
                    "reviewed": reviewed, "failed": failed, "defect_rate": failed / reviewed,
                    "ci": (float(low), float(high)), "margin_met": (float(high) - float(low)) / 2 <= margin,
                }
            )  # fmt: skip
        rows.append(row)
    return rows


class AcceptancePlan(BaseModel):
    """Single sampling plan: review n items of a lot, accept when at most c fail."""

    model_config = ConfigDict(frozen=True)

    aql: float = Field(gt=0, lt=1, description="acceptable quality level (defect rate the producer may deliver)")
    ltpd: float = Field(gt=0, lt=1, description="rejectable quality level (lot tolerance percent defective)")
    producer_risk: float = Field(0.05, gt=0, lt=1, description="alpha: chance of rejecting a lot at the AQL")
    consumer_risk: float = Field(0.10, gt=0, lt=1, description="beta: chance of accepting a lot at the LTPD")
    n: int
    c: int
    method: str = "single sampling, binomial operating characteristic"

    @model_validator(mode="after")
    def _ordered(self) -> AcceptancePlan:
        if self.aql >= self.ltpd:
            raise ValueError("the acceptable quality level must be below the rejectable one")
        return self

    def p_accept(self, p: np.ndarray | float) -> np.ndarray:
        """Operating characteristic: P(at most c failures in n | defect rate p)."""
        return np.asarray(stats.binom.cdf(self.c, self.n, np.asarray(p, float)))

    @property
    def actual_producer_risk(self) -> float:
        """P(reject | defect rate = AQL)."""
        return float(1 - self.p_accept(self.aql))

    @property
    def actual_consumer_risk(self) -> float:
        """P(accept | defect rate = LTPD)."""
        return float(self.p_accept(self.ltpd))

    def oc_curve(self, points: int = 41) -> list[tuple[float, float]]:
        """(defect rate, P(accept)) from 0 to twice the LTPD, for charts."""
        p = np.linspace(0, min(1.0, 2 * self.ltpd), points)
        return list(zip(p.tolist(), self.p_accept(p).tolist(), strict=True))

    def verdict(
        self, reviewed: int, failed: int, lot_size: int | None = None
    ) -> Literal["accept", "reject", "incomplete"]:
        """Reject as soon as c + 1 failed; accept at most c failures once n (or the whole lot, when
        smaller) was reviewed; otherwise the review is incomplete."""
        if failed > self.c:
            return "reject"
        need = self.n if lot_size is None else min(self.n, lot_size)
        return "accept" if reviewed >= need else "incomplete"

    def to_payload(self) -> dict[str, Any]:
        """JSON-ready plan with its achieved risks and OC curve."""
        return {
            **self.model_dump(mode="json"),
            "actual_producer_risk": self.actual_producer_risk,
            "actual_consumer_risk": self.actual_consumer_risk,
            "oc_curve": [{"defect_rate": p, "p_accept": a} for p, a in self.oc_curve()],
        }


def acceptance_plan(
    aql: float, ltpd: float, producer_risk: float = 0.05, consumer_risk: float = 0.10
) -> AcceptancePlan:
    """The smallest n (and its c) with P(accept | AQL) >= 1 - alpha and P(accept | LTPD) <= beta.

    For each n the best c is the largest meeting the consumer's risk (P(accept | AQL) grows with
    c), so the answer is the first n whose best c meets the producer's risk; n is scanned in
    vectorised blocks. Of the c at that n, the smallest whose least n for the consumer's risk is
    this n is kept (the plan a scan over c = 0, 1, ... finds first)."""
    if not (0 < aql < ltpd < 1):
        raise ValueError("need 0 < acceptable quality level < rejectable quality level < 1")
    for first in range(1, MAX_PLAN_N + 1, _BLOCK):
        n = np.arange(first, min(first + _BLOCK, MAX_PLAN_N + 1))
        best = _largest_c(n, ltpd, consumer_risk)
        ok = (best >= 0) & (stats.binom.cdf(best, n, aql) >= 1 - producer_risk)
        if ok.any():
            size = int(n[np.argmax(ok)])
            c = np.arange(0, int(best[np.argmax(ok)]) + 1)
            least_here = (c + 1 == size) | (stats.binom.cdf(c, size - 1, ltpd) > consumer_risk)
            keep = least_here & (stats.binom.cdf(c, size, aql) >= 1 - producer_risk)
            chosen = int(c[np.argmax(keep)]) if keep.any() else int(c[-1])
            return AcceptancePlan(
                aql=aql, ltpd=ltpd, producer_risk=producer_risk, consumer_risk=consumer_risk, n=size, c=chosen
            )
    raise ValueError(f"no plan with at most {MAX_PLAN_N:,} items meets both risks; widen the gap between AQL and LTPD")


_BLOCK = 4096


def _largest_c(n: np.ndarray, p: float, beta: float) -> np.ndarray:
    """Per n, the largest c < n with binom.cdf(c, n, p) <= beta (-1 when even c = 0 exceeds it)."""
    k = np.asarray(stats.binom.ppf(beta, n, p), dtype=np.int64)  # smallest k with cdf(k) >= beta
    c = np.where(stats.binom.cdf(k, n, p) <= beta, k, k - 1)
    while True:  # guard against ppf landing one off in floating point
        over = (c >= 0) & (stats.binom.cdf(c, n, p) > beta)
        under = (c + 1 < n) & (stats.binom.cdf(c + 1, n, p) <= beta)
        if not (over.any() or under.any()):
            return np.minimum(c, n - 1)
        c = c - over + under
