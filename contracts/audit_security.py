"""The audit's security clauses: SOC 2 and ISO 27001 with their age at the evaluation date, the DPA,
subprocessors and endpoint controls.

Each check is `check(profile, emit[, as_of])`, called in order by `contracts.audit.audit_profile`.
"""

from __future__ import annotations

import calendar
from datetime import date

from contracts import audit_checks
from contracts.audit_checks import Emit
from contracts.profile import ContractProfile

CERTIFICATION_MAX_AGE_MONTHS = 12


def add_months(day: date, months: int) -> date:
    """Calendar months later; the 29-31st clamps to the month's last day (Feb 29 -> Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_stale(certified: date, as_of: date, months: int = CERTIFICATION_MAX_AGE_MONTHS) -> bool:
    """Older than `months` at `as_of`; exactly `months` old still counts as current."""
    return as_of > add_months(certified, months)


def soc2(p: ContractProfile, emit: Emit, as_of: date) -> None:
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


def iso27001(p: ContractProfile, emit: Emit, as_of: date) -> None:
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


def dpa(p: ContractProfile, emit: Emit) -> None:
    if not p.security.dpa:
        emit(
            "missing",
            "No data processing agreement: the vendor's duties for personal data are undefined.",
            "Ask the vendor to sign your DPA (or theirs, reviewed) before any data is shared.",
        )


def subprocessors(p: ContractProfile, emit: Emit) -> None:
    if not p.security.subprocessors_disclosed:
        emit(
            "missing",
            "Subprocessors are not disclosed: your data could pass to parties and jurisdictions you have not seen.",
            "Ask for the subprocessor list with locations and a right to object to changes.",
        )
        return
    audit_checks.subprocessor_terms(p, emit)


def endpoint(p: ContractProfile, emit: Emit) -> None:
    if not p.security.endpoint_controls:
        emit(
            "missing",
            "No endpoint controls at annotator workstations are stated: certificates "
            "cover the company, not the desk where your data is viewed.",
            "Ask which controls apply at each workstation (USB blocking, screen-capture "
            "restrictions, no downloads, no personal devices).",
        )
