"""A program's report assembled from the store, on SQLite and PostgreSQL: parts present and
missing, the latest result of each kind, bytes that are a real PDF and workbook."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from annogov.services import reporting, sla_store
from annogov.services.demo import seed_demo
from annogov.services.demo_channel import DEMO_USERS
from annogov.services.linking import review_contract as review_file
from annogov.store import Store
from annogov.store.channel import ChannelRepository
from contracts.sla_term_files import load_term_set
from governance.quality.sla.sla_check import check_delivery
from governance.reports.sla_sections import sla_report_payload
from migration import load_scenario, scenario_to_dict, switching_cost
from migration.labelsets import load_label_set
from migration.mapping import load_mapping

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DAY = dt.date(2026, 11, 26)


@pytest.fixture
def store(db_url: str) -> Store:
    return Store(db_url)


def _parts(assembled: reporting.ProgramReport) -> dict[str, reporting.ReportPart]:
    return {p.key: p for p in assembled.parts}


def test_empty_program_has_nothing_to_report_and_says_where_to_start(store: Store) -> None:
    program = store.create_program("Empty")
    assembled = reporting.program_report(store, program, created=DAY)
    assert assembled.report is None
    assert [p.key for p in assembled.missing()] == [
        "scorecard", "round", "switching", "taxonomy", "sla", "audits", "channel", "history"
    ]
    assert "SLA check page" in _parts(assembled)["sla"].hint
    assert not reporting.has_report_data(store, program)
    with pytest.raises(ValueError, match="nothing to report"):
        reporting.program_report_bytes(store, program, "pdf", created=DAY)


def test_demo_program_reports_scorecard_and_the_stored_sla_check(store: Store) -> None:
    program = seed_demo(store)
    assert reporting.has_report_data(store, program)
    assembled = reporting.program_report(store, program, created=DAY)
    report = assembled.report
    assert report is not None and report.program == program.name and report.created == DAY
    parts = _parts(assembled)
    assert parts["scorecard"].present and parts["sla"].present
    assert parts["scorecard"].detail == "4 providers, 3 evaluators"
    assert report.scorecard is not None
    assert {p.name for p in report.scorecard.providers} == {
        "Northwind Labeling",
        "Kestrel Data Works",
        "Lumen Annotation Co.",
        "Tessellate AI Services",
    }
    assert len(report.scorecard.evaluations) == 4 * 3 * 5
    # The SLA part is exactly what the check of the example delivery gives, without the page detail.
    expected = sla_report_payload(check_delivery(load_term_set(EXAMPLES / "sla-terms.yaml"), EXAMPLES / "delivery.csv"))
    assert report.sla is not None
    got = report.sla.model_dump(mode="json", exclude_none=True)
    assert got["verdict"] == expected["verdict"] == "fail"
    assert got["credits"] == expected["credits"]
    assert [t["status"] for t in got["terms"]] == [t["status"] for t in expected["terms"]]
    assert "detail" not in got

    pdf = reporting.report_bytes(report, "pdf")
    assert pdf.startswith(b"%PDF")
    assert reporting.program_report_bytes(store, program, "pdf", created=DAY) == pdf  # deterministic
    titled = reporting.program_report(store, program, created=DAY, title="Q3 steering committee").report
    assert titled is not None and titled.title == "Q3 steering committee"
    assert reporting.program_report_bytes(store, program, "pdf", created=DAY, title="Q3 steering committee") != pdf
    xlsx = reporting.program_report_bytes(store, program, "xlsx", created=DAY)
    assert zipfile.is_zipfile(io.BytesIO(xlsx))
    sheets = openpyxl.load_workbook(io.BytesIO(xlsx)).sheetnames
    assert "Scorecard" in sheets and any("SLA" in s for s in sheets)


def test_latest_sla_check_wins_and_its_detail_reloads(store: Store) -> None:
    program = store.create_program("Street scenes")
    terms = load_term_set(EXAMPLES / "sla-terms.yaml")
    first = sla_store.save_check(store, program.id, check_delivery(terms, EXAMPLES / "delivery.csv"))
    lenient = terms.model_copy(update={"terms": [t for t in terms.terms if t.id == "qa-coverage"]})
    second = sla_store.save_check(store, program.id, check_delivery(lenient, EXAMPLES / "delivery.jsonl"))
    assert sla_store.latest_check(store, program.id).id == second.id  # type: ignore[union-attr]
    reloaded = sla_store.report_of(first)
    assert reloaded is not None and reloaded.credits == first.payload["credits"]
    assembled = reporting.program_report(store, program, created=DAY)
    assert assembled.report is not None and assembled.report.sla is not None
    assert [t.metric for t in assembled.report.sla.terms] == ["qa_coverage"]
    assert "delivery.jsonl" in _parts(assembled)["sla"].detail
    assert assembled.report.scorecard is None and not _parts(assembled)["scorecard"].present


def test_switching_from_a_saved_scenario_then_from_a_saved_result(store: Store) -> None:
    program = store.create_program("Switch")
    scenario = load_scenario(EXAMPLES / "scenario.yaml")
    store.save_document("scenario", program.id, "Plan A", scenario_to_dict(scenario))
    assert reporting.has_report_data(store, program)
    assembled = reporting.program_report(store, program, created=DAY)
    part = _parts(assembled)["switching"]
    assert part.present and part.detail == "scenario Plan A (simulated now)"
    expected = switching_cost(scenario).to_payload()
    assert assembled.report is not None and assembled.report.switching is not None
    assert assembled.report.switching.percentiles["total"].p50 == expected["percentiles"]["total"]["p50"]

    saved = switching_cost(scenario, simulations=2000, seed=7).to_payload()
    store.add_check_result(program.id, reporting.SWITCHING_CHECK, saved, label="Plan A")
    assembled = reporting.program_report(store, program, created=DAY)
    assert _parts(assembled)["switching"].detail.startswith("result for Plan A")
    assert assembled.report is not None and assembled.report.switching is not None
    assert assembled.report.switching.percentiles["total"].p50 == saved["percentiles"]["total"]["p50"]


def test_unusable_scenario_is_missing_with_its_reason_and_others_still_report(store: Store) -> None:
    program = store.create_program("Broken")
    store.save_document("scenario", program.id, "Bad", {"not": "a scenario"})
    sla_store.save_check(
        store, program.id, check_delivery(load_term_set(EXAMPLES / "sla-terms.yaml"), EXAMPLES / "delivery.csv")
    )
    assembled = reporting.program_report(store, program, created=DAY)
    part = _parts(assembled)["switching"]
    assert not part.present and part.detail.startswith("stored data cannot be used")
    assert assembled.report is not None and assembled.report.sla is not None


def test_taxonomy_document_with_its_mapping(store: Store) -> None:
    program = store.create_program("Taxonomy")
    old = load_label_set(EXAMPLES / "taxonomy" / "old.csv")
    new = load_label_set(EXAMPLES / "taxonomy" / "new.csv")
    doc = {"old": old.model_dump(), "new": new.model_dump(), "sample": None, "sample_source": "sample", "dataset": None}
    store.save_document("taxonomy", program.id, "v2", doc)
    assert reporting.has_report_data(store, program)
    assembled = reporting.program_report(store, program, created=DAY)
    assert assembled.report is not None and assembled.report.taxonomy is not None
    by_name = {c.label: c for c in assembled.report.taxonomy.classes}
    assert set(by_name) == set(old.labels)
    dropped = "minibus"
    table, _ = load_mapping(EXAMPLES / "taxonomy" / "mapping.csv")
    rows = [{"old_label": r.old_label, "new_label": None if r.old_label == dropped else r.new_label} for r in table]
    store.save_document("mapping", program.id, "v2", {"rows": rows})
    again = reporting.program_report(store, program, created=DAY).report
    assert again is not None and again.taxonomy is not None
    assert {c.label: c for c in again.taxonomy.classes}[dropped].kind == "dropped"


def test_latest_contract_audit_per_vendor_as_sections(store: Store) -> None:
    program = store.create_program("Contracts")
    review = review_file(EXAMPLES / "contract-profile.yaml", DAY).to_payload()
    vendor = review["audit"]["vendor"]
    older = {**review, "audit": {**review["audit"], "clauses": review["audit"]["clauses"][:1]}}
    store.add_check_result(program.id, reporting.CONTRACT_CHECK, older, label=vendor)
    store.add_check_result(program.id, reporting.CONTRACT_CHECK, review, label=vendor)
    assembled = reporting.program_report(store, program, created=DAY)
    assert assembled.report is not None
    titles = [s.title for s in assembled.report.sections]
    assert titles[0] == f"Contract audit: {vendor}" and titles.count(titles[0]) == 1
    assert len(assembled.report.sections[0].rows) == len(review["audit"]["clauses"]) > 1
    assert _parts(assembled)["audits"].detail == f"1 vendor: {vendor}"


def test_report_filename_is_a_safe_slug(store: Store) -> None:
    program = store.create_program("Acme <Holdings> & Sons / 2027")
    assert reporting.report_filename(program, "xlsx", DAY) == "annogov-acme-holdings-sons-2027-2026-11-26.xlsx"
    cut = store.create_program("x" * 59 + " & y")  # the 60-character cut falls on a separator
    assert reporting.report_filename(cut, "pdf", DAY) == f"annogov-{'x' * 59}-2026-11-26.pdf"
    assert reporting.report_filename(store.create_program("<>"), "pdf", DAY) == "annogov-program-2026-11-26.pdf"


def test_demo_report_carries_the_calibration_log_and_guideline_history(store: Store) -> None:
    program = seed_demo(store)
    assembled = reporting.program_report(store, program, created=DAY)
    assert _parts(assembled)["channel"].present
    assert assembled.report is not None
    titles = [s.title for s in assembled.report.sections]
    assert any("alibration" in t for t in titles), titles
    assert any("uideline" in t for t in titles), titles
    book = openpyxl.load_workbook(io.BytesIO(reporting.report_bytes(assembled.report, "xlsx")))
    assert any("alibration" in name or "uideline" in name for name in book.sheetnames), book.sheetnames


def test_a_calibration_flag_alone_is_reportable_everywhere_the_downloads_show(store: Store) -> None:
    program = store.create_program("Only flags")
    assert not reporting.has_report_data(store, program)
    with store.transaction() as session:
        ChannelRepository(session).flag_task(
            DEMO_USERS[0], program=program.name, task_id="T-1", description="unclear", now=dt.datetime.now(dt.UTC)
        )
    assembled = reporting.program_report(store, program, created=DAY)
    assert assembled.report is not None and _parts(assembled)["channel"].present
    assert reporting.has_report_data(store, program)  # so the download buttons show too
    other = store.create_program("Other")
    assert not reporting.has_report_data(store, other)
