"""The portability audit: each clause present, weak or missing, the red flags, and what to ask.

Pure functions over a `ContractProfile`; the evaluation date is explicit so certification age is
judged as of the day the evaluation is made, not the day the code runs.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts import audit_checks
from contracts.audit_checks import Emit
from contracts.profile import OPEN_FORMATS, PRICING_INCENTIVES, ContractProfile, is_open_format
from contracts.realism import check_target
from contracts.sla_terms import SlaTerm

Status = Literal["present", "weak", "missing"]
Severity = Literal["critical", "high", "medium", "low"]
Dimension = Literal["commercial", "security", "quality_sla"]

SEVERITY_ORDER: dict[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3}
CERTIFICATION_MAX_AGE_MONTHS = 12
SCALE_UP_MIN_MULTIPLE = 2.0
SCALE_UP_MAX_WEEKS = 4
LONG_TERM_MONTHS = 12

AGREEMENT_METRICS = {
    "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "percent_agreement", "gwet_ac", "brennan_prediger",
    "conger_kappa",
}  # fmt: skip
QUALITY_METRICS = AGREEMENT_METRICS | {"accuracy", "defect_rate", "qa_coverage"}


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


def add_months(day: date, months: int) -> date:
    """Calendar months later; the 29-31st clamps to the month's last day (Feb 29 -> Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_stale(certified: date, as_of: date, months: int = CERTIFICATION_MAX_AGE_MONTHS) -> bool:
    """Older than `months` at `as_of`; exactly `months` old still counts as current."""
    return as_of > add_months(certified, months)




def _terms(p: ContractProfile) -> list[SlaTerm]:
    """The profile's SLA terms; none when it has no SLA section."""
    return p.sla.terms if p.sla is not None else []


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


def _quality_metrics(p: ContractProfile, emit: Emit) -> None:
    q = p.quality
    parts = {
        "agreement metric": q.agreement_metric,
        "agreement target": q.agreement_target,
        "gold set": q.gold_set_defined,
        "transfer to a successor": q.transferable_to_successor,
    }
    stated = [k for k, v in parts.items() if v not in (None, False, "")]
    if not any(k in stated for k in ("agreement metric", "agreement target", "gold set")):
        emit(
            "missing",
            "No quality metrics are defined (no agreement target, no gold set), so "
            "neither this vendor nor a successor can be held to a yardstick.",
            "Ask for named agreement metrics with targets per task type (e.g. kappa >= 0.80 on "
            "complex tasks) and a gold-standard set you own.",
        )
        return
    lacking = [k for k in parts if k not in stated]
    if lacking:
        emit(
            "weak",
            "Quality metrics are only partly defined: no " + ", no ".join(lacking) + ".",
            "Ask for the agreement metric and target, the gold set, and the right to hand both to any successor.",
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


def _sla_terms(p: ContractProfile, emit: Emit) -> None:
    terms = _terms(p)
    if not terms:
        emit(
            "missing",
            "No measurable SLA terms: a gap in quality or throughput could not be measured or held to account.",
            "Ask for SLA terms on accuracy or agreement, turnaround and ramp, each with a remedy.",
        )
        return
    groups = {
        "accuracy or agreement": [t for t in terms if t.metric in QUALITY_METRICS],
        "turnaround": [t for t in terms if t.metric == "on_time_rate"],
        "ramp": [t for t in terms if t.metric == "weekly_throughput"],
    }
    scheduled = p.sla is not None and p.sla.ramp is not None
    absent = [name for name, ts in groups.items() if not ts and not (name == "ramp" and scheduled)]
    no_remedy = [
        name
        for name, ts in groups.items()
        if ts and not any(t.remedy.kind != "none" and t.remedy.amount > 0 for t in ts)
    ]
    problems = []
    if absent:
        problems.append("no term for " + ", ".join(absent))
    if no_remedy:
        problems.append("no remedy on " + ", ".join(no_remedy))
    if problems:
        emit(
            "weak",
            "The SLA has " + "; ".join(problems) + ".",
            "Ask for a term and a service credit for each of accuracy, turnaround and ramp.",
            severity="high",
        )


def _pilot(p: ContractProfile, emit: Emit) -> None:
    if not p.commercial.pilot_available:
        emit(
            "missing",
            "No pilot before commitment: you would learn the vendor's real quality after signing.",
            "Ask for a paid pilot on your own data with the SLA measured.",
        )


def _scale_up(p: ContractProfile, emit: Emit) -> None:
    c = p.commercial
    if c.scale_up_multiple is None and c.scale_up_weeks is None:
        emit(
            "missing",
            "No scale-up provision: a surge in demand would be negotiated from scratch.",
            f"Ask for a commitment to reach {SCALE_UP_MIN_MULTIPLE:g}x-3x volume "
            f"within {SCALE_UP_MAX_WEEKS} weeks of a written request.",
        )
        return
    short = []
    if c.scale_up_multiple is None or c.scale_up_multiple < SCALE_UP_MIN_MULTIPLE:
        short.append(f"the volume multiple is below {SCALE_UP_MIN_MULTIPLE:g}x or not stated")
    if c.scale_up_weeks is None or c.scale_up_weeks > SCALE_UP_MAX_WEEKS:
        short.append(f"the lead time is over {SCALE_UP_MAX_WEEKS} weeks or not stated")
    if short:
        emit(
            "weak",
            "Scale-up is promised but " + " and ".join(short) + ".",
            f"Ask for 2x-3x volume within {SCALE_UP_MAX_WEEKS} weeks without loss of quality.",
            severity="low",
        )


def _scope_change(p: ContractProfile, emit: Emit) -> None:
    if not p.commercial.scope_change_process:
        emit(
            "missing",
            "No scope-change process: every change of task type or taxonomy becomes an open negotiation.",
            "Ask for a change-order process with response times and how price and timeline are adjusted.",
        )


def _minimum_commitment(p: ContractProfile, emit: Emit) -> None:
    c = p.commercial
    if not c.minimum_commitment_stated and c.minimum_term_months is None:
        emit(
            "missing",
            "The minimum commitment (volume, spend or term) is not stated, so your "
            "exposure if the program shrinks is unknown.",
            "Ask the vendor to state any minimum volume, spend or term in writing.",
        )
    elif c.minimum_term_months is not None and c.minimum_term_months > LONG_TERM_MONTHS:
        emit(
            "weak",
            f"A fixed minimum term of {c.minimum_term_months} months ties you in past a "
            "typical model-development cycle.",
            "Ask for a term of 12 months or less, or a termination-for-convenience right with notice.",
            severity="medium",
            code="long_term",
        )


def _pricing(p: ContractProfile, emit: Emit) -> None:
    model = p.commercial.pricing_model
    if model is None:
        emit(
            "missing",
            "The pricing model is not stated, so the incentive it creates cannot be judged.",
            "Ask whether fees are per unit, per managed-team hour, per milestone or a mix, and what each part rewards.",
        )
        return
    if model in ("per_unit", "hybrid") and not _has_quality_penalties(p):
        what = "Per-unit pricing" if model == "per_unit" else "Hybrid pricing with a per-unit part"
        emit(
            "weak",
            f"{what} with no quality penalty rewards speed over accuracy.",
            "Ask for service credits paid by the vendor when accuracy or agreement falls below the contracted "
            "threshold, with rework at the vendor's cost; never remedies that fall on individual annotators "
            "(pay deductions, suspensions, unpaid retraining or rework).",
            severity="high",
            code="per_unit_no_penalty",
            red_flag=True,
        )


def _has_quality_penalties(p: ContractProfile) -> bool:
    if p.commercial.quality_penalties:
        return True
    terms = _terms(p)
    return any(t.metric in QUALITY_METRICS and t.remedy.kind != "none" and t.remedy.amount > 0 for t in terms)


def _soc2(p: ContractProfile, emit: Emit, as_of: date) -> None:
    s = p.security
    if s.soc2_type in (None, "none"):
        emit(
            "missing",
            "No SOC 2 report is offered.",
            "Ask for the latest SOC 2 Type II report covering Security, Availability and "
            "Confidentiality, with its audit period.",
        )
    elif s.soc2_type == "type_i":
        emit(
            "weak",
            "SOC 2 Type I only: it describes controls at one date and does not show they worked over a period.",
            "Ask for a SOC 2 Type II report, or a dated plan to complete one.",
            severity="high",
            code="type1_only",
            red_flag=True,
        )
    elif s.soc2_period_end is None:
        emit(
            "weak",
            "SOC 2 Type II is claimed but the audit period is not stated, so its recency cannot be checked.",
            "Ask for the report and the end of its audit period.",
            severity="medium",
            code="period_unknown",
        )
    if s.soc2_type in ("type_i", "type_ii") and s.soc2_period_end is not None and is_stale(s.soc2_period_end, as_of):
        emit(
            "weak",
            f"The SOC 2 audit period ended {s.soc2_period_end.isoformat()}, more than "
            f"{CERTIFICATION_MAX_AGE_MONTHS} months before {as_of.isoformat()}.",
            "Ask for the current report or a bridge letter covering the gap.",
            severity="high",
            code="stale",
            red_flag=True,
        )


def _iso27001(p: ContractProfile, emit: Emit, as_of: date) -> None:
    s = p.security
    if not s.iso27001_certified:
        emit(
            "missing",
            "No ISO 27001 certificate is stated.",
            "Ask for the ISO 27001 certificate and its statement of applicability.",
        )
        if s.soc2_type in (None, "none"):
            emit(
                "missing",
                "Neither a SOC 2 report nor an ISO 27001 certificate: nobody independent has audited the "
                "vendor's controls.",
                "Ask for a SOC 2 Type II report or an ISO 27001 certificate, or a dated plan to obtain one.",
                severity="high",
                code="no_independent_audit",
                red_flag=True,
            )
        return
    if not s.iso27001_covers_delivery_centres:
        emit(
            "weak",
            "The ISO 27001 scope is not shown to cover the delivery centres that would handle your data.",
            "Ask for the certificate scope naming each delivery centre.",
            severity="high",
            code="scope",
        )
    if s.iso27001_last_audit is None:
        emit(
            "weak",
            "The date of the last ISO 27001 audit is not stated.",
            "Ask for the certificate with its issue date and the last surveillance audit.",
            severity="medium",
            code="date_unknown",
        )
    elif is_stale(s.iso27001_last_audit, as_of):
        emit(
            "weak",
            f"The last ISO 27001 audit was {s.iso27001_last_audit.isoformat()}, more "
            f"than {CERTIFICATION_MAX_AGE_MONTHS} months before {as_of.isoformat()}.",
            "Ask for evidence of the latest surveillance audit or recertification.",
            severity="high",
            code="stale",
            red_flag=True,
        )


def _dpa(p: ContractProfile, emit: Emit) -> None:
    if not p.security.dpa:
        emit(
            "missing",
            "No data processing agreement: the vendor's duties for personal data are undefined.",
            "Ask the vendor to sign your DPA (or theirs, reviewed) before any data is shared.",
        )


def _subprocessors(p: ContractProfile, emit: Emit) -> None:
    if not p.security.subprocessors_disclosed:
        emit(
            "missing",
            "Subprocessors are not disclosed: your data could pass to parties and jurisdictions you have not seen.",
            "Ask for the subprocessor list with locations and a right to object to changes.",
        )
        return
    audit_checks.subprocessor_terms(p, emit)


def _endpoint(p: ContractProfile, emit: Emit) -> None:
    if not p.security.endpoint_controls:
        emit(
            "missing",
            "No endpoint controls at annotator workstations are stated: certificates "
            "cover the company, not the desk where your data is viewed.",
            "Ask which controls apply at each workstation (USB blocking, screen-capture "
            "restrictions, no downloads, no personal devices).",
        )


def _accuracy_quoted(p: ContractProfile) -> bool:
    return p.quality.accuracy_target is not None or any(t.metric == "accuracy" for t in _terms(p))


def _accuracy_red_flag(p: ContractProfile, emit: Emit) -> None:
    if _accuracy_quoted(p) and not audit_checks.has_method(p.quality.accuracy_method):
        emit(
            "weak",
            "Accuracy is quoted without saying how it is measured (denominator, "
            "sampling, before or after QA; 'tbd' is not a method), so the figure can be met without real quality.",
            "Ask how accuracy is computed: on what sample, per category, against which gold "
            "set, before or after the vendor's own review.",
            severity="high",
            code="accuracy_without_method",
            red_flag=True,
        )


def _accuracy_realism(p: ContractProfile, emit: Emit, agreement: float | None) -> None:
    """Accuracy targets above (1 + a) / 2 for the measured pairwise agreement a (upper bound)."""
    if agreement is None:
        return
    targets = [("the quoted accuracy", p.quality.accuracy_target)] if p.quality.accuracy_target is not None else []
    targets += [
        (f"term {t.id or t.metric} ({t.scope})", t.threshold)
        for t in _terms(p)
        if t.metric == "accuracy" and t.comparator in (">=", ">")
    ]
    for where, target in targets:
        check = check_target(where, target, agreement)
        if check.flagged:
            emit(
                "weak",
                f"{where.capitalize()} asks for {target:.1%} accuracy, but annotators measured to agree on "
                f"{agreement:.1%} of item pairs can reach at most (1 + {agreement:.3f}) / 2 = "
                f"{check.best_accuracy:.1%} mean accuracy (two annotators each at least t accurate agree on "
                "at least 2t - 1 of items). The gap would be paid for in rework and penalties by the annotators.",
                f"Ask to set the target at or below {check.best_accuracy:.1%}, or to make the guidelines "
                "clear enough that annotators agree more before the target applies.",
                severity="medium",
                code="accuracy_above_agreement",
            )


def _task_type_red_flag(p: ContractProfile, emit: Emit) -> None:
    q = p.quality
    terms = _terms(p)
    tracked = bool(q.agreement_metric) or q.agreement_target is not None
    by_task_sla = any(t.metric in AGREEMENT_METRICS and t.scope.kind == "task_type" for t in terms)
    if tracked and not (q.agreement_by_task_type or by_task_sla):
        emit(
            "weak",
            "Agreement is not tracked separately by task type: an overall figure can "
            "hide a hard task type that is failing.",
            "Ask for agreement reported per task type (e.g. kappa >= 0.80 complex, >= 0.85 simple).",
            severity="medium",
            code="no_agreement_by_task_type",
            red_flag=True,
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
    _quality_metrics(profile, emitter("quality_metrics"))
    if not any(f.clause == "quality_metrics" and f.status == "missing" for f in findings):
        _task_type_red_flag(profile, emitter("quality_metrics"))
    _accuracy_red_flag(profile, emitter("quality_metrics"))
    _transition(profile, emitter("transition"))
    if profile.transition.clause_present:
        audit_checks.transition_depth(profile, emitter("transition"))
    audit_checks.accuracy_spec(profile, emitter("accuracy_spec"), _accuracy_quoted(profile))
    _sla_terms(profile, emitter("sla_terms"))
    _accuracy_realism(profile, emitter("sla_terms"), agreement)
    _pilot(profile, emitter("pilot"))
    _scale_up(profile, emitter("scale_up"))
    _scope_change(profile, emitter("scope_change"))
    _minimum_commitment(profile, emitter("minimum_commitment"))
    _pricing(profile, emitter("pricing_model"))
    audit_checks.worker_protection(profile, emitter("worker_protection"))
    _soc2(profile, emitter("soc2"), as_of)
    _iso27001(profile, emitter("iso27001"), as_of)
    _dpa(profile, emitter("dpa"))
    _subprocessors(profile, emitter("subprocessors"))
    audit_checks.data_residency(profile, emitter("data_residency"))
    audit_checks.deletion(profile, emitter("deletion"))
    audit_checks.export_controls(profile, emitter("export_controls"))
    _endpoint(profile, emitter("endpoint_controls"))

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
