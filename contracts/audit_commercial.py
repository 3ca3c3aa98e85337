"""The audit's commercial clauses: pilot, scale-up, scope change, minimum commitment and the
incentive of the pricing model.

Each check is `check(profile, emit)`, called in order by `contracts.audit.audit_profile`.
"""

from __future__ import annotations

from contracts.audit_checks import Emit
from contracts.audit_quality import has_quality_penalties
from contracts.profile import ContractProfile

SCALE_UP_MIN_MULTIPLE = 2.0


SCALE_UP_MAX_WEEKS = 4


LONG_TERM_MONTHS = 12


def pilot(p: ContractProfile, emit: Emit) -> None:
    if not p.commercial.pilot_available:
        emit(
            "missing",
            "No pilot before commitment: you would learn the vendor's real quality after signing.",
            "Ask for a paid pilot on your own data with the SLA measured.",
        )


def scale_up(p: ContractProfile, emit: Emit) -> None:
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


def scope_change(p: ContractProfile, emit: Emit) -> None:
    if not p.commercial.scope_change_process:
        emit(
            "missing",
            "No scope-change process: every change of task type or taxonomy becomes an open negotiation.",
            "Ask for a change-order process with response times and how price and timeline are adjusted.",
        )


def minimum_commitment(p: ContractProfile, emit: Emit) -> None:
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


def pricing(p: ContractProfile, emit: Emit) -> None:
    model = p.commercial.pricing_model
    if model is None:
        emit(
            "missing",
            "The pricing model is not stated, so the incentive it creates cannot be judged.",
            "Ask whether fees are per unit, per managed-team hour, per milestone or a mix, and what each part rewards.",
        )
        return
    if model in ("per_unit", "hybrid") and not has_quality_penalties(p):
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
