"""Evidence behind scores: KPI values turned into suggested dimension scores and red flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from scorecard.rubric import Rubric


@dataclass
class Suggestion:
    """A dimension score suggested by KPI values (weakest KPI wins) and why."""

    dimension: str
    score: float
    reasons: list[str] = field(default_factory=list)


def merge_suggestion(suggestions: dict[str, Suggestion], dimension: str, score: float, reason: str) -> None:
    """Fold one more suggested score into `suggestions`, in place: the lowest score wins and its
    reason comes first; every other reason is kept."""
    current = suggestions.get(dimension)
    if current is None or score < current.score:
        suggestions[dimension] = Suggestion(dimension, score, [reason, *(current.reasons if current else [])])
    else:
        current.reasons.append(reason)


@dataclass
class EvidenceResult:
    suggestions: dict[str, Suggestion]
    red_flags: dict[str, list[str]]  # flag -> the KPI readings that raised it
    problems: list[str]


def assess_evidence(rubric: Rubric, kpis: dict[str, object], as_of: date) -> EvidenceResult:
    """Suggest a score per dimension from the KPIs the rubric knows; raise the KPIs' red flags.

    The suggestion is the lowest score any of the dimension's KPIs supports: one weak KPI is
    enough to hold a dimension back. Unreadable values are reported, not guessed.
    """
    suggestions: dict[str, Suggestion] = {}
    flags: dict[str, list[str]] = {}
    problems: list[str] = []
    for key in rubric.keys:
        for rule in rubric.dimension(key).kpis:
            if rule.key not in kpis:
                continue
            try:
                score = rule.suggest(kpis[rule.key], as_of)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            if score is None:
                continue
            merge_suggestion(suggestions, key, score, f"{rule.name} = {kpis[rule.key]} suggests {score:g}")
            if rule.flag and rule.flag_below is not None and score < rule.flag_below:
                reading = f"KPI {rule.key} = {kpis[rule.key]} scores {score:g}, below {rule.flag_below:g}"
                flags.setdefault(rule.flag, []).append(reading)
    return EvidenceResult(suggestions, flags, problems)
