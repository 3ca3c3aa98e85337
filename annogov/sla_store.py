"""How the app keeps SLA work in the store: the program's term set and its delivery checks.

Term set: the `sla_terms` document TERMS_NAME (`SlaTermSet` as JSON). Check result kind
SLA_CHECK: payload = `sla_report_payload(report)` (what the reports render) plus "detail", the
whole `SlaReport` as JSON so the SLA page can show a saved check again; label = delivery file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annogov.store import CheckResultRecord, ProgramRecord, Store
from contracts.sla_terms import SlaTermSet, default_term_set, load_term_set
from governance.reports.sections import sla_report_payload
from governance.sla_check import SlaReport, check_delivery

SLA_CHECK = "sla_check"
TERMS_NAME = "Contract SLA"
DETAIL_KEY = "detail"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def load_terms(store: Store, program_id: int) -> tuple[SlaTermSet, int]:
    """The program's saved term set and its version; the defaults and version 0 when none."""
    doc = store.get_document("sla_terms", program_id, TERMS_NAME)
    if doc is None:
        return default_term_set(), 0
    return SlaTermSet.model_validate(doc.data), doc.version


def save_terms(store: Store, program_id: int, terms: SlaTermSet, *, expected_version: int | None) -> int:
    """Save the term set (version-checked: a stale version raises ConcurrentEditError); new version."""
    doc = store.save_document(
        "sla_terms", program_id, TERMS_NAME, terms.model_dump(mode="json"), expected_version=expected_version
    )
    return doc.version


def check_payload(report: SlaReport) -> dict[str, Any]:
    """What is stored for one check: the report part plus the full report for the page."""
    return sla_report_payload(report) | {DETAIL_KEY: report.model_dump(mode="json")}


def save_check(store: Store, program_id: int, report: SlaReport) -> CheckResultRecord:
    """Keep a check result (labelled with the delivery's file name)."""
    return store.add_check_result(program_id, SLA_CHECK, check_payload(report), label=report.delivery)


def report_of(record: CheckResultRecord) -> SlaReport | None:
    """The full SlaReport of a stored check, or None when only the report part was kept."""
    detail = record.payload.get(DETAIL_KEY)
    return SlaReport.model_validate(detail) if isinstance(detail, dict) else None


def latest_check(store: Store, program_id: int) -> CheckResultRecord | None:
    """The newest stored SLA check of the program."""
    found = store.list_check_results(program_id, SLA_CHECK, limit=1)
    return found[0] if found else None


def seed_sla(store: Store, program: ProgramRecord) -> None:
    """Demo step: the example term set as the program's terms, and a check of the example delivery."""
    terms = load_term_set(EXAMPLES / "sla-terms.yaml")
    save_terms(store, program.id, terms, expected_version=0)
    save_check(store, program.id, check_delivery(terms, EXAMPLES / "delivery.csv"))
