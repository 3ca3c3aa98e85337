"""The scorecard's input, columnar: every evaluator's score per provider and scoring slot.

A slot is either a whole dimension (scored directly) or one of its criteria. Missing scores are
NaN inside the array and never reach a total: a provider with a missing slot is incomplete.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scorecard.rubric import Rubric

GENERAL = -1  # slot index of a comment about the provider as a whole


@dataclass(frozen=True)
class Slot:
    """A scoring position: a dimension, optionally one of its criteria."""

    dimension: str
    criterion: str | None = None

    @property
    def label(self) -> str:
        return self.dimension if self.criterion is None else f"{self.dimension}.{self.criterion}"


def slots_of(rubric: Rubric) -> list[Slot]:
    """Dimension slots first (canonical order), then every criterion slot."""
    slots = [Slot(k) for k in rubric.keys]
    for key in rubric.keys:
        slots += [Slot(key, c.key) for c in rubric.dimension(key).criteria]
    return slots


@dataclass(frozen=True)
class ExternalFinding:
    """Evidence about one provider and dimension from outside the sheet (e.g. a contract audit):
    a suggested score, or a finding code the rubric's policy table turns into a red flag."""

    source: str
    dimension: str
    reason: str
    suggested: float | None = None
    finding: str | None = None


@dataclass
class ScoreSheet:
    """Scores (providers x evaluators x slots, NaN = not scored) with comments and evidence.

    `low`/`high` optionally bound each score for the uncertainty simulation (NaN = use the spread
    of the evaluators' values). `kpis[p]` and `red_flags[p]` are the evidence for provider p.
    """

    rubric: Rubric
    providers: list[str]
    evaluators: list[str]
    scores: np.ndarray
    comments: dict[tuple[int, int, int], str] = field(default_factory=dict)  # (p, e, slot or GENERAL)
    kpis: list[dict[str, object]] = field(default_factory=list)
    red_flags: list[set[str]] = field(default_factory=list)
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    external: list[list[ExternalFinding]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots = slots_of(self.rubric)
        expected = (len(self.providers), len(self.evaluators), len(self.slots))
        if self.scores.shape != expected:
            raise ValueError(f"scores has shape {self.scores.shape}, expected {expected}")
        if not self.kpis:
            self.kpis = [{} for _ in self.providers]
        if not self.red_flags:
            self.red_flags = [set() for _ in self.providers]
        if not self.external:
            self.external = [[] for _ in self.providers]

    def attach(self, provider: str, findings: list[ExternalFinding]) -> None:
        """Add outside evidence to a provider, matched by name regardless of case."""
        names = {n.casefold(): i for i, n in enumerate(self.providers)}
        if provider.casefold() not in names:
            raise KeyError(provider)
        self.external[names[provider.casefold()]].extend(findings)

    @classmethod
    def empty(cls, rubric: Rubric, providers: list[str], evaluators: list[str]) -> ScoreSheet:
        shape = (len(providers), len(evaluators), len(slots_of(rubric)))
        return cls(rubric, providers, evaluators, np.full(shape, np.nan))

    def slot_index(self, dimension: str, criterion: str | None = None) -> int:
        return self.slots.index(Slot(dimension, criterion))

    def set(
        self,
        provider: str,
        evaluator: str,
        dimension: str,
        score: float | None,
        criterion: str | None = None,
        comment: str = "",
    ) -> None:
        """Record one score by names (tests and scripts build small sheets this way)."""
        p, e = self.providers.index(provider), self.evaluators.index(evaluator)
        s = self.slot_index(dimension, criterion)
        self.scores[p, e, s] = np.nan if score is None else float(score)
        if comment:
            self.comments[(p, e, s)] = comment

    def evaluation_rows(self) -> list[dict[str, object]]:
        """Every score given, with its comment: the evidence table of the reports."""
        rows: list[dict[str, object]] = []
        for p, e, s in zip(*np.nonzero(~np.isnan(self.scores)), strict=True):
            comment = self.comments.get((p, e, s)) or self.comments.get((p, e, GENERAL), "")
            rows.append(
                {
                    "provider": self.providers[p],
                    "evaluator": self.evaluators[e],
                    "dimension": self.slots[s].label,
                    "score": float(self.scores[p, e, s]),
                    "comment": comment,
                }
            )
        return rows
