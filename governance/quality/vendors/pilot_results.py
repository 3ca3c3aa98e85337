"""What a pilot measured, per provider and per pair of providers, as `run_pilot` returns it."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from governance.quality.stats.estimate import Estimate
from governance.quality.vendors.prelabel import PrelabelEvidence
from scorecard.measured import MeasuredSuggestion


class CategoryAccuracy(BaseModel):
    """Right / shared gold items of one category for one provider, with the Wilson interval."""

    category: str
    right: int
    items: int
    accuracy: Estimate


class CategoryAgreement(BaseModel):
    """Agreement within one provider on one category's items (the delivery's category column), by the
    same coefficient and convention as the provider's overall figure; undefined below `MIN_DOUBLE`."""

    category: str
    double_labelled: int
    agreement: Estimate
    percent: float | None = None


class ProviderResult(BaseModel):
    """Everything measured about one provider in the pilot."""

    name: str
    delivery: str
    items: int
    annotations: int
    annotators: int
    accuracy: Estimate
    per_category: list[CategoryAccuracy]
    agreement: Estimate
    agreement_metric: str
    agreement_per_category: list[CategoryAgreement] = []
    defect_rate: float | None
    reviewed: int
    on_time: float | None
    weekly_throughput: float | None
    weeks: float
    price_per_label: float
    annotations_per_item: float
    cost_per_usable_label: float | None
    quality_suggestion: MeasuredSuggestion
    ai_evidence: PrelabelEvidence | None = None


class PairCategory(BaseModel):
    """McNemar on one category's shared gold items for one pair of providers."""

    category: str
    items: int
    first_right: int
    second_right: int
    b: int
    c: int
    p_value: float
    p_holm: float
    real: bool
    better: str | None


class PairResult(BaseModel):
    """Two providers compared: agreement of their answers and the paired tests per category."""

    first: str
    second: str
    shared_items: int
    kappa: Estimate
    percent_agreement: float | None
    overall: PairCategory
    categories: list[PairCategory]


class PilotReport(BaseModel):
    """The pilot side by side, with the rules that produced it."""

    name: str
    currency: str
    gold_set: str
    gold_version: int
    label_set: list[str]
    shared_items: int
    shared_gold_items: int
    categories: list[str]
    providers: list[ProviderResult]
    pairs: list[PairResult]
    alpha: float
    rules: dict[str, str]

    def to_payload(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return self.model_dump(mode="json")
