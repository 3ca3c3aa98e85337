"""The report reads right: tornado from switching totals, money with its currency, no internal keys,
no word split inside a table cell."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from reportlab.graphics.shapes import Line, Rect

from annogov.services.demo import seed_demo
from annogov.services.reporting import program_report, report_bytes
from annogov.store import Store
from contracts.sla_term_files import load_term_set
from governance.quality.sla.sla_check import check_delivery
from governance.reports import ReportInput, Section, SwitchingPayload, build_pdf, build_xlsx
from governance.reports import sections as S
from governance.reports.chart_data import STATUS_COLOURS, term_charts
from governance.reports.chart_data import confusion_chart as confusion_data
from governance.reports.chart_data import tornado_chart as tornado_data
from governance.reports.charts import confusion_heatmap, term_chart, tornado_chart
from governance.reports.decision import decision
from governance.reports.model import AREAS, DIMENSIONS, ConfusionMatrix, SlaPayload
from governance.reports.pdf_page import fmt_number
from governance.reports.safe_text import cell_text
from governance.reports.sections import METRIC_LABELS
from governance.reports.sla_sections import metric_value_text, sla_report_payload, sla_sections, target_text
from governance.reports.switching_sections import (
    STAY_MEASURES,
    input_label,
    stay_vs_switch_section,
    switching_breakdown_section,
    taxonomy_section,
    tornado_section,
)
from governance.reports.words import KEY_LABELS, money
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
    spec = tornado_data(scenario_payload)
    assert spec is not None
    drawing = tornado_chart(spec, 500, "Helvetica")
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



def test_the_switch_verdict_is_about_cost_when_a_scorecard_decides_on_quality() -> None:
    """With a scorecard beside it, the switching verdict says it is about cost only and points to the
    scorecard for the new provider's quality; alone, it is the plain verdict."""
    both = decision(full_report(sla=None, sections=[]))
    recommend = next(b.sentences for b in both if b.heading == "Recommendation")
    risks = next(b.sentences for b in both if b.heading == "Risks")
    assert any(s.startswith("On cost alone, switching") for s in recommend)
    assert any("not the new provider's quality" in s for s in risks)
    alone = decision(full_report(scorecard=None, sla=None, sections=[]))
    said = [s for b in alone for s in b.sentences]
    assert any(s.startswith("Switching") for s in said) and not any("On cost alone" in s for s in said)

INTERNAL_KEYS = sorted(
    {k for k in (*DIMENSIONS, *AREAS, *METRIC_LABELS, *KEY_LABELS, *STAY_MEASURES) if "_" in k}
    | {"cap_dimension", "force_material_risk", "one_to_one", "True", "False", "effect:", "id:"}
)
SCENARIO_KEY = r"\b(?:" + "|".join(re.escape(a) for a in AREAS) + r")\.[a-z_]+\b"  # e.g. retraining.runs
KEY_PATTERN = re.compile(
    r"(?<![\w.])(" + "|".join(re.escape(k) for k in INTERNAL_KEYS) + r")(?![\w])|\bp[159]0\b|" + SCENARIO_KEY
)


def _keys_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in KEY_PATTERN.finditer(text)})


def test_no_internal_key_in_the_example_pdf(example_pdf: Path) -> None:
    assert _keys_in(_page_text(example_pdf, 1, 999)) == []


def test_no_internal_key_in_the_demo_pdf(db_url: str, tmp_path: Path) -> None:
    store = Store(db_url)
    program = seed_demo(store)
    assembled = program_report(store, program, created=dt.date(2026, 11, 26))
    assert assembled.report is not None
    path = tmp_path / "demo.pdf"
    path.write_bytes(report_bytes(assembled.report, "pdf"))
    assert _keys_in(_page_text(path, 1, 999)) == []


def _money_sections(report: ReportInput) -> list[Section]:
    assert report.switching is not None and report.sla is not None
    found = [switching_breakdown_section(report.switching), tornado_section(report.switching)]
    found += sla_sections(report.sla) + report.sections
    return [s for s in found if s is not None and "currency" in s.formats.values()]


def test_every_money_cell_carries_the_currency_in_the_pdf(example_pdf: Path) -> None:
    report = full_report()
    text = _page_text(example_pdf, 1, 999)
    sections = _money_sections(report)
    assert sections
    for section in sections:
        for column, kind in section.formats.items():
            if kind != "currency":
                continue
            i = section.columns.index(column)
            for row in section.rows:
                if isinstance(row[i], int | float):
                    assert money(row[i], "EUR") in text, (section.title, column, row[i])


def test_every_money_cell_carries_the_currency_in_the_workbook() -> None:
    report = full_report()
    money_columns = {c for s in _money_sections(report) for c, kind in s.formats.items() if kind == "currency"}
    wb = load_workbook(io.BytesIO(build_xlsx(report, created=dt.date(2026, 11, 26))))
    checked = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for head in row:
                if head.value not in money_columns or not head.font.bold:
                    continue
                below = head.row + 1
                while isinstance(ws.cell(below, head.column).value, int | float):
                    cell = ws.cell(below, head.column)
                    assert cell.number_format.startswith('"EUR "'), (ws.title, cell.coordinate, cell.number_format)
                    checked += 1
                    below += 1
    assert checked > 10
    assert wb["SLA check"]["B2"].number_format.startswith('"EUR "')


def _report_sections(report: ReportInput) -> list[Section]:
    """Every titled table the PDF draws from the payloads (all but the scorecard grid)."""
    found: list[Section | None] = []
    if report.scorecard is not None:
        card = report.scorecard
        found += [S.gates_and_flags_section(card), S.evaluations_section(card, True)]
        found += S.robustness_sections(card.robustness, with_text=False)
    if report.switching is not None:
        sw = report.switching
        found += [switching_breakdown_section(sw), tornado_section(sw), stay_vs_switch_section(sw)]
    taxonomy = report.taxonomy_part()
    if taxonomy is not None:
        found.append(taxonomy_section(taxonomy))
    if report.sla is not None:
        found += sla_sections(report.sla, report.money_unit())
    return [s for s in [*found, *report.sections] if s is not None]


def test_no_word_is_split_inside_a_table_cell_of_the_examples(example_pdf: Path) -> None:
    report = full_report()
    tokens = set(_page_text(example_pdf, 1, 999).split())
    unit = report.money_unit()
    split: list[tuple[str, str]] = []
    for section in _report_sections(report):
        cells = [*section.columns, *(fmt_number(v, kind, unit) for r, row in enumerate(section.rows)
                                     for v, kind in zip(row, section.row_formats(r), strict=True))]
        split += [(section.title, w) for cell in cells for w in cell.split() if w not in tokens]
    assert split == []


def test_workbook_prints_and_names_its_tables() -> None:
    wb = load_workbook(io.BytesIO(build_xlsx(full_report(), created=dt.date(2026, 11, 26))))
    for ws in wb.worksheets:
        assert ws.print_area, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    names = set(wb.defined_names.keys())
    assert {"Weights", "SLA_terms", "Switching_cost_by_area", "Stay_versus_switch"} <= names
    sla = wb.defined_names["SLA_terms"].attr_text
    assert sla.startswith("'SLA check'!$A$")
    assert wb["SLA check"].print_title_rows


def test_sla_group_charts_colour_each_group_by_its_own_status() -> None:
    checked = check_delivery(load_term_set(ROOT / "examples" / "sla-terms.yaml"), ROOT / "examples" / "delivery.csv")
    charts = term_charts(SlaPayload.model_validate(sla_report_payload(checked)))
    assert charts and all(c.target is not None and c.caption for c in charts)
    for chart in charts:
        drawing = term_chart(chart, 480, "Helvetica")
        fills = [s.fillColor.hexval().lower() for s in drawing.contents if isinstance(s, Rect)]
        expected = [STATUS_COLOURS[b.status].replace("#", "0x") for b in chart.bars if b.value is not None]
        assert fills == expected
        dashed = [s for s in drawing.contents if isinstance(s, Line) and s.strokeDashArray]
        assert len(dashed) == 1  # the target line


def test_confusion_map_writes_all_thirty_labels(tmp_path: Path) -> None:
    labels = [f"class_{i:02d}_name" for i in range(30)]
    matrix = [[(20 if i == j else (i * j) % 3) for j in range(30)] for i in range(30)]
    sla = {"verdict": "pass", "credits": 0, "terms": [], "confusion": {"labels": labels, "matrix": matrix}}
    path = tmp_path / "cm.pdf"
    path.write_bytes(build_pdf(ReportInput.model_validate({"sla": sla}), created=dt.date(2026, 11, 26)))
    text = _page_text(path, 1, 999)
    assert all(text.count(label) >= 1 for label in labels)
    drawing = confusion_heatmap(confusion_data(ConfusionMatrix(labels=labels, matrix=matrix)), 480, "Helvetica")
    cells = [s for s in drawing.contents if isinstance(s, Rect)]
    assert len(cells) == 900 and min(c.height for c in cells) >= 12


def test_an_sla_only_report_carries_the_contracts_currency() -> None:
    checked = check_delivery(load_term_set(ROOT / "examples" / "sla-terms.yaml"), ROOT / "examples" / "delivery.csv")
    report = ReportInput.model_validate({"sla": sla_report_payload(checked)})
    assert report.money_unit() == checked.currency
    said = " ".join(s for b in decision(report) for s in b.sentences)
    assert f"{checked.currency} " in said or not checked.credits


def test_each_part_keeps_its_own_currency() -> None:
    switching = example("switching") | {"currency": "USD"}
    report = full_report(switching=switching)  # the example SLA is in EUR
    said = " ".join(s for b in decision(report) for s in b.sentences)
    assert "USD 257,300 (P50)" in said and "EUR 12,500" in said
    wb = load_workbook(io.BytesIO(build_xlsx(report, created=dt.date(2026, 11, 26))))
    assert wb["SLA check"]["B2"].number_format.startswith('"EUR "')


def test_decision_names_a_cap_as_a_cap_and_rates_as_percentages() -> None:
    """A gate that caps a score is not called a knock-out, and rate targets read as percentages."""
    card = example("scorecard")
    capped = next(p for p in card["providers"] if p.get("total") is not None)
    capped["gates"] = [{"gate": "security.stale", "effect": "cap_dimension", "reason": "audit period too old"}]
    report = full_report(scorecard=card, switching=None, sla=None, sections=[])
    risks = [s for b in decision(report) for s in b.sentences if capped["name"] in s and "audit period" in s]
    assert risks and all(s.startswith("Score cap for") for s in risks)
    assert target_text(">=", 0.1, "qa_coverage") == "at least 10.0%"
    assert target_text(">=", 0.8, "cohen_kappa") == "at least 0.8"
    assert metric_value_text("accuracy", 0.667) == "66.7%"
