"""Contract text as located passages: paragraphs of .txt, .md, .docx and .pdf drafts.

A passage keeps where it came from (page, paragraph, line) so every proposal can point a reader
at the exact place in the draft.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ingest import InputError, check_zip, decode_text, limits, over_limit, read_input, reading

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
    """Read a draft's paragraphs; raises `InputError` for unreadable, oversized, empty or
    unsupported files."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in DRAFT_SUFFIXES:
        raise InputError.at(
            f"unsupported draft type {suffix or '(none)'}; expected {', '.join(DRAFT_SUFFIXES)}", path.name
        )
    raw = read_input(path, data)
    with reading(path.name, "the draft"):
        if suffix in {".txt", ".md"}:
            passages = _blocks_from_text(decode_text(raw, path.name, strict=False))
        elif suffix == ".docx":
            passages = _docx_passages(raw, path.name)
        else:
            passages = _pdf_passages(raw, path.name)
    if sum(len(p.text) for p in passages) > limits().max_text_chars:
        raise over_limit("max_text_chars", "the draft's text is longer", path.name)
    if not passages:
        if suffix == ".pdf":
            raise InputError.at("the PDF has no extractable text (a scan needs OCR first)", path.name)
        raise InputError.at("the draft has no text to audit", path.name)
    return passages


def _docx_passages(raw: bytes, file: str) -> list[Passage]:
    """Paragraphs, then table cells labelled by table, row and cell, of a zip-checked .docx."""
    import docx

    check_zip(raw, file, ".docx document")
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # zip or XML errors from a damaged or renamed file
        raise InputError.at(f"not a readable .docx document ({exc})", file) from None
    texts = [t for t in (_clean(p.text) for p in document.paragraphs) if t]
    passages: list[Passage] = [Passage(text=t, paragraph=i) for i, t in enumerate(texts, start=1)]
    for t_no, table in enumerate(document.tables, start=1):
        for r_no, row in enumerate(table.rows, start=1):
            for c_no, cell in enumerate(row.cells, start=1):
                if text := _clean(cell.text):
                    passages.append(
                        Passage(text=text, paragraph=len(passages) + 1, label=f"table {t_no}, row {r_no}, cell {c_no}")
                    )
    return passages


def _content_bytes(page: Any) -> int:
    """Size of a PDF page's decoded content streams (pypdf caps each decompression itself)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    found = contents.get_object()
    streams = list(found) if isinstance(found, list) else [found]
    return sum(len(stream.get_object().get_data()) for stream in streams)


def _pdf_passages(raw: bytes, file: str) -> list[Passage]:
    """Paragraphs per page of a PDF, refused past the page and text limits."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    lim = limits()
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings would precede our located message
    try:
        reader = PdfReader(io.BytesIO(raw))
        if len(reader.pages) > lim.max_pages:
            raise over_limit("max_pages", f"the PDF has {len(reader.pages):,} pages", file)
        passages: list[Passage] = []
        chars = 0
        content = 0
        for page_no, page in enumerate(reader.pages, start=1):
            content += _content_bytes(page)
            if content > lim.max_pdf_content_bytes:  # text extraction time grows with the content
                where = f"page {page_no}"
                raise over_limit("max_pdf_content_bytes", "the PDF's page content is larger", file, path=where)
            page_text = page.extract_text() or ""
            chars += len(page_text)
            if chars > lim.max_text_chars:
                raise over_limit("max_text_chars", "the PDF's text is longer", file, path=f"page {page_no}")
            for i, para in enumerate(_paragraphs_from_pdf_page(page_text), start=1):
                passages.append(Passage(text=para, paragraph=i, page=page_no))
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        if isinstance(exc, InputError):
            raise
        raise InputError.at(f"not a readable PDF ({exc})", file) from None
    return passages
