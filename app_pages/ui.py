"""Shared UI helpers for the page scripts (not a page): the store, the current program, errors,
uploads. Pages call these and the domain packages; they hold no logic of their own."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from annogov.services.demo import demo_enabled, ensure_demo
from annogov.services.reporting import (
    DEFAULT_TITLE,
    MIME,
    Format,
    has_report_data,
    program_report_bytes,
    report_bytes,
    report_filename,
)
from annogov.services.uploads import Upload, max_upload_bytes, read_upload
from annogov.store import (
    ConcurrentEditError,
    ProgramRecord,
    Store,
    StoreError,
    database_url,
    describe_url,
)
from governance.reports import ReportInput
from governance.roles import ROLE_TITLES, Permission, User, can
from ingest import InputError

T = TypeVar("T")
log = logging.getLogger("annogov.app")

PROGRAM_KEY = "program_id"
FLASH_KEY = "annogov_flash"


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> Store:
    try:
        store = Store(url)
    except DBAPIError as exc:
        raise StoreError(f"Cannot open the database ({describe_url(url)}): {exc.orig}") from exc
    ensure_demo(store)
    return store


def base_store() -> Store:
    """The process-wide store for ANNOGOV_DATABASE_URL (migrated, demo seeded on first start),
    acting as the operator: only for finding out who is logged in."""
    return _store_for(database_url())


def get_store() -> Store:
    """The store acting as this tab's identified user; every operation checks that user's role."""
    user = st.session_state.get("channel_user")
    return base_store().as_user(user if isinstance(user, User) else None)


def may(permission: Permission) -> bool:
    """Whether this tab's user may do it; pages grey out what the store would refuse anyway."""
    user = st.session_state.get("channel_user")
    return can(user if isinstance(user, User) else None, permission)


def not_for_role(permission: Permission) -> str | None:
    """A button's help when the role may not use it (None when it may)."""
    if may(permission):
        return None
    user = st.session_state.get("channel_user")
    role = ROLE_TITLES[user.role] if isinstance(user, User) else "nobody"
    return f"Your role ({role}) may not {permission.value.replace('_', ' ')}."


def current_program(store: Store) -> ProgramRecord | None:
    """The program this tab works on; defaults to the demo (or the only) program."""
    programs = store.list_programs()
    chosen = st.session_state.get(PROGRAM_KEY)
    for program in programs:
        if program.id == chosen:
            return program
    fallback = next((p for p in programs if p.is_demo), None)
    if fallback is None and len(programs) == 1:
        fallback = programs[0]
    st.session_state[PROGRAM_KEY] = None if fallback is None else fallback.id
    return fallback


def set_program(program_id: int) -> None:
    """Make a program current for this tab."""
    st.session_state[PROGRAM_KEY] = program_id


def require_program(store: Store) -> ProgramRecord:
    """The current program, or a hint to pick one on the Program page (and stop the page)."""
    program = current_program(store)
    if program is None:
        st.info("Create or pick a procurement program on the Program page first.")
        st.page_link("app_pages/program.py", label="Go to Program", icon=":material/folder_open:")
        st.stop()
    assert program is not None
    return program


def flash(message: str) -> None:
    """Show a success message after the next rerun (st.rerun would swallow it otherwise)."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    """Show and clear a pending flash message."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)


def sidebar(store: Store) -> None:
    """Current program, demo mode and where the data lives."""
    program = current_program(store)
    with st.sidebar:
        if program is None:
            st.caption("No program selected")
        else:
            st.markdown(f"**Program:** {_md(program.name)}")
            if program.is_demo:
                st.caption(":orange-badge[Demo program] fictional providers and scores")
        st.caption(
            "Demo mode: on (a demo program is seeded into an empty database)"
            if demo_enabled()
            else "Demo mode: off"
        )
        st.caption(f"Data: {store.describe(short=True)}")


CLI_WORDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"map it with --column (\w+)=NAME"), r"map it under Column mapping on this page: \1 = your column"),
    (re.compile(r"--column (\w+)=(\S+)"), r"the column mapping \1 = \2"),
    (re.compile(r"\(--column\)|--column"), "the column mapping"),
    (re.compile(r"--as-of"), "the evaluation date"),
    (re.compile(r"--([a-z][a-z-]+)"), r"the \1 setting"),
)
"""The command line's words for a setting, as the app names it."""


def in_app_words(message: str) -> str:
    """A domain message that names a CLI flag, rewritten to name what the app shows instead."""
    for pattern, replacement in CLI_WORDS:
        message = pattern.sub(replacement, message)
    return message


def table_config(
    columns: Any, pinned: tuple[str, ...] = (), wide: tuple[str, ...] = (), narrow: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Column settings that keep a wide table readable: key columns pinned while scrolling
    sideways, long text columns wide, short codes narrow."""
    config: dict[str, Any] = {}
    for column in columns:
        if column in pinned:
            config[column] = st.column_config.Column(column, pinned=True)
        elif column in wide:
            config[column] = st.column_config.Column(column, width="large")
        elif column in narrow:
            config[column] = st.column_config.Column(column, width="small")
    return config


def show_problems(exc: InputError) -> None:
    """An importer's located problems as one error box, in the app's words."""
    lines = [f"- {_md(in_app_words(str(p)))}" for p in exc.problems[:50]]
    if len(exc.problems) > 50:
        lines.append(f"- ... and {len(exc.problems) - 50} more")
    st.error("The file cannot be used:\n\n" + "\n".join(lines), icon=":material/error:")


@contextmanager
def guard() -> Iterator[None]:
    """Run a page body: known errors become st.error/st.warning, never a traceback."""
    try:
        yield
    except ConcurrentEditError as exc:
        st.warning(str(exc), icon=":material/sync_problem:")
    except InputError as exc:
        show_problems(exc)
    except ValidationError as exc:
        details = "\n".join(
            f"- {'.'.join(str(p) for p in e['loc']) or 'value'}: {e['msg']}" for e in exc.errors()
        )
        st.error(f"Some values are not valid:\n\n{details}", icon=":material/error:")
    except (StoreError, ValueError, PermissionError) as exc:  # PermissionError: a role may not do this
        st.error(str(exc), icon=":material/error:")
    except Exception:
        log.exception("page failed")
        st.error(
            "Something went wrong on this page; the details are in the server log. "
            "Your saved data is unaffected.",
            icon=":material/error:",
        )


def upload_limit_help() -> str:
    """Text for a file_uploader's help: the limit in MB."""
    return f"Up to {max_upload_bytes() / (1024 * 1024):.0f} MB."


@st.cache_data(show_spinner=False, max_entries=32)
def _parse_cached(
    sha256: str, parser_key: str, _upload: Upload, _parser: Callable[..., Any]
) -> Any:
    return _parser(_upload.data, _upload.name)


def parse_upload(uploaded: Any, parser: Callable[[bytes, str], T]) -> T | None:
    """Size-check an uploaded file and parse it with `parser(data, name)`, cached by content hash.

    Returns None when nothing is uploaded; raises InputError (shown by `guard`) on a bad file.
    """
    if uploaded is None:
        return None
    upload = read_upload(uploaded)
    key = f"{getattr(parser, '__module__', '')}.{getattr(parser, '__qualname__', repr(parser))}"
    result: T = _parse_cached(upload.sha256, key, upload, parser)
    return result


def md(text: str) -> str:
    """User text made safe to embed in markdown (control characters escaped)."""
    return _md(text)


def _pdf_refusal(report: ReportInput) -> str | None:
    """Why the PDF of this report would be refused (too many table rows), or None."""
    from governance.reports.pdf_page import check_size

    try:
        check_size(report)
    except InputError as exc:
        return exc.problems[0].message
    return None


def report_downloads(
    store: Store,
    program: ProgramRecord,
    *,
    key: str = "report",
    title: str = DEFAULT_TITLE,
    created: dt.date | None = None,
    report: ReportInput | None = None,
    annotator_names: bool = False,
) -> None:
    """The program's PDF report and Excel workbook as two downloads, built only when clicked.

    `report`: the page has already assembled it (the Reports page), so a click only renders it.
    """
    if report is None and not has_report_data(store, program):
        st.caption("Reports: nothing to report yet for this program.")
        return
    today = created or dt.date.today()

    def build(fmt: Format) -> bytes:
        if report is not None:
            return report_bytes(report, fmt)
        return program_report_bytes(store, program, fmt, created=today, title=title, annotator_names=annotator_names)

    left, right = st.columns(2)
    formats: tuple[tuple[Any, Format, str, str], ...] = (
        (left, "pdf", "Report (PDF)", ":material/picture_as_pdf:"),
        (right, "xlsx", "Workbook (Excel)", ":material/table_view:"),
    )
    too_long = _pdf_refusal(report) if report is not None else None
    for column, fmt, label, icon in formats:
        if fmt == "pdf" and too_long is not None:
            column.button(label, key=f"{key}_{fmt}_refused", icon=icon, disabled=True, width="stretch")
            column.caption(_md(too_long))
            continue
        column.download_button(
            label,
            data=lambda fmt=fmt: build(fmt),
            file_name=report_filename(program, fmt, today),
            mime=MIME[fmt],
            key=f"{key}_{fmt}",
            icon=icon,
            on_click="ignore",
            width="stretch",
            help="Everything saved for this program: scorecard, switching cost, taxonomy, "
            "SLA check, contract audits and calibration log, whichever are present.",
        )


def _md(text: str) -> str:
    """Escape markdown control characters in user text."""
    for ch in "\\`*_[]<>#|~$":
        text = text.replace(ch, "\\" + ch)
    return text


PREVIEW_ROWS = 200
PROBLEM_FILL = "background-color: #f8d7da"


def _raw_rows(data: bytes, name: str) -> list[list[Any]]:
    """The first rows of an uploaded CSV or xlsx as the spreadsheet shows them (no header guessing)."""
    import csv
    import io

    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            ws = wb.worksheets[0]
            return [list(r) for r, _ in zip(ws.iter_rows(values_only=True), range(PREVIEW_ROWS), strict=False)]
        finally:
            wb.close()
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    return [row for row, _ in zip(reader, range(PREVIEW_ROWS), strict=False)]


def problem_preview(data: bytes, name: str, exc: InputError) -> None:
    """The uploaded file as a table with the rows and cells its problems name marked, each row's
    problems beside it, so the fix is found without opening the file."""
    try:
        rows = _raw_rows(data, name)
    except Exception:  # a file that cannot even be read as a table: the problem list says why
        return
    if not rows:
        return
    width = max(len(r) for r in rows)
    columns = [chr(65 + i) if i < 26 else f"C{i + 1}" for i in range(width)]
    frame = pd.DataFrame([[("" if v is None else str(v)) for v in r] + [""] * (width - len(r)) for r in rows],
                         columns=columns, index=range(1, len(rows) + 1))
    marks: dict[tuple[int, str | None], list[str]] = {}
    for p in exc.problems:
        if p.location.row is None or p.location.row > len(rows):
            continue
        col = None
        if p.location.column:
            wanted = str(p.location.column).strip().lower()
            lettered = re.match(r"^([a-z]{1,2}) \(", wanted)  # "B (Workforce)": the letter, then the header
            wanted = lettered.group(1) if lettered else wanted
            for i, letter in enumerate(columns):
                if letter.lower() == wanted or any(str(r[i] if i < len(r) else "").strip().lower() == wanted
                                                   for r in rows[: p.location.row]):
                    col = letter
                    break
        marks.setdefault((p.location.row, col), []).append(p.message)
    if not marks:
        return
    by_row = ["; ".join(m for (r, _), ms in marks.items() if r == i for m in ms) for i in frame.index]
    frame.insert(0, "Problem", by_row)

    def style(_: Any) -> pd.DataFrame:
        css = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for (row, col), _msgs in marks.items():
            if col is None:
                css.loc[row, :] = PROBLEM_FILL
            else:
                css.loc[row, [col, "Problem"]] = PROBLEM_FILL
        return css

    st.caption(f"Preview of {name}: rows and cells with a problem are marked (row numbers as in the file).")
    st.dataframe(frame.style.apply(style, axis=None), width="stretch",
                 column_config={"Problem": st.column_config.Column("Problem", pinned=True, width="large")})
