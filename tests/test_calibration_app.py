"""The channel pages through AppTest: pages per role, annotators see only their own flags and
reflections, engineers rule and promote."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from annogov.services.demo import DEMO_PROGRAM_NAME
from annogov.services.demo_channel import DEMO_USERS, GUIDE_ID
from annogov.store import Store, database_url
from annogov.store.channel import ChannelRepository
from annogov.store.models import utcnow

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
AMARA, BAO, _CHLOE, REVIEWER, ENGINEER, _MANAGER = DEMO_USERS


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ANNOGOV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ANNOGOV_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANNOGOV_DEMO", "1")
    return tmp_path


def _as(user_id: str, page: str | None = None) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["channel_user_id"] = user_id
    at.run()
    if page:
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


CHANNEL = ("calibration", "guidelines", "reflection", "my_figures", "insights", "people")


def _pages(at: AppTest) -> set[str]:
    """The channel pages registered in this session's navigation."""
    found = set()
    for page in CHANNEL:
        try:
            at.switch_page(f"app_pages/{page}.py")
        except ValueError:
            continue
        found.add(page)
    at.switch_page("app_pages/guidelines.py")  # every role reads the guidelines
    return found


def test_pages_follow_the_role_and_demo_mode_is_shown(demo_env: Path) -> None:
    at = _as(AMARA.user_id)
    assert _pages(at) == {"calibration", "guidelines", "reflection", "my_figures"}
    assert any("Demo mode" in w.value for w in at.sidebar.warning)
    with pytest.raises(ValueError):
        at.switch_page("app_pages/insights.py")
    at = _as(ENGINEER.user_id)
    assert _pages(at) == {"calibration", "guidelines", "insights"}
    at = _as(REVIEWER.user_id, "insights")
    assert [t.value for t in at.title] == ["Channel insights"]
    assert "img-0587" in at.dataframe[0].value["Task"].tolist()


def test_annotator_sees_only_own_flags_in_the_log(demo_env: Path) -> None:
    at = _as(AMARA.user_id, "calibration")
    tasks = set(at.dataframe[0].value["Task"])
    assert tasks == {"img-0412", "img-0701"}
    at = _as(BAO.user_id, "calibration")
    assert set(at.dataframe[0].value["Task"]) == {"img-0587"}
    at = _as(ENGINEER.user_id, "calibration")
    assert len(at.dataframe[0].value) == 5


def test_one_annotator_cannot_read_anothers_reflection_in_the_app(demo_env: Path) -> None:
    at = _as(AMARA.user_id, "reflection")
    text = " ".join(m.value for m in at.markdown)
    assert "Pushed bicycles are everywhere" in text
    at = _as(BAO.user_id, "reflection")
    text = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption]
                    + [e.label for e in at.expander])
    assert "Pushed bicycles are everywhere" not in text and "Night frames at crossings" not in text
    assert not at.expander


def test_engineer_resolves_and_promotes_from_the_log(demo_env: Path) -> None:
    at = _as(ENGINEER.user_id, "calibration")
    with Store(database_url()).transaction() as s:
        entry = next(e for e in ChannelRepository(s).list_entries(
            ENGINEER, DEMO_PROGRAM_NAME, utcnow())
            if e.task_id == "img-0587" and e.author_id == BAO.user_id)
    at.selectbox(key="calibration_entry").set_value(entry.entry_id).run()
    resolve = next(t for t in at.text_area if t.label == "Ruling")
    resolve.input("A hand-held sign is part of the worker: label the worker pedestrian only.")
    next(b for b in at.button if b.label == "Resolve with this ruling").click().run()
    assert not at.exception
    assert any("Entry resolved" in s.value for s in at.success)
    next(t for t in at.text_input if t.label == "Ruling title").input("Hand-held signs")
    next(b for b in at.button if b.label == "Promote").click().run()
    assert any("Guideline version 3 created" in s.value and "img-0587" in s.value
               for s in at.success), [s.value for s in at.success]
    with Store(database_url()).transaction() as s:
        doc = ChannelRepository(s).get_guideline(AMARA, GUIDE_ID)
    assert doc.current.ruling(5).title == "Hand-held signs"


def test_guidelines_page_reads_for_all_and_edits_for_engineers(demo_env: Path) -> None:
    at = _as(AMARA.user_id, "guidelines")
    assert [t.value for t in at.title] == ["Guidelines"]
    assert "Make a new version" not in [h.value for h in at.subheader]
    assert {b.label for b in at.get("download_button")} >= {"Markdown", "PDF"}
    assert any("Ruling 4: Pushing a bicycle" in m.value for m in at.markdown)
    at = _as(ENGINEER.user_id, "guidelines")
    next(t for t in at.text_input if t.label == "Title (new or amended)").input("Trams")
    next(t for t in at.text_area if t.label == "Text (new or amended)").input(
        "A tram is a vehicle, on rails or in a lane.")
    next(t for t in at.text_input if t.label == "Why this change").input("Asked twice")
    next(b for b in at.button if b.label == "Save as new version").click().run()
    assert any("Version 3 saved" in s.value for s in at.success), [s.value for s in at.success]
    with Store(database_url()).transaction() as s:
        doc = ChannelRepository(s).get_guideline(AMARA, GUIDE_ID)
    assert doc.current.reason == "Asked twice" and doc.current.author_id == ENGINEER.user_id


def test_program_manager_manages_roles_and_vocabulary(demo_env: Path) -> None:
    manager = DEMO_USERS[5]
    assert "people" not in _pages(_as(ENGINEER.user_id))
    at = _as(manager.user_id, "people")
    assert [t.value for t in at.title] == ["People and roles"]
    next(t for t in at.text_input if t.label == "Login e-mail").input("dee@vendor.example")
    next(t for t in at.text_input if t.label == "Name").input("Dee")
    next(b for b in at.button if b.label == "Save").click().run()
    assert any("Dee saved as annotator" in s.value for s in at.success)
    vocab = next(t for t in at.text_area if t.label == "One tag per line")
    vocab.input("glare\nrain on lens\n")
    next(b for b in at.button if b.label == "Save vocabulary").click().run()
    with Store(database_url()).transaction() as s:
        repo = ChannelRepository(s)
        assert repo.get_user("dee@vendor.example").role.value == "annotator"
        assert repo.vocabulary(DEMO_PROGRAM_NAME).tags == ("glare", "rain on lens")


def test_a_refused_flag_keeps_what_was_typed(demo_env: Path) -> None:
    at = _as(AMARA.user_id, "calibration")
    question = "Tram in the bus lane: vehicle, or a class of its own?"
    next(t for t in at.text_area if t.label == "What is unclear?").input(question)
    next(b for b in at.button if b.label == "Submit flag").click().run()
    assert any("needs a task id" in e.value for e in at.error), [e.value for e in at.error]
    assert next(t for t in at.text_area if t.label == "What is unclear?").value == question
    next(t for t in at.text_input if t.label == "Task id").input("img-2002")
    next(b for b in at.button if b.label == "Submit flag").click().run()
    assert any("Flag on task img-2002 recorded" in s.value for s in at.success)
    assert next(t for t in at.text_area if t.label == "What is unclear?").value == ""
