"""Text-only PDFs with reportlab: untrusted strings escaped, a Unicode TrueType font if present."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

_FONT_CANDIDATES = (
    ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
)


def _font() -> tuple[str, str]:
    """Register the best available font; returns (regular, bold) names."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    candidates = list(_FONT_CANDIDATES)
    try:
        import reportlab

        fonts = Path(reportlab.__file__).parent / "fonts"
        candidates.append(("Vera", str(fonts / "Vera.ttf"), str(fonts / "VeraBd.ttf")))
    except ImportError:  # pragma: no cover
        pass
    for name, regular, bold in candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, regular))
                pdfmetrics.registerFont(TTFont(f"{name}-Bold", bold))
            return name, f"{name}-Bold"
    return "Helvetica", "Helvetica-Bold"


def markup(text: str) -> str:
    """Escape a user string for a reportlab Paragraph and keep its line breaks."""
    return escape(text).replace("\r\n", "\n").replace("\n", "<br/>")


def build_pdf(blocks: list[tuple[str, str]], title: str, invariant: bool = False) -> bytes:
    """Lay out (kind, text) blocks; kinds: title, heading, meta, body."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

    regular, bold = _font()
    styles = {
        "title": ParagraphStyle("t", fontName=bold, fontSize=18, leading=22, spaceAfter=6),
        "heading": ParagraphStyle("h", fontName=bold, fontSize=12, leading=15, spaceBefore=8,
                                  spaceAfter=3),
        "meta": ParagraphStyle("m", fontName=regular, fontSize=8.5, leading=11,
                               textColor=HexColor("#555555"), spaceAfter=3),
        "body": ParagraphStyle("b", fontName=regular, fontSize=10, leading=13, spaceAfter=4),
    }
    buf = io.BytesIO()
    pdf = SimpleDocTemplate(buf, pagesize=A4, title=title, author="annogov",
                            leftMargin=18 * mm, rightMargin=18 * mm, invariant=int(invariant))
    story: list[Flowable] = []
    for kind, text in blocks:
        story.append(Paragraph(markup(text), styles[kind]))
    story.append(Spacer(1, 2 * mm))
    pdf.build(story)
    return buf.getvalue()
