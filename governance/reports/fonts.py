"""The PDF's TrueType font: DejaVu Sans, taken from the matplotlib package the install brings.

Built-in Helvetica covers Latin-1 only; DejaVu Sans also covers accented Latin, Greek and Cyrillic.
matplotlib is located without being imported (importing it is slow and needs no display anyway).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
_FILES = {REGULAR: "DejaVuSans.ttf", BOLD: "DejaVuSans-Bold.ttf"}


def font_dir() -> Path:
    """Folder of matplotlib's bundled TrueType fonts; a clear error when it is not installed."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the PDF font (DejaVu Sans) comes from the matplotlib package: pip install matplotlib")
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


@cache
def register_fonts() -> tuple[str, str]:
    """Register regular and bold DejaVu Sans with reportlab once; return their names."""
    folder = font_dir()
    for name, filename in _FILES.items():
        path = folder / filename
        if not path.is_file():
            raise RuntimeError(f"font file missing from the matplotlib install: {path}")
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    return REGULAR, BOLD
