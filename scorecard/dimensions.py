"""The five scorecard dimensions, their JSON keys and default weights, and the bands."""

from __future__ import annotations

from typing import Final, Literal

DimensionKey = Literal["workforce", "security", "quality_sla", "ai_throughput", "commercial"]

DIMENSION_KEYS: Final[tuple[DimensionKey, ...]] = (
    "workforce",
    "security",
    "quality_sla",
    "ai_throughput",
    "commercial",
)
DIMENSION_NAMES: Final[dict[str, str]] = {
    "workforce": "Workforce model",
    "security": "Security & compliance",
    "quality_sla": "Quality SLA",
    "ai_throughput": "AI-assisted throughput",
    "commercial": "Commercial flexibility",
}
DEFAULT_WEIGHTS: Final[dict[str, float]] = {
    "workforce": 25.0,
    "security": 20.0,
    "quality_sla": 25.0,
    "ai_throughput": 15.0,
    "commercial": 15.0,
}

SCORE_MIN: Final = 1.0
SCORE_MAX: Final = 5.0

BAND_MATERIAL_RISK: Final = "material delivery risk"
BAND_OVERSIGHT: Final = "viable with enhanced oversight"
BAND_ENTERPRISE: Final = "enterprise-grade"
BANDS: Final[tuple[str, ...]] = (BAND_MATERIAL_RISK, BAND_OVERSIGHT, BAND_ENTERPRISE)
BAND_FLOORS: Final[tuple[float, float]] = (60.0, 75.0)


def formula_text(floors: tuple[float, float] = BAND_FLOORS) -> str:
    """The formula and the band rule under the given band floors, in words."""
    low, high = floors
    return (
        "total = sum over dimensions of weight x score / 5, with weights summing to 100 and scores "
        f"from 1 to 5 (all 5s give 100, all 3s give 60). Bands on the exact total: below {low:g} material "
        f"delivery risk; {low:g} up to but not including {high:g} viable with enhanced oversight; {high:g} "
        "and above enterprise-grade; a knock-out gate sets material delivery risk and ranks the provider "
        "after every eligible one"
    )


FORMULA: Final = formula_text()

# Totals are sums of weight x score / 5; rounding away float noise (1e-9) before banding keeps
# 74.99999999999 from a decimal score on the right side of 75 without moving any real total.
_BAND_DIGITS: Final = 9


def band_of(total: float, floors: tuple[float, float] = BAND_FLOORS) -> str:
    """The band of an exact weighted total under the rubric's band floors."""
    value = round(total, _BAND_DIGITS)
    if value < floors[0]:
        return BAND_MATERIAL_RISK
    if value < floors[1]:
        return BAND_OVERSIGHT
    return BAND_ENTERPRISE
