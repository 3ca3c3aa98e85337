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


def with_worker_welfare() -> dict:
    """The default rubric as data plus a sixth dimension, worker welfare at 10, the five at
    20/20/20/15/15 (weights still summing to 100)."""
    data = default_rubric().model_dump(mode="json")
    data["dimensions"].append(
        {"key": "worker_welfare", "name": "Worker welfare", "weight": 10, "primary_criterion": "Pay and support"}
    )
    for dim, weight in zip(data["dimensions"], (20, 20, 20, 15, 15, 10), strict=True):
        dim["weight"] = weight
    return data
