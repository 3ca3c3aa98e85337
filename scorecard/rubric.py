"""The rubric as data: weights, criteria, KPIs that suggest scores, red flags, anchors and gates.

A program keeps its own rubric as JSON or YAML; `default_rubric()` is the evaluation framework's.
"""

from __future__ import annotations

import calendar
import json
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingest import InputError, Location, Problem, load_document
from scorecard.dimensions import DIMENSION_KEYS, SCORE_MAX, SCORE_MIN, DimensionKey

_WEIGHT_TOLERANCE = 1e-6


class Criterion(BaseModel):
    """A sub-criterion of a dimension; its weight is relative to its siblings."""

    model_config = ConfigDict(extra="forbid")

    key: str
    name: str
    weight: float = Field(1.0, ge=0)


class KpiRule(BaseModel):
    """Turns one KPI value into a suggested 1-5 score, and optionally raises a red flag.

    numeric: `thresholds` maps a score to the bound a value must reach for it (>= when
    higher_is_better, else <=). categorical/boolean: `scores` maps the value to a score.
    age_months: the value is a date; its age in months at the evaluation date is compared
    against `thresholds` (lower is better).
    """

    model_config = ConfigDict(extra="forbid")

    key: str
    name: str
    kind: Literal["numeric", "categorical", "boolean", "age_months"] = "numeric"
    unit: str = ""
    higher_is_better: bool = True
    thresholds: dict[int, float] = Field(default_factory=dict)
    scores: dict[str, float] = Field(default_factory=dict)
    flag: str | None = Field(None, description="Red flag raised when the KPI's score is below flag_below")
    flag_below: float | None = None

    @field_validator("scores", mode="before")
    @classmethod
    def _normalise_categories(cls, scores: object) -> object:
        return {_category(k): v for k, v in scores.items()} if isinstance(scores, dict) else scores

    def suggest(self, value: object, as_of: date) -> float | None:
        """Score suggested by the value, or None when the value says nothing (blank)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if self.kind in {"categorical", "boolean"}:
            key = _category(value)
            if key not in self.scores:
                raise ValueError(f"KPI {self.key!r}: {value!r} is not one of {', '.join(sorted(self.scores))}")
            return self.scores[key]
        if self.kind == "age_months":
            return _from_thresholds(age_in_months(_as_date(value, self.key), as_of), self.thresholds, False)
        return _from_thresholds(_as_number(value, self.key), self.thresholds, self.higher_is_better)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def age_in_months(start: date, as_of: date) -> float:
    """Calendar months from start to as_of, with the part-month as a fraction: 12 months and a
    day is more than 12 (what "older than 12 months" means)."""
    if as_of <= start:
        return 0.0
    months = (as_of.year - start.year) * 12 + as_of.month - start.month
    while _add_months(start, months) > as_of:
        months -= 1
    anchor = _add_months(start, months)
    span = (_add_months(start, months + 1) - anchor).days
    return months + (as_of - anchor).days / span


def _category(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).strip().lower()
    return {"true": "yes", "false": "no", "1": "yes", "0": "no", "y": "yes", "n": "no"}.get(text, text)


def _as_number(value: object, key: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace(",", ".")
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"KPI {key!r}: expected a number, got {value!r}") from None


def _as_date(value: object, key: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(f"KPI {key!r}: expected a date (YYYY-MM-DD), got {value!r}") from None


def _from_thresholds(value: float, thresholds: dict[int, float], higher_is_better: bool) -> float:
    for score in sorted(thresholds, reverse=True):
        bound = thresholds[score]
        if (value >= bound) if higher_is_better else (value <= bound):
            return float(score)
    return SCORE_MIN


class RedFlag(BaseModel):
    """A warning sign an evaluator can tick (or a KPI can raise) for a provider."""

    model_config = ConfigDict(extra="forbid")

    key: str
    text: str


class Gate(BaseModel):
    """Knock-out policy: a red flag or a score below a floor caps a dimension or forces the
    material-risk band, whatever the total."""

    model_config = ConfigDict(extra="forbid")

    id: str
    dimension: DimensionKey
    when: Literal["red_flag", "below_floor"]
    red_flag: str | None = None
    criterion: str | None = None
    floor: float | None = Field(None, ge=SCORE_MIN, le=SCORE_MAX)
    effect: Literal["cap_dimension", "force_material_risk"]
    cap: float | None = Field(None, ge=SCORE_MIN, le=SCORE_MAX)
    reason: str

    @model_validator(mode="after")
    def _complete(self) -> Gate:
        if self.when == "red_flag" and not self.red_flag:
            raise ValueError(f"gate {self.id!r}: when=red_flag needs red_flag")
        if self.when == "below_floor" and self.floor is None:
            raise ValueError(f"gate {self.id!r}: when=below_floor needs floor")
        if self.effect == "cap_dimension" and self.cap is None:
            raise ValueError(f"gate {self.id!r}: effect=cap_dimension needs cap")
        return self


class Dimension(BaseModel):
    """One scored dimension of the rubric."""

    model_config = ConfigDict(extra="forbid")

    key: DimensionKey
    name: str
    weight: float = Field(ge=0)
    primary_criterion: str
    criteria: list[Criterion] = Field(default_factory=list)
    kpis: list[KpiRule] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)
    red_flags: list[RedFlag] = Field(default_factory=list)
    anchors: dict[int, str] = Field(default_factory=dict, description="What a 1, 3 and 5 look like")

    @model_validator(mode="after")
    def _criteria_weights(self) -> Dimension:
        keys = [c.key for c in self.criteria]
        if len(set(keys)) != len(keys):
            raise ValueError(f"dimension {self.key!r} lists a criterion twice")
        if self.criteria and sum(c.weight for c in self.criteria) <= 0:
            raise ValueError(f"dimension {self.key!r}: criterion weights must not all be 0")
        return self


class Rubric(BaseModel):
    """A program's scoring policy: five dimensions whose weights sum to 100, and gates."""

    model_config = ConfigDict(extra="forbid")

    name: str = "Provider evaluation"
    dimensions: list[Dimension]
    gates: list[Gate] = Field(default_factory=list)
    disagreement_threshold: float = Field(2.0, gt=0, description="Evaluator spread that needs a calibration talk")

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        keys = [d.key for d in self.dimensions]
        if sorted(keys) != sorted(DIMENSION_KEYS):
            missing = set(DIMENSION_KEYS) - set(keys)
            dupes = {k for k in keys if keys.count(k) > 1}
            raise ValueError(
                "the rubric needs each of the five dimensions exactly once"
                + (f"; missing {', '.join(sorted(missing))}" if missing else "")
                + (f"; repeated {', '.join(sorted(dupes))}" if dupes else "")
            )
        total = sum(d.weight for d in self.dimensions)
        if abs(total - 100.0) > _WEIGHT_TOLERANCE:
            detail = ", ".join(f"{d.key}={d.weight:g}" for d in self.dimensions)
            raise ValueError(f"dimension weights must sum to 100, they sum to {total:g} ({detail})")
        by_key = {d.key: d for d in self.dimensions}
        for gate in self.gates:
            dim = by_key[gate.dimension]
            if gate.criterion and gate.criterion not in {c.key for c in dim.criteria}:
                raise ValueError(f"gate {gate.id!r}: {dim.key} has no criterion {gate.criterion!r}")
            if gate.red_flag and gate.red_flag not in {f.key for d in self.dimensions for f in d.red_flags}:
                raise ValueError(f"gate {gate.id!r}: no red flag {gate.red_flag!r} in the rubric")
        return self

    @property
    def weights(self) -> dict[str, float]:
        """Dimension weights in the canonical key order."""
        by_key = {d.key: d.weight for d in self.dimensions}
        return {k: by_key[k] for k in DIMENSION_KEYS}

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    def with_weights(self, weights: dict[str, float]) -> Rubric:
        """A copy with some dimension weights replaced; validated like any rubric."""
        unknown = set(weights) - set(DIMENSION_KEYS)
        if unknown:
            raise ValueError(f"unknown dimension {', '.join(sorted(unknown))}; use {', '.join(DIMENSION_KEYS)}")
        data = self.model_dump()
        for dim in data["dimensions"]:
            dim["weight"] = weights.get(dim["key"], dim["weight"])
        return Rubric.model_validate(data)

    def red_flag_keys(self) -> set[str]:
        return {f.key for d in self.dimensions for f in d.red_flags} | {
            k.flag for d in self.dimensions for k in d.kpis if k.flag
        }


def normalise_weights(weights: dict[str, float]) -> dict[str, float]:
    """Scale non-negative weights so they sum to 100 (used for 'scaled and renormalised')."""
    total = sum(weights.values())
    if total <= 0 or any(w < 0 for w in weights.values()):
        raise ValueError("weights must be >= 0 with a positive sum")
    return {k: w * 100.0 / total for k, w in weights.items()}


def parse_weights(text: str) -> dict[str, float]:
    """'workforce=30,security=20' -> {'workforce': 30.0, 'security': 20.0}; '25%' is read too."""
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise ValueError(f"--weights: {part!r} is not key=value")
        try:
            out[key.strip()] = float(value.strip().rstrip("%"))
        except ValueError:
            raise ValueError(f"--weights: {value.strip()!r} for {key.strip()} is not a number") from None
    return out


def default_rubric() -> Rubric:
    """The framework's five dimensions with default weights 25/20/25/15/15."""
    text = resources.files("scorecard").joinpath("default_rubric.yaml").read_text(encoding="utf-8")
    return Rubric.model_validate(yaml.safe_load(text))


def load_rubric(path: str | Path) -> Rubric:
    """Read a rubric from JSON or YAML; problems name the file and the field."""
    path = Path(path)
    data = load_document(path)
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            Problem(Location(path.name, column=".".join(map(str, e["loc"])) or None), e["msg"]) for e in exc.errors()
        ) from None


def save_rubric(rubric: Rubric, path: str | Path) -> None:
    """Write a rubric as JSON or YAML by the file's extension."""
    path = Path(path)
    data = rubric.model_dump(mode="json")
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
