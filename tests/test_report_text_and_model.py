"""Safe text for cells and Paragraphs, the payload models and the shared Section tables."""

from __future__ import annotations

from xml.sax.saxutils import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from report_helpers import example, full_report
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from governance.reports import ReportInput, Section
from governance.reports.fonts import register_fonts
from governance.reports.model import BAND_ENTERPRISE, BAND_OVERSIGHT, BAND_RISK, band_for
from governance.reports.safe_text import FORMULA_TRIGGERS, cell_text, pdf_text
from governance.reports.sections import ROBUSTNESS_TITLES, robustness_findings, robustness_sections
from governance.reports.sla_sections import sorted_terms
from governance.reports.xlsx_sheet import _sheet_name

printable = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x7f")
    | st.sampled_from(["\n", "\t", "=", "+", "-", "@", "<", ">", "&", '"']),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(printable)
def test_cell_text_never_starts_a_formula(text: str) -> None:
    safe = cell_text(text)
    assert not safe.startswith(FORMULA_TRIGGERS)
    assert safe in (text, "'" + text)


@settings(max_examples=200, deadline=None)
@given(printable)
def test_pdf_text_round_trips_through_a_paragraph(text: str) -> None:
    regular, _ = register_fonts()
    markup = pdf_text(text)
    assert "<" not in markup.replace("<br/>", "")
    Paragraph(markup, ParagraphStyle("t", fontName=regular))  # parses whatever the input held
    plain = unescape(markup.replace("<br/>", "\n"), {"&quot;": '"'})
    assert plain == text.replace("\t", " ")


def test_band_boundaries_are_exact() -> None:
    assert band_for(59.999999) == BAND_RISK
    assert band_for(60.0) == BAND_OVERSIGHT
    assert band_for(74.99) == BAND_OVERSIGHT
    assert band_for(75.0) == BAND_ENTERPRISE
    assert band_for(None) is None


def test_section_rows_as_dicts_take_the_union_of_keys_in_order() -> None:
    s = Section.model_validate({"title": "t", "rows": [{"a": 1, "b": 2}, {"c": 3, "a": 4}]})
    assert s.columns == ["a", "b", "c"]
    assert s.rows == [[1, 2, None], [4, None, 3]]


def test_section_rows_must_match_columns() -> None:
    with pytest.raises(ValidationError, match="rows \\[2\\] do not have 2 cells"):
        Section(title="t", columns=["a", "b"], rows=[[1, 2], [1]])


def test_a_report_needs_at_least_one_part() -> None:
    with pytest.raises(ValidationError, match="nothing to report"):
        ReportInput()


def test_unknown_dimension_in_weights_is_rejected() -> None:
    card = example("scorecard")
    card["weights"]["speed"] = 5
    with pytest.raises(ValidationError, match="unknown dimension"):
        ReportInput(scorecard=card)


def test_robustness_of_any_shape_renders_as_tables() -> None:
    rob = {
        "pairs": [{"upper": "A", "lower": "B", "text": "A stays ahead."}],
        "band_probabilities": {
            "A": {"enterprise-grade": 0.25, "viable with enhanced oversight": 0.75}
        },
        "method": "closed form",
        "seed": 7,
        "notes": ["x", {"text": "nested finding"}],
        "settings": {"draws": 10000},
    }
    sections = robustness_sections(rob)
    titles = [s.title for s in sections]
    expected = [ROBUSTNESS_TITLES["pairs"], ROBUSTNESS_TITLES["band_probabilities"]]
    assert titles == ["Robustness", *expected, "Notes", "Settings"]
    assert sections[0].rows == [["Method", "closed form"], ["Seed", 7]]
    assert sections[2].formats["enterprise-grade"] == "percent"
    assert robustness_findings(rob) == ["A stays ahead.", "nested finding"]


def test_failing_terms_sort_first() -> None:
    report = full_report()
    assert report.sla is not None
    assert [t.status for t in sorted_terms(report.sla)] == [
        "fail",
        "fail",
        "inconclusive",
        "pass",
        "pass",
    ]


def test_taxonomy_can_come_inside_the_switching_payload() -> None:
    sw = example("switching") | {"taxonomy": example("taxonomy")}
    report = ReportInput(switching=sw)
    part = report.taxonomy_part()
    assert part is not None and part.classes[3].targets == ["rigid_truck", "articulated_truck"]


def test_sheet_names_are_legal_and_unique() -> None:
    assert _sheet_name("Contract audit: a/b [x]?", []) == "Contract audit  a b  x"
    long = "L" * 40
    first = _sheet_name(long, [])
    assert len(first) == 31
    second = _sheet_name(long, [first])
    assert len(second) == 31 and second.endswith("(2)")
    assert _sheet_name("summary", ["Summary"]) == "summary (2)"
