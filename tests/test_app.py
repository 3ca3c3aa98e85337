"""The app shell and the Program page through Streamlit's AppTest (no browser)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from annogov.services.demo import DEMO_PROGRAM_NAME
from annogov.store import Store, database_url

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _start() -> AppTest:
    """A fresh session of the app (new tab); clearing the resource cache = a restarted server."""
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(APP, default_timeout=60).run()


def _create(at: AppTest, name: str, description: str = "") -> AppTest:
    at.text_input[0].input(name)
    at.text_area[0].input(description)
    at.button[0].click()
    return at.run()


def _no_failure(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def test_empty_database_invites_creating_a_program(app_env: Path) -> None:
    at = _start()
    _no_failure(at)
    assert [t.value for t in at.title] == ["Program"]
    assert any("No programs yet" in i.value for i in at.info)
    assert len(at.main.selectbox) == 0  # the sidebar holds the demo person picker
    assert "Demo mode: off" in [c.value for c in at.sidebar.caption]


def test_create_pick_and_keep_programs_across_a_restart(app_env: Path) -> None:
    at = _start()
    at = _create(at, "Retail search relevance", "Query-product pairs, 3 locales")
    _no_failure(at)
    assert any("created and selected" in s.value for s in at.success)
    assert at.selectbox[0].value == at.session_state["program_id"]
    at = _create(at, "Driving scenes 2027")
    _no_failure(at)
    names = list(at.selectbox[0].options)
    assert names == ["Driving scenes 2027", "Retail search relevance"]
    assert "Driving scenes 2027" in at.sidebar.markdown[0].value
    driving = Store(database_url()).find_program("Driving scenes 2027")
    assert driving is not None
    assert at.selectbox[0].value == at.session_state["program_id"] == driving.id
    at.run()  # and it stays selected on the next interaction
    assert at.session_state["program_id"] == driving.id

    retail = Store(database_url()).find_program("Retail search relevance")
    assert retail is not None
    at.selectbox[0].select(retail.id).run()
    _no_failure(at)
    assert at.session_state["program_id"] == retail.id
    assert "Retail search relevance" in at.sidebar.markdown[0].value
    assert "Query-product pairs, 3 locales" in [m.value for m in at.markdown]

    again = _start()  # new tab after a restart: nothing selected, but everything is still there
    _no_failure(again)
    names = list(again.selectbox[0].options)
    assert names == ["Driving scenes 2027", "Retail search relevance"]
    assert (Path(app_env) / "annogov.sqlite3").exists()


def test_duplicate_or_blank_name_is_an_error_not_a_traceback(app_env: Path) -> None:
    at = _create(_start(), "Speech 2026")
    at = _create(at, "Speech 2026")
    _no_failure(at)
    assert any("already exists" in e.value for e in at.error)
    at = _create(_start(), "   ")
    _no_failure(at)
    assert any("needs a name" in e.value for e in at.error)
    assert len(Store(database_url()).list_programs()) == 1


def test_first_start_seeds_the_demo_program(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOGOV_DEMO", "1")
    at = _start()
    _no_failure(at)
    assert at.selectbox[0].options == [f"{DEMO_PROGRAM_NAME}  (demo)"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Providers": "4", "Evaluators": "3", "Scores entered": "60"}
    captions = [c.value for c in at.sidebar.caption]
    assert any("Demo program" in c for c in captions)
    assert any(c.startswith("Demo mode: on") for c in captions)
    assert len(at.dataframe[0].value) == 4
    # a second start does not seed again
    _start()
    assert len(Store(database_url()).list_programs()) == 1


def test_program_page_on_sqlite_and_postgresql(
    db_url: str, app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOGOV_DATABASE_URL", db_url)
    at = _create(_start(), "Contract renewal 2027", "Two incumbents, one challenger")
    _no_failure(at)
    assert list(at.selectbox[0].options) == ["Contract renewal 2027"]
    backend = "SQLite" if db_url.startswith("sqlite") else "postgresql"
    assert any(backend in c.value for c in at.sidebar.caption)
    check = Store(db_url)
    [program] = check.list_programs()
    assert program.description == "Two incumbents, one challenger"
    check.close()
    st.cache_resource.clear()


def test_open_app_fixture_reaches_a_page_with_the_demo(open_app: Callable[..., AppTest]) -> None:
    at = open_app("app_pages/program.py", demo=True)
    _no_failure(at)
    assert [t.value for t in at.title] == ["Program"]
    assert at.selectbox[0].options == [f"{DEMO_PROGRAM_NAME}  (demo)"]
