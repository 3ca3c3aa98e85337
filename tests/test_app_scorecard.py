"""The Providers & scorecard page through Streamlit's AppTest: upload, rank, edit and save, see
the history, bad uploads, weights that do not add up, two tabs, and a restart."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from annogov.store import ScoreEdit, Store, database_url

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "app_pages/scorecard.py"
WIDE = ROOT / "examples" / "scorecard-wide.xlsx"
BAD = ROOT / "tests" / "fixtures" / "scorecard-bad.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _open(*, restart: bool = True) -> AppTest:
    """A new tab on the scorecard page; restart=True also clears the process caches."""
    if restart:
        st.cache_resource.clear()
        st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page(PAGE).run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _program(name: str = "Q3 shortlist") -> int:
    store = Store(database_url())
    try:
        return store.create_program(name).id
    finally:
        store.close()


def _table(at: AppTest, column: str) -> pd.DataFrame:
    """The first read-only table with this column (ranking: Rank, history: Who)."""
    for frame in at.dataframe:
        value = frame.value
        if frame.editing_mode == "read_only" and column in value.columns:
            return value
    raise AssertionError(f"no table with a {column!r} column")


def _has_table(at: AppTest, column: str) -> bool:
    return any(column in f.value.columns for f in at.dataframe if f.editing_mode == "read_only")


def _ranking(at: AppTest) -> pd.DataFrame:
    return _table(at, "Rank")


def _upload(at: AppTest, path: Path, mime: str = XLSX) -> AppTest:
    [uploader] = at.file_uploader
    uploader.set_value((path.name, path.read_bytes(), mime))
    at.run()
    _ok(at)
    return at


def _weight(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(n for n in at.number_input if n.label.startswith(label))


def _import_example(at: AppTest) -> AppTest:
    _upload(at, WIDE)
    assert any("Read 4 provider(s) and 3 evaluator(s)" in s.value for s in at.success)
    [preview] = [d.value for d in at.dataframe if "Comment" in d.value.columns and "Evaluator" in d.value.columns]
    assert len(preview) == 60 and set(preview["Provider"]) >= {"Lumen Annotation Co.", "Kestrel Data Works"}
    at.button(key="import_scores").click().run()
    _ok(at)
    return at


def test_upload_import_rank_edit_save_and_see_the_audit_row(app_env: Path) -> None:
    _program()
    at = _open()
    assert any("No providers yet" in i.value for i in at.info)
    at = _import_example(at)
    assert any("Imported 60 score(s) for 4 provider(s), 4 new" in s.value for s in at.success)
    ranking = _ranking(at)
    assert set(ranking["Provider"]) == {
        "Northwind Labeling",
        "Lumen Annotation Co.",
        "Kestrel Data Works",
        "Tessellate AI Services",
    }
    assert list(ranking["Rank"]) == sorted(ranking["Rank"])
    assert ranking["Total"].is_monotonic_decreasing
    # the formula is stated, gates and robustness are in words
    assert any("weight x score / 5" in i.value for i in at.info)
    assert any("capped at 2" in e.value for e in at.error)  # Kestrel's SOC 2 Type I gate
    assert any("would have to" in m.value and "overtake" in m.value for m in at.markdown)

    # edit Bo's security score for Northwind and save
    at.selectbox(key="editor_evaluator").select("Bo").run()
    assert len(at.data_editor[0].value) == 4 * 5  # every provider and dimension
    store = Store(database_url())
    program = store.find_program("Q3 shortlist")
    assert program is not None
    northwind = next(p for p in store.list_providers(program.id) if p.name == "Northwind Labeling")
    at.selectbox(key="editor_provider").select(northwind.id).run()
    editor = at.data_editor[0]
    table = editor.value
    assert set(table["provider"]) == {"Northwind Labeling"} and len(table) == 5
    row = next(
        i
        for i, r in table.iterrows()
        if r["provider"] == "Northwind Labeling" and r["dimension"].startswith("Security")
    )
    old = float(table.loc[row, "score"])
    at.session_state[editor.key] = {
        "edited_rows": {row: {"score": 2.5, "comment": "audit findings still open"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.text_input(key="changed_by").input("Dana (procurement)")
    at.button(key="save_scores").click().run()
    _ok(at)
    assert any("Saved 1 change(s) for Bo" in s.value for s in at.success)
    saved = store.list_evaluations(program.id, provider_id=northwind.id, evaluator="Bo")
    assert next(e for e in saved if e.dimension == "security").score == 2.5

    # the history tab shows who changed what
    at.selectbox(key="history_provider").select(northwind.id).run()
    history = _table(at, "Who")
    first = history.iloc[0]
    # who: the acting login (the demo manager here); the typed text is only a note
    assert (first["Who"], first["Note"], first["Evaluator"]) == ("demo-manager", "Dana (procurement)", "Bo")
    assert (first["Old"], first["New"]) == (old, 2.5)
    assert first["Comment"] == "audit findings still open"
    store.close()


def test_editor_refuses_out_of_range_scores_with_row_and_column(app_env: Path) -> None:
    _program()
    at = _import_example(_open())
    at.selectbox(key="editor_evaluator").select("Ana").run()
    editor = at.data_editor[0]
    at.session_state[editor.key] = {"edited_rows": {0: {"score": 9}}, "added_rows": [], "deleted_rows": []}
    at.button(key="save_scores").click().run()
    _ok(at)
    [error] = [e.value for e in at.error if "Nothing was saved" in e.value]
    assert "Row 1 (Kestrel Data Works, Workforce model), score: must be a number from 1 to 5 or blank; got 9" in error
    store = Store(database_url())
    assert all(h.note.startswith("import") for h in store.score_history(store.list_programs()[0].id))
    store.close()


def test_the_problem_preview_of_a_very_wide_file_shows_its_first_columns(app_env: Path, tmp_path: Path) -> None:
    """20,000 columns used to take minutes to style and send: the preview keeps the first 60."""
    from app_pages.ui import PREVIEW_COLUMNS

    _program()
    wide = tmp_path / "wide.csv"
    extra = [f"c{k}" for k in range(20_000)]
    wide.write_text(",".join(["provider", "dimension", "evaluator", "score", *extra]) + "\n"
                    + ",".join(["Acme", "quality", "Ana", "9", *["x"] * 20_000]) + "\n")  # fmt: skip
    at = _upload(_open(), wide, "text/csv")
    [preview] = [d.value for d in at.dataframe if "Problem" in d.value.columns]
    assert len(preview.columns) == PREVIEW_COLUMNS + 1 and preview.iloc[0, 1] == "provider"
    assert any(f"the first {PREVIEW_COLUMNS} columns" in c.value for c in at.caption)


def test_bad_upload_lists_every_problem_with_row_and_column(app_env: Path) -> None:
    _program()
    at = _upload(_open(), BAD)
    [error] = [e.value for e in at.error if "cannot be used" in e.value]
    assert "row 5, column 'B (Workforce)': score 6 is out of range" in error
    assert "row 6, column 'A (Vendor)': duplicate provider 'Acme'" in error
    assert error.count("\n- ") == 4
    [preview] = [d.value for d in at.dataframe if "Problem" in d.value.columns]
    assert "score 6 is out of range" in preview.loc[5, "Problem"]
    assert "duplicate provider 'Acme'" in preview.loc[6, "Problem"]
    assert preview.loc[4, "Problem"] == "" or "row 4" not in error
    assert "import_scores" not in [b.key for b in at.button]
    assert "Traceback" not in "".join(e.value for e in at.error)
    [template] = at.get("download_button")
    assert template.proto.label == "Download a blank template (xlsx)"  # type: ignore[attr-defined]
    # the rest of the page still works
    assert [t.label for t in at.tabs] == ["Ranking & weights", "Edit scores", "Score history", "Import"]


def test_weights_that_do_not_add_up_stop_scoring_until_fixed_then_save(app_env: Path) -> None:
    _program()
    at = _import_example(_open())
    before = list(_ranking(at)["Provider"])
    _weight(at, "Security").set_value(10).run()
    _ok(at)
    assert any("The weights add up to 90, not 100: add 10" in e.value for e in at.error)
    assert not _has_table(at, "Rank")
    assert at.button(key="save_weights").disabled
    # move the ten points to AI-assisted throughput: scoring resumes, with the live weights
    _weight(at, "AI-assisted").set_value(25).run()
    _ok(at)
    assert any("add up to 100" in s.value and "Not saved yet" in s.value for s in at.success)
    after = _ranking(at)
    assert set(after["Provider"]) == set(before)
    at.button(key="save_weights").click().run()
    _ok(at)
    assert any("Weights saved" in s.value for s in at.success)
    store = Store(database_url())
    from annogov.services.scoring import load_program_rubric

    rubric, version = load_program_rubric(store, store.list_programs()[0].id)
    assert rubric.weights["security"] == 10 and rubric.weights["ai_throughput"] == 25 and version == 1
    store.close()


def test_second_tab_saving_stale_scores_is_told_and_reloaded(app_env: Path) -> None:
    _program()
    first = _import_example(_open())
    second = _open(restart=False)
    for at, score in ((first, 1.5), (second, 4.5)):
        at.selectbox(key="editor_evaluator").select("Chen").run()
        at.session_state[at.data_editor[0].key] = {
            "edited_rows": {0: {"score": score}},
            "added_rows": [],
            "deleted_rows": [],
        }
    first.button(key="save_scores").click().run()
    _ok(first)
    second.button(key="save_scores").click().run()
    _ok(second)
    assert any("Another tab saved these scores first" in w.value for w in second.warning)
    assert second.data_editor[0].value.loc[0, "score"] == 1.5  # reloaded: the other tab's value
    store = Store(database_url())
    program_id = store.list_programs()[0].id
    first_provider = store.list_providers(program_id)[0]  # the editor's first row: by name, workforce
    chen = store.list_evaluations(program_id, provider_id=first_provider.id, evaluator="Chen")
    assert next(e for e in chen if e.dimension == "workforce").score == 1.5
    store.close()


def test_saved_scores_and_weights_survive_a_restart(app_env: Path) -> None:
    _program()
    at = _import_example(_open())
    _weight(at, "Workforce").set_value(35).run()
    _weight(at, "Commercial").set_value(5).run()
    at.button(key="save_weights").click().run()
    _ok(at)
    saved = _ranking(at)
    again = _open()  # a fresh process cache and a new session
    assert _weight(again, "Workforce").value == 35
    pd.testing.assert_frame_equal(_ranking(again), saved)


def test_first_start_demo_shows_ranking_gates_disagreement_and_probabilities(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOGOV_DEMO", "1")
    at = _open()
    ranking = _ranking(at)
    assert len(ranking) == 4 and ranking["Band"].notna().all()
    assert any("Evaluators differ by" in w.value for w in at.warning)
    probabilities = _table(at, "Ranks first")
    bands = probabilities.drop(columns=["Provider", "Ranks first"]).sum(axis=1)
    assert bands.round(6).eq(100).all()
    [chart] = at.get("vega_lite_chart")
    spec = chart.proto.spec  # type: ignore[attr-defined]
    assert '"bar"' in spec and "Weighted points" in spec and '"Dimension"' in spec


def test_switching_program_forgets_choices_that_belong_to_the_other_one(app_env: Path) -> None:
    first, second = _program("Alpha program"), _program("Beta program")
    at = _import_example(_open())
    imported_into = at.session_state["program_id"]
    other = second if imported_into == first else first
    store = Store(database_url())
    solo = store.add_provider(other, "Solo Labels")
    store.save_scores(other, [ScoreEdit(provider_id=solo.id, evaluator="Zed", dimension="workforce", score=3.0)])
    store.close()
    at.selectbox(key="editor_evaluator").select("Bo").run()
    at.session_state["program_id"] = other
    at.run()
    _ok(at)
    assert not at.error
    assert at.selectbox(key="editor_evaluator").value == "Zed"
    assert set(at.data_editor[0].value["provider"]) == {"Solo Labels"}
    assert at.selectbox(key="history_provider").value == solo.id
    assert any("incomplete" in w.value for w in at.warning)  # four dimensions still unscored


def test_second_tab_saving_stale_weights_is_told_and_shown_the_saved_ones(app_env: Path) -> None:
    _program()
    first = _import_example(_open())
    second = _open(restart=False)
    for at, (workforce, commercial) in ((first, (30, 10)), (second, (20, 20))):
        _weight(at, "Workforce").set_value(workforce).run()
        _weight(at, "Commercial").set_value(commercial).run()
    first.button(key="save_weights").click().run()
    second.button(key="save_weights").click().run()
    _ok(second)
    assert any("saved the weights first" in w.value for w in second.warning)
    assert (_weight(second, "Workforce").value, _weight(second, "Commercial").value) == (30, 10)


def test_the_open_tab_is_kept_when_an_import_reruns_the_page(app_env: Path) -> None:
    _program()
    at = _open()
    at.session_state["score_tabs"] = "Import"
    at = _import_example(at)
    assert at.session_state["score_tabs"] == "Import"


def _measured_delivery(store: Store, program_id: int, provider: str) -> None:
    """One stored delivery: kappa 0.75 (earns 4), 3 of 100 reviewed failed (3%, earns 3), the only category
    92 of 100 right (earns 4): Quality SLA 3. Pre-labelled 30/40 right on gold against human-only 38/40:
    Fisher p = 0.0126 < 0.05, so AI-assisted throughput 2."""
    from datetime import date

    from annogov.store.measured import record_delivery
    from governance.quality.vendors.history import DeliveryMeasures, Tally
    from governance.quality.vendors.prelabel import PrelabelCounts
    from governance.roles import OPERATOR

    t = Tally(rows=200, reviewed=100, failed=3, gold=100, correct=92, timed=0, on_time=0, kappa=0.75)
    m = DeliveryMeasures(
        file="week-48.csv", items=100, annotations=200, kappa_method="cohen_kappa", overall=t,
        categories={"street": t}, annotators={},
        prelabel=PrelabelCounts(
            source="week-48.csv", prelabelled=[100, 20, 2, 40, 30], human_only=[100, 20, 1, 40, 38]
        ),
    )
    record_delivery(store, OPERATOR, program_id, provider, m, delivered_on=date(2026, 11, 27), guideline_version="v2")


def test_measured_suggestions_sit_beside_the_typed_score_and_are_adopted_only_on_request(app_env: Path) -> None:
    program_id = _program()
    store = Store(database_url())
    acme = store.add_provider(program_id, "Acme")
    store.save_scores(program_id, [ScoreEdit(provider_id=acme.id, evaluator="Bo", dimension="quality_sla", score=4.5)])
    _measured_delivery(store, program_id, "Acme")
    at = _open()
    at.selectbox(key="editor_evaluator").select("Bo").run()
    table = _table(at, "Suggested")
    quality = table[table["Dimension"].str.startswith("Quality")].iloc[0]
    ai = table[table["Dimension"].str.startswith("AI")].iloc[0]
    assert (quality["Your score"], quality["Suggested"]) == (4.5, 3)
    assert quality["Source delivery"] == "week-48.csv (delivery 1, 2026-11-27)"
    assert "defect rate 3.00% earns 3" in quality["Because"] and "kappa 0.750 earns 4" in quality["Because"]
    assert pd.isna(ai["Your score"]) and ai["Suggested"] == 2 and "Fisher exact" in ai["Because"]
    assert any("Rule: each measure scored on its own" in c.value for c in at.caption)
    # shown, not applied: the typed 4.5 stays until the evaluator adopts
    [bo] = [e for e in store.list_evaluations(program_id) if e.dimension == "quality_sla"]
    assert bo.score == 4.5
    # with unsaved edits in the table, adopting is held back
    editor = at.data_editor[0]
    at.session_state[editor.key] = {"edited_rows": {0: {"score": 1.5}}, "added_rows": [], "deleted_rows": []}
    at.run()
    adopt = at.button(key=f"adopt_{acme.id}_quality_sla")
    assert adopt.disabled
    at.button(key="reload_scores").click().run()
    at.button(key=f"adopt_{acme.id}_quality_sla").click().run()
    _ok(at)
    assert any("Adopted 3 for Acme" in s.value for s in at.success)
    [bo] = [e for e in store.list_evaluations(program_id) if e.dimension == "quality_sla"]
    assert bo.score == 3
    [latest, *_] = store.score_history(program_id)
    assert (latest.old_score, latest.new_score) == (4.5, 3) and "week-48.csv (delivery 1, 2026-11-27)" in latest.note
    store.close()
