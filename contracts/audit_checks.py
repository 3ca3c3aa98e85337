"""The audit's newer checks: the accuracy spec, worker protection, data residency, deletion at
exit, export controls, and the parts of subprocessor and transition terms a successor depends on.

Each check is `check(profile, emit)` like those in `contracts.audit`, which calls them in order.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.profile import ContractProfile
from contracts.reader.rules_terms import artefacts_named

Emit = Callable[..., None]

QA_RATE_MIN = 0.10
REQUIRED_ARTEFACTS: tuple[str, ...] = ("labelled data", "guidelines", "gold set", "edge-case log", "calibration log")
# Handover days a program of a given monthly volume needs (annogov's rule of thumb: a month to
# hand over and re-calibrate, more when a successor must absorb a large stream).
TRANSITION_DAYS_BY_VOLUME: tuple[tuple[int, int], ...] = ((500_000, 90), (100_000, 60), (0, 30))
_PLACEHOLDERS = {"", "tbd", "tba", "n/a", "na", "none", "unknown", "to be agreed", "to be determined", "-", "?"}


def has_method(method: str | None) -> bool:
    """Whether an accuracy method is actually stated: 'tbd', 'to be agreed' and blanks are not."""
    text = (method or "").strip().lower().rstrip(".")
    return text not in _PLACEHOLDERS and not text.startswith(("tbd", "to be agreed", "to be determined"))


def transition_days_needed(monthly_volume: int | None) -> int:
    """The shortest handover proportionate to the monthly volume (30 days when it is unknown)."""
    volume = monthly_volume or 0
    return next(days for floor, days in TRANSITION_DAYS_BY_VOLUME if volume >= floor)


def accuracy_spec(p: ContractProfile, emit: Emit, accuracy_quoted: bool) -> None:
    """An accuracy promise is only as good as its spec: per category, sampled, measured, owned."""
    q = p.quality
    if not accuracy_quoted:
        emit(
            "missing",
            "No accuracy figure is specified, so there is nothing to hold each category of labels to.",
            "Ask for accuracy targets per category, a QA sample of at least 10% of every category, a "
            "stated measurement method and a gold set you own.",
            severity="medium",
        )
        return
    if not q.per_category_accuracy:
        emit(
            "weak",
            "Accuracy is one aggregate figure: a rare or high-stakes category can fail while the "
            "average still passes.",
            "Ask for an accuracy target for each category, rare categories included.",
            severity="high",
            code="aggregate_only",
        )
    if q.qa_rate_per_category is None:
        emit(
            "weak",
            "The QA sampling rate per category is not stated.",
            f"Ask for a stratified QA sample of at least {QA_RATE_MIN:.0%} of every category.",
            severity="medium",
            code="qa_rate_unknown",
        )
    elif q.qa_rate_per_category < QA_RATE_MIN:
        emit(
            "weak",
            f"QA samples {q.qa_rate_per_category:.0%} of each category, below the {QA_RATE_MIN:.0%} "
            "that surfaces errors in rare categories.",
            f"Ask for at least {QA_RATE_MIN:.0%} of every category in the QA sample.",
            severity="high",
            code="qa_rate_low",
        )
    if q.gold_set_owner != "buyer":
        owner = "the vendor" if q.gold_set_owner == "vendor" else "nobody stated"
        emit(
            "weak",
            f"The gold set accuracy is measured against is owned by {owner}: you cannot take the "
            "yardstick to a successor.",
            "Ask for the gold set to be your property, delivered with its version history.",
            severity="medium",
            code="gold_set_owner",
        )


def worker_protection(p: ContractProfile, emit: Emit) -> None:
    """Remedies for quality fall on the vendor (service credits), never on individual workers."""
    c = p.commercial
    if c.worker_penalties:
        emit(
            "missing",
            "The contract passes quality penalties on to individual annotators ("
            + ", ".join(c.worker_penalties)
            + "): accuracy pressure becomes lost pay and unpaid work for the people doing the labelling.",
            "Ask for remedies to fall on the vendor as service credits, never on its workers: strike pay "
            "deductions, suspensions tied to accuracy scores, and unpaid retraining or rework (retraining "
            "and rework are paid working time).",
            severity="high",
            code="penalties_on_workers",
            red_flag=True,
        )
    elif not c.remedies_on_vendor:
        emit(
            "missing",
            "The contract does not say that quality remedies fall on the vendor rather than on "
            "individual annotators.",
            "Ask for a clause that quality shortfalls are remedied by service credits from the vendor, "
            "and that no annotator's pay, status or unpaid time is used as a remedy.",
            severity="low",
        )


def data_residency(p: ContractProfile, emit: Emit) -> None:
    """Where the data is stored and processed, and which law governs the contract."""
    s = p.security
    if not s.data_residency:
        emit(
            "missing",
            "The contract does not say where your data is stored and processed, delivery centres included.",
            "Ask for the countries where data is stored, processed and viewed, and a commitment not to "
            "move it elsewhere without your written consent.",
        )
    elif not s.jurisdictions:
        emit(
            "weak",
            f"Data stays in {', '.join(s.data_residency)}, but the governing law and courts are not stated.",
            "Ask for the governing law and the courts for disputes to be named.",
            severity="low",
            code="no_jurisdiction",
        )


def deletion(p: ContractProfile, emit: Emit) -> None:
    """All copies deleted at the end, and the deletion confirmed in writing."""
    s = p.security
    if not s.deletion_on_exit:
        emit(
            "missing",
            "Nothing obliges the vendor to delete your data (and its copies) when the contract ends.",
            "Ask for deletion of all data, copies and backups within 30 days of the end, with a "
            "written certificate of deletion.",
        )
    elif not s.deletion_confirmed:
        emit(
            "weak",
            "Deletion at the end is promised but not confirmed in writing.",
            "Ask for a signed certificate of deletion covering backups and subprocessors.",
            severity="medium",
            code="unconfirmed",
        )


def export_controls(p: ContractProfile, emit: Emit) -> None:
    """Export-control and sanctions compliance for the data and the people who see it."""
    if not p.security.export_controls:
        emit(
            "missing",
            "No export-control or sanctions commitment: controlled technical data could be viewed in "
            "countries or by people it may not reach.",
            "Ask the vendor to comply with the export-control and sanctions laws that apply to your "
            "data and to screen the staff who handle it.",
        )


def subprocessor_terms(p: ContractProfile, emit: Emit) -> None:
    """A disclosed subprocessor list still needs locations and a right to object."""
    s = p.security
    lacking = [
        what
        for what, ok in (("their locations", s.subprocessor_locations), ("a right to object", s.subprocessor_objection))
        if not ok
    ]
    if lacking:
        emit(
            "weak",
            "Subprocessors are disclosed without " + " or ".join(lacking) + ".",
            "Ask for the subprocessor list with each one's location and a right to object to changes.",
            severity="medium",
            code="terms",
        )


def transition_depth(p: ContractProfile, emit: Emit) -> None:
    """The artefacts a successor needs, a handover long enough for the volume, and a wind-down."""
    t = p.transition
    if t.handover_artefacts:
        named = {n for a in t.handover_artefacts for n in [a.strip().lower(), *artefacts_named(a)]}
        left_out = [a for a in REQUIRED_ARTEFACTS if a not in named]
        if left_out:
            emit(
                "weak",
                "The handover leaves out " + ", ".join(left_out) + ": a successor would rebuild them from zero.",
                "Ask for the labelled data, guidelines, gold set, edge-case log and calibration log to be "
                "handed over.",
                severity="medium",
                code="artefacts",
            )
    needed = transition_days_needed(p.commercial.monthly_volume)
    if t.timeline_days is not None and t.timeline_days < needed:
        volume = p.commercial.monthly_volume
        scale = f"about {volume:,} items a month" if volume else "a program of unknown volume"
        emit(
            "weak",
            f"A handover of {t.timeline_days} days is short for {scale}; annogov expects at least {needed} days.",
            f"Ask for at least {needed} days of transition assistance at full throughput.",
            severity="high",
            code="short_timeline",
        )
    if not t.wind_down:
        emit(
            "weak",
            "No orderly wind-down: the vendor could stop open work the day notice is given.",
            "Ask for a wind-down period in which open batches are finished at the agreed prices and quality.",
            severity="medium",
            code="no_wind_down",
        )
