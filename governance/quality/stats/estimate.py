"""The result of one statistic: a value or the reason it has none, its interval and method."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

ONE_CATEGORY = "only one category was used, so chance agreement is 1 and the coefficient is undefined"
NO_PAIRS = "no item has two or more annotations, so there is nothing to compare"
NO_SHARED = "the two annotators share no items"


class Estimate(BaseModel):
    """A coefficient or rate; `value` is None exactly when `undefined_reason` says why."""

    model_config = ConfigDict(frozen=True)

    value: float | None
    ci: tuple[float, float] | None = None
    se: float | None = None
    n_items: int = 0
    n_annotations: int = 0
    undefined_reason: str | None = None
    method: str
    ci_method: str | None = None

    @model_validator(mode="after")
    def _value_or_reason(self) -> Estimate:
        if self.value is None and not self.undefined_reason:
            raise ValueError("an undefined estimate needs a reason")
        if self.value is not None and not math.isfinite(self.value):
            raise ValueError(f"estimate value must be finite, got {self.value!r}")
        return self

    @property
    def defined(self) -> bool:
        """True when there is a value."""
        return self.value is not None


def undefined(reason: str, method: str, n_items: int = 0, n_annotations: int = 0) -> Estimate:
    """An estimate with no value, carrying the reason."""
    return Estimate(
        value=None,
        n_items=n_items,
        n_annotations=n_annotations,
        undefined_reason=reason,
        method=method,
    )


def z_value(confidence: float) -> float:
    """Two-sided standard-normal quantile for a confidence level (1.959964 for 0.95)."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(
    successes: np.ndarray | int, n: np.ndarray | int, confidence: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for binomial rates, vectorised; NaN bounds where n == 0."""
    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = z_value(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        denom = 1 + z * z / m
        centre = (p + z * z / (2 * m)) / denom
        half = z * np.sqrt(p * (1 - p) / m + z * z / (4 * m * m)) / denom
        low = np.where(m > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
        high = np.where(m > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    return low, high


def rate(successes: int, n: int, method: str, confidence: float = 0.95) -> Estimate:
    """A proportion with its Wilson interval; undefined when nothing was observed."""
    if n <= 0:
        return undefined("no observations", method)
    low, high = wilson_interval(successes, n, confidence)
    return Estimate(
        value=successes / n,
        ci=(float(low), float(high)),
        n_items=int(n),
        n_annotations=int(n),
        method=method,
        ci_method=f"Wilson score interval, {confidence:.0%}",
    )

