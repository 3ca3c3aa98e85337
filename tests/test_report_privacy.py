"""Steering-committee reports name annotators only on an explicit option: codes by default in the
PDF, the workbook and `annogov report`; the option needs a role that may see annotator figures."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as hst
from pypdf import PdfReader

from annogov.cli import main
from annogov.services.reporting import program_report_bytes
from annogov.services.sla_store import seed_sla
from annogov.store import ProgramRecord, Store
from governance.quality.annotator_codes import KEY_ENV, pseudonyms
from governance.roles import PermissionDenied, Role, User

KEY = bytes(range(32))

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DAY = dt.date(2026, 12, 4)
IDS = ("ann-a", "ann-b")


@pytest.fixture
def seeded(tmp_path: Path) -> tuple[Store, ProgramRecord]:
    store = Store(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    program = store.create_program("Street scenes")
    seed_sla(store, program)  # the example delivery, annotated by ann-a and ann-b
    return store, program


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)


def test_the_default_pdf_and_workbook_carry_codes_and_the_option_carries_ids(
    seeded: tuple[Store, ProgramRecord],
) -> None:
    store, program = seeded
    pdf = _pdf_text(program_report_bytes(store, program, "pdf", created=DAY))
    book = _xlsx_text(program_report_bytes(store, program, "xlsx", created=DAY))
    for text in (pdf, book):
        assert not any(i in text for i in IDS)
        assert "A01" in text and "A02" in text and "pseudonymous codes" in text
    named_pdf = _pdf_text(program_report_bytes(store, program, "pdf", created=DAY, annotator_names=True))
    named_book = _xlsx_text(program_report_bytes(store, program, "xlsx", created=DAY, annotator_names=True))
    assert all(i in named_pdf and i in named_book for i in IDS)


def test_the_option_needs_a_role_that_may_see_annotator_figures(seeded: tuple[Store, ProgramRecord]) -> None:
    store, program = seeded
    viewer = store.as_user(User(user_id="vic@buyer.example", name="Vic", role=Role.VIEWER))
    assert "ann-a" not in _pdf_text(program_report_bytes(viewer, program, "pdf", created=DAY))
    with pytest.raises(PermissionDenied, match="view annotator figures"):
        program_report_bytes(viewer, program, "pdf", created=DAY, annotator_names=True)


def test_the_command_prints_codes_unless_asked_for_names(tmp_path: Path) -> None:
    args = ["report", "--terms", str(EXAMPLES / "sla-terms.yaml"), "--delivery", str(EXAMPLES / "delivery.csv"),
            "--date", DAY.isoformat()]
    assert main([*args, "--out", str(tmp_path / "coded.pdf")]) == 0
    assert main([*args, "--annotator-names", "--out", str(tmp_path / "named.pdf")]) == 0
    coded, named = (_pdf_text((tmp_path / f).read_bytes()) for f in ("coded.pdf", "named.pdf"))
    assert "ann-a" not in coded and "A01" in coded
    assert "ann-a" in named


@given(hst.lists(hst.text(min_size=1, max_size=12), min_size=1, max_size=30), hst.randoms())
def test_codes_do_not_depend_on_row_order_and_never_collide(ids: list[str], rnd: object) -> None:
    shuffled = list(ids)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    codes = pseudonyms(ids, key=KEY)
    assert codes == pseudonyms(shuffled, key=KEY)
    assert len(set(codes.values())) == len(set(ids)) and set(codes) == set(ids)


def test_codes_cannot_be_recomputed_from_the_ids_without_the_key() -> None:
    """A vendor knows every annotator id; the order of plain SHA-256 would tell who is A01. Under
    different keys the same ten ids get different codes, so the ids alone give nothing away."""
    ids = [f"ann-{i}" for i in range(10)]
    orders = {tuple(sorted(ids, key=pseudonyms(ids, key=bytes([k]) * 32).__getitem__)) for k in range(20)}
    assert len(orders) > 15
    with pytest.raises(ValueError, match="16 bytes"):
        pseudonyms(ids, key=b"short")


def test_cli_report_codes_follow_the_environment_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With ANNOGOV_CODES_KEY two reports of the same inputs are the same file (same codes); without
    it the report says on stderr that its codes hold for this report only; a short key is refused."""
    args = ["report", "--terms", str(EXAMPLES / "sla-terms.yaml"), "--delivery", str(EXAMPLES / "delivery.csv"),
            "--date", "2026-11-26"]
    monkeypatch.setenv(KEY_ENV, "a steering-committee key")
    assert main([*args, "--out", str(tmp_path / "a.pdf")]) == 0
    assert main([*args, "--out", str(tmp_path / "b.pdf")]) == 0
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert "within this report only" not in capsys.readouterr().err
    monkeypatch.delenv(KEY_ENV)
    assert main([*args, "--out", str(tmp_path / "c.pdf")]) == 0
    assert f"valid within this report only; set {KEY_ENV}" in capsys.readouterr().err
    monkeypatch.setenv(KEY_ENV, "short")
    assert main([*args, "--out", str(tmp_path / "d.pdf")]) == 2
    assert KEY_ENV in capsys.readouterr().err and not (tmp_path / "d.pdf").exists()