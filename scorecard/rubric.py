"""The rubric as data: weights, criteria, KPIs that suggest scores, red flags, anchors and gates.

A program keeps its own rubric as JSON or YAML; `default_rubric()` is the evaluation framework's.
How one KPI value becomes a suggested score is `scorecard.kpi_rules.KpiRule`.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ingest import InputError, Location, Problem, load_document
from scorecard.dimensions import BAND_FLOORS, BANDS, DIMENSION_KEYS, SCORE_MAX, SCORE_MIN
from scorecard.kpi_rules import KpiRule
from scorecard.weight_space import WeightSpace

_WEIGHT_TOLERANCE = 1e-6


class Criterion(BaseModel):
    """A sub-criterion of a dimension; its weight is relative to its siblings."""

    model_config = ConfigDict(extra="forbid")

    key: str
    name: str
    weight: float = Field(1.0, ge=0)


class RedFlag(BaseModel):
    """A warning sign an evaluator can tick, a KPI can raise, or a contract finding can carry."""

    model_config = ConfigDict(extra="forbid")

    key: str
    text: str
    contract_findings: list[str] = Field(
        default_factory=list, description="Codes of contract-audit findings that raise this flag"
    )


Effect = Literal["cap_dimension", "force_band", "knock_out", "show"]
EFFECT_TEXT: dict[str, str] = {
    "cap_dimension": "caps a dimension",
    "force_band": "holds the band at or below a level",
    "knock_out": "knocks the provider out: material delivery risk, ranked after every eligible provider",
    "show": "shown, no effect on the score",
}


class Gate(BaseModel):
    """One row of the policy table: a fact (a red flag, or a score below a floor) and its one
    consequence: cap a dimension, force a band, knock out, or show only."""

    model_config = ConfigDict(extra="forbid")

    id: str
    dimension: str
    when: Literal["red_flag", "below_floor"]
    red_flag: str | None = None
    criterion: str | None = None
    floor: float | None = Field(None, ge=SCORE_MIN, le=SCORE_MAX)
    effect: Effect
    cap: float | None = Field(None, ge=SCORE_MIN, le=SCORE_MAX)
    band: str | None = Field(None, description="force_band: the highest band the provider may hold")
    reason: str

    @field_validator("effect", mode="before")
    @classmethod
    def _legacy_effect(cls, effect: object) -> object:
        return "knock_out" if effect == "force_material_risk" else effect

    @model_validator(mode="after")
    def _complete(self) -> Gate:
        if self.when == "red_flag" and not self.red_flag:
            raise ValueError(f"gate {self.id!r}: when=red_flag needs red_flag")
        if self.when == "below_floor" and self.floor is None:
            raise ValueError(f"gate {self.id!r}: when=below_floor needs floor")
        if self.effect == "cap_dimension" and self.cap is None:
            raise ValueError(f"gate {self.id!r}: effect=cap_dimension needs cap")
        if self.effect == "force_band":
            if self.band is None:
                self.band = BANDS[0]
            if self.band not in BANDS:
                raise ValueError(f"gate {self.id!r}: band must be one of {', '.join(BANDS)}")
        return self

    def policy_text(self, dimension_name: str) -> str:
        """The consequence in words, as every output prints it."""
        if self.effect == "cap_dimension":
            return f"caps {dimension_name} at {self.cap:g}"
        if self.effect == "force_band":
            return f"band at most {self.band!r}"
        return EFFECT_TEXT[self.effect]


class Dimension(BaseModel):
    """One scored dimension of the rubric."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$", description="one of the five, or an extra (worker_welfare)")
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
    band_floors: tuple[float, float] = Field(
        BAND_FLOORS, description="Lower bounds (exact total) of 'viable with enhanced oversight' and 'enterprise-grade'"
    )

    @field_validator("band_floors")
    @classmethod
    def _floors(cls, floors: tuple[float, float]) -> tuple[float, float]:
        low, high = floors
        if not (0.0 <= low <= 100.0 and 0.0 <= high <= 100.0):
            raise ValueError(f"band floors must lie between 0 and 100, got {low:g} and {high:g}")
        if low >= high:
            raise ValueError(f"the oversight floor ({low:g}) must be below the enterprise floor ({high:g})")
        return floors
    weights_provenance: dict[str, Any] | None = Field(
        None, description="How the weights were elicited (scorecard.elicitation); cleared when they are retyped")
    weight_space: WeightSpace | None = Field(
        None, description="What the panel knows about the weights (ranges, order) for SMAA")

    @model_validator(mode="after")
    def _consistent(self) -> Rubric:
        keys = [d.key for d in self.dimensions]
        missing = set(DIMENSION_KEYS) - set(keys)
        dupes = {k for k in keys if keys.count(k) > 1}
        if missing or dupes:
            raise ValueError(
                "the rubric needs each of the five dimensions exactly once (extra dimensions may follow)"
                + (f"; missing {', '.join(sorted(missing))}" if missing else "")
                + (f"; repeated {', '.join(sorted(dupes))}" if dupes else "")
            )
        total = sum(d.weight for d in self.dimensions)
        if abs(total - 100.0) > _WEIGHT_TOLERANCE:
            detail = ", ".join(f"{d.key}={d.weight:g}" for d in self.dimensions)
            raise ValueError(f"dimension weights must sum to 100, they sum to {total:g} ({detail})")
        by_key = {d.key: d for d in self.dimensions}
        for gate in self.gates:
            if gate.dimension not in by_key:
                raise ValueError(f"gate {gate.id!r}: no dimension {gate.dimension!r} in the rubric")
            dim = by_key[gate.dimension]
            if gate.criterion and gate.criterion not in {c.key for c in dim.criteria}:
                raise ValueError(f"gate {gate.id!r}: {dim.key} has no criterion {gate.criterion!r}")
            if gate.red_flag and gate.red_flag not in {f.key for d in self.dimensions for f in d.red_flags}:
                raise ValueError(f"gate {gate.id!r}: no red flag {gate.red_flag!r} in the rubric")
        flagged = [g.red_flag for g in self.gates if g.when == "red_flag"]
        twice = sorted({f for f in flagged if f and flagged.count(f) > 1})
        if twice:
            raise ValueError(f"red flag(s) {', '.join(twice)} have more than one policy; give each exactly one")
        codes = [c for d in self.dimensions for f in d.red_flags for c in f.contract_findings]
        mapped_twice = sorted({c for c in codes if codes.count(c) > 1})
        if mapped_twice:
            raise ValueError(f"contract finding(s) {', '.join(mapped_twice)} map to more than one red flag")
        return self

    @property
    def keys(self) -> tuple[str, ...]:
        """Dimension keys: the five in canonical order, then any extra in the rubric's order."""
        return DIMENSION_KEYS + tuple(d.key for d in self.dimensions if d.key not in DIMENSION_KEYS)

    @property
    def names(self) -> dict[str, str]:
        """Dimension key -> display name, in key order."""
        return {k: self.dimension(k).name for k in self.keys}

    @property
    def weights(self) -> dict[str, float]:
        """Dimension weights in key order."""
        by_key = {d.key: d.weight for d in self.dimensions}
        return {k: by_key[k] for k in self.keys}

    def dimension(self, key: str) -> Dimension:
        return next(d for d in self.dimensions if d.key == key)

    def with_weights(self, weights: dict[str, float], provenance: dict[str, Any] | None = None) -> Rubric:
        """A copy with some dimension weights replaced; validated like any rubric. The elicitation
        provenance is kept only while the weights are unchanged, or replaced by `provenance`."""
        unknown = set(weights) - set(self.keys)
        if unknown:
            raise ValueError(f"unknown dimension {', '.join(sorted(unknown))}; use {', '.join(self.keys)}")
        data = self.model_dump()
        for dim in data["dimensions"]:
            dim["weight"] = weights.get(dim["key"], dim["weight"])
        if provenance is not None:
            data["weights_provenance"] = provenance
        elif any(abs(weights.get(k, v) - v) > 1e-9 for k, v in self.weights.items()):
            data["weights_provenance"] = None
        return Rubric.model_validate(data)

    def flag_dimension(self, flag: str) -> str:
        """The dimension a red flag belongs to (where it is listed, else the KPI raising it)."""
        for d in self.dimensions:
            if any(f.key == flag for f in d.red_flags) or any(k.flag == flag for k in d.kpis):
                return d.key
        raise KeyError(flag)

    def flag_text(self, flag: str) -> str:
        """The red flag's wording (its key when only a KPI names it)."""
        return next((f.text for d in self.dimensions for f in d.red_flags if f.key == flag), flag)

    def policy(self, flag: str) -> Gate:
        """The one consequence of a red flag: its gate, else 'show' (stated, never silent)."""
        found = next((g for g in self.gates if g.when == "red_flag" and g.red_flag == flag), None)
        if found is not None:
            return found
        dimension = self.flag_dimension(flag)
        return Gate(
            id=f"show-{flag}",
            dimension=dimension,
            when="red_flag",
            red_flag=flag,
            effect="show",  # type: ignore[arg-type]
            reason="No policy in the rubric: shown, no effect on the score",
        )

    def flag_for_finding(self, code: str) -> str | None:
        """The red flag a contract-audit finding raises, or None when the rubric does not map it."""
        return next((f.key for d in self.dimensions for f in d.red_flags if code in f.contract_findings), None)

    def policy_table(self) -> list[dict[str, object]]:
        """Every red flag and score floor with its one consequence: the rubric reference."""
        rows: list[dict[str, object]] = []
        for key in sorted(self.red_flag_keys(), key=lambda f: (self.keys.index(self.flag_dimension(f)), f)):
            gate = self.policy(key)
            rows.append(
                {
                    "fact": f"red flag {key}",
                    "text": self.flag_text(key),
                    "dimension": gate.dimension,
                    "effect": gate.effect,
                    "policy": gate.policy_text(self.dimension(gate.dimension).name),
                    "raised_by": self.flag_sources(key),
                }
            )
        for gate in self.gates:
            if gate.when == "below_floor":
                target = f"{gate.dimension}.{gate.criterion}" if gate.criterion else gate.dimension
                rows.append(
                    {
                        "fact": f"{target} below {gate.floor:g}",
                        "text": gate.reason,
                        "dimension": gate.dimension,
                        "effect": gate.effect,
                        "policy": gate.policy_text(self.dimension(gate.dimension).name),
                        "raised_by": "the consensus score",
                    }
                )
        return rows

    def guide(self) -> list[dict[str, object]]:
        """Per dimension: name, weight, primary criterion, 1/3/5 anchors and the qualification
        questions, for every place scores are entered or reported."""
        return [
            {
                "dimension": d.key,
                "name": d.name,
                "weight": d.weight,
                "primary_criterion": d.primary_criterion,
                "anchors": {str(k): v for k, v in sorted(d.anchors.items())},
                "questions": list(d.questions),
            }
            for d in (self.dimension(k) for k in self.keys)
        ]

    def flag_sources(self, flag: str) -> str:
        """What can raise a flag: ticking it, the KPIs that raise it, contract findings."""
        parts = ["ticked in the sheet"]
        parts += [
            f"KPI {k.key} scoring below {k.flag_below:g}" for d in self.dimensions for k in d.kpis if k.flag == flag
        ]
        parts += [
            f"contract finding {c}"
            for d in self.dimensions
            for f in d.red_flags
            if f.key == flag
            for c in f.contract_findings
        ]
        return "; ".join(parts)

    def with_band_floors(self, floors: tuple[float, float]) -> Rubric:
        """A copy with other band floors; validated like any rubric (0-100, the first below)."""
        return Rubric.model_validate(self.model_dump() | {"band_floors": tuple(floors)})

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
