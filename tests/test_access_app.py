"""Every page x every role through AppTest with [auth] configured: what the navigation lets each
person reach, what it refuses, and that a logged-out visitor gets only the login page."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from annogov.services.demo_channel import DEMO_BUYER_USERS, DEMO_USERS
from annogov.store import Store, database_url
from annogov.store.channel import ChannelRepository
from governance.roles import OPERATOR

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

AMARA, _BAO, _CHLOE, _RAVI, ENGINEER, MANAGER = DEMO_USERS
EVALUATOR, VIEWER = DEMO_BUYER_USERS
AUTH = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "test-only",
        "client_id": "annogov", "client_secret": "test-only",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}

BUYER = {"program", "scorecard", "switching", "contract", "sla", "reports"}
EVALUATORS = BUYER | {"evaluation_round"}  # scoring on a panel (SCORE_OWN) or running rounds
ALL_PAGES = EVALUATORS | {"calibration", "guidelines", "reflection", "my_figures", "insights", "people", "login"}
REACHABLE: dict[str, set[str]] = {
    "program_manager": EVALUATORS | {"calibration", "guidelines", "insights", "people"},
    "reviewer": EVALUATORS | {"calibration", "guidelines", "insights"},
    "ml_engineer": EVALUATORS | {"calibration", "guidelines", "insights"},
    "viewer": BUYER | {"guidelines"},
    "annotator": {"calibration", "guidelines", "reflection", "my_figures"},
    "logged out": {"login"},
    "unregistered login": {"login"},
}
REAL = {  # registered logins; the seeded demo people never count as logins
    "program_manager": MANAGER, "reviewer": EVALUATOR, "ml_engineer": ENGINEER, "viewer": VIEWER, "annotator": AMARA,
}
WHO = {role: f"real-{user.user_id}" for role, user in REAL.items()} | {
    "logged out": None, "unregistered login": "stranger@elsewhere.example",
}


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANNOGOV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANNOGOV_DATABASE_URL", raising=False)
    monkeypatch.delenv("ANNOGOV_PROGRAM_MANAGERS", raising=False)
    monkeypatch.setenv("ANNOGOV_DEMO", "1")
    _register()
    return tmp_path


def _register() -> None:
    store = Store(database_url())
    with store.transaction() as s:
        repo = ChannelRepository(s)
        for role, user in REAL.items():
            repo.save_user(OPERATOR, user.model_copy(update={"user_id": WHO[role]}))
    store.close()


def _open(email: str | None) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": False} if email is None else {"is_logged_in": True, "email": email}
    return at.run()


def _texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "warning", "error", "title")
    parts = [e.value for kind in kinds for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("who", list(REACHABLE))
def test_each_role_reaches_exactly_its_pages_and_no_page_refuses_it(demo_env: Path, who: str) -> None:
    at = _open(WHO[who])
    assert not at.exception, [e.value for e in at.exception]
    for page in sorted(ALL_PAGES):
        if page not in REACHABLE[who]:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page(f"app_pages/{page}.py")
            continue
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (who, page, [e.value for e in at.exception])
        assert at.title, (who, page)
        refusals = [e.value for e in at.error if "may not" in e.value or "Something went wrong" in e.value]
        assert refusals == [], (who, page, refusals)


def test_a_logged_out_visitor_sees_only_the_login_page_and_no_data(demo_env: Path) -> None:
    at = _open(None)
    assert [t.value for t in at.title] == ["annogov"]
    assert [b.label for b in at.button] == ["Log in"]
    shown = _texts(at)
    assert "Demo" not in shown and "Kestrel" not in shown and not at.dataframe
    assert at.sidebar.selectbox.len == 0  # no demo person picker once a login is configured


def test_a_login_nobody_registered_is_told_to_ask_a_program_manager(demo_env: Path) -> None:
    at = _open("stranger@elsewhere.example")
    assert any("nobody has given this login a role" in w.value for w in at.warning)
    assert [b.label for b in at.button] == ["Log out"]


def test_a_login_named_like_a_seeded_demo_person_is_not_that_person(demo_env: Path) -> None:
    at = _open(MANAGER.user_id)  # the demo's program manager exists only for demo mode
    assert any("nobody has given this login a role" in w.value for w in at.warning)


def test_the_first_manager_can_be_named_by_the_operator(demo_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOGOV_PROGRAM_MANAGERS", "Boss@Buyer.example")
    at = _open("Boss@Buyer.example")
    at.switch_page("app_pages/people.py").run()
    assert [t.value for t in at.title] == ["People and roles"]


def test_a_viewer_sees_annotator_codes_not_ids_on_the_sla_page(demo_env: Path) -> None:
    at = _open(WHO["viewer"])
    at.switch_page("app_pages/sla.py").run()
    tables = "\n".join(str(d.value.to_dict()) for d in at.dataframe)
    assert "ann-a" not in tables and "ann-b" not in tables
    manager = _open(WHO["program_manager"])
    manager.switch_page("app_pages/sla.py").run()
    assert "ann-a" in "\n".join(str(d.value.to_dict()) for d in manager.dataframe)


def test_an_annotator_sees_own_figures_and_the_team_only(demo_env: Path) -> None:
    at = _open(WHO["annotator"])
    at.switch_page("app_pages/my_figures.py").run()
    [table] = at.dataframe
    assert table.value[""].tolist() == ["You"]  # the demo has two annotators: no team total
    assert any("from 3 annotators on" in c.value for c in at.caption)
    assert "ann-b" not in _texts(at) + str(table.value.to_dict())


def test_demo_mode_starts_as_the_program_manager_and_says_it_is_a_demo(demo_env: Path) -> None:
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert at.session_state["channel_user_id"] == MANAGER.user_id
    assert any("Demo mode" in w.value for w in at.sidebar.warning)
    assert [t.value for t in at.title] == ["Program"]


def _upload(at: AppTest, key: str, name: str, data: bytes) -> AppTest:
    at.file_uploader(key=key).set_value((name, data, "text/plain"))
    return at.run()


def _errors(at: AppTest) -> str:
    assert not at.exception, [e.value for e in at.exception]
    return "\n".join(e.value for e in at.error).replace("\\", "")


# (role, page, uploader key, a file that page rejects with a located problem, where it is located)
BAD_DELIVERY = b"item_id,annotator_id,label\nimg-1,ann-a,unicorn\n"
BAD_PROFILE = b"vendor: Acme\ndata_rights: [unclosed\n"
BAD_WEEK = b"task_id,label\nT-1,cat\n"
UPLOADS = [
    ("program_manager", "sla", "sla_delivery", "bad.csv", BAD_DELIVERY, "bad.csv, row 2, column 'label'"),
    ("ml_engineer", "sla", "sla_delivery", "bad.csv", BAD_DELIVERY, "bad.csv, row 2, column 'label'"),
    ("reviewer", "contract", "ct_upload", "bad.yaml", BAD_PROFILE, "bad.yaml, row 3: not valid YAML"),
    ("viewer", "contract", "ct_upload", "bad.yaml", BAD_PROFILE, "bad.yaml, row 3: not valid YAML"),
    ("annotator", "reflection", "reflection_delivered", "week.csv", BAD_WEEK, "week.csv: no header row"),
]


@pytest.mark.parametrize(("who", "page", "key", "name", "bad", "where"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_uploads_keep_their_size_limit_and_located_errors_for_every_role(
    demo_env: Path, monkeypatch: pytest.MonkeyPatch, who: str, page: str, key: str, name: str, bad: bytes,
    where: str,
) -> None:
    at = _open(WHO[who])
    at.switch_page(f"app_pages/{page}.py").run()
    if key == "sla_delivery":  # the SLA page first asks whose delivery it is
        at.selectbox(key="sla_provider").set_value(at.selectbox(key="sla_provider").options[0])
        at.text_input(key="sla_guideline_version").set_value("v1")
        at.run()
    at = _upload(at, key, name, bad)
    located = _errors(at)
    assert where in located and "may not" not in located, located
    monkeypatch.setenv("ANNOGOV_MAX_UPLOAD_MB", "0.001")
    at = _upload(at, key, "big-" + name, bad + b"#" * 4096)
    assert "larger than the" in _errors(at) and "upload limit" in _errors(at)


def test_a_login_name_with_markdown_is_shown_as_text(demo_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The identity provider's display name is someone's own text: the sidebar shows it escaped."""
    monkeypatch.setenv("ANNOGOV_PROGRAM_MANAGERS", "eve@buyer.example")
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "eve@buyer.example", "name": "Eve ![t](http://e.example/t.png)"}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    [signed] = [c.value for c in at.sidebar.caption if "Signed in as" in c.value]
    assert "![t](" not in signed and "\\[t\\]" in signed
