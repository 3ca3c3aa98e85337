"""The audit's quality clauses: the quality metrics, agreement by task type, how accuracy is measured
and whether it is reachable, and the SLA terms with their remedies.

Each check is `check(profile, emit[, ...])`, called in order by `contracts.audit.audit_profile`.
"""

from __future__ import annotations

from contracts.audit_checks import Emit, has_method
from contracts.profile import ContractProfile
from contracts.realism import check_target
from contracts.sla_terms import SlaTerm

AGREEMENT_METRICS = {
    "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "percent_agreement", "gwet_ac", "brennan_prediger",
    "conger_kappa",
}  # fmt: skip


QUALITY_METRICS = AGREEMENT_METRICS | {"accuracy", "defect_rate", "qa_coverage"}


def terms_of(p: ContractProfile) -> list[SlaTerm]:
    """The profile's SLA terms; none when it has no SLA section."""
    return p.sla.terms if p.sla is not None else []


def quality_metrics(p: ContractProfile, emit: Emit) -> None:
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


def sla_terms(p: ContractProfile, emit: Emit) -> None:
    terms = terms_of(p)
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


def has_quality_penalties(p: ContractProfile) -> bool:
    if p.commercial.quality_penalties:
        return True
    terms = terms_of(p)
    return any(t.metric in QUALITY_METRICS and t.remedy.kind != "none" and t.remedy.amount > 0 for t in terms)


def accuracy_quoted(p: ContractProfile) -> bool:
    return p.quality.accuracy_target is not None or any(t.metric == "accuracy" for t in terms_of(p))


def accuracy_red_flag(p: ContractProfile, emit: Emit) -> None:
    if accuracy_quoted(p) and not has_method(p.quality.accuracy_method):
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


def accuracy_realism(p: ContractProfile, emit: Emit, agreement: float | None) -> None:
    """Accuracy targets above (1 + a) / 2 for the measured pairwise agreement a (upper bound)."""
    if agreement is None:
        return
    targets = [("the quoted accuracy", p.quality.accuracy_target)] if p.quality.accuracy_target is not None else []
    targets += [
        (f"term {t.id or t.metric} ({t.scope})", t.threshold)
        for t in terms_of(p)
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


def task_type_red_flag(p: ContractProfile, emit: Emit) -> None:
    q = p.quality
    terms = terms_of(p)
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
