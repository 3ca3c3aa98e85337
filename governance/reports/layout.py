"""Page layout shared by every PDF table: column widths that never split a word; a table too wide
for portrait first tries a compact size (smaller type, tighter padding) and only then a landscape
page, and what follows a landscape table flows on under it.

Widths are measured with the font's own metrics: a column is at least as wide as its longest word
(header words included), the rest of the frame goes to the columns with long text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any, NamedTuple

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageTemplate
from reportlab.platypus.flowables import PageBreakIfNotEmpty

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 18 * mm
PADDING = 6 * 2  # the frame's own padding, 6 pt a side
CELL_PAD = 6 * 2  # a table cell's default left and right padding
COMPACT_PAD = 3 * 2  # a compact table's cell padding
COMPACT_SIZE = 6.5  # a compact table's type size
PORTRAIT_WIDTH = PORTRAIT[0] - 2 * MARGIN - PADDING
LANDSCAPE_WIDTH = LANDSCAPE[0] - 2 * MARGIN - PADDING
NATURAL_CAP = 70  # characters of a cell counted towards its column's natural width
_BREAKS = re.compile(r"[ \t\r\n]+")  # where a Paragraph may wrap (never at a no-break space)


def text_width(text: str, font: str, size: float) -> float:
    """The width of a string in points."""
    return stringWidth(text, font, size)


def longest_word(texts: Sequence[str], font: str, size: float) -> float:
    """The widest single word among the texts (a column narrower than this splits it)."""
    return max((text_width(w, font, size) for t in texts for w in _BREAKS.split(t) if w), default=0.0)


def column_widths(
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    font: str,
    bold: str,
    size: float,
    frame: float,
    pad: float = CELL_PAD,
) -> list[float] | None:
    """Widths that fit `frame` without splitting a word, or None when no such widths exist.

    Each column gets at least its longest word; what is left is shared in proportion to how much
    wider each column would like to be (its longest line, capped).
    """
    minimum, natural = [], []
    for i, col in enumerate(columns):
        cells = [r[i] for r in rows]
        least = max(longest_word(cells, font, size), longest_word([col], bold, size)) + pad
        longest = max((text_width(c[:NATURAL_CAP], font, size) for c in cells), default=0.0)
        minimum.append(least)
        natural.append(max(least, longest + pad, text_width(col, bold, size) / 2 + pad))
    if sum(minimum) > frame:
        return None
    if sum(natural) <= frame:
        return [w * frame / sum(natural) for w in natural]
    spare = frame - sum(minimum)
    extra = [n - m for n, m in zip(natural, minimum, strict=True)]
    total = sum(extra) or 1.0
    return [m + spare * e / total for m, e in zip(minimum, extra, strict=True)]


def squeezed(
    columns: Sequence[str], rows: Sequence[Sequence[str]], font: str, bold: str, size: float, pad: float = CELL_PAD
) -> list[float]:
    """Last resort for a table no page holds whole: the landscape width shared by natural width."""
    natural = [
        max(max((text_width(r[i][:NATURAL_CAP], font, size) for r in rows), default=0.0), text_width(c, bold, size))
        + pad
        for i, c in enumerate(columns)
    ]
    return [w * LANDSCAPE_WIDTH / sum(natural) for w in natural]


class TablePlan(NamedTuple):
    """How a table is laid out: its column widths, whether it is set compact, whether it needs landscape."""

    widths: list[float]
    compact: bool
    landscape: bool


def plan(columns: Sequence[str], rows: Sequence[Sequence[str]], font: str, bold: str, size: float) -> TablePlan:
    """Portrait if the table fits without splitting a word, else portrait set compact, else landscape
    (normal, then compact), else squeezed onto landscape."""
    for frame, landscape_page in ((PORTRAIT_WIDTH, False), (LANDSCAPE_WIDTH, True)):
        for compact in (False, True):
            type_size, pad = (COMPACT_SIZE, COMPACT_PAD) if compact else (size, CELL_PAD)
            widths = column_widths(columns, rows, font, bold, type_size, frame, pad)
            if widths is not None:
                return TablePlan(widths, compact, landscape_page)
    return TablePlan(squeezed(columns, rows, font, bold, COMPACT_SIZE, COMPACT_PAD), True, True)


def on_landscape(flowables: list[Flowable]) -> list[Flowable]:
    """The flowables from the top of a landscape page; what follows flows on under them on that page
    and continues on portrait pages."""
    return [PageBreakIfNotEmpty(nextTemplate="landscape"), *flowables, NextPageTemplate("portrait")]


def document(buffer: IO[bytes], **info: Any) -> BaseDocTemplate:
    """A document with a portrait and a landscape page template (same margins)."""
    doc = BaseDocTemplate(buffer, pagesize=PORTRAIT, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                          bottomMargin=MARGIN, **info)
    templates = []
    for name, size in (("portrait", PORTRAIT), ("landscape", LANDSCAPE)):
        frame = Frame(MARGIN, MARGIN, size[0] - 2 * MARGIN, size[1] - 2 * MARGIN, id=name)
        templates.append(PageTemplate(id=name, frames=[frame], pagesize=size))
    doc.addPageTemplates(templates)
    return doc
