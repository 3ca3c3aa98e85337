"""The Pilot and Vendor history pages in AppTest: the example pilot's tables, the stored trend, access."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from annogov.services.demo_history import seed_series
from annogov.store import Store
from annogov.store.channel import ChannelRepository
from governance.roles import Role, User

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
MANAGER = User(user_id="pm@buyer.example", name="PM", role=Role.PROGRAM_MANAGER)
ANNOTATOR = User(user_id="ann@vendor.example", name="Ann", role=Role.ANNOTATOR)
REVIEWER = User(user_id="rev@buyer.example", name="Rev", role=Role.REVIEWER)


def _app(user: str, program_id: int, page: str) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["program_id"] = program_id
    at.session_state["channel_user_id"] = user
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def program_id(app_env: Path) -> int:
    store = Store()
    program = store.create_program("Tickets")
    store.add_provider(program.id, "Acme")
    with store.transaction() as s:
        repo = ChannelRepository(s)
        repo.save_user(None, MANAGER)
        repo.save_user(MANAGER, ANNOTATOR)
        repo.save_user(MANAGER, REVIEWER)
    seed_series(store, program, ["Acme"], weeks=4, items=60)
    store.close()
    return program.id


def test_pilot_page_shows_the_example(program_id: int) -> None:
    at = _app(MANAGER.user_id, program_id, "pilot")
    at.button(key="pilot_example_button").click().run()
    assert not at.exception and not at.error
    assert len(at.dataframe) == 6
    assert "Tessellate AI Services" in at.dataframe[4].value["better"].tolist()
    within = at.dataframe[2].value  # agreement within each provider per category, then overall
    assert within["category"].tolist()[-1] == "(all)" and "Tessellate AI Services" in within.columns
    assert within.set_index("category").loc["animal", "Northwind Labeling"].startswith("too few double-labelled items")


def test_history_page_shows_the_stored_trend(program_id: int) -> None:
    at = _app(MANAGER.user_id, program_id, "history")
    assert len(at.dataframe[0].value) == 4
    at.radio(key="history_by").set_value("annotator").run()
    scopes = set(at.dataframe[0].value["annotator"])
    assert scopes and all(s.startswith("A") and s[1:].isdigit() for s in scopes)  # pseudonymous by default
    at.checkbox(key="history_reveal").check().run()
    assert set(at.dataframe[0].value["annotator"]) == {f"w{i:02d}" for i in range(8)}


def test_reviewer_sees_the_managers_codes_and_may_reveal_as_in_sla_checks(program_id: int) -> None:
    """One rule for annotator ids (roles.ANNOTATOR_IDS): reviewers see them in SLA checks and reports, so
    in history too; codes stay the default for everyone."""
    codes = []
    for user in (MANAGER, REVIEWER):
        at = _app(user.user_id, program_id, "history")
        at.radio(key="history_by").set_value("annotator").run()
        codes.append(at.dataframe[0].value["annotator"].tolist())
    assert codes[0] == codes[1] and not any(c.startswith("w") for c in codes[1])
    assert not at.checkbox(key="history_reveal").disabled
    at.checkbox(key="history_reveal").check().run()
    assert set(at.dataframe[0].value["annotator"]) == {f"w{i:02d}" for i in range(8)}


def test_history_page_is_closed_to_annotators(program_id: int) -> None:
    with pytest.raises(ValueError, match="Could not find a navigation page"):  # left out of their page list
        _app(ANNOTATOR.user_id, program_id, "history")


def _upload_pilot(at: AppTest, deliveries: list[tuple[str, bytes]]) -> AppTest:
    example = ROOT / "examples" / "pilot"
    at.text_input(key="pilot_labels").set_value("vehicle, pedestrian, cyclist, traffic_sign, animal, e_scooter_rider")
    at.file_uploader(key="pilot_gold").set_value(("gold-set.csv", (example / "gold-set.csv").read_bytes(), "text/csv"))
    at.file_uploader(key="pilot_files").set_value([(name, data, "text/csv") for name, data in deliveries])
    [button] = [b for b in at.button if b.label == "Compare"]
    return button.click().run()


def test_pilot_page_compares_uploaded_files_and_locates_bad_ones(program_id: int) -> None:
    example = ROOT / "examples" / "pilot"
    files = [(f"{k}.csv", (example / f"{k}-delivery.csv").read_bytes()) for k in ("northwind", "tessellate")]
    at = _upload_pilot(_app(MANAGER.user_id, program_id, "pilot"), files)
    assert not at.exception and not at.error, [e.value for e in at.error]
    better = at.dataframe[4].value
    assert set(better[better["category"] == "animal"]["better"]) == {"tessellate"}
    lines = files[1][1].decode().splitlines()
    moved = "\n".join([lines[0], *[line.replace("obj-", "other-", 1) for line in lines[1:]]]).encode()
    at = _upload_pilot(_app(MANAGER.user_id, program_id, "pilot"), [files[0], ("tessellate.csv", moved)])
    assert any("share no items" in e.value for e in at.error)
    assert not at.dataframe
