"""Counts in the PDF read as whole numbers with thousands separators (weekly throughput '60,500', not
'60500.000'), rates as percentages, scenario inputs with their currency; checked on pdftotext's text
of a report built from `examples/`."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from contracts.sla_term_files import load_term_set
from governance.quality.sla.sla_check import check_delivery
from governance.reports import ReportInput, SwitchingPayload, build_pdf
from governance.reports.model import SlaPayload
from governance.reports.sla_sections import metric_value_text, sla_report_payload, sla_terms_section, sorted_terms
from governance.reports.words import number
from migration import load_scenario, switching_cost
from tests.report_helpers import ROOT, pdf_text

EXAMPLES = ROOT / "examples"
SCALE = 450
"""The example delivery is a weekly audit sample (about 134 a week); scaled to the program's volume
so the counts need thousands separators."""


def _scaled(term: dict[str, Any]) -> dict[str, Any]:
    """A weekly-throughput term at the program's volume: value, threshold and each week's count."""
    evidence = [{**e, "value": e["value"] * SCALE, "n": e["n"] * SCALE} for e in term["evidence"]]
    return {**term, "value": term["value"] * SCALE, "threshold": term["threshold"] * SCALE, "n": term["n"] * SCALE,
            "evidence": evidence}


@pytest.fixture(scope="module")
def sla() -> dict[str, Any]:
    """The example SLA check, its weekly throughput at program scale."""
    payload = sla_report_payload(check_delivery(load_term_set(EXAMPLES / "sla-terms.yaml"), EXAMPLES / "delivery.csv"))
    payload["terms"] = [_scaled(t) if t["metric"] == "weekly_throughput" else t for t in payload["terms"]]
    return payload


@pytest.fixture(scope="module")
def text(sla: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> str:
    """pdftotext's text of the examples' report (SLA check and switching scenario)."""
    scenario = switching_cost(load_scenario(EXAMPLES / "scenario.yaml"), simulations=500, seed=1).to_payload()
    report = ReportInput.model_validate({"program": "Street scenes", "sla": sla, "switching": scenario})
    path: Path = tmp_path_factory.mktemp("numbers") / "report.pdf"
    path.write_bytes(build_pdf(report, created=dt.date(2026, 11, 26)))
    return pdf_text(path)


def test_weekly_throughput_reads_as_a_whole_number_with_separators(sla: dict[str, Any], text: str) -> None:
    [term] = [t for t in sla["terms"] if t["metric"] == "weekly_throughput"]
    assert term["value"] >= 10_000
    for value in [term["value"], *(e["value"] for e in term["evidence"])]:
        assert f"{value:,.0f}" in text, value
        assert f"{value:.3f}" not in text and f"{value:.0f}" not in text.replace(f"{value:,.0f}", "")
    assert f"at least {term['threshold']:,.0f}" in text


def test_no_count_is_printed_as_a_float(text: str) -> None:
    assert not re.findall(r"\b\d[\d,]*\d\.000\b", text)  # '132.000', '60,300.000'
    unseparated = [n for n in re.findall(r"(?<![\d,.\-/:])\d{5,}(?![\d,.\-/:%])", text)]
    assert unseparated == []  # every count of 10,000 or more carries its separators


def test_each_measured_value_reads_as_its_metric_does(sla: dict[str, Any]) -> None:
    """The terms table's Measured column: a percentage, a count or a coefficient row by row."""
    payload = SlaPayload.model_validate(sla)
    section = sla_terms_section(payload)
    measured = section.columns.index("Measured")
    kinds = {"weekly_throughput": "integer", "qa_coverage": "percent", "accuracy": "percent",
             "defect_rate": "percent", "on_time_rate": "percent", "kappa": "rate"}
    for r, (term, row) in enumerate(zip(sorted_terms(payload), section.rows, strict=True)):
        assert section.row_formats(r)[measured] == kinds[term.metric], term.metric
        if term.metric != "kappa":
            assert number(row[measured], kinds[term.metric]) == metric_value_text(term.metric, term.value)


def test_scenario_inputs_carry_the_currency_and_shares_read_as_percentages(text: str) -> None:
    sw = SwitchingPayload.model_validate(
        switching_cost(load_scenario(EXAMPLES / "scenario.yaml"), simulations=200, seed=1).to_payload())
    assert sw.currency == "EUR"
    assert "currency/" not in text
    assert "EUR 2,000 per run to EUR 12,000 per run" in text
    assert "30% to 80%" in text  # sla_gap.throughput_share, not '0.3 share to 0.8 share'
    assert "Horizon (months) 24 " in text
