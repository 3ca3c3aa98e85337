"""Builders for scorecard tests."""

from __future__ import annotations

import numpy as np

from scorecard.dimensions import DIMENSION_KEYS
from scorecard.rubric import Rubric, default_rubric
from scorecard.sheet import ScoreSheet


def plain_rubric(weights: dict[str, float] | None = None) -> Rubric:
    """The default rubric without gates, KPIs or criteria: pure arithmetic."""
    data = default_rubric().model_dump()
    data["gates"] = []
    for dim in data["dimensions"]:
        dim["criteria"], dim["kpis"] = [], []
        if weights:
            dim["weight"] = weights[dim["key"]]
    return Rubric.model_validate(data)


def sheet_from(scores: dict[str, list[list[float | None]]], rubric: Rubric | None = None) -> ScoreSheet:
    """{provider: [[five scores] per evaluator]} -> ScoreSheet on dimension slots."""
    rubric = rubric or plain_rubric()
    n_eval = max(len(v) for v in scores.values())
    sheet = ScoreSheet.empty(rubric, list(scores), [f"e{i + 1}" for i in range(n_eval)])
    for p, rows in enumerate(scores.values()):
        for e, row in enumerate(rows):
            for d, value in enumerate(row):
                sheet.scores[p, e, d] = np.nan if value is None else value
    return sheet


KEYS = DIMENSION_KEYS
