"""The report reads right: tornado from switching totals, money with its currency, no internal keys,
no word split inside a table cell."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from governance.reports import SwitchingPayload, build_pdf, build_xlsx
from governance.reports.charts import tornado_chart
from governance.reports.decision import decision
from governance.reports.safe_text import cell_text
from governance.reports.sections import input_label, tornado_section
from migration import load_scenario, switching_cost
from tests.report_helpers import ROOT, example, full_report, need


@pytest.fixture(scope="module")
def scenario_payload() -> SwitchingPayload:
    """The example scenario priced by the real model (few draws: the tornado is deterministic)."""
    result = switching_cost(load_scenario(ROOT / "examples" / "scenario.yaml"), simulations=1000, seed=1)
    return SwitchingPayload.model_validate(result.to_payload())


def test_tornado_totals_bracket_the_base_total(scenario_payload: SwitchingPayload) -> None:
    base = scenario_payload.deterministic["total"]
    assert base is not None
    section = tornado_section(scenario_payload)
    assert section is not None and section.rows
    for row in section.rows:
        at_low, at_high, swing = row[2], row[3], row[4]
        assert min(at_low, at_high) - 0.01 <= base <= max(at_low, at_high) + 0.01, row
        assert swing == pytest.approx(abs(at_high - at_low))


def test_tornado_table_holds_totals_not_input_values(scenario_payload: SwitchingPayload) -> None:
    section = tornado_section(scenario_payload)
    assert section is not None
    by_label = {input_label(b): b for b in scenario_payload.tornado}
    for row in section.rows:
        bar = by_label[row[0]]
        assert (row[2], row[3]) == (bar.total_at_low, bar.total_at_high)
        assert (row[2], row[3]) != (bar.low, bar.high)
    swings = [row[4] for row in section.rows]
    assert swings == sorted(swings, reverse=True)


def test_tornado_chart_and_table_in_the_same_order(scenario_payload: SwitchingPayload) -> None:
    section = tornado_section(scenario_payload)
    assert section is not None
    drawing = tornado_chart(scenario_payload, 500, "Helvetica")
    labels = [s.text for s in drawing.contents if getattr(s, "textAnchor", "") == "end"]
    table = [row[0] for row in section.rows][: len(labels)]
    cut = [shown.rstrip("\u2026") for shown in labels]
    assert cut == [full[: len(c)] for full, c in zip(table, cut, strict=True)]


def test_example_tornado_axis_is_in_money_around_the_base() -> None:
    sw = SwitchingPayload.model_validate(example("switching"))
    section = tornado_section(sw)
    assert section is not None
    assert all(r[2] > 200_000 and r[3] > 200_000 for r in section.rows)


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example report (hostile names included) as a PDF file."""
    path = tmp_path_factory.mktemp("plain") / "report.pdf"
    path.write_bytes(build_pdf(full_report(), created=dt.date(2026, 11, 26)))
    return path


def _page_text(path: Path, first: int, last: int) -> str:
    tool = need("pdftotext")
    out = subprocess.run([tool, "-f", str(first), "-l", str(last), "-enc", "UTF-8", str(path), "-"],
                         capture_output=True, check=True)
    return " ".join(out.stdout.decode("utf-8").split())


def test_decision_page_comes_first_and_says_what_the_payloads_say(example_pdf: Path) -> None:
    report = full_report()
    blocks = decision(report)
    headings = [b.heading for b in blocks]
    assert headings[:3] == ["What is being decided", "Recommendation", "The reasons, with the numbers"]
    first_pages = _page_text(example_pdf, 1, 2)
    for block in blocks:
        assert block.heading in first_pages
        for sentence in block.sentences:
            assert " ".join(sentence.split()) in first_pages, sentence
    said = " ".join(s for b in blocks for s in b.sentences)
    card = report.scorecard
    assert card is not None
    leader = card.ranked()[0]
    assert f"Award the work to {leader.name}" in said and str(leader.band) in said
    assert "EUR 12,500" in said  # SLA credits with the program's currency
    assert "month 14 at P50" in said and "EUR 257,300 (P50)" in said


def test_workbook_summary_holds_the_same_decision() -> None:
    report = full_report()
    wb = load_workbook(io.BytesIO(build_xlsx(report, created=dt.date(2026, 11, 26))))
    assert wb.sheetnames[0] == "Summary"
    cells = {str(c.value) for row in wb["Summary"].iter_rows() for c in row if c.value is not None}
    for block in decision(report):
        assert block.heading in cells
        for sentence in block.sentences:
            assert cell_text(sentence) in cells


def test_decision_without_a_viable_provider_recommends_none() -> None:
    card = example("scorecard")
    for p in card["providers"]:
        if p.get("total") is not None:
            p["total"], p["band"] = 50.0, "material delivery risk"
    report = full_report(scorecard=card, switching=None, sla=None, sections=[])
    said = " ".join(s for b in decision(report) for s in b.sentences)
    assert "Award to no provider on this evidence" in said
