"""How the app keeps SLA work in the store: the program's term set and its delivery checks.

Term set: the `sla_terms` document TERMS_NAME (`SlaTermSet` as JSON). Check result kind
SLA_CHECK: payload = `sla_report_payload(report)` (what the reports render) plus "detail", the
whole `SlaReport` as JSON so the SLA page can show a saved check again; label = delivery file. A check
saved for a provider also records its measured delivery (`DeliveryOf`), which the vendor history reads;
checks saved before migration 0300 name no provider and stay out of the history.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from annogov.store import CheckResultRecord, DeliveryOf, ProgramRecord, Store
from contracts.sla_term_files import load_term_set, read_term_rows
from contracts.sla_terms import SlaTermSet, default_term_set, ramp_from_cells
from governance.quality.reading.columns import ColumnMapping
from governance.quality.reading.delivery import DeliverySource, open_delivery, read_delivery_table
from governance.quality.reading.delivery_counts import DeliveryCounts, count_delivery
from governance.quality.sla.qa import SampleFiles, as_fraction, qa_sample, sample_files
from governance.quality.sla.sla_check import check_counts
from governance.quality.sla.sla_report import SlaReport
from governance.quality.vendors.history import measure_delivery
from governance.quality.vendors.prelabel import marked_prelabel
from governance.reports.sla_sections import sla_report_payload
from ingest import InputError, Location, Problem

SLA_CHECK = "sla_check"
TERMS_NAME = "Contract SLA"
DETAIL_KEY = "detail"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


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


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


def terms_from_rows(rows: list[dict[str, Any]], settings: dict[str, Any]) -> SlaTermSet:
    """Edited table rows and settings back to a validated term set; problems name row and column."""
    cleaned = ((i, {k: (None if _blank(v) else v) for k, v in raw.items()}) for i, raw in enumerate(rows, start=1))
    terms, found = read_term_rows(cleaned)
    problems = [Problem(Location("terms table", row=row, column=column), message) for row, column, message in found]
    if not terms and not problems:
        problems.append(Problem(Location("terms table"), "no terms: add at least one row"))
    if problems:
        raise InputError(problems)
    settings = dict(settings)
    try:
        ramp = ramp_from_cells(settings.pop("ramp_start", None), settings.pop("ramp_steps", None))
    except ValueError as exc:
        raise InputError.at(str(exc), "contract settings", column="ramp") from None
    try:
        return SlaTermSet.model_validate({**settings, "ramp": ramp, "terms": terms})
    except ValidationError as exc:
        raise InputError(
            Problem(Location("contract settings", column=".".join(str(p) for p in e["loc"])), e["msg"])
            for e in exc.errors()
        ) from None


def qa_sample_files(name: str, data: bytes, mapping: ColumnMapping, rate: str, seed: int = 0) -> SampleFiles:
    """The next blind QA round from an uploaded delivery (as `annogov qa-sample` writes it)."""
    source = open_delivery(name, mapping, data=data)
    return sample_files(qa_sample(read_delivery_table(source), as_fraction(rate), seed), seed)


def qa_sample_csv(
    name: str, data: bytes, mapping: ColumnMapping, rate: str, seed: int = 0, *, part: str = "review"
) -> bytes:
    """One file of the blind QA round as bytes: the reviewers' file ('review') or the buyer's 'key'."""
    files = qa_sample_files(name, data, mapping, rate, seed)
    return (files.key if part == "key" else files.review).encode("utf-8")


def check_payload(report: SlaReport) -> dict[str, Any]:
    """What is stored for one check: the report part plus the full report for the page."""
    return sla_report_payload(report) | {DETAIL_KEY: report.model_dump(mode="json")}


def save_check(
    store: Store, program_id: int, report: SlaReport, delivery: DeliveryOf | None = None
) -> CheckResultRecord:
    """Keep a check result (labelled with the delivery's file name); with `delivery` (provider, guideline
    version, date and the measures counted from the same tables as the report) it is also that
    provider's delivery in the vendor history, one record for both."""
    return store.add_check_result(
        program_id, SLA_CHECK, check_payload(report), label=report.delivery, delivery=delivery
    )


def delivery_of(
    counts: DeliveryCounts,
    provider: str,
    guideline_version: str,
    delivered_on: date,
    *,
    seed: int = 0,
    source: DeliverySource | None = None,
) -> DeliveryOf:
    """Whose delivery a check is, with the history measures counted from the same tables the check
    read, so a saved check and the provider's history never disagree on its figures; with the opened
    `source`, its pre-labelled / human-only counts too when it has a `prelabelled` column."""
    return DeliveryOf(
        provider=provider,
        guideline_version=guideline_version,
        delivered_on=delivered_on,
        measures=measure_delivery(counts, seed=seed, prelabel=None if source is None else marked_prelabel(source)),
    )


def report_of(record: CheckResultRecord) -> SlaReport | None:
    """The full SlaReport of a stored check, or None when only the report part was kept."""
    detail = record.payload.get(DETAIL_KEY)
    return SlaReport.model_validate(detail) if isinstance(detail, dict) else None


def latest_check(store: Store, program_id: int) -> CheckResultRecord | None:
    """The newest stored SLA check of the program."""
    found = store.list_check_results(program_id, SLA_CHECK, limit=1)
    return found[0] if found else None


DEMO_DELIVERED = date(2026, 10, 30)


def seed_sla(store: Store, program: ProgramRecord) -> None:
    """Demo step: the example term set as the program's terms, and a check of the example delivery saved
    as the third provider's delivery (the history demo step generates the first two providers' series)."""
    terms = load_term_set(EXAMPLES / "sla-terms.yaml")
    save_terms(store, program.id, terms, expected_version=0)
    source = open_delivery(EXAMPLES / "delivery.csv")
    counts = count_delivery(source, terms.label_set)
    providers = [p.name for p in store.list_providers(program.id)]
    delivery = delivery_of(counts, providers[2], "v2", DEMO_DELIVERED, source=source) if len(providers) > 2 else None
    save_check(store, program.id, check_counts(terms, counts), delivery)
