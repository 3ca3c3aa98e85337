"""SLA terms as data: what is measured, over which scope, against which threshold, and the remedy.

One model serves the contract profile (`contracts`), the delivery check (`governance`) and the app.
Term sets load from YAML, JSON or an xlsx sheet with located errors in `contracts.sla_term_files`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from contracts.metric_options import option_problem

Metric = Literal[
    "kappa",
    "accuracy",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
    "percent_agreement",
    "gwet_ac",
    "brennan_prediger",
    "conger_kappa",
    "box_mean_iou",
    "box_f1_50",
    "box_f1_75",
    "defect_rate",
    "qa_coverage",
    "on_time_rate",
    "weekly_throughput",
]
Comparator = Literal[">=", ">", "<=", "<"]
METRIC_NOTES: dict[str, str] = {
    "kappa": "Cohen's kappa when two annotators label the scope, Fleiss' kappa when more do",
    "cohen_kappa": "Cohen's kappa; needs exactly two annotators",
    "fleiss_kappa": "Fleiss' kappa over items with two or more annotations",
    "krippendorff_alpha": "Krippendorff's alpha (nominal unless the term names a level)",
    "percent_agreement": "share of agreeing annotation pairs within items",
    "gwet_ac": "Gwet's AC1 (AC2 with weights); 'missing: gwet' averages per-item shares as irrCAC does",
    "brennan_prediger": "Brennan-Prediger free-marginal kappa (Bennett's S, Randolph's kappa)",
    "conger_kappa": "Conger's kappa: chance from each annotator's own label shares (up to 8 annotators)",
    "box_mean_iou": "mean IoU of matched boxes (needs box exports)",
    "box_f1_50": "box F1 at IoU 0.5 (needs box exports)",
    "box_f1_75": "box F1 at IoU 0.75 (needs box exports)",
    "accuracy": "share of annotations on gold items that match the gold label",
    "defect_rate": "failed / reviewed annotations in QA",
    "qa_coverage": "reviewed / delivered annotations",
    "on_time_rate": "annotations submitted by their due time / annotations with both times",
    "weekly_throughput": "annotations submitted per calendar week (Monday start)",
}
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
    amount: float = Field(0.0, ge=0, description="Percent of the period fee (5 = 5%) or money per breach")
    cap: float | None = Field(None, ge=0, description="Upper limit, in money, on this term's credit")

    def owed(self, breaches: int, period_fee: float) -> float:
        """Credit for `breaches` breaches (failing scopes) of the term, capped."""
        if self.kind == "none" or breaches <= 0:
            return 0.0
        per = self.amount / 100.0 * period_fee if self.kind == "percent_of_fee" else self.amount
        total = per * breaches
        return round(min(total, self.cap) if self.cap is not None else total, 2)


class SlaTerm(BaseModel):
    """One measurable commitment."""

    id: str | None = None
    metric: Metric
    scope: Scope = Scope()
    comparator: Comparator = ">="
    threshold: float
    min_sample: int = Field(30, ge=1, description="Below this many observations: inconclusive")
    level: Literal["nominal", "ordinal", "interval", "ratio"] = "nominal"
    weights: Literal["none", "linear", "quadratic"] = "none"
    missing: Literal["pooled", "gwet"] = Field(
        "pooled", description="Uneven ratings per item: pooled category shares, or Gwet's per-item shares (irrCAC)"
    )
    tier: Literal["critical", "standard"] = Field(
        "standard",
        description="critical: passes only when the whole 95% interval clears the threshold; "
        "standard: decided on the point value",
    )
    remedy: Remedy = Remedy()
    note: str | None = None

    @field_validator("scope", mode="before")
    @classmethod
    def _scope_from_text(cls, value: object) -> object:
        return Scope.parse(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _options_apply(self) -> SlaTerm:
        """Refuse an option the metric does not use (one rule, `contracts.metric_options.option_problem`)."""
        problem = option_problem(self.metric, self.weights, self.level, self.missing)
        if problem:
            raise ValueError(problem)
        return self

    def holds(self, measured: float) -> bool:
        """Whether a measured value meets the term; float noise below 1e-9 is ignored, as at the band
        edges, so a kappa of exactly 0.4 computed as 0.3999999999999999 meets '>= 0.4'."""
        measured = round(measured, 9)
        return {
            ">=": measured >= self.threshold,
            ">": measured > self.threshold,
            "<=": measured <= self.threshold,
            "<": measured < self.threshold,
        }[self.comparator]


class RampStep(BaseModel):
    """From contract week `week` (1 = the start date's calendar week) on, at least `floor` per week."""

    model_config = ConfigDict(frozen=True)

    week: int = Field(ge=1, description="Contract week, counted from the start date's calendar week (Monday start)")
    floor: int = Field(ge=0, description="Annotations per week required from this week until the next step")


class RampSchedule(BaseModel):
    """A ramp-up: weekly floors from a start date; after the last step the committed volume applies."""

    model_config = ConfigDict(frozen=True)

    start: date
    steps: list[RampStep] = Field(min_length=1)

    @field_validator("steps")
    @classmethod
    def _weeks_increase(cls, steps: list[RampStep]) -> list[RampStep]:
        for before, after in zip(steps, steps[1:], strict=False):
            if after.week <= before.week:
                raise ValueError(f"ramp weeks must strictly increase: week {after.week} follows week {before.week}")
        return steps

    @property
    def first_monday(self) -> date:
        """Monday of contract week 1 (the calendar week holding the start date)."""
        return self.start - timedelta(days=self.start.weekday())

    def week_of(self, monday: date) -> int:
        """Contract week number of the calendar week starting `monday` (0 or less: before the start)."""
        return (monday - self.first_monday).days // 7 + 1

    def floor(self, week: int, committed: int | None) -> int | None:
        """Floor of a contract week: the last step at or before it, 0 before the first step, `committed`
        after the last step (the last step's floor when nothing is committed); None before the start."""
        if week < 1:
            return None
        last = self.steps[-1]
        if week > last.week:
            return committed if committed is not None else last.floor
        return next((s.floor for s in reversed(self.steps) if s.week <= week), 0)


_STEP_SEPARATOR = re.compile(r"[;\n]|,(?=\s*(?:week\s*)?\d+\s*:)", re.IGNORECASE)
RAMP_STEPS_HELP = "week: floor pairs separated by ';', e.g. 1: 5000; 3: 12000; 6: 20000"


def format_ramp_steps(steps: list[RampStep]) -> str:
    """Ramp steps as one cell of text: '1: 5000; 6: 20000'."""
    return "; ".join(f"{s.week}: {s.floor}" for s in steps)


_RAMP_DIGITS = 12  # a week or weekly floor longer than this is a typo or an attack, not a plan


def parse_ramp_steps(text: object) -> list[dict[str, int]]:
    """One cell of 'week: floor' pairs (';' or newline between pairs; 'week 6: 20,000' accepted) as
    step mappings for `RampSchedule`; ValueError in plain words."""
    steps = []
    for part in (p.strip() for p in _STEP_SEPARATOR.split(str(text))):
        if not part:
            continue
        week, sep, floor = part.partition(":")
        week = re.sub(r"^week\s*", "", week.strip(), flags=re.IGNORECASE)
        floor = re.sub(r"[\s,_]", "", floor)
        if not sep or not re.fullmatch(r"-?\d+", week) or not re.fullmatch(r"-?\d+(\.0+)?", floor):
            raise ValueError(f"ramp step {part!r} is not 'week: floor' in whole numbers ({RAMP_STEPS_HELP})")
        floor = floor.split(".")[0]
        if max(len(week.lstrip("-")), len(floor.lstrip("-"))) > _RAMP_DIGITS:
            raise ValueError(f"ramp step {part[:40]!r}: a week or floor above {_RAMP_DIGITS} digits")
        steps.append({"week": int(week), "floor": int(floor)})
    return steps


def ramp_from_cells(start: object, steps: object) -> dict[str, object] | None:
    """A ramp mapping from a start-date cell and a steps cell (None when both are blank)."""
    blank_start, blank_steps = start in (None, ""), steps in (None, "")
    if blank_start and blank_steps:
        return None
    if blank_start or blank_steps:
        raise ValueError("a ramp needs both a start date and its steps")
    day = start.date() if isinstance(start, datetime) else start
    return {"start": day, "steps": parse_ramp_steps(steps)}


class SlaTermSet(BaseModel):
    """The measurable part of a contract, with the contract's label set and period fee."""

    name: str = "SLA terms"
    currency: str = "USD"
    period_fee: float = Field(0.0, ge=0, description="Fee of the measured period; credits are % of it")
    label_set: list[str] | None = None
    committed_weekly_volume: int | None = Field(None, ge=0, description="Annotations per week the vendor committed to")
    total_credit_cap: float | None = Field(
        None, ge=0, description="Upper limit, in money, on all credits of the period"
    )
    ramp: RampSchedule | None = Field(
        None, description="Weekly floors during a ramp-up; after its last step committed_weekly_volume applies"
    )
    period_end: date | None = Field(
        None,
        description="Last day of the measured period, as the buyer states it: a final partial week's volume floor is "
        "prorated to it (days covered / 7); without it the last calendar week counts whole",
    )
    drift_threshold: float = Field(
        0.05, gt=0, le=1, description="Smallest drop between periods worth calling drift (and then only if tested)"
    )
    terms: list[SlaTerm]

    @field_validator("period_end", mode="before")
    @classmethod
    def _day_of(cls, value: object) -> object:
        """A spreadsheet's date cell (a datetime at midnight) is its day."""
        return value.date() if isinstance(value, datetime) else value

    @field_validator("label_set", mode="before")
    @classmethod
    def _labels_as_text(cls, labels: object) -> object:
        """Numeric labels (ratings 1-5) are accepted and kept as text: 1.0 and 1 are '1'."""
        if not isinstance(labels, list):
            return labels
        return [
            str(int(v))
            if isinstance(v, float) and v.is_integer()
            else str(v)
            if isinstance(v, int | float) and not isinstance(v, bool)
            else v
            for v in labels
        ]

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
                metric="kappa",
                scope="task_type:complex",
                threshold=0.80,
                tier="critical",
                min_sample=50,
            ),
            SlaTerm(
                id="kappa-simple",
                metric="kappa",
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


