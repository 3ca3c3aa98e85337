"""What one SLA check found: per term result with evidence and remedy, the tables per category,
class, annotator and week, and the report that `sla-check`, the app and the reports all read."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from contracts.realism import RealismCheck
from governance.quality.sla.drift import DriftReport
from governance.quality.sla.qa import CoverageRow
from governance.quality.sla.timeliness import WeekVolume

Status = Literal["pass", "fail", "inconclusive"]
TIER_RULE = {
    "critical": "passes only when the whole 95% interval clears the threshold",
    "standard": "decided on the point value",
}


class Evidence(BaseModel):
    """One group behind a term's result (a category, week or the scope itself)."""

    group: str
    value: float | None
    ci: tuple[float, float] | None = None
    n: int
    status: Status
    note: str | None = None


class RemedyOwed(BaseModel):
    """The credit a failing term triggers."""

    kind: str
    breaches: int
    amount: float
    cap: float | None


class TermResult(BaseModel):
    """The verdict on one term, with everything needed to argue it."""

    id: str | None
    metric: str
    method: str
    scope: str
    tier: str
    status: Status
    value: float | None
    ci: tuple[float, float] | None
    threshold: float
    comparator: str
    n: int
    min_sample: int
    reason: str | None = None
    evidence: list[Evidence]
    remedy: RemedyOwed | None
    notes: list[str] = []
    realism: list[RealismCheck] = []

    def to_payload(self) -> dict[str, Any]:
        """The term in the documented `sla-check` JSON shape: the result, then why (tier and its rule,
        the reason when inconclusive or failed on the interval, notes, realism checks)."""
        return {
            "metric": self.metric,
            "scope": self.scope,
            "status": self.status,
            "value": self.value,
            "ci": list(self.ci) if self.ci else None,
            "threshold": self.threshold,
            "comparator": self.comparator,
            "n": self.n,
            "evidence": [e.model_dump() | {"ci": list(e.ci) if e.ci else None} for e in self.evidence],
            "remedy": self.remedy.model_dump() if self.remedy else None,
            "id": self.id,
            "method": self.method,
            "min_sample": self.min_sample,
            "tier": self.tier,
            "tier_rule": TIER_RULE[self.tier],
            "reason": self.reason,
            "notes": list(self.notes),
            "realism": [r.model_dump() for r in self.realism],
        }


class CategoryRow(BaseModel):
    """Per-category figures for reports and the app."""

    category: str
    items: int
    annotations: int
    reviewed: int
    failed: int
    defect_rate: float | None
    qa_coverage: float | None
    gold_annotations: int
    accuracy: float | None
    percent_agreement: float | None
    kappa: float | None
    kappa_method: str | None


class ClassRow(BaseModel):
    """Precision, recall and F1 of one label against gold; F1 = 2TP / (2TP + FP + FN), so 0 for a gold
    class never delivered (as scikit-learn), None only for a label absent from gold and delivery."""

    label: str
    support: int
    predicted: int
    precision: float | None
    recall: float | None
    f1: float | None
    note: str | None = None


class Confusion(BaseModel):
    """Gold (rows) x delivered label (columns), annotations on gold items."""

    labels: list[str]
    matrix: list[list[int]]
    classes: list[ClassRow]


class AnnotatorRow(BaseModel):
    """One annotator's volume, accuracy on gold and QA defect rate."""

    annotator: str
    annotations: int
    gold_annotations: int
    accuracy: float | None
    reviewed: int
    defect_rate: float | None


class SlaReport(BaseModel):
    """Everything `sla-check`, the app and the report builder show about one delivery."""

    contract: str
    delivery: str
    currency: str
    verdict: Status
    credits: float
    terms: list[TermResult]
    n_annotations: int
    n_items: int
    n_annotators: int
    categories: list[CategoryRow]
    coverage: list[CoverageRow]
    confusion: Confusion
    annotators: list[AnnotatorRow]
    weekly: list[WeekVolume]
    drift: DriftReport
    warnings: list[str]
    label_order: str = "label set"

    def to_payload(self) -> dict[str, Any]:
        """The documented JSON: {"verdict", "credits", "terms": [...]} and every table the app and the
        PDF show (per category, QA coverage, confusion with per-class P/R/F1, annotators, weeks, drift)."""
        return {
            "verdict": self.verdict,
            "credits": self.credits,
            "terms": [t.to_payload() for t in self.terms],
            "contract": self.contract,
            "delivery": self.delivery,
            "currency": self.currency,
            "n_annotations": self.n_annotations,
            "n_items": self.n_items,
            "n_annotators": self.n_annotators,
            "label_order": self.label_order,
            "by_category": [r.model_dump() for r in self.categories],
            "qa_coverage": [r.model_dump() for r in self.coverage],
            "confusion": self.confusion.model_dump(),
            "annotators": [r.model_dump() for r in self.annotators],
            "weekly": [w.model_dump() for w in self.weekly],
            "drift": self.drift.model_dump(),
            "warnings": list(self.warnings),
        }
