"""What a report is built from: the JSON payloads of the scorecard, switching cost and SLA check.

The models mirror the shapes printed by `annogov score`, `switching-cost`, `taxonomy` and
`sla-check` (`--format json`); unknown keys are kept so a payload that grows still renders.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

DIMENSIONS: tuple[str, ...] = (
    "workforce",
    "security",
    "quality_sla",
    "ai_throughput",
    "commercial",
)
DIMENSION_LABELS: dict[str, str] = {
    "workforce": "Workforce model",
    "security": "Security & compliance",
    "quality_sla": "Quality SLA",
    "ai_throughput": "AI-assisted throughput",
    "commercial": "Commercial flexibility",
}
DIMENSION_SHORT: dict[str, str] = {
    "workforce": "Workforce",
    "security": "Security",
    "quality_sla": "Quality SLA",
    "ai_throughput": "AI throughput",
    "commercial": "Commercial",
}
AREAS: tuple[str, ...] = (
    "taxonomy_migration",
    "reannotation",
    "retraining",
    "sla_gap",
    "knowledge_loss",
)
AREA_LABELS: dict[str, str] = {
    "taxonomy_migration": "Taxonomy migration",
    "reannotation": "Re-annotation rework",
    "retraining": "Model retraining",
    "sla_gap": "SLA gap during ramp-up",
    "knowledge_loss": "Institutional knowledge loss",
}
BAND_RISK = "material delivery risk"
BAND_OVERSIGHT = "viable with enhanced oversight"
BAND_ENTERPRISE = "enterprise-grade"
BANDS: tuple[str, ...] = (BAND_ENTERPRISE, BAND_OVERSIGHT, BAND_RISK)
BAND_LOWER_OVERSIGHT = 60.0
BAND_LOWER_ENTERPRISE = 75.0
DEFAULT_TITLE = "Annotation provider governance report"
FORMULA = "total = sum over dimensions of weight x score / 5 (all 5s give 100, all 3s give 60)"

Scalar = str | int | float | bool | None


def band_for(
    total: float | None, floors: tuple[float, float] = (BAND_LOWER_OVERSIGHT, BAND_LOWER_ENTERPRISE)
) -> str | None:
    """The band of an exact total under the rubric's floors (float noise below 1e-9 ignored, as
    the scorecard does); None when there is no total."""
    if total is None:
        return None
    value = round(total, 9)
    if value < floors[0]:
        return BAND_RISK
    if value < floors[1]:
        return BAND_OVERSIGHT
    return BAND_ENTERPRISE


class _Open(BaseModel):
    """Payload models keep keys they do not know, so newer payloads still render."""

    model_config = ConfigDict(extra="allow")


class DimensionResult(_Open):
    """One provider's score on one dimension, its weighted points, the evaluators' spread and
    the cap a gate put on it."""

    score: float | None = None
    weighted: float | None = None
    spread: float | None = None
    cap: float | None = None


class ProviderResult(_Open):
    """One provider's row of the scorecard."""

    name: str
    total: float | None = None
    band: str | None = None
    rank: int | None = None
    complete: bool = True
    eligible: bool = True
    excluded_by: list[str] = Field(default_factory=list)
    dimensions: dict[str, DimensionResult] = Field(default_factory=dict)
    red_flags: list[dict[str, Any]] = Field(default_factory=list)
    gates: list[Any] = Field(default_factory=list)
    flags: list[Any] = Field(default_factory=list)


class Evaluation(_Open):
    """One evaluator's score on one dimension, with the evidence they wrote."""

    provider: str
    evaluator: str = ""
    dimension: str = ""
    score: float | None = None
    comment: str = ""


class ScorecardPayload(_Open):
    """The output of `annogov score --format json`, plus optional per-evaluator rows."""

    formula: str = FORMULA
    dimension_names: dict[str, str] = Field(default_factory=dict)
    weights: dict[str, float]
    band_floors: tuple[float, float] = (BAND_LOWER_OVERSIGHT, BAND_LOWER_ENTERPRISE)
    consensus: str = "mean"
    criteria: dict[str, dict[str, float]] = Field(default_factory=dict)
    guide: list[dict[str, Any]] = Field(default_factory=list)
    providers: list[ProviderResult]
    robustness: dict[str, Any] = Field(default_factory=dict)
    evaluations: list[Evaluation] = Field(default_factory=list)

    @field_validator("weights")
    @classmethod
    def _known_dimensions(cls, weights: dict[str, float], info: ValidationInfo) -> dict[str, float]:
        """The five known keys, or an extra dimension the payload names (a rubric's own)."""
        names = info.data.get("dimension_names") or {}
        unknown = sorted(k for k in weights if k not in DIMENSIONS and k not in names)
        if unknown:
            raise ValueError(f"unknown dimension(s) {unknown}; expected {list(DIMENSIONS)} or one in dimension_names")
        return weights

    def label(self, key: str) -> str:
        """A dimension's name: the payload's own, else the known label."""
        return self.dimension_names.get(key) or DIMENSION_LABELS.get(key, key)

    def dimensions(self) -> list[str]:
        """Dimension keys the payload weights: the five in canonical order, then any extra."""
        return [d for d in DIMENSIONS if d in self.weights] + [d for d in self.weights if d not in DIMENSIONS]

    def ranked(self) -> list[ProviderResult]:
        """Providers best first; incomplete ones (no rank) last, in their given order."""
        big = len(self.providers) + 1
        return sorted(self.providers, key=lambda p: p.rank if p.rank is not None else big)


class Percentiles(_Open):
    """P10, P50 and P90 of a simulated cost."""

    p10: float | None = None
    p50: float | None = None
    p90: float | None = None


class TornadoBar(_Open):
    """One input swung from low to high, others at their most likely value.

    `low`/`high` are the input's own values; `total_at_low`/`total_at_high` the switching totals
    they give, which is what the tornado plots.
    """

    parameter: str
    label: str = ""
    unit: str = ""
    low: float | None = None
    high: float | None = None
    total_at_low: float | None = None
    total_at_high: float | None = None
    swing: float | None = None

    def totals(self) -> tuple[float, float] | None:
        """(total at the input's low, total at its high), or None when the payload lacks them."""
        if self.total_at_low is None or self.total_at_high is None:
            return None
        return float(self.total_at_low), float(self.total_at_high)

    def width(self) -> float:
        """How far the total moves over the input's range (0 without totals)."""
        ends = self.totals()
        return 0.0 if ends is None else abs(ends[1] - ends[0])


class SwitchingPayload(_Open):
    """The output of `annogov switching-cost --format json`."""

    currency: str = ""
    deterministic: dict[str, float | None] = Field(default_factory=dict)
    percentiles: dict[str, Percentiles] = Field(default_factory=dict)
    tornado: list[TornadoBar] = Field(default_factory=list)
    stay_vs_switch: dict[str, Any] = Field(default_factory=dict)
    taxonomy: TaxonomyPayload | None = None

    def areas(self) -> list[str]:
        """Areas present, the canonical five first, then any others the model adds."""
        seen = [a for a in AREAS if a in self.deterministic or a in self.percentiles]
        extra = [a for a in list(self.deterministic) + list(self.percentiles) if a not in AREAS and a != "total"]
        return seen + list(dict.fromkeys(extra))

    def tornado_bars(self, limit: int | None = None) -> list[TornadoBar]:
        """Bars with both totals, widest swing of the total first (ties keep the given order)."""
        bars = sorted((b for b in self.tornado if b.totals() is not None), key=lambda b: -b.width())
        return bars if limit is None else bars[:limit]


class TaxonomyClass(_Open):
    """One old class and what the mapping does with it."""

    label: str = Field(validation_alias=AliasChoices("label", "old_label"))  # `taxonomy` JSON says old_label
    kind: str = ""
    targets: list[str] = Field(default_factory=list)
    affected: int | float | None = None

    @field_validator("targets", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return []
        return [value] if isinstance(value, str) else value


class TaxonomyPayload(_Open):
    """The output of `annogov taxonomy --format json`."""

    classes: list[TaxonomyClass] = Field(default_factory=list)
    new: list[Any] = Field(default_factory=list)


class SlaTerm(_Open):
    """One SLA term's result; scope, evidence and remedy may be text or structured."""

    metric: str
    scope: Any = "overall"
    status: str
    value: float | None = None
    ci: list[float | None] | None = None
    threshold: float | None = None
    comparator: str = ""
    n: int | None = None
    evidence: Any = None
    remedy: Any = None


class ConfusionMatrix(_Open):
    """Gold labels down, delivered labels across."""

    labels: list[str]
    matrix: list[list[float]]

    @model_validator(mode="after")
    def _square(self) -> ConfusionMatrix:
        size = len(self.labels)
        if len(self.matrix) != size or any(len(r) != size for r in self.matrix):
            raise ValueError(f"confusion matrix must be {size} x {size} like its labels")
        return self


class SlaPayload(_Open):
    """The output of `annogov sla-check --format json`, plus optional tables."""

    verdict: str
    credits: Any = None
    currency: str = ""
    terms: list[SlaTerm] = Field(default_factory=list)
    categories: list[Section] = Field(default_factory=list)
    confusion: ConfusionMatrix | None = None


ColumnFormat = Literal["text", "integer", "decimal", "rate", "percent", "currency"]


class Section(BaseModel):
    """A titled table any part can add to both the PDF and the workbook the same way.

    Rows are lists in column order or dicts keyed by column; the contract audit, the calibration
    log and the guideline history arrive this way.
    """

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1)
    note: str = ""
    columns: list[str] = Field(default_factory=list)
    rows: list[list[Any]] = Field(default_factory=list)
    formats: dict[str, ColumnFormat] = Field(default_factory=dict)
    cell_formats: dict[str, list[ColumnFormat | None]] = Field(default_factory=dict)
    """Per-row formats of a column whose rows hold different kinds of value (an SLA term's measured
    value is a percentage, a coefficient or a count); None keeps the column's format."""
    status_column: str | None = None

    def row_formats(self, row: int) -> list[ColumnFormat | None]:
        """Each column's format in row `row`: its own cell format, else the column's."""
        out: list[ColumnFormat | None] = []
        for c in self.columns:
            own = self.cell_formats.get(c)
            out.append((own[row] if own and row < len(own) else None) or self.formats.get(c))
        return out

    @model_validator(mode="before")
    @classmethod
    def _dict_rows(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        rows = data.get("rows") or []
        if rows and all(isinstance(r, dict) for r in rows):
            columns = list(data.get("columns") or [])
            for row in rows:
                columns += [k for k in row if k not in columns]
            data = {**data, "columns": columns, "rows": [[r.get(c) for c in columns] for r in rows]}
        return data

    @model_validator(mode="after")
    def _row_widths(self) -> Section:
        width = len(self.columns)
        bad = [i + 1 for i, r in enumerate(self.rows) if len(r) != width]
        if bad:
            raise ValueError(f"section {self.title!r}: rows {bad[:10]} do not have {width} cells")
        return self


class ReportInput(BaseModel):
    """Everything a report may hold; each part is optional but at least one must be present."""

    title: str = DEFAULT_TITLE
    program: str = ""
    evaluated: str = ""
    created: dt.date | None = None
    currency: str = ""
    scorecard: ScorecardPayload | None = None
    switching: SwitchingPayload | None = None
    taxonomy: TaxonomyPayload | None = None
    sla: SlaPayload | None = None
    sections: list[Section] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something_to_report(self) -> ReportInput:
        parts = (self.scorecard, self.switching, self.taxonomy, self.sla)
        if all(p is None for p in parts) and not self.sections:
            raise ValueError("nothing to report: give a scorecard, switching cost, SLA or section")
        return self

    def money_unit(self) -> str:
        """The program's currency: given, else the switching scenario's, else the SLA contract's."""
        found = (self.switching.currency if self.switching else "", self.sla.currency if self.sla else "")
        for unit in (self.currency, *found):
            if unit.strip():
                return unit.strip()
        return ""

    def switching_unit(self) -> str:
        """The currency of switching amounts: the scenario's own, else the program's."""
        return (self.switching.currency.strip() if self.switching else "") or self.money_unit()

    def sla_unit(self) -> str:
        """The currency of SLA credits: the contract's own, else the program's."""
        return (self.sla.currency.strip() if self.sla else "") or self.money_unit()

    def taxonomy_part(self) -> TaxonomyPayload | None:
        """The taxonomy mapping, given on its own or inside the switching-cost payload."""
        if self.taxonomy is not None:
            return self.taxonomy
        return self.switching.taxonomy if self.switching is not None else None


SwitchingPayload.model_rebuild()
SlaPayload.model_rebuild()
