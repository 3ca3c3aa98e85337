"""A panel's weight elicitation file (AHP judgements or swing points per evaluator) into the
program's dimension weights with their provenance; one function for the CLI and the app."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ingest import InputError, Location, Problem, load_document
from scorecard.ahp import (
    AhpResult,
    ahp,
    check_pairwise,
    from_upper,
    geometric_mean_matrix,
    swing_weights,
    to_percent,
)
from scorecard.dimensions import DIMENSION_KEYS


def _fraction(value: Any) -> Any:
    """Accept Saaty's '1/3' as well as 0.333 and 3."""
    if isinstance(value, str) and "/" in value:
        top, _, bottom = value.partition("/")
        try:
            return float(top) / float(bottom)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"{value!r} is not a number or a fraction like 1/3") from None
    return value


Judgement = Annotated[float, BeforeValidator(_fraction)]


class EvaluatorInput(BaseModel):
    """One evaluator's judgements: `judgements` ("a vs b": 3 means a matters 3x more than b),
    a full `matrix` in the criteria order, or `swing` points (most important swing = 100)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    judgements: dict[str, Judgement] | None = None
    matrix: list[list[Judgement]] | None = None
    swing: dict[str, float] | None = None


class ElicitationInput(BaseModel):
    """The panel's file: method, criteria (default: the five dimensions) and evaluators."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["ahp", "swing"] = "ahp"
    criteria: list[str] = Field(default_factory=lambda: [str(k) for k in DIMENSION_KEYS])
    exclude_inconsistent: bool = Field(
        False, description="Leave evaluators whose CR exceeds 0.10 out of the panel aggregate")
    evaluators: list[EvaluatorInput] = Field(min_length=1)


class EvaluatorWeights(BaseModel):
    """One evaluator's weights (fractions) and, for AHP, consistency."""

    name: str
    weights: dict[str, float]
    ahp: AhpResult | None = None
    included: bool = True


class ElicitationResult(BaseModel):
    """Per-evaluator and panel weights, the percentages the rubric takes, and provenance."""

    method: str
    criteria: list[str]
    evaluators: list[EvaluatorWeights]
    panel: AhpResult | None
    weights: dict[str, float]
    percent: dict[str, float]
    usable: bool
    problem: str | None
    provenance: dict[str, Any]

    def to_payload(self) -> dict[str, Any]:
        """What `annogov weights --format json` prints."""
        def cr(r: AhpResult | None) -> dict[str, Any] | None:
            if r is None:
                return None
            pair = r.most_inconsistent
            return {"consistency_ratio": None if r.consistency_ratio is None else round(r.consistency_ratio, 4),
                    "lambda_max": round(r.lambda_max, 4), "random_index": r.random_index,
                    "consistent": r.consistent, "summary": r.summary(),
                    "most_inconsistent": None if pair is None else pair.model_dump()}
        return {
            "method": self.method,
            "criteria": self.criteria,
            "evaluators": [{"name": e.name, "included": e.included,
                            "weights": {k: round(v, 4) for k, v in e.weights.items()},
                            "consistency": cr(e.ahp)} for e in self.evaluators],
            "panel": cr(self.panel),
            "weights": self.percent,
            "usable": self.usable,
            "problem": self.problem,
            "provenance": self.provenance,
        }


def _prefixed(exc: InputError, who: str) -> InputError:
    """The same problems with the evaluator's name in front of the cell."""
    return InputError(Problem(Location(p.location.file, p.location.sheet, p.location.row,
                                       f"{who}: {p.location.column}" if p.location.column else who),
                              p.message) for p in exc.problems)


def _pairs(judgements: dict[str, float], source: str, who: str) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for key, value in judgements.items():
        for sep in (" vs ", "/", ">"):
            if sep in key:
                a, b = (s.strip() for s in key.split(sep, 1))
                out[(a, b)] = value
                break
        else:
            raise InputError.at(f"{key!r} is not a pair; write 'a vs b'", source, column=f"{who}: {key}")
    return out


def elicit(doc: ElicitationInput, source: str = "weights", today: date | None = None) -> ElicitationResult:
    """Every evaluator's weights, the panel aggregate (geometric mean of AHP judgements, mean of
    swing weights) and the program's percentages with provenance."""
    crit = doc.criteria
    per: list[EvaluatorWeights] = []
    matrices: list[np.ndarray] = []
    problems: list[Problem] = []
    for ev in doc.evaluators:
        who = f"evaluator {ev.name}"
        given = [x for x in (ev.judgements, ev.matrix, ev.swing) if x is not None]
        if len(given) != 1:
            problems.append(Problem(Location(source, None, None, who),
                                    "give exactly one of judgements, matrix or swing"))
            continue
        try:
            if doc.method == "swing":
                if ev.swing is None:
                    raise InputError.at("the swing method needs swing points", source, column=who)
                unknown = set(ev.swing) ^ set(crit)
                if unknown:
                    raise InputError.at(f"swing points needed for exactly {', '.join(crit)}; check "
                                        f"{', '.join(sorted(unknown))}", source, column=who)
                per.append(EvaluatorWeights(name=ev.name, weights=swing_weights(ev.swing, source)))
                continue
            if ev.swing is not None:
                raise InputError.at("the ahp method needs judgements or a matrix", source, column=who)
            a = (from_upper(crit, _pairs(ev.judgements, source, who), source) if ev.judgements is not None
                 else check_pairwise(np.array(ev.matrix, dtype=np.float64), crit, source))
            result = ahp(a, crit, source)
            matrices.append(a)
            per.append(EvaluatorWeights(name=ev.name, weights=result.weights, ahp=result))
        except InputError as exc:
            problems += _prefixed(exc, who).problems
        except ValueError:
            problems.append(Problem(Location(source, None, None, who),
                                    f"the matrix must be {len(crit)} rows of {len(crit)} numbers"))
    if problems:
        raise InputError(problems)
    panel = None
    if doc.method == "ahp":
        keep = [not (doc.exclude_inconsistent and e.ahp is not None and not e.ahp.consistent) for e in per]
        per = [e.model_copy(update={"included": k}) for e, k in zip(per, keep, strict=True)]
        chosen = [m for m, k in zip(matrices, keep, strict=True) if k]
        if not chosen:
            raise InputError.at("every evaluator's CR is above 0.10 and exclude_inconsistent is on: "
                                "nothing left to aggregate", source, column="evaluators")
        panel = ahp(geometric_mean_matrix(chosen), crit, source)
        weights = panel.weights
        rule = "geometric mean of the included evaluators' judgements (AIJ), principal eigenvector"
    else:
        weights = {k: float(np.mean([e.weights[k] for e in per])) for k in crit}
        rule = "arithmetic mean of the evaluators' normalised swing weights"
    flagged = [e.name for e in per if e.ahp is not None and not e.ahp.consistent]
    problem = None
    if panel is not None and not panel.consistent:
        problem = f"the panel's judgements are inconsistent: {panel.summary()}"
    provenance = {
        "method": doc.method,
        "rule": rule,
        "evaluators": [e.name for e in per if e.included],
        "excluded": [e.name for e in per if not e.included],
        "inconsistent": flagged,
        "panel_consistency_ratio": None if panel is None or panel.consistency_ratio is None
        else round(panel.consistency_ratio, 4),
        "source": source,
        "elicited_on": (today or date.today()).isoformat(),
    }
    return ElicitationResult(method=doc.method, criteria=crit, evaluators=per, panel=panel,
                             weights=weights, percent=to_percent(weights), usable=problem is None,
                             problem=problem, provenance=provenance)


def load_elicitation(
    path: str | Path, *, data: bytes | None = None, criteria: Sequence[str] = DIMENSION_KEYS
) -> ElicitationInput:
    """The panel's YAML or JSON file, with every schema problem located by field; a file naming
    no criteria weighs `criteria` (pass the rubric's keys, so an extra dimension is weighed too)."""
    path = Path(path)
    doc = load_document(path, data)
    if not isinstance(doc, dict):
        raise InputError.at("expected a mapping with method and evaluators", path.name)
    doc.setdefault("criteria", [str(k) for k in criteria])
    try:
        return ElicitationInput.model_validate(doc)
    except ValidationError as exc:
        raise InputError(Problem(Location(path.name, None, None, ".".join(str(p) for p in e["loc"]) or None),
                                 e["msg"].removeprefix("Value error, ")) for e in exc.errors()) from None
