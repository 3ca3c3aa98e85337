"""Contract text as located passages: paragraphs of .txt, .md, .docx and .pdf drafts.

A passage keeps where it came from (page, paragraph, line) so every proposal can point a reader
at the exact place in the draft.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from pydantic import BaseModel

from ingest import InputError

DRAFT_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
_TERMINAL = re.compile(r"[.!?:;]\s*$")
# a clause number starts a passage only before a capital or at the line's end ('4.2 The Vendor',
# '5.'); a wrapped line such as '30 days of termination' continues the sentence above
_NUMBERED = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]?(?:\s+[A-Z(\"“]|\s*$)|[A-Z][A-Z ]{3,}$|#+\s)")


class Passage(BaseModel):
    """A paragraph of the draft and where it is."""

    text: str
    paragraph: int
    page: int | None = None
    line: int | None = None
    label: str | None = None

    @property
    def location(self) -> str:
        """'page 2, paragraph 3', 'paragraph 7 (line 23)' or 'table 1, row 2, cell 3'."""
        if self.label is not None:
            return self.label
        where = f"paragraph {self.paragraph}"
        if self.page is not None:
            where = f"page {self.page}, {where}"
        if self.line is not None:
            where = f"{where} (line {self.line})"
        return where


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _blocks_from_text(text: str) -> list[Passage]:
    passages: list[Passage] = []
    block: list[str] = []
    start = 0
    lines = text.splitlines()
    for number, line in enumerate([*lines, ""], start=1):
        if line.strip():
            if not block:
                start = number
            block.append(line.strip().lstrip("#").strip())
            continue
        if block:
            passages.append(Passage(text=_clean(" ".join(block)), paragraph=len(passages) + 1, line=start))
            block = []
    return passages


def _paragraphs_from_pdf_page(text: str) -> list[str]:
    """pypdf gives lines, not paragraphs: join wrapped lines, break after a sentence end."""
    if re.search(r"\n\s*\n", text):
        return [_clean(b) for b in re.split(r"\n\s*\n", text) if b.strip()]
    out: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if current and _NUMBERED.match(line):
            out.append(_clean(" ".join(current)))
            current = []
        current.append(line.strip())
        if _TERMINAL.search(line):
            out.append(_clean(" ".join(current)))
            current = []
    if current:
        out.append(_clean(" ".join(current)))
    return out


def extract_passages(path: str | Path, *, data: bytes | None = None) -> list[Passage]:
    """Read a draft's paragraphs; raises `InputError` for unreadable or unsupported files."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DRAFT_SUFFIXES:
        raise InputError.at(
            f"unsupported draft type {suffix or '(none)'}; expected {', '.join(DRAFT_SUFFIXES)}", path.name
        )
    raw = data if data is not None else path.read_bytes()
    if suffix in {".txt", ".md"}:
        return _blocks_from_text(raw.decode("utf-8-sig", errors="replace"))
    if suffix == ".docx":
        import docx

        try:
            document = docx.Document(io.BytesIO(raw))
        except Exception as exc:  # zip or XML errors from a damaged or renamed file
            raise InputError.at(f"not a readable .docx document ({exc})", path.name) from None
        texts = [t for t in (_clean(p.text) for p in document.paragraphs) if t]
        passages: list[Passage] = [Passage(text=t, paragraph=i) for i, t in enumerate(texts, start=1)]
        for t_no, table in enumerate(document.tables, start=1):
            for r_no, row in enumerate(table.rows, start=1):
                for c_no, cell in enumerate(row.cells, start=1):
                    if text := _clean(cell.text):
                        passages.append(
                            Passage(
                                text=text, paragraph=len(passages) + 1, label=f"table {t_no}, row {r_no}, cell {c_no}"
                            )
                        )
        return passages
    if suffix == ".pdf":
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(raw))
            pages = [page.extract_text() or "" for page in reader.pages]
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError.at(f"not a readable PDF ({exc})", path.name) from None
        passages = []
        for page_no, page_text in enumerate(pages, start=1):
            for i, para in enumerate(_paragraphs_from_pdf_page(page_text), start=1):
                passages.append(Passage(text=para, paragraph=i, page=page_no))
        if not passages:
            raise InputError.at("the PDF has no extractable text (a scan needs OCR first)", path.name)
        return passages
    raise AssertionError(f"unhandled draft suffix {suffix}")  # pragma: no cover
