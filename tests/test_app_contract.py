"""The Contract audit page through AppTest: demo audit, profile and draft uploads, save per vendor."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from annogov.services.demo import DEMO_CONTRACT_VENDOR
from annogov.services.linking import review_contract as review_file
from annogov.services.switching_docs import CONTRACT_CHECK
from annogov.store import Store, database_url
from annogov.store.channel import ChannelRepository
from contracts.confirm import DECISIONS
from governance.roles import Role, User

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


def _with_user(store: Store) -> User:
    """The first (and so bootstrap) user: a program manager the sidebar picks."""
    user = User(user_id="pat@example.org", name="Pat Lee", role=Role.PROGRAM_MANAGER)
    with store.transaction() as s:
        ChannelRepository(s).save_user(None, user)
    return user


def _decide_all(at: AppTest, decision: str) -> AppTest:
    for radio in at.radio:
        if radio.key and radio.key.startswith("ct_dec_"):
            radio.set_value(decision)
    return at.run()


def test_locked_in_draft_quotes_its_passages_and_saves_per_vendor(app_env: Path) -> None:
    store = Store(database_url())
    program_id = store.create_program("Renewal").id
    _with_user(store)
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

    decisions = [r for r in at.radio if r.key and r.key.startswith("ct_dec_")]
    assert len(decisions) == len(expected.draft.proposals)
    assert all(r.value is None and list(r.options) == [o.capitalize() for o in DECISIONS] for r in decisions)

    at = _decide_all(at, "accept")
    at = at.button(key="ct_save").click().run()
    _ok(at)
    [saved] = Store(database_url()).list_check_results(program_id, CONTRACT_CHECK)
    assert saved.label == "Quickmark"
    assert saved.payload["audit"]["critical_missing"] == expected.audit.critical_missing
    assert saved.payload["draft"]["proposals"]
    confirmation = saved.payload["confirmation"]
    assert confirmation["by"] == "pat@example.org" and confirmation["undecided"] == 0
    assert {c["decision"] for c in confirmation["confirmations"]} == {"accept"}

    again = _open()  # restart: the saved audit is listed and shown without any upload
    _ok(again)
    assert again.selectbox(key="ct_pick").value == "Quickmark"
    assert "Confirmed by Pat Lee" in " ".join(c.value for c in again.caption)
    assert len(_table(again, "Decision")) == len(expected.draft.proposals)


def test_saved_draft_profile_holds_confirmed_values_only(app_env: Path) -> None:
    store = Store(database_url())
    program_id = store.create_program("Renewal").id
    _with_user(store)
    at = _open()
    draft = EXAMPLES / "drafts" / "northfield-portable.md"
    at = _upload(at, draft)
    expected = review_file(draft, date.today())
    assert expected.draft is not None
    fields = [p.field for p in expected.draft.proposals]
    owns, qa = fields.index("data.buyer_owns_data"), fields.index("quality.qa_rate_per_category")
    keys = {int(r.key.rsplit("_", 1)[1]): r.key for r in at.radio if r.key and r.key.startswith("ct_dec_")}
    at.radio(key=keys[owns]).set_value("reject")
    at.radio(key=keys[qa]).set_value("edit")
    at = at.run()
    edit_key = keys[qa].replace("ct_dec_", "ct_edit_")
    assert at.text_input(key=edit_key).value == "0.12"
    at.text_input(key=edit_key).set_value("6%")
    at = at.button(key="ct_save").click().run()
    _ok(at)
    [saved] = store.list_check_results(program_id, CONTRACT_CHECK)
    profile = saved.payload["profile"]
    assert profile["data"]["buyer_owns_data"] is None  # rejected
    assert profile["quality"]["qa_rate_per_category"] == 0.06  # edited
    assert profile["data"]["export_timing"] is None  # never decided: not in the profile
    assert saved.payload["confirmation"]["undecided"] == len(fields) - 2
    assert "data_ownership" in saved.payload["audit"]["critical_missing"]


def test_bad_edit_is_located_and_nothing_is_saved(app_env: Path) -> None:
    store = Store(database_url())
    program_id = store.create_program("Renewal").id
    _with_user(store)
    at = _upload(_open(), EXAMPLES / "drafts" / "northfield-portable.md")
    key = next(r.key for r in at.radio if r.key and r.key.startswith("ct_dec_"))
    at.radio(key=key).set_value("edit")
    at = at.run()
    at.text_input(key=key.replace("ct_dec_", "ct_edit_")).set_value("perhaps")
    at = at.button(key="ct_save").click().run()
    _ok(at)
    assert "expected yes or no" in " ".join(e.value for e in at.error)
    assert store.list_check_results(program_id, CONTRACT_CHECK) == []


def test_saving_records_the_acting_identity(app_env: Path) -> None:
    """Demo mode always acts as a known person (the demo program manager); the saved audit names them."""
    store = Store(database_url())
    program_id = store.create_program("Renewal").id
    at = _upload(_open(), EXAMPLES / "contract-profile.yaml")
    at = at.button(key="ct_save").click().run()
    _ok(at)
    [saved] = store.list_check_results(program_id, CONTRACT_CHECK)
    assert saved.created_by == "demo-manager"
    assert saved.payload["saved_by"]["id"] == "demo-manager"


def test_bad_profile_is_an_error_not_a_traceback(app_env: Path) -> None:
    Store(database_url()).create_program("Renewal")
    at = _open()
    at.file_uploader(key="ct_upload").set_value(
        ("bad.yaml", b"vendor: X\nsecurity:\n  soc2_type: type_iv\nsurprise: 1\n", "text/yaml"))
    at = at.run()
    _ok(at)
    errors = " ".join(e.value for e in at.error)
    assert "row 3, column 'security.soc2\\_type'" in errors and "row 4, column 'surprise'" in errors


def test_measured_agreement_questions_an_unreachable_accuracy_target(app_env: Path) -> None:
    Store(database_url()).create_program("Renewal")
    at = _open()
    at.date_input(key="ct_as_of").set_value(date(2026, 11, 1))
    at = _upload(at, EXAMPLES / "contract-profile.yaml")  # quotes 99.5% accuracy
    _ok(at)
    assert "accuracy_above_agreement" not in _text(at)
    at.number_input(key="ct_agreement").set_value(0.9)
    at = at.run()
    _ok(at)
    expected = review_file(EXAMPLES / "contract-profile.yaml", date(2026, 11, 1), agreement=0.9)
    found = [f for f in expected.audit.findings if f.code == "sla_terms.accuracy_above_agreement"]
    assert found  # the quoted accuracy and the accuracy term, each above (1 + 0.9) / 2
    for finding in found:
        assert finding.ask in _text(at).replace("\\", "")


def test_names_from_logins_and_drafts_are_shown_as_text(app_env: Path) -> None:
    """A display name or file name with markdown (an image link, emphasis) is shown escaped in the
    heading and the confirmation caption, never rendered."""
    store = Store(database_url())
    program_id = store.create_program("Renewal").id
    user = User(user_id="eve@example.org", name="Eve ![t](http://e.example/t.png) **x**", role=Role.PROGRAM_MANAGER)
    with store.transaction() as s:
        ChannelRepository(s).save_user(None, user)
    at = _open()
    at.text_input(key="ct_vendor").set_value("Quickmark")
    at = _upload(at, EXAMPLES / "drafts" / "locked-in-msa.txt")
    at = _decide_all(at, "accept")
    at = at.button(key="ct_save").click().run()
    _ok(at)
    assert store.list_check_results(program_id, CONTRACT_CHECK)
    again = _open()
    _ok(again)
    shown = [c.value for c in again.caption] + [h.value for h in again.subheader]
    named = [t for t in shown if "Eve" in t]
    assert named and all("![t](" not in t and "**x**" not in t for t in named)
    assert any("\\[t\\]" in t for t in named)


def test_the_page_shows_the_consequence_under_the_programs_rubric(app_env: Path) -> None:
    """A program whose rubric caps worker penalties at 2 sees that cap on the page, the same
    policy text the scorecard prints; the built-in rubric would say 3."""
    from annogov.services import scoring
    from scorecard.rubric import default_rubric

    store = Store(database_url())
    program = store.create_program("Renewal")
    data = default_rubric().model_dump(mode="json")
    next(g for g in data["gates"] if g["red_flag"] == "penalties_on_workers")["cap"] = 2
    store.save_document("rubric", program.id, scoring.RUBRIC_NAME, data)
    store.close()
    text = (EXAMPLES / "contract-profile.yaml").read_text(encoding="utf-8")
    text = text.replace("remedies_on_vendor: true", "remedies_on_vendor: false\n  worker_penalties: [pay deduction]")
    at = _open()
    at.file_uploader(key="ct_upload").set_value(("penalties.yaml", text.encode(), "text/plain"))
    at = at.run()
    _ok(at)
    gates = _table(at, "Consequence")
    row = gates[gates["Finding"] == "worker_protection.penalties_on_workers"]
    assert list(row["Consequence"]) == ["caps Commercial flexibility at 2"]
    assert list(row["Red flag"]) == ["penalties_on_workers"]
