"""The PDF: hostile names print as typed, Greek and Cyrillic render, same bytes twice."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from report_helpers import HOSTILE, full_report, need, pdf_text

from governance.reports import ReportInput, Section, build_pdf

DAY = dt.date(2026, 11, 26)


@pytest.fixture(scope="module")
def pdf_bytes() -> bytes:
    return build_pdf(full_report(), created=DAY)


@pytest.fixture(scope="module")
def text(pdf_bytes: bytes, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(pdf_bytes)
    return pdf_text(path)


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_print_exactly_as_typed(text: str, name: str) -> None:
    assert name in text


def test_cover_summary_sections_and_appendix(text: str) -> None:
    for expected in [
        "Vendor review <Q4> & renewal",
        "Perception labels — Ελληνική/Данные",
        "2026-11-26",
        "Summary by part",
        "1. Acme <Holdings> & Sons (82.65 points, enterprise-grade)",
        "Incomplete, so neither banded nor ranked",
        "Nordlicht Labeling GmbH",
        "most likely cost EUR 257,300 (P50)",
        "more than EUR 312,800 (P90)",
        "breaks even in month 14 at P50 and month 21 at P90",
        "Terms failed: Cohen's kappa (task type: complex); Defect rate (overall).",
        "Service credits owed: EUR 12,500.",
        "Appendix: method notes",
        "total = sum(weight_d * score_d / 5)",
        "=cmd|' /C calc'!A0",
        "-- clause 14.2 refers to an annex not supplied",
        "Calibration log",
        "Société Générale d'Annotation",
    ]:
        assert expected in text, expected
    assert text.index("SLA terms") < text.index("Appendix")


def test_failing_terms_come_first(tmp_path: Path, pdf_bytes: bytes) -> None:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf_bytes)
    text = pdf_text(path, layout=True)
    part = text[text.index("SLA check of the delivery") :]
    table = part[part.index("Remedy") : part.index("Accuracy against gold")]
    statuses = re.findall(r"^\s*(fail|inconclusive|pass)\b", table, flags=re.M)
    assert statuses[:5] == ["fail", "fail", "inconclusive", "pass", "pass"]


def test_page_numbers(text: str) -> None:
    pages = [int(n) for n in re.findall(r"Page \d+ of (\d+)", text)]
    assert pages and len(set(pages)) == 1
    assert len(re.findall(r"Page \d+ of", text)) == pages[0] >= 5


def test_font_is_embedded_truetype(tmp_path: Path, pdf_bytes: bytes) -> None:
    tool = need("pdffonts")
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf_bytes)
    fonts = subprocess.run([tool, str(path)], capture_output=True, text=True, check=True).stdout
    assert "DejaVuSans" in fonts
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert all("yes" in line.split()[-5:-2] for line in rows if "DejaVu" in line)


def test_same_inputs_same_bytes(pdf_bytes: bytes) -> None:
    assert build_pdf(full_report(), created=DAY) == pdf_bytes
    assert build_pdf(full_report(), created=dt.date(2027, 1, 2)) != pdf_bytes


def test_markup_in_any_field_cannot_break_the_document(tmp_path: Path) -> None:
    nasty = ["<para>x", "</para>", "<b>unclosed", "&amp; & &#x41;", "a\nb\r\nc", "<img src='/x'/>"]
    section = Section(title="<font color=red>", columns=["<b>", "ok"], rows=[[n, n] for n in nasty])
    report = ReportInput(title="</para><para>", program="&", sections=[section])
    path = tmp_path / "n.pdf"
    path.write_bytes(build_pdf(report, created=DAY))
    text = pdf_text(path)
    for n in ["<para>x", "</para>", "<b>unclosed", "&amp; & &#x41;", "<img src='/x'/>"]:
        assert n in text
    assert "<font color=red>" in text


def test_only_given_parts_appear(tmp_path: Path) -> None:
    report = full_report(scorecard=None, taxonomy=None, sla=None, sections=[])
    path = tmp_path / "s.pdf"
    path.write_bytes(build_pdf(report, created=DAY))
    text = pdf_text(path)
    assert "Cost of switching provider" in text
    assert "Provider scorecard" not in text and "SLA check of the delivery" not in text
