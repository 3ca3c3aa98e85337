"""Page layout shared by every PDF table: column widths that never split a word, and a landscape
page for a table too wide for portrait.

Widths are measured with the font's own metrics: a column is at least as wide as its longest word
(header words included), the rest of the frame goes to the columns with long text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import IO, Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, NextPageTemplate, PageBreak, PageTemplate

PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 18 * mm
PADDING = 6 * 2  # the frame's own padding, 6 pt a side
CELL_PAD = 6 * 2  # a table cell's default left and right padding
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
) -> list[float] | None:
    """Widths that fit `frame` without splitting a word, or None when no such widths exist.

    Each column gets at least its longest word; what is left is shared in proportion to how much
    wider each column would like to be (its longest line, capped).
    """
    minimum, natural = [], []
    for i, col in enumerate(columns):
        cells = [r[i] for r in rows]
        least = max(longest_word(cells, font, size), longest_word([col], bold, size)) + CELL_PAD
        longest = max((text_width(c[:NATURAL_CAP], font, size) for c in cells), default=0.0)
        minimum.append(least)
        natural.append(max(least, longest + CELL_PAD, text_width(col, bold, size) / 2 + CELL_PAD))
    if sum(minimum) > frame:
        return None
    if sum(natural) <= frame:
        return [w * frame / sum(natural) for w in natural]
    spare = frame - sum(minimum)
    extra = [n - m for n, m in zip(natural, minimum, strict=True)]
    total = sum(extra) or 1.0
    return [m + spare * e / total for m, e in zip(minimum, extra, strict=True)]


def squeezed(columns: Sequence[str], rows: Sequence[Sequence[str]], font: str, bold: str, size: float) -> list[float]:
    """Last resort for a table no page holds whole: the landscape width shared by natural width."""
    natural = [
        max(max((text_width(r[i][:NATURAL_CAP], font, size) for r in rows), default=0.0), text_width(c, bold, size))
        + CELL_PAD
        for i, c in enumerate(columns)
    ]
    return [w * LANDSCAPE_WIDTH / sum(natural) for w in natural]


def on_landscape(flowables: list[Flowable]) -> list[Flowable]:
    """The flowables on landscape pages of their own, portrait again after them."""
    return [NextPageTemplate("landscape"), PageBreak(), *flowables, NextPageTemplate("portrait"), PageBreak()]


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
