"""The Evaluation round page through AppTest: a manager opens a round, evaluators declare, score
and lock (seeing only their own scores), the manager closes and moderates, and the results show
the consensus beside the moderated score."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pandas as pd
from scorecard_helpers import with_worker_welfare
from streamlit.testing.v1 import AppTest

from annogov.services.reporting import program_report, report_bytes
from annogov.store import Store, database_url

PAGE = "app_pages/evaluation_round.py"
PM, REVIEWER, ENGINEER = "rokafor@buyer.example", "ravi@vendor.example", "jvarga@buyer.example"
DIMENSIONS = ["Workforce model", "Security & compliance", "Quality SLA", "AI-assisted throughput",
              "Commercial flexibility"]


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _as(at: AppTest, user_id: str) -> AppTest:
    at.sidebar.selectbox(key="channel_user_id").set_value(user_id).run()
    at.switch_page(PAGE).run()
    _ok(at)
    return at


def _table(at: AppTest, column: str) -> pd.DataFrame:
    return next(f.value for f in at.dataframe if column in f.value.columns)


def _submit(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    _ok(at)
    return at


def test_a_round_from_opening_to_moderation(open_app: Callable[..., AppTest]) -> None:
    at = _as(open_app(PAGE, demo=True), PM)
    assert any("No evaluation round" in i.value for i in at.info)
    at.multiselect[0].set_value([REVIEWER, ENGINEER])
    at = _submit(at, "Open the round")
    panel = _table(at, "Evaluator")
    assert len(panel) == 2 and not panel["Declared"].any()

    for who, conflicts, score in ((REVIEWER, ["Kestrel Data Works"], 2.0), (ENGINEER, [], 4.0)):
        at = _as(at, who)
        assert not at.data_editor  # nothing to score before declaring
        at.multiselect[0].set_value(conflicts)
        at.text_area[0].set_value("declared interests")
        at = _submit(at, "Declare")
        [editor] = at.data_editor
        providers = list(editor.value["Provider"])
        assert ("Kestrel Data Works" in providers) == (not conflicts)
        at.session_state[editor.key] = {
            "edited_rows": {i: dict.fromkeys(DIMENSIONS, score) for i in range(len(providers))},
            "added_rows": [], "deleted_rows": []}
        at = _submit(at, "Save my scores")
        assert (at.data_editor[0].value[DIMENSIONS] == score).all().all()  # own scores only
        at = _submit(at, "Lock my scores")
        assert not at.data_editor

    at = _as(at, PM)
    assert not any(f.editing_mode != "read_only" for f in at.dataframe)
    at = _submit(at, "Close the round")
    results = _table(at, "Consensus")
    kestrel = results[(results["Provider"] == "Kestrel Data Works") & (results["Dimension"] == "Quality SLA")]
    assert kestrel["Individual"].iloc[0].startswith("J. Varga") and kestrel["Consensus"].iloc[0] == 4.0
    other = results[results["Provider"] != "Kestrel Data Works"]
    assert (other["Consensus"] == 3.0).all()  # mean of 2 and 4

    form_selects = [s for s in at.selectbox if s.label in ("Provider", "Dimension")]
    form_selects[0].set_value("Northwind Labeling")
    form_selects[1].set_value("security")
    next(n for n in at.number_input if n.label == "Moderated score").set_value(4.5)
    next(t for t in at.text_input if t.label == "Why").set_value("reference calls confirmed")
    at = _submit(at, "Save moderation")
    results = _table(at, "Consensus")
    row = results[(results["Provider"] == "Northwind Labeling") & (results["Dimension"] == "Security & compliance")]
    assert (row["Consensus"].iloc[0], row["Moderated"].iloc[0], row["Final"].iloc[0]) == (3.0, 4.5, 4.5)
    assert row["By"].iloc[0] == PM and row["Why"].iloc[0] == "reference calls confirmed"

    # the program's report carries the same cells: consensus beside the moderation, who and why
    store = Store(database_url())
    try:
        program = store.list_programs()[0]
        report = program_report(store, program, created=date(2026, 12, 4)).report
    finally:
        store.close()
    assert report is not None
    section = next(s for s in report.sections if s.title.startswith("Evaluation round"))
    cell = next(r for r in section.rows if r[0] == "Northwind Labeling" and r[1] == "Security & compliance")
    assert cell[3:] == [3.0, 4.5, PM, "reference calls confirmed", 4.5]
    assert report_bytes(report, "pdf").startswith(b"%PDF")


def test_a_round_scores_the_programs_extra_dimension(open_app: Callable[..., AppTest]) -> None:
    """With worker welfare in the program's rubric the round is opened over six dimensions and
    the evaluator's score editor has a column for it."""
    from annogov.services import scoring

    open_app(demo=True)
    store = Store(database_url())
    try:
        program = store.list_programs()[0]
        data = with_worker_welfare()
        store.save_document("rubric", program.id, scoring.RUBRIC_NAME, data)
    finally:
        store.close()
    at = _as(open_app(PAGE, demo=True), PM)
    at.multiselect[0].set_value([ENGINEER])
    at = _submit(at, "Open the round")
    at = _as(at, ENGINEER)
    at.text_area[0].set_value("none")
    at = _submit(at, "Declare")
    [editor] = at.data_editor
    assert list(editor.value.columns) == ["Provider", *DIMENSIONS, "Worker welfare"]
