"""The rules of a tender panel's evaluation round, as data and pure functions.

An evaluator declares conflicts of interest before seeing the providers, scores alone, and locks
the scores; nobody sees another evaluator's scores until the round closes. The consensus follows
the round's stated rule; a moderated score is kept beside the consensus, with who and why.
`annogov.store.evaluation_round` enforces these rules on every read and write.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scorecard.dimensions import DIMENSION_KEYS, SCORE_MAX, SCORE_MIN

ConsensusRule = Literal["mean", "median"]
RULES: dict[str, str] = {
    "mean": "the mean of the evaluators' locked scores",
    "median": "the median of the evaluators' locked scores",
}


class RoundError(ValueError):
    """A step the round's rules do not allow now (closed round, undeclared evaluator, ...)."""


class PanelMember(BaseModel):
    """An evaluator on the panel and where they are in the round."""

    model_config = ConfigDict(frozen=True)

    user_id: str
    name: str
    declared_at: datetime | None = None
    declaration: str = ""
    conflicts: tuple[str, ...] = ()
    locked_at: datetime | None = None


class RoundInfo(BaseModel):
    """A round as everyone may see it: no scores in it."""

    model_config = ConfigDict(frozen=True)

    round_id: int
    program_id: int
    name: str
    rule: ConsensusRule
    status: Literal["open", "closed"]
    providers: tuple[str, ...]
    panel: tuple[PanelMember, ...]
    dimensions: tuple[str, ...] = DIMENSION_KEYS
    created_by: str
    created_at: datetime
    closed_by: str | None = None
    closed_at: datetime | None = None

    def member(self, user_id: str) -> PanelMember | None:
        """The panel member with this id, if any."""
        return next((m for m in self.panel if m.user_id == user_id), None)


class Moderation(BaseModel):
    """A moderated score and who set it, when and why."""

    model_config = ConfigDict(frozen=True)

    score: float
    by: str
    reason: str
    at: datetime


class CellResult(BaseModel):
    """One provider on one dimension after the round closed."""

    model_config = ConfigDict(frozen=True)

    provider: str
    dimension: str
    individual: dict[str, float]
    consensus: float | None
    moderation: Moderation | None = None

    @property
    def final(self) -> float | None:
        """The moderated score when there is one, otherwise the consensus."""
        return self.moderation.score if self.moderation else self.consensus


class RoundResult(BaseModel):
    """Every cell of a closed round, the rule and the final scores."""

    model_config = ConfigDict(frozen=True)

    info: RoundInfo
    cells: list[CellResult] = Field(default_factory=list)

    def final_scores(self) -> dict[str, dict[str, float | None]]:
        """provider -> dimension -> final score (moderated where moderated)."""
        out: dict[str, dict[str, float | None]] = {p: {} for p in self.info.providers}
        for c in self.cells:
            out[c.provider][c.dimension] = c.final
        return out

    def to_payload(self) -> dict[str, object]:
        """Plain data for JSON and reports: original consensus beside the moderated score."""
        return {
            "round": self.info.name, "rule": RULES[self.info.rule], "status": self.info.status,
            "cells": [{"provider": c.provider, "dimension": c.dimension, "individual": c.individual,
                       "consensus": c.consensus, "moderated": c.moderation.score if c.moderation else None,
                       "moderated_by": c.moderation.by if c.moderation else None,
                       "reason": c.moderation.reason if c.moderation else None, "final": c.final}
                      for c in self.cells],
        }


def consensus_of(scores: Sequence[float], rule: ConsensusRule) -> float | None:
    """The round's consensus of one cell by its stated rule; None without scores."""
    if not scores:
        return None
    return float(statistics.fmean(scores) if rule == "mean" else statistics.median(scores))


def check_score(dimension: str, score: float, dimensions: Sequence[str] = DIMENSION_KEYS) -> None:
    """A score must be on the 1-5 scale for one of the round's dimensions."""
    if dimension not in dimensions:
        raise RoundError(f"unknown dimension {dimension!r}; expected one of {', '.join(dimensions)}")
    if not SCORE_MIN <= score <= SCORE_MAX:
        raise RoundError(f"a score runs from {SCORE_MIN:g} to {SCORE_MAX:g}, not {score:g}")
