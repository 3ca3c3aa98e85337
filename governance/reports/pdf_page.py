"""The PDF's page: A4 frame and styles, tables from Sections with clipped cells and status colours,
the size check before building, and the canvas that numbers pages and pins the creation date."""

from __future__ import annotations

import calendar
import datetime as dt
import time
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from governance.reports import layout, words
from governance.reports import sections as S
from governance.reports.model import (
    BAND_ENTERPRISE,
    BAND_OVERSIGHT,
    BAND_RISK,
    ColumnFormat,
    Section,
)
from governance.reports.safe_text import pdf_text

PAGE = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE[0] - 2 * MARGIN - 12  # the frame's own padding is 6 pt a side
CELL_CHARS = 1200
CELL_LINES = 40
CONFUSION_TABLE_MAX = 12
STATUS_COLOURS = {status: colors.HexColor("#" + fill) for status, fill in S.STATUS_FILLS.items()}
BAND_COLOURS = {
    BAND_ENTERPRISE: STATUS_COLOURS["pass"],
    BAND_OVERSIGHT: STATUS_COLOURS["inconclusive"],
    BAND_RISK: STATUS_COLOURS["fail"],
}
HEADER_BG = colors.HexColor("#dde4ee")


def _styles(regular: str, bold: str) -> StyleSheet1:
    """The sample styles, every one switched to the registered TrueType font."""
    sheet = getSampleStyleSheet()
    for name in sheet.byName:
        style = sheet[name]
        if isinstance(style, ParagraphStyle):
            heading = name.startswith(("Heading", "Title"))
            style.fontName = bold if heading else regular
            if heading:
                style.keepWithNext = 1
    sheet.add(ParagraphStyle("Cell", parent=sheet["BodyText"], fontSize=7.5, leading=9))
    sheet.add(ParagraphStyle("CellHead", parent=sheet["Cell"], fontName=bold))
    sheet.add(ParagraphStyle("GridHead", parent=sheet["CellHead"], fontSize=6.5, leading=8))
    sheet.add(ParagraphStyle("CellNum", parent=sheet["Cell"], alignment=TA_RIGHT))
    sheet.add(ParagraphStyle("CellCompact", parent=sheet["Cell"], fontSize=layout.COMPACT_SIZE, leading=8))
    sheet.add(ParagraphStyle("CellHeadCompact", parent=sheet["CellCompact"], fontName=bold))
    sheet.add(ParagraphStyle("CellNumCompact", parent=sheet["CellCompact"], alignment=TA_RIGHT))
    sheet.add(ParagraphStyle("Note", parent=sheet["BodyText"], fontSize=8, textColor=colors.grey, keepWithNext=1))
    sheet.add(ParagraphStyle("Caption", parent=sheet["BodyText"], fontSize=8, leading=10, spaceAfter=8,
                             textColor=colors.HexColor("#444444")))
    sheet.add(ParagraphStyle("Cover", parent=sheet["Title"], fontSize=24, leading=30, spaceAfter=18))
    sheet.add(ParagraphStyle("CoverFact", parent=sheet["BodyText"], fontSize=12, leading=16))
    return sheet


def fmt_number(value: Any, kind: ColumnFormat | None, currency: str = "") -> str:
    """A number as the column's format asks (`words.number`, the one formatter of report values)."""
    return words.number(value, kind, currency)


def _clip(text: str) -> str:
    """A cell's text cut (by characters and by lines) so that one row always fits on a page; the
    workbook keeps it whole."""
    lines = text.splitlines()
    if len(text) <= CELL_CHARS and len(lines) <= CELL_LINES:
        return text
    return "\n".join(lines[:CELL_LINES])[:CELL_CHARS] + " \u2026 (cut here; the workbook has the full text)"


def section_table(
    section: Section, styles: StyleSheet1, currency: str = "", titled: bool = True, room: float = 0.0
) -> list[Flowable]:
    """A Section as a heading, an optional note and a table that repeats its header row; on a new page
    when less than `room` is left (a landscape table starts its own page, unless one is just beginning)."""
    out: list[Flowable] = [Paragraph(pdf_text(section.title), styles["Heading3"])] if titled else []
    if section.note and titled:
        out.append(Paragraph(pdf_text(section.note), styles["Note"]))
    if not section.rows:
        out.append(Paragraph("No rows.", styles["Note"]))
        return out
    texts = [
        [_clip(fmt_number(v, kind, currency)) for v, kind in zip(row, section.row_formats(r), strict=True)]
        for r, row in enumerate(section.rows)
    ]
    font, bold, size = styles["Cell"].fontName, styles["CellHead"].fontName, styles["Cell"].fontSize
    widths, compact, wide = layout.plan(section.columns, texts, font, bold, size)
    small = "Compact" if compact else ""
    head = [Paragraph(pdf_text(c), styles[f"CellHead{small}"]) for c in section.columns]
    body = [
        [
            Paragraph(
                pdf_text(t),
                styles[f"CellNum{small}"] if isinstance(v, int | float) and not isinstance(v, bool)
                else styles[f"Cell{small}"],
            )
            for t, v in zip(text_row, row, strict=True)
        ]
        for text_row, row in zip(texts, section.rows, strict=True)
    ]
    table = Table([head, *body], colWidths=widths, repeatRows=1, hAlign="LEFT")
    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if compact:
        commands += [("LEFTPADDING", (0, 0), (-1, -1), layout.COMPACT_PAD / 2),
                     ("RIGHTPADDING", (0, 0), (-1, -1), layout.COMPACT_PAD / 2)]
    if section.status_column in section.columns:
        col = section.columns.index(section.status_column)
        for r, row in enumerate(section.rows, start=1):
            colour = STATUS_COLOURS.get(str(row[col]).lower())
            if colour is not None:
                commands.append(("BACKGROUND", (col, r), (col, r), colour))
    table.setStyle(TableStyle(commands))
    out += [table, Spacer(1, 8)]
    if wide:
        return layout.on_landscape(out)
    return ([CondPageBreak(room)] if room else []) + out


class _Stamp(TimeStamp):
    """reportlab's document time stamp pinned to the report's date."""

    def __init__(self, moment: dt.datetime) -> None:
        super().__init__(invariant=1)
        self.t = calendar.timegm(moment.timetuple())
        self.lt = time.gmtime(self.t)
        self.YMDhms = tuple(self.lt)[:6]


def _canvas_class(moment: dt.datetime, footer: str, font: str) -> type[Canvas]:
    """A canvas that writes 'page N of M' and dates the document to `moment`."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["invariant"] = 1
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = _Stamp(moment)  # type: ignore[attr-defined]
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._saved.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                page = self._pageNumber  # type: ignore[attr-defined]
                self.setFont(font, 7.5)
                self.setFillColor(colors.grey)
                self.drawString(MARGIN, 10 * mm, footer)
                width = self._pagesize[0]  # type: ignore[attr-defined]
                self.drawRightString(width - MARGIN, 10 * mm, f"Page {page} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas
