"""The Contract audit page through AppTest: demo audit, profile and draft uploads, save per vendor."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from annogov.demo import DEMO_CONTRACT_VENDOR
from annogov.store import Store, database_url
from annogov.switching_docs import CONTRACT_CHECK
from contracts.review import review_file

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "app_pages/contract.py"
EXAMPLES = ROOT / "examples"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _open() -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    return at.run()


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: str(m.value) for m in at.metric}


def _table(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    [found] = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def _upload(at: AppTest, path: Path) -> AppTest:
    at.file_uploader(key="ct_upload").set_value((path.name, path.read_bytes(), "text/plain"))
    return at.run()


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error]
    parts += [w.value for w in at.warning] + [i.value for i in at.info]
    return "\n".join(str(p) for p in parts)


def test_first_start_shows_the_demo_audit(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOGOV_DEMO", "1")
    at = _open()
    _ok(at)
    assert not any("cannot be used" in e.value or "not valid" in e.value for e in at.error)
    expected = review_file(EXAMPLES / "contract-profile.yaml", date.today())
    assert at.selectbox(key="ct_pick").value == DEMO_CONTRACT_VENDOR  # audited under the provider's name
    counts = expected.audit.to_payload()["counts"]
    metrics = _metrics(at)
    assert metrics["Present"] == str(counts["present"])
    assert metrics["Missing"] == str(counts["missing"])
    assert metrics["Lock-in risk"] == expected.audit.lock_in.level
    assert at.download_button[0].label.startswith("Blank questionnaire")


def test_profile_upload_shows_clauses_flags_and_evidence(app_env: Path) -> None:
    Store(database_url()).create_program("Renewal")
    at = _open()
    _ok(at)
    assert any("Upload a profile" in i.value for i in at.info)
    at.date_input(key="ct_as_of").set_value(date(2026, 11, 1))
    at = _upload(at, EXAMPLES / "contract-profile.yaml")
    _ok(at)
    expected = review_file(EXAMPLES / "contract-profile.yaml", date(2026, 11, 1))
    clauses = _table(at, "Clause")
    assert list(clauses["Status"]) == [c.status for c in expected.audit.clauses]
    text = _text(at)
    for finding in expected.audit.findings:
        assert finding.ask in text.replace("\\", "")
    for flag in expected.audit.red_flags:
        assert flag.code in text.replace("\\", "")
    suggestions = _table(at, "Suggested score")
    assert list(suggestions["Suggested score"]) == [s.score for s in expected.evidence.suggestions]

    # a later evaluation date ages the certifications: the audit changes with the date
    at.date_input(key="ct_as_of").set_value(date(2028, 6, 1))
    at = at.run()
    later = review_file(EXAMPLES / "contract-profile.yaml", date(2028, 6, 1))
    assert list(_table(at, "Clause")["Status"]) == [
        c.status for c in later.audit.clauses]


def test_locked_in_draft_quotes_its_passages_and_saves_per_vendor(app_env: Path) -> None:
    program_id = Store(database_url()).create_program("Renewal").id
    at = _open()
    at.text_input(key="ct_vendor").set_value("Quickmark")
    draft = EXAMPLES / "drafts" / "locked-in-msa.txt"
    at = _upload(at, draft)
    _ok(at)
    expected = review_file(draft, date.today(), vendor="Quickmark")
    assert expected.draft is not None and expected.draft.proposals
    text = _text(at).replace("\\", "")
    assert "Read from a draft" in text
    assert "needs confirmation" in text
    for proposal in expected.draft.proposals:
        assert proposal.quote[:60] in text
    assert any("Critical clauses missing" in e.value for e in at.error)
    for clause in expected.audit.critical_missing:
        assert clause in " ".join(e.value for e in at.error)

    at = at.button(key="ct_save").click().run()
    _ok(at)
    [saved] = Store(database_url()).list_check_results(program_id, CONTRACT_CHECK)
    assert saved.label == "Quickmark"
    assert saved.payload["audit"]["critical_missing"] == expected.audit.critical_missing
    assert saved.payload["draft"]["proposals"]

    again = _open()  # restart: the saved audit is listed and shown without any upload
    _ok(again)
    assert again.selectbox(key="ct_pick").value == "Quickmark"
    assert "needs confirmation" in _text(again)


def test_bad_profile_is_an_error_not_a_traceback(app_env: Path) -> None:
    Store(database_url()).create_program("Renewal")
    at = _open()
    at.file_uploader(key="ct_upload").set_value(
        ("bad.yaml", b"vendor: X\nsecurity:\n  soc2_type: type_iv\nsurprise: 1\n", "text/yaml"))
    at = at.run()
    _ok(at)
    errors = " ".join(e.value for e in at.error)
    assert "row 3, column 'security.soc2\\_type'" in errors and "row 4, column 'surprise'" in errors
