"""Estimates as points or three-point ranges, and their vectorised draws (PERT or triangular)."""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

Distribution = Literal["pert", "triangular"]


class Estimate(BaseModel):
    """A figure as low / most likely / high; all three equal is a point."""

    model_config = ConfigDict(frozen=True)

    low: float
    most_likely: float
    high: float
    distribution: Distribution = "pert"

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, value: Any) -> Any:
        """Accept 12, [10, 12, 15], {value: 12} or {low, most_likely, high[, distribution]}."""
        if isinstance(value, bool):
            raise ValueError("expected a number or a range, not true/false")
        if isinstance(value, int | float):
            return {"low": value, "most_likely": value, "high": value}
        if isinstance(value, list | tuple):
            if len(value) != 3:
                raise ValueError("a range needs three numbers: [low, most_likely, high]")
            return {"low": value[0], "most_likely": value[1], "high": value[2]}
        if isinstance(value, dict):
            value = dict(value)
            if "value" in value:
                v = value.pop("value")
                value.update(low=v, most_likely=v, high=v)
            if "mode" in value and "most_likely" not in value:
                value["most_likely"] = value.pop("mode")
            ml = value.get("most_likely")
            if ml is not None:
                value.setdefault("low", ml)
                value.setdefault("high", ml)
        return value

    @model_validator(mode="after")
    def _ordered(self) -> Estimate:
        values = (self.low, self.most_likely, self.high)
        if not all(math.isfinite(v) for v in values):
            raise ValueError("low, most_likely and high must be finite numbers")
        if not self.low <= self.most_likely <= self.high:
            raise ValueError(
                f"needs low <= most_likely <= high, got {self.low}, {self.most_likely}, {self.high}"
            )
        return self

    @classmethod
    def point(cls, value: float) -> Estimate:
        """A known figure."""
        return cls(low=value, most_likely=value, high=value)

    @property
    def is_point(self) -> bool:
        """True when the range has collapsed to one value."""
        return self.low == self.high

    def collapsed(self) -> Estimate:
        """The same estimate with its range collapsed onto the most likely value."""
        return Estimate.point(self.most_likely)

    def shape(self) -> tuple[float, float]:
        """PERT beta parameters (alpha, beta) with the classic weight 4 on the mode."""
        span = self.high - self.low
        return (1 + 4 * (self.most_likely - self.low) / span,
                1 + 4 * (self.high - self.most_likely) / span)

    def mean(self) -> float:
        """Expected value of the distribution."""
        if self.distribution == "pert":
            return (self.low + 4 * self.most_likely + self.high) / 6
        return (self.low + self.most_likely + self.high) / 3


def draw(estimate: Estimate, n: int, rng: np.random.Generator) -> np.ndarray:
    """n draws as a float64 array; a point gives the value itself and consumes no randomness."""
    out = raw_draw(estimate, n, rng)
    if estimate.is_point or estimate.distribution == "triangular":
        return out
    out *= estimate.high - estimate.low
    out += estimate.low
    return out


def raw_draw(estimate: Estimate, n: int, rng: np.random.Generator) -> np.ndarray:
    """Only the underlying numpy draw (the benchmark's floor): beta or triangular, unscaled."""
    if estimate.is_point:
        return np.full(n, estimate.most_likely, dtype=np.float64)
    if estimate.distribution == "triangular":
        return rng.triangular(estimate.low, estimate.most_likely, estimate.high, n)
    a, b = estimate.shape()
    return rng.beta(a, b, n)
