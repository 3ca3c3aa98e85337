"""SLA terms as data: what is measured, over which scope, against which threshold, and the remedy.

One model serves the contract profile (`contracts`), the delivery check (`governance`) and the app.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Metric = Literal[
    "accuracy",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "percent_agreement",
    "defect_rate",
    "qa_coverage",
    "on_time_rate",
    "weekly_throughput",
]
Comparator = Literal[">=", ">", "<=", "<"]
ScopeKind = Literal["overall", "each_category", "category", "task_type", "batch"]


class Scope(BaseModel):
    """Where a term applies: everything, every category separately, or one named group."""

    model_config = ConfigDict(frozen=True)

    kind: ScopeKind = "overall"
    value: str | None = None

    @model_validator(mode="after")
    def _value_matches_kind(self) -> Scope:
        named = self.kind in {"category", "task_type", "batch"}
        if named and not self.value:
            raise ValueError(f"scope {self.kind!r} needs a value, e.g. '{self.kind}:complex'")
        if not named and self.value:
            raise ValueError(f"scope {self.kind!r} takes no value")
        return self

    @classmethod
    def parse(cls, text: str) -> Scope:
        """'overall', 'each category', 'category:pedestrian', 'task_type:complex'."""
        raw = text.strip()
        kind, _, value = raw.partition(":")
        kind = kind.strip().lower().replace(" ", "_").replace("-", "_")
        return cls(kind=kind, value=value.strip() or None)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.kind if self.value is None else f"{self.kind}:{self.value}"


class Remedy(BaseModel):
    """What the vendor owes on a breach: a service credit or a fixed amount, optionally capped."""

    kind: Literal["percent_of_fee", "fixed_per_breach", "none"] = "none"
    amount: float = Field(0.0, ge=0)
    cap: float | None = Field(None, ge=0, description="Upper limit on the credit for this term")


class SlaTerm(BaseModel):
    """One measurable commitment."""

    id: str | None = None
    metric: Metric
    scope: Scope = Scope()
    comparator: Comparator = ">="
    threshold: float
    min_sample: int = Field(30, ge=1, description="Below this many observations: inconclusive")
    tier: Literal["critical", "standard"] = "standard"
    remedy: Remedy = Remedy()
    note: str | None = None

    @field_validator("scope", mode="before")
    @classmethod
    def _scope_from_text(cls, value: object) -> object:
        return Scope.parse(value) if isinstance(value, str) else value

    def holds(self, measured: float) -> bool:
        """Whether a measured value meets the term."""
        return {
            ">=": measured >= self.threshold,
            ">": measured > self.threshold,
            "<=": measured <= self.threshold,
            "<": measured < self.threshold,
        }[self.comparator]


class SlaTermSet(BaseModel):
    """The measurable part of a contract, with the contract's label set and period fee."""

    name: str = "SLA terms"
    currency: str = "USD"
    period_fee: float = Field(0.0, ge=0, description="Fee of the measured period; credits are % of it")
    label_set: list[str] | None = None
    committed_weekly_volume: int | None = Field(None, ge=0)
    terms: list[SlaTerm]

    @field_validator("label_set")
    @classmethod
    def _unique_labels(cls, labels: list[str] | None) -> list[str] | None:
        if labels is not None and len(set(labels)) != len(labels):
            raise ValueError("label_set lists a label twice")
        return labels


def default_term_set() -> SlaTermSet:
    """The evaluation framework's figures: kappa 0.80 complex / 0.85 simple, defects <= 1%,
    QA coverage >= 10% of each category."""
    return SlaTermSet(
        name="Default quality SLA",
        terms=[
            SlaTerm(
                id="kappa-complex",
                metric="cohen_kappa",
                scope="task_type:complex",
                threshold=0.80,
                tier="critical",
                min_sample=50,
            ),
            SlaTerm(
                id="kappa-simple",
                metric="cohen_kappa",
                scope="task_type:simple",
                threshold=0.85,
                tier="standard",
                min_sample=50,
            ),
            SlaTerm(
                id="defect-rate", metric="defect_rate", comparator="<=", threshold=0.01, tier="critical", min_sample=100
            ),
            SlaTerm(
                id="qa-coverage",
                metric="qa_coverage",
                scope="each_category",
                threshold=0.10,
                tier="standard",
                min_sample=1,
            ),
        ],
    )
