"""Loose header matching for scoring sheets: which column is the provider, evaluator, score or
comment, which names a rubric dimension, criterion or KPI (spelling, case, 'and' and underscores
ignored), and which row is the header."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ingest.headers import normalise_header
from scorecard.rubric import Rubric

_ROLE_ALIASES: dict[str, tuple[str, ...]] = {
    "provider": ("provider", "vendor", "provider_name", "vendor_name", "supplier", "company", "name"),
    "evaluator": ("evaluator", "rater", "reviewer", "scored_by", "assessor", "scorer"),
    "dimension": ("dimension", "category_of_evaluation", "area"),
    "criterion": ("criterion", "sub_criterion", "subcriterion", "criteria"),
    "score": ("score", "rating", "score_1_5", "value"),
    "comment": ("comment", "comments", "note", "notes", "rationale", "evidence", "justification"),
    "low": ("low", "min", "minimum", "score_low"),
    "high": ("high", "max", "maximum", "score_high"),
    "red_flags": ("red_flags", "red_flag", "flags"),
}


_DIMENSION_ALIASES: dict[str, tuple[str, ...]] = {
    "workforce": ("workforce", "workforce_model", "workforce_model_and_annotator_expertise", "workforce_and_expertise"),
    "security": (
        "security",
        "security_and_compliance",
        "security_compliance",
        "data_security",
        "security_compliance_and_data_governance",
        "security_and_compliance_posture",
    ),
    "quality_sla": ("quality_sla", "quality", "quality_slas", "quality_sla_s", "sla", "quality_and_sla"),
    "ai_throughput": (
        "ai_throughput",
        "ai_assisted_throughput",
        "throughput",
        "ai_assisted_throughput_and_human_oversight",
        "ai_assisted_throughput_human_oversight",
    ),
    "commercial": (
        "commercial",
        "commercial_flexibility",
        "commercial_flexibility_and_program_scalability",
        "commercial_and_scalability",
    ),
}


def _squash(text: str) -> str:
    return text.replace("_and_", "_").replace("_", "")


@dataclass
class Matcher:
    """Loose header matching against a rubric's dimensions, criteria and KPIs."""

    rubric: Rubric
    table: dict[str, tuple[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        def add(name: str, target: tuple[str, Any]) -> None:
            for form in {normalise_header(name), _squash(normalise_header(name))}:
                self.table.setdefault(form, target)

        for role, names in _ROLE_ALIASES.items():
            for n in names:
                add(n, ("role", role))
        for d in self.rubric.dimensions:
            for n in (*_DIMENSION_ALIASES.get(d.key, (d.key,)), d.name):
                add(n, ("dimension", d.key))
            for c in d.criteria:
                for dn in (*_DIMENSION_ALIASES.get(d.key, (d.key,)), d.name):
                    add(f"{dn} {c.key}", ("criterion", (d.key, c.key)))
                    add(f"{dn} {c.name}", ("criterion", (d.key, c.key)))
            for dn in (*_DIMENSION_ALIASES.get(d.key, (d.key,)), d.name):
                for word in ("comment", "comments", "notes", "evidence", "rationale"):
                    add(f"{dn} {word}", ("comment", d.key))
            for k in d.kpis:
                add(k.key, ("kpi", k.key))
                add(k.name, ("kpi", k.key))

    def match(self, header: object) -> tuple[str, Any] | None:
        norm = normalise_header(header)
        if not norm:
            return None
        return self.table.get(norm) or self.table.get(_squash(norm))

    def dimension(self, value: object) -> str | None:
        hit = self.match(value)
        return hit[1] if hit and hit[0] == "dimension" else None

    def criterion(self, dimension: str, value: object) -> str | None:
        norm = normalise_header(value)
        for c in self.rubric.dimension(dimension).criteria:
            if norm in {normalise_header(c.key), normalise_header(c.name)} or _squash(norm) == _squash(
                normalise_header(c.name)
            ):
                return c.key
        return None

    def is_header(self, row: Sequence[Any]) -> bool:
        kinds = [self.match(c) for c in row]
        roles = {h[1] for h in kinds if h and h[0] == "role"}
        has_scores = "score" in roles or any(h and h[0] in {"dimension", "criterion"} for h in kinds)
        return "provider" in roles and has_scores


def header_roles(
    header: list[str], matcher: Matcher
) -> tuple[dict[str, int], list[tuple[int, tuple[str, Any]]], list[str]]:
    """The column of each role, the other matched columns (dimension, criterion, KPI, comment) and
    the headers nothing matched."""
    roles: dict[str, int] = {}
    others: list[tuple[int, tuple[str, Any]]] = []
    ignored: list[str] = []
    for i, name in enumerate(header):
        hit = matcher.match(name)
        if hit is None:
            if name:
                ignored.append(name)
        elif hit[0] == "role":
            roles.setdefault(hit[1], i)
        else:
            others.append((i, hit))
    return roles, others, ignored
