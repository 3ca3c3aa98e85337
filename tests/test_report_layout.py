"""The PDF's page rule: portrait while a table fits without splitting a word (set compact if need
be), landscape only for a table that needs the width, and the content after it flows on under it."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from governance.reports import ReportInput, Section, build_pdf
from governance.reports.fonts import register_fonts
from governance.reports.layout import COMPACT_SIZE, PORTRAIT_WIDTH, column_widths, plan
from tests.report_helpers import need

WORDS = ["pedestrian", "construction", "agreement", "annotations", "throughput", "calibration"]


def _wide(columns: int) -> Section:
    """A table of `columns` columns of long single words: no portrait page holds it whole."""
    names = [f"{WORDS[i % len(WORDS)]}{i}" for i in range(columns)]
    rows = [[f"{WORDS[(i + r) % len(WORDS)]}-{r}" for i in range(columns)] for r in range(3)]
    return Section(title="A table that needs the width", columns=names, rows=rows)


def _pages(pdf: Path) -> list[tuple[bool, str]]:
    """(landscape?, text) of each page."""
    info = subprocess.run([need("pdfinfo"), "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True,
                          check=True).stdout
    sizes = [line.split(":", 1)[1].split() for line in info.splitlines() if line.startswith("Page") and "size" in line]
    out = []
    for n, size in enumerate(sizes, start=1):
        text = subprocess.run([need("pdftotext"), "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        out.append((float(size[0]) > float(size[2]), " ".join(text.split())))
    return out


def test_a_table_that_fits_compact_stays_portrait() -> None:
    regular, bold = register_fonts()
    section = _wide(9)
    texts = [[str(v) for v in row] for row in section.rows]
    assert column_widths(section.columns, texts, regular, bold, 7.5, PORTRAIT_WIDTH) is None
    laid = plan(section.columns, texts, regular, bold, 7.5)
    assert laid.compact and not laid.landscape
    assert column_widths(section.columns, texts, regular, bold, COMPACT_SIZE, PORTRAIT_WIDTH, 6) is not None


def test_landscape_only_for_the_wide_table_and_what_follows_flows_on(tmp_path: Path) -> None:
    after = Section(title="Short table after it", columns=["Measure", "Value"], rows=[["items", 3]])
    later = Section(title="Second short table", columns=["Measure", "Value"], rows=[["items", 4]])
    report = ReportInput(program="Layout", sections=[_wide(11), after, later])
    pdf = tmp_path / "layout.pdf"
    pdf.write_bytes(build_pdf(report, created=dt.date(2026, 11, 26)))
    pages = _pages(pdf)
    [wide_page] = [n for n, (_, text) in enumerate(pages) if "calibration5" in text]
    assert pages[wide_page][0], "the wide table is on a landscape page"
    assert "Short table after it" in pages[wide_page][1] and "Second short table" in pages[wide_page][1]
    assert [n for n, (land, _) in enumerate(pages) if land] == [wide_page]
    assert all(text.strip() for _, text in pages), "no empty page"
