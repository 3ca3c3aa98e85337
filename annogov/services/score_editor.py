"""The score editor's table: an evaluator's rows with saved values and versions, and its edits or problems."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from annogov.store import (
    EvaluationRecord,
    ProviderRecord,
    ScoreEdit,
)
from scorecard.dimensions import DIMENSION_NAMES, SCORE_MAX, SCORE_MIN
from scorecard.rubric import Rubric
from scorecard.sheet import Slot


class EditorRow(BaseModel):
    """One line of an evaluator's score table: a provider and a dimension (or criterion)."""

    model_config = ConfigDict(frozen=True)

    provider_id: int
    provider: str
    dimension: str
    criterion: str | None
    score: float | None
    comment: str
    evidence: str
    version: int  # 0: nothing saved yet
    kpis: dict[str, Any] = Field(default_factory=dict)  # kept as saved: the editor leaves them
    dimension_name: str = ""

    @property
    def label(self) -> str:
        name = self.dimension_name or DIMENSION_NAMES.get(self.dimension, self.dimension)
        return name if self.criterion is None else f"{name}: {self.criterion}"


class ScoreInput(BaseModel):
    """An edited cell set, re-validated (browsers enforce widget limits, servers must too)."""

    score: float | None = Field(None, ge=SCORE_MIN, le=SCORE_MAX, allow_inf_nan=False)
    comment: str = Field("", max_length=2000)
    evidence: str = Field("", max_length=4000)


def editor_rows(
    rubric: Rubric,
    providers: Sequence[ProviderRecord],
    evaluations: Sequence[EvaluationRecord],
    evaluator: str,
) -> list[EditorRow]:
    """An evaluator's table: per provider, each dimension, or its criteria where anyone scored
    that dimension through criteria; saved values and versions filled in."""
    own = {(e.provider_id, e.dimension, e.criterion): e for e in evaluations if e.evaluator == evaluator}
    uses_criteria = {
        (e.provider_id, e.dimension)
        for e in evaluations
        if e.criterion is not None and e.criterion in {c.key for c in rubric.dimension(e.dimension).criteria}
    }
    rows: list[EditorRow] = []
    for provider in providers:
        for key in rubric.keys:
            slots = (
                [Slot(key, c.key) for c in rubric.dimension(key).criteria]
                if (provider.id, key) in uses_criteria
                else [Slot(key)]
            )
            for slot in slots:
                saved = own.get((provider.id, slot.dimension, slot.criterion))
                rows.append(
                    EditorRow(
                        provider_id=provider.id,
                        provider=provider.name,
                        dimension=key,
                        criterion=slot.criterion,
                        score=None if saved is None else saved.score,
                        comment="" if saved is None else saved.comment,
                        evidence="" if saved is None else saved.evidence,
                        version=0 if saved is None else saved.version,
                        kpis={} if saved is None else dict(saved.kpis),
                        dimension_name=rubric.dimension(key).name,
                    )
                )
    return rows


def _cell_score(value: object) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", ".")
        return text or None
    return value


def _cell_text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


@dataclass
class EditorChanges:
    """The edits to save from the score table, or the problems that block saving."""

    edits: list[ScoreEdit]
    problems: list[str]


def edits_from_editor(base: Sequence[EditorRow], edited: Sequence[Mapping[str, Any]], evaluator: str) -> EditorChanges:
    """Compare the table as loaded with the table as edited (same rows, same order); changed
    rows become ScoreEdits carrying the loaded version. Every invalid value is reported."""
    if len(base) != len(edited):
        return EditorChanges([], ["The table changed shape; reload it and edit again."])
    edits: list[ScoreEdit] = []
    problems: list[str] = []
    for number, (row, values) in enumerate(zip(base, edited, strict=True), start=1):
        raw = {
            "score": _cell_score(values.get("score")),
            "comment": _cell_text(values.get("comment")),
            "evidence": _cell_text(values.get("evidence")),
        }
        try:
            cell = ScoreInput.model_validate(raw)
        except ValidationError as exc:
            for err in exc.errors():
                column = str(err["loc"][0]) if err["loc"] else "value"
                shown = raw.get(column, "")
                if column == "score":
                    why = f"must be a number from {SCORE_MIN:g} to {SCORE_MAX:g} or blank"
                else:
                    why = err["msg"].lower()
                problems.append(f"Row {number} ({row.provider}, {row.label}), {column}: {why}; got {shown!r}")
            continue
        if (cell.score, cell.comment, cell.evidence) == (row.score, row.comment, row.evidence):
            continue
        edits.append(
            ScoreEdit(
                provider_id=row.provider_id,
                evaluator=evaluator,
                dimension=row.dimension,  # type: ignore[arg-type]
                criterion=row.criterion,
                score=cell.score,
                comment=cell.comment,
                evidence=cell.evidence,
                kpis=dict(row.kpis),
                expected_version=row.version,
            )
        )
    return EditorChanges(edits, problems)


def anchor_text(rubric: Rubric, dimension: str) -> str:
    """'1: ... · 3: ... · 5: ...': a dimension's anchors in one cell of the score editor."""
    anchors = rubric.dimension(dimension).anchors
    return " · ".join(f"{k}: {text}" for k, text in sorted(anchors.items()))
