"""The SLA check and Reports pages through AppTest: defaults, uploads, saved terms, statuses and
credits, located errors for a bad delivery, two tabs, restart, report downloads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from annogov.services import sla_store
from annogov.store import Store, database_url
from annogov.store.measured import list_deliveries
from contracts.sla_term_files import load_term_set, term_set_to_rows
from contracts.sla_terms import default_term_set
from governance.quality.sla.sla_check import check_delivery
from governance.roles import OPERATOR
from ingest import InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SLA = "app_pages/sla.py"
REPORTS = "app_pages/reports.py"


def _program() -> int:
    store = Store(database_url())
    program = store.create_program("Street scenes")
    store.add_provider(program.id, "Acme")
    return program.id


def whose(at: AppTest, provider: str | None = None, version: str = "v2") -> AppTest:
    """Say which provider the delivery is from (the first one by default) and its guideline version."""
    box = at.selectbox(key="sla_provider")
    box.set_value(provider or box.options[0])
    at.text_input(key="sla_guideline_version").set_value(version)
    return at.run()


def _upload(at: AppTest, key: str, path: Path, data: bytes | None = None) -> AppTest:
    if key == "sla_delivery" and not at.text_input(key="sla_guideline_version").value:
        at = whose(at)
    at.file_uploader(key=key).set_value((path.name, path.read_bytes() if data is None else data, "text/plain"))
    return at.run()


def _button(at: AppTest, label: str) -> AppTest:
    [button] = [b for b in at.button if b.label == label]
    return button.click().run()


def _problems(at: AppTest) -> list[str]:
    """Error boxes other than the verdict banner."""
    return [e.value for e in at.error if "Verdict:" not in e.value]


def _terms_table(at: AppTest) -> list[dict[str, object]]:
    frame = next(d.value for d in at.dataframe if "Status" in d.value.columns)
    return frame.to_dict("records")  # type: ignore[no-any-return]


def test_defaults_are_shown_before_anything_is_saved(open_app: Callable[..., AppTest]) -> None:
    _program()
    at = open_app(SLA)
    assert not at.exception and not at.error
    assert at.text_input[0].value == "Default quality SLA"
    editor = at.dataframe[0].value
    assert list(editor["id"]) == [t.id for t in default_term_set().terms]
    assert any("defaults are in use" in c.value for c in at.caption)
    assert any("No delivery checked yet" in i.value for i in at.info)


def test_upload_terms_save_check_delivery_then_restart(open_app: Callable[..., AppTest]) -> None:
    program_id = _program()
    at = open_app(SLA)
    at = _upload(at, "sla_terms_file", EXAMPLES / "sla-terms.yaml")
    assert not at.exception and not at.error
    assert at.text_input[0].value == "Street scenes - quality SLA"
    assert list(at.dataframe[0].value["id"]) == [
        r["id"] for r in term_set_to_rows(load_term_set(EXAMPLES / "sla-terms.yaml"))
    ]
    at = _button(at, "Save terms")
    assert not at.error
    assert any("Terms saved (version 1)" in s.value for s in at.success)
    store = Store(database_url())
    terms, version = sla_store.load_terms(store, program_id)
    assert version == 1 and terms == load_term_set(EXAMPLES / "sla-terms.yaml")

    at = _upload(at, "sla_delivery", EXAMPLES / "delivery.csv")
    assert not at.exception and _problems(at) == []
    expected = check_delivery(terms, EXAMPLES / "delivery.csv")
    assert any("checked against Street scenes - quality SLA: FAIL" in s.value for s in at.success)
    rows = _terms_table(at)
    assert {r["Term"]: r["Status"] for r in rows} == {
        t.id: {"pass": "PASS", "fail": "FAIL", "inconclusive": "INCONCLUSIVE"}[t.status] for t in expected.terms
    }
    assert {"PASS", "FAIL"} <= {r["Status"] for r in rows}
    assert rows[0]["Status"] == "FAIL"  # failing terms first
    shown = {r["Term"]: (r["Value"], r["Threshold"]) for r in rows}  # read as the PDF's terms table does
    assert shown["qa-coverage"] == ("0.0%", "at least 10.0%") and shown["weekly-volume"] == ("132", "at least 120")
    credits = f"EUR {expected.credits:,.2f}"
    assert expected.credits > 0 and any(credits in e.value and "Verdict: FAIL" in e.value for e in at.error)
    [saved] = store.list_check_results(program_id, sla_store.SLA_CHECK)
    assert saved.label == "delivery.csv" and saved.payload["credits"] == expected.credits
    assert (saved.provider, saved.guideline_version, saved.delivered_on) == ("Acme", "v2", date.today().isoformat())
    [delivery] = list_deliveries(store, OPERATOR, program_id)  # the same record feeds Acme's history
    assert (delivery.id, delivery.provider, delivery.label) == (saved.delivery_id, "Acme", "delivery.csv")
    labels = [b.label for b in at.get("download_button")]
    assert "QA sample for reviewers (CSV)" in labels and "QA key for the buyer (CSV)" in labels
    assert "Report (PDF)" in labels

    at = at.run()  # a rerun does not check (and save) the same delivery again
    assert len(store.list_check_results(program_id, sla_store.SLA_CHECK)) == 1

    again = open_app(SLA)  # a restarted server, a new tab
    assert not again.exception
    assert any(credits in e.value for e in again.error)
    assert {r["Status"] for r in _terms_table(again)} == {r["Status"] for r in rows}
    assert again.text_input[0].value == "Street scenes - quality SLA"


def test_bad_delivery_names_row_and_column(open_app: Callable[..., AppTest]) -> None:
    program_id = _program()
    sla_store.save_terms(
        Store(database_url()), program_id, load_term_set(EXAMPLES / "sla-terms.yaml"), expected_version=0
    )
    lines = (EXAMPLES / "delivery.csv").read_text().splitlines()
    bad = "\n".join([*lines[:3], lines[1], lines[2].replace(",pedestrian,", ",unicorn,", 1)]) + "\n"
    at = open_app(SLA)
    at = _upload(at, "sla_delivery", Path("bad-delivery.csv"), bad.encode())
    assert not at.exception
    [error] = [e.value for e in at.error]
    flat = error.replace("\\", "")
    assert "bad-delivery.csv, row 4, column 'annotator_id'" in flat
    assert "bad-delivery.csv, row 5, column 'label'" in flat and "unicorn" in flat
    assert not Store(database_url()).list_check_results(program_id, sla_store.SLA_CHECK)


def test_bad_terms_file_is_refused_with_its_place(open_app: Callable[..., AppTest]) -> None:
    _program()
    at = open_app(SLA)
    text = (EXAMPLES / "sla-terms.yaml").read_text().replace("threshold: 0.01", "threshold: lots")
    at = _upload(at, "sla_terms_file", Path("terms.yaml"), text.encode())
    [error] = [e.value for e in at.error]
    assert "terms.yaml" in error and "threshold" in error
    assert at.text_input[0].value == "Default quality SLA"  # the editor kept what it had


def test_second_tab_saving_stale_terms_is_told(open_app: Callable[..., AppTest]) -> None:
    program_id = _program()
    first = open_app(SLA)
    second = open_app(SLA)
    second = _upload(second, "sla_terms_file", EXAMPLES / "sla-terms.yaml")
    second = _button(second, "Save terms")
    first = _button(first, "Save terms")
    assert any("Someone else saved these terms" in w.value for w in first.warning)
    terms, version = sla_store.load_terms(Store(database_url()), program_id)
    assert version == 1 and terms.name == "Street scenes - quality SLA"


def test_terms_table_rows_are_validated_with_row_and_column() -> None:
    rows = term_set_to_rows(default_term_set())
    rows[1] = {**rows[1], "threshold": None, "metric": "speed"}
    rows[2] = {**rows[2], "remedy": "percent_of_fee", "remedy_amount": -5.0}
    rows.append(dict.fromkeys(rows[0]))  # an empty added row is ignored
    with pytest.raises(InputError) as caught:
        sla_store.terms_from_rows(rows, {"name": "x"})
    text = [str(p) for p in caught.value.problems]
    assert any("row 2, column 'metric'" in t for t in text)
    assert any("row 2, column 'threshold'" in t for t in text)
    assert any("row 3, column 'remedy_amount'" in t for t in text)
    ok = sla_store.terms_from_rows(term_set_to_rows(default_term_set()), {"name": "Default quality SLA"})
    assert ok == default_term_set()


def test_a_delivery_is_checked_only_once_its_provider_is_named(open_app: Callable[..., AppTest]) -> None:
    program_id = Store(database_url()).create_program("No vendors yet").id
    at = open_app(SLA)
    assert any("Add the program's providers" in i.value for i in at.info)
    assert not [u for u in at.get("file_uploader") if u.key == "sla_delivery"]
    Store(database_url()).add_provider(program_id, "Acme")
    at = at.run()
    assert not [u for u in at.get("file_uploader") if u.key == "sla_delivery"]  # no provider chosen yet
    at = whose(at, "Acme", "  ")  # a blank guideline version is not one
    assert not [u for u in at.get("file_uploader") if u.key == "sla_delivery"]
    at = whose(at, "Acme", "v3")
    assert [u for u in at.get("file_uploader") if u.key == "sla_delivery"]


def test_demo_shows_a_checked_delivery_on_first_start(open_app: Callable[..., AppTest]) -> None:
    at = open_app(SLA, demo=True)
    assert not at.exception
    assert any("Verdict: FAIL" in e.value for e in at.error)
    assert {"PASS", "FAIL"} <= {r["Status"] for r in _terms_table(at)}


def test_reports_page_lists_parts_and_offers_both_downloads(open_app: Callable[..., AppTest]) -> None:
    at = open_app(REPORTS, demo=True)
    assert not at.exception and not at.error
    parts = {r["Part"]: r["In the report"] for r in at.dataframe[0].value.to_dict("records")}
    assert parts["Provider scorecard"] == "yes" and parts["SLA check"] == "yes"
    assert parts["Switching cost"] == "yes" and parts["Contract audits"] == "yes"  # all seeded by the demo
    assert [b.label for b in at.get("download_button")] == ["Report (PDF)", "Workbook (Excel)"]
    shown = " ".join(m.value for m in at.markdown)
    assert "**Recommendation**" in shown and "Award the work to Northwind Labeling" in shown
    at.text_input(key="reports_title").input("Q3 steering committee").run()
    assert not at.exception and not at.error
    assert [b.label for b in at.get("download_button")] == ["Report (PDF)", "Workbook (Excel)"]


def test_reports_page_without_results_says_what_to_do(open_app: Callable[..., AppTest]) -> None:
    _program()
    at = open_app(REPORTS)
    assert not at.exception
    assert any("Nothing to report yet" in i.value for i in at.info)
    assert not at.get("download_button")
    hints = " ".join(r["How to add it"] for r in at.dataframe[0].value.to_dict("records"))
    assert "SLA check page" in hints and "Providers & scorecard page" in hints


def test_qa_sample_csv_meets_the_rate_in_every_category_and_is_reproducible() -> None:
    import csv
    import io
    import math
    from collections import Counter

    from governance.quality.reading.columns import ColumnMapping, load_mapping

    data = (EXAMPLES / "delivery.csv").read_bytes()
    out = sla_store.qa_sample_csv("delivery.csv", data, ColumnMapping(), "0.10", seed=3)
    assert out == sla_store.qa_sample_csv("delivery.csv", data, ColumnMapping(), "0.10", seed=3)
    rows = list(csv.DictReader(io.StringIO(out.decode())))
    delivered = Counter(r["category"] for r in csv.DictReader(io.StringIO(data.decode())))
    sampled = Counter(r["category"] for r in rows)
    for category, size in delivered.items():
        assert sampled[category] >= min(size, max(10, math.ceil(0.10 * size)))
    assert list(rows[0]) == ["review_id", "item_id", "category", "label"]
    key = list(csv.DictReader(io.StringIO(
        sla_store.qa_sample_csv("delivery.csv", data, ColumnMapping(), "0.10", seed=3, part="key").decode())))
    assert [r["review_id"] for r in key] == [r["review_id"] for r in rows]
    assert all(int(r["source_row"]) >= 2 for r in key) and "gold_label" in key[0]
    mapped = sla_store.qa_sample_csv(
        "vendor-export.csv",
        (EXAMPLES / "vendor-export.csv").read_bytes(),
        load_mapping(EXAMPLES / "column-mapping.yaml"),
        "0.10",
    )
    assert mapped.startswith(b"review_id,item_id,")


def test_contract_profile_terms_and_a_mapped_vendor_export(open_app: Callable[..., AppTest]) -> None:
    program_id = _program()
    at = open_app(SLA)
    at = _upload(at, "sla_terms_file", EXAMPLES / "contract-profile.yaml")
    profile_terms = load_term_set(EXAMPLES / "contract-profile.yaml")
    assert at.text_input[0].value == profile_terms.name
    assert list(at.dataframe[0].value["id"]) == [t.id for t in profile_terms.terms]

    export = EXAMPLES / "vendor-export.csv"
    at = _upload(at, "sla_delivery", export)
    assert any("column" in e.value and "vendor-export.csv" in e.value for e in _problems_all(at))
    assert not Store(database_url()).list_check_results(program_id, sla_store.SLA_CHECK)
    mapping = (EXAMPLES / "column-mapping.yaml").read_text().split("columns:")[1]
    lines = [line.strip().replace(": ", "=") for line in mapping.splitlines() if line.strip()]
    at.text_area(key="sla_mapping").input("\n".join(lines)).run()
    assert _problems(at) == [], _problems(at)
    assert any("vendor-export.csv checked against Default quality SLA" in s.value for s in at.success)
    [saved] = Store(database_url()).list_check_results(program_id, sla_store.SLA_CHECK)
    assert saved.label == "vendor-export.csv"


def _problems_all(at: AppTest) -> list[Any]:
    return [e for e in at.error if "Verdict:" not in e.value]


def test_mapping_file_upload_maps_a_vendor_export_and_errors_speak_the_apps_words(
    open_app: Callable[..., AppTest],
) -> None:
    program_id = _program()
    at = open_app(SLA)
    at = _upload(at, "sla_delivery", EXAMPLES / "vendor-export.csv")
    flat = " ".join(e.value for e in _problems_all(at))
    assert "--column" not in flat and "Column mapping on this page" in flat
    at = _upload(at, "sla_mapping_file", EXAMPLES / "column-mapping.yaml")
    assert _problems(at) == [], _problems(at)
    [saved] = Store(database_url()).list_check_results(program_id, sla_store.SLA_CHECK)
    assert saved.label == "vendor-export.csv"


def test_terms_table_names_metrics_and_scopes_in_words() -> None:
    """The app's terms table words metrics and scopes as the PDF's does (no `qa_coverage`, no `each_category`)."""
    from app_pages.sla_results import term_rows

    rows = term_rows(check_delivery(load_term_set(EXAMPLES / "sla-terms.yaml"), EXAMPLES / "delivery.csv"))
    shown = {r["Term"]: (r["Metric"], r["Scope"]) for r in rows}
    assert shown["qa-coverage"] == ("QA coverage", "each category")
    assert shown["kappa-complex"] == ("Cohen's kappa (unweighted)", "task type: complex")
    assert not [v for r in rows for v in (r["Metric"], r["Scope"]) if "_" in v]
