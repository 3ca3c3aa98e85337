"""What the store hands back and takes in: pydantic models, detached from any session."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from governance.quality.vendors.history import DeliveryMeasures

DimensionKey = Literal["workforce", "security", "quality_sla", "ai_throughput", "commercial"]
DocumentKind = Literal["rubric", "scenario", "taxonomy", "mapping", "sla_terms"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class ProgramRecord(_Record):
    """A procurement program."""

    id: int
    name: str
    description: str
    is_demo: bool
    created_at: datetime


class ProviderRecord(_Record):
    """An annotation provider within a program."""

    id: int
    program_id: int
    name: str
    notes: str
    created_at: datetime


class EvaluationRecord(_Record):
    """One evaluator's score for a provider on a dimension (criterion None: the whole dimension)."""

    id: int
    program_id: int
    provider_id: int
    evaluator: str
    dimension: str
    criterion: str | None
    score: float | None
    comment: str
    evidence: str
    kpis: dict[str, Any]
    updated_at: datetime
    version: int


class AuditRecord(_Record):
    """One change of a score: who, when, old, new, why."""

    id: int
    evaluation_id: int
    provider_id: int
    evaluator: str
    dimension: str
    criterion: str | None
    changed_by: str
    changed_at: datetime
    old_score: float | None
    new_score: float | None
    comment: str
    note: str = ""


class DocumentRecord(_Record):
    """A named JSON document of a program (rubric, scenario, taxonomy, mapping, SLA terms)."""

    id: int
    program_id: int
    kind: DocumentKind
    name: str
    data: dict[str, Any]
    version: int
    created_at: datetime
    updated_at: datetime
    updated_by: str = ""


class CheckResultRecord(_Record):
    """A stored check outcome (kind e.g. "sla", "contract") with its JSON payload."""

    id: int
    program_id: int
    kind: str
    label: str
    payload: dict[str, Any]
    created_at: datetime
    created_by: str = ""
    delivery_id: int | None = None
    provider: str | None = None
    guideline_version: str | None = None
    delivered_on: str | None = None


class DeliveryOf(BaseModel):
    """Whose delivery a check is (a provider of the program, the guideline version, the date) and what
    it measured: saved with the check, it is that provider's delivery in the vendor history."""

    provider: str
    guideline_version: str
    delivered_on: date
    measures: DeliveryMeasures
    label: str | None = None


class ScoreEdit(BaseModel):
    """A change an evaluator makes to one evaluation, as a page or an import submits it.

    expected_version: the version the editor loaded (0 = "there was no row"); None skips the check
    (a deliberate overwrite such as a re-import; still audited). kpis None keeps the stored ones.
    """

    model_config = ConfigDict(frozen=True)

    provider_id: int
    evaluator: str = Field(min_length=1, max_length=200)
    dimension: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")  # a rubric dimension key (extras allowed)
    criterion: str | None = Field(default=None, max_length=200)
    score: float | None = None
    comment: str = ""
    evidence: str = ""
    kpis: dict[str, Any] | None = None
    expected_version: int | None = None

    @field_validator("evaluator")
    @classmethod
    def _strip_evaluator(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("evaluator must not be blank")
        return value

    @field_validator("criterion")
    @classmethod
    def _blank_criterion_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @field_validator("score")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("score must be a finite number or empty")
        return value
