"""The portability audit: each clause present, weak or missing, the red flags, and what to ask.

Pure functions over a `ContractProfile`; the evaluation date is explicit so certification age is
judged as of the day the evaluation is made, not the day the code runs. This module holds the
clause table, the result models, the data-portability checks and `audit_profile`, which calls the
area checks in `audit_quality`, `audit_commercial`, `audit_security` and `audit_checks` in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts import audit_checks, audit_commercial, audit_quality, audit_security
from contracts.audit_checks import Emit
from contracts.profile import OPEN_FORMATS, PRICING_INCENTIVES, ContractProfile, is_open_format

Status = Literal["present", "weak", "missing"]
Severity = Literal["critical", "high", "medium", "low"]
Dimension = Literal["commercial", "security", "quality_sla"]

SEVERITY_ORDER: dict[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class Clause:
    """A clause the audit looks for: its title, scorecard dimension and severity when missing."""

    key: str
    title: str
    dimension: Dimension
    severity_if_missing: Severity
    portability: bool = False


CLAUSES: tuple[Clause, ...] = (
    Clause("data_ownership", "Ownership of labelled data", "commercial", "critical", True),
    Clause("export_right", "Right to export at any time", "commercial", "critical", True),
    Clause("export_formats", "Open export formats named", "commercial", "high", True),
    Clause("guidelines", "Guidelines and edge-case rulings as versioned assets", "quality_sla", "high", True),
    Clause("quality_metrics", "Quality metrics defined and transferable", "quality_sla", "high", True),
    Clause(
        "accuracy_spec",
        "Accuracy per category, QA >= 10% per category, a method, a gold set you own",
        "quality_sla",
        "medium",
    ),
    Clause("transition", "Transition and offboarding", "commercial", "critical", True),
    Clause("sla_terms", "SLA terms for accuracy, turnaround and ramp with remedies", "quality_sla", "high"),
    Clause("pilot", "Pilot before commitment", "commercial", "medium"),
    Clause("scale_up", "Scale-up to 2x-3x within weeks", "commercial", "medium"),
    Clause("scope_change", "Scope-change process", "commercial", "medium"),
    Clause("minimum_commitment", "Minimum commitment stated", "commercial", "low"),
    Clause("pricing_model", "Pricing model and its incentive", "commercial", "medium"),
    Clause("worker_protection", "Remedies fall on the vendor, never on its workers", "commercial", "low"),
    Clause("soc2", "SOC 2 Type II report", "security", "high"),
    Clause("iso27001", "ISO 27001 covering the delivery centres", "security", "high"),
    Clause("dpa", "Data processing agreement", "security", "high"),
    Clause("subprocessors", "Subprocessors disclosed, with locations and a right to object", "security", "medium"),
    Clause("data_residency", "Data residency and governing law", "security", "medium"),
    Clause("deletion", "Deletion at exit, confirmed in writing", "security", "medium"),
    Clause("export_controls", "Export controls and sanctions", "security", "low"),
    Clause("endpoint_controls", "Endpoint controls at annotator workstations", "security", "medium"),
)
CLAUSE_BY_KEY: dict[str, Clause] = {c.key: c for c in CLAUSES}
_ORDER: dict[str, int] = {c.key: i for i, c in enumerate(CLAUSES)}
NOT_LOCK_IN = {"quality_metrics.accuracy_without_method", "quality_metrics.no_agreement_by_task_type"}


class Finding(BaseModel):
    """One thing wrong with a clause, in plain words, with the question to put to the vendor."""

    code: str = Field(description="Stable id, '<clause>.<what>'")
    clause: str
    status: Literal["weak", "missing"]
    severity: Severity
    reason: str
    ask: str
    red_flag: bool = False
    dimension: Dimension


class ClauseResult(BaseModel):
    """The verdict on one clause: the worst of its findings, or present."""

    clause: str
    title: str
    dimension: Dimension
    status: Status
    severity: Severity | None = None
    detail: str | None = None


class LockInSummary(BaseModel):
    """How hard it would be to leave this vendor, and why."""

    level: Literal["low", "medium", "high"]
    portable: list[str] = Field(description="Portability clauses that are present")
    at_risk: list[str] = Field(description="Portability clauses that are weak or missing")
    reasons: list[str]


class ContractAudit(BaseModel):
    """The whole audit of one profile at one evaluation date."""

    vendor: str
    contract: str | None = None
    as_of: date
    clauses: list[ClauseResult]
    findings: list[Finding]
    lock_in: LockInSummary
    pricing_incentive: str | None = None

    @property
    def red_flags(self) -> list[Finding]:
        """Findings that match the evaluation framework's red flags."""
        return [f for f in self.findings if f.red_flag]

    @property
    def critical_missing(self) -> list[str]:
        """Clauses that are missing and critical: the command exits 1 on any."""
        return [c.clause for c in self.clauses if c.status == "missing" and c.severity == "critical"]

    def to_payload(self) -> dict[str, Any]:
        """JSON-ready dict for the app, the reports and `--format json`."""
        payload = self.model_dump(mode="json")
        payload["red_flags"] = [f.code for f in self.red_flags]
        payload["critical_missing"] = self.critical_missing
        payload["counts"] = {s: sum(c.status == s for c in self.clauses) for s in ("present", "weak", "missing")}
        return payload


def _ownership(p: ContractProfile, emit: Emit) -> None:
    owns = p.data.buyer_owns_data
    if owns is None:
        emit(
            "missing",
            "The contract does not say who owns the labelled data.",
            "Add a clause stating that the buyer owns all labelled data, annotations and "
            "derived outputs from creation.",
        )
    elif owns is False:
        emit(
            "missing",
            "The vendor keeps ownership of the labelled data (or only licenses it to "
            "you): you cannot take your own labels to another provider.",
            "Ask the vendor to assign all right, title and interest in the labelled data to you.",
            code="vendor_owns",
        )


def _export_right(p: ContractProfile, emit: Emit) -> None:
    timing = p.data.export_timing
    if timing in (None, "none"):
        emit(
            "missing",
            "No right to export the labelled data is stated.",
            "Ask for the right to export all labelled data at any time, at no extra charge.",
        )
    elif timing == "contract_end":
        emit(
            "weak",
            "Data can be exported only when the contract ends, so you cannot check a "
            "successor's work against it or leave mid-term without a fight.",
            "Ask for export at any time during the term, not only at termination.",
            severity="high",
        )
    elif timing == "on_request":
        emit(
            "weak",
            "Export is available only on request, with no stated turnaround.",
            "Ask for self-service export at any time, or a maximum turnaround (e.g. 5 working "
            "days) for export requests.",
            severity="medium",
        )


def _export_formats(p: ContractProfile, emit: Emit) -> None:
    formats = p.data.export_formats
    if not formats:
        emit(
            "missing",
            "No export format is named, so the vendor decides what you receive.",
            "Ask the vendor to name open formats for every data type, e.g. "
            + ", ".join(list(OPEN_FORMATS.values())[:6])
            + ".",
        )
    elif not any(is_open_format(f) for f in formats):
        emit(
            "weak",
            f"Only proprietary formats are named ({', '.join(formats)}): a successor "
            "would have to convert or rebuild the labels.",
            "Ask for at least one open, documented format (COCO, JSONL, CSV, Label Studio JSON, "
            "Pascal VOC, YOLO) alongside the vendor's own.",
            code="proprietary_only",
        )


def _guidelines(p: ContractProfile, emit: Emit) -> None:
    g = p.guidelines
    if not g.delivered_as_asset:
        emit(
            "missing",
            "Annotation guidelines are not delivered to you: the rules that make the "
            "labels consistent stay with the vendor's team.",
            "Ask for the guidelines to be a deliverable you own, kept current in your repository.",
        )
        return
    lacking = [name for name, ok in (("versioned", g.versioned), ("edge-case rulings", g.edge_case_rulings)) if not ok]
    if lacking:
        emit(
            "weak",
            "Guidelines are delivered but without " + " and ".join(lacking) + "; the "
            "small rulings a mature team relies on would be lost in a handover.",
            "Ask for versioned guidelines with a change log and a written log of every edge-case "
            "ruling, delivered with each release.",
            severity="medium",
        )


def _transition(p: ContractProfile, emit: Emit) -> None:
    t = p.transition
    if not t.clause_present:
        emit(
            "missing",
            "There is no transition or offboarding clause: leaving would mean "
            "negotiating the handover when you have the least leverage.",
            "Ask for an offboarding clause listing handover artefacts, a timeline, and full "
            "throughput until the successor is ramped.",
        )
        return
    lacking = []
    if not t.handover_artefacts:
        lacking.append("the handover artefacts")
    if t.timeline_days is None:
        lacking.append("a timeline")
    if not t.throughput_continuity:
        lacking.append("throughput continuity during the switch")
    if lacking:
        emit(
            "weak",
            "The offboarding clause does not name " + ", ".join(lacking) + ".",
            "Ask the vendor to list what is handed over (data, guidelines, gold set, edge-case "
            "log, calibration log), by when, and to keep the agreed throughput during the switch.",
            severity="high",
        )


def audit_profile(profile: ContractProfile, as_of: date, *, agreement: float | None = None) -> ContractAudit:
    """Check every clause of `profile` as of `as_of` (the evaluation date); with `agreement` (the
    measured pairwise agreement, upper interval bound) also question unreachable accuracy targets."""
    findings: list[Finding] = []

    def emitter(clause: str) -> Emit:
        spec = CLAUSE_BY_KEY[clause]

        def emit(
            status: Literal["weak", "missing"],
            reason: str,
            ask: str,
            *,
            severity: Severity | None = None,
            code: str | None = None,
            red_flag: bool = False,
        ) -> None:
            findings.append(
                Finding(
                    code=f"{clause}.{code or status}",
                    clause=clause,
                    status=status,
                    severity=severity or spec.severity_if_missing,
                    reason=reason,
                    ask=ask,
                    red_flag=red_flag,
                    dimension=spec.dimension,
                )
            )

        return emit

    _ownership(profile, emitter("data_ownership"))
    _export_right(profile, emitter("export_right"))
    _export_formats(profile, emitter("export_formats"))
    _guidelines(profile, emitter("guidelines"))
    audit_quality.quality_metrics(profile, emitter("quality_metrics"))
    if not any(f.clause == "quality_metrics" and f.status == "missing" for f in findings):
        audit_quality.task_type_red_flag(profile, emitter("quality_metrics"))
    audit_quality.accuracy_red_flag(profile, emitter("quality_metrics"))
    _transition(profile, emitter("transition"))
    if profile.transition.clause_present:
        audit_checks.transition_depth(profile, emitter("transition"))
    audit_checks.accuracy_spec(profile, emitter("accuracy_spec"), audit_quality.accuracy_quoted(profile))
    audit_quality.sla_terms(profile, emitter("sla_terms"))
    audit_quality.accuracy_realism(profile, emitter("sla_terms"), agreement)
    audit_commercial.pilot(profile, emitter("pilot"))
    audit_commercial.scale_up(profile, emitter("scale_up"))
    audit_commercial.scope_change(profile, emitter("scope_change"))
    audit_commercial.minimum_commitment(profile, emitter("minimum_commitment"))
    audit_commercial.pricing(profile, emitter("pricing_model"))
    audit_checks.worker_protection(profile, emitter("worker_protection"))
    audit_security.soc2(profile, emitter("soc2"), as_of)
    audit_security.iso27001(profile, emitter("iso27001"), as_of)
    audit_security.dpa(profile, emitter("dpa"))
    audit_security.subprocessors(profile, emitter("subprocessors"))
    audit_checks.data_residency(profile, emitter("data_residency"))
    audit_checks.deletion(profile, emitter("deletion"))
    audit_checks.export_controls(profile, emitter("export_controls"))
    audit_security.endpoint(profile, emitter("endpoint_controls"))

    clauses = [_clause_result(spec, [f for f in findings if f.clause == spec.key]) for spec in CLAUSES]
    model = profile.commercial.pricing_model
    return ContractAudit(
        vendor=profile.vendor,
        contract=profile.contract,
        as_of=as_of,
        clauses=clauses,
        findings=sorted(findings, key=lambda f: (SEVERITY_ORDER[f.severity], _ORDER[f.clause])),
        lock_in=_lock_in(findings),
        pricing_incentive=PRICING_INCENTIVES.get(model or ""),
    )


def _clause_result(spec: Clause, found: list[Finding]) -> ClauseResult:
    if not found:
        return ClauseResult(clause=spec.key, title=spec.title, dimension=spec.dimension, status="present")
    status: Status = "missing" if any(f.status == "missing" for f in found) else "weak"
    worst = min(found, key=lambda f: SEVERITY_ORDER[f.severity])
    return ClauseResult(
        clause=spec.key,
        title=spec.title,
        dimension=spec.dimension,
        status=status,
        severity=worst.severity,
        detail=" ".join(f.reason for f in found),
    )


def _lock_in(findings: list[Finding]) -> LockInSummary:
    """Lock-in from the portability clauses only; accuracy and agreement red flags are about
    measurement, not about leaving."""
    relevant = [f for f in findings if CLAUSE_BY_KEY[f.clause].portability and f.code not in NOT_LOCK_IN]
    specs = [c for c in CLAUSES if c.portability]
    at_risk = [s for s in specs if any(f.clause == s.key for f in relevant)]
    portable = [s.title for s in specs if s not in at_risk]
    critical = [f for f in relevant if f.severity == "critical"]
    high = [f for f in relevant if f.severity == "high"]
    level: Literal["low", "medium", "high"]
    if critical or len(high) >= 2:
        level = "high"
    elif relevant:
        level = "medium"
    else:
        level = "low"
    reasons = [
        f"{CLAUSE_BY_KEY[f.clause].title}: {f.status}. {f.reason}"
        for f in sorted(relevant, key=lambda f: (SEVERITY_ORDER[f.severity], _ORDER[f.clause]))
    ]
    if not reasons:
        reasons = [
            "Data, formats, guidelines, quality metrics and the offboarding terms are all "
            "in the contract: a successor could start from your assets, not from zero."
        ]
    return LockInSummary(level=level, portable=portable, at_risk=[s.title for s in at_risk], reasons=reasons)
