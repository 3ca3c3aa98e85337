"""The Switching cost page through AppTest: demo results, form ranges, uploads, save and reload."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from annogov.services.demo import DEMO_SCENARIO_NAME, DEMO_TAXONOMY_NAME
from annogov.services.switching_docs import SWITCHING_CHECK
from annogov.store import Store, database_url
from migration import analyse_taxonomy_files, load_scenario, switching_cost

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PAGE = "app_pages/switching.py"
EXAMPLES = ROOT / "examples"
TAX = EXAMPLES / "taxonomy"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _open(*, restart: bool = True) -> AppTest:
    """A new tab on the Switching cost page; restart=True also clears the process caches."""
    if restart:
        st.cache_resource.clear()
        st.cache_data.clear()
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(PAGE)
    at.session_state["sw_tabs"] = "Scenario"  # the scenario form is drawn only while its tab is open
    return at.run()


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _metric(at: AppTest, label: str) -> str:
    [value] = [m.value for m in at.metric if m.label == label]
    return str(value)


def _money(x: float) -> str:
    return f"EUR {x:,.0f}"


def _input(at: AppTest, key_suffix: str):  # type: ignore[no-untyped-def]
    [found] = [n for n in at.number_input if n.key and n.key.endswith(key_suffix)]
    return found


def _apply(at: AppTest) -> AppTest:
    [button] = [b for b in at.button if b.label == "Apply and recalculate"]
    return button.click().run()


def _errors(at: AppTest) -> str:
    """Every error box as plain text (markdown escapes removed)."""
    return " ".join(e.value for e in at.error).replace("\\", "")


def _table(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    [found] = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def _program(name: str = "Switch study") -> int:
    return Store(database_url()).create_program(name).id


def _demo_expectation() -> dict:  # type: ignore[type-arg]
    scenario = load_scenario(EXAMPLES / "scenario.yaml")
    tax = analyse_taxonomy_files(TAX / "old.csv", TAX / "new.csv",
                                 mapping_path=TAX / "mapping.csv",
                                 sample_path=TAX / "dual-sample.csv",
                                 dataset_path=TAX / "dataset.csv")
    return switching_cost(scenario, reannotation_items=tax.reannotation_items).to_payload()


def test_first_start_shows_the_demo_scenario_priced(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOGOV_DEMO", "1")
    at = _open()
    _ok(at)
    assert not at.error, [e.value for e in at.error]
    assert [t.value for t in at.title] == ["Switching cost"]
    assert at.selectbox(key="sw_pick").value == DEMO_SCENARIO_NAME
    assert at.selectbox(key="tx_pick").value == DEMO_TAXONOMY_NAME
    expected = _demo_expectation()
    pct = expected["percentiles"]["total"]
    assert _metric(at, "Total P10") == _money(pct["p10"])
    assert _metric(at, "Total P50") == _money(pct["p50"])
    assert _metric(at, "Total P90") == _money(pct["p90"])
    assert _metric(at, "At the most likely inputs") == _money(expected["deterministic"]["total"])
    # the taxonomy's split items feed the scenario
    assert any("taxonomy result" in c.value for c in at.caption)
    # classification: the example has a merge, a split, a drop and new classes
    assert int(_metric(at, "Split")) >= 1 and int(_metric(at, "Merge")) >= 1
    assert int(_metric(at, "Dropped")) >= 1 and int(_metric(at, "New")) >= 1
    sv = expected["stay_vs_switch"]
    assert _metric(at, "Chance switching is cheaper") == f"{sv['probability_switch_cheaper']:.0%}"
    assert _metric(at, "Break-even (P50)") == f"month {sv['break_even_month_p50']:.1f}"
    labels = [b.label for b in at.get("download_button")]
    assert any("scenario (YAML)" in x for x in labels) and any("artefact" in x for x in labels)
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 3  # distribution, tornado, recovery curve
    # help text and units from the catalogue are on the form
    runs = _input(at, ":retraining.runs:most_likely")
    assert "training cycles" in (runs.help or "")


def test_widening_a_range_moves_the_total_and_a_bad_range_is_located(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOGOV_DEMO", "1")
    at = _open()
    before_p90 = _metric(at, "Total P90")
    before_det = _metric(at, "At the most likely inputs")
    _input(at, ":retraining.runs:high").set_value(12.0)
    at = _apply(at)
    _ok(at)
    assert not at.error
    after_p90 = _metric(at, "Total P90")
    assert after_p90 != before_p90
    assert float(after_p90.removeprefix("EUR ").replace(",", "")) > float(
        before_p90.removeprefix("EUR ").replace(",", ""))
    assert _metric(at, "At the most likely inputs") == before_det  # most likely unchanged

    # the shape of a range matters: triangular and PERT weight the tails differently
    [shape] = [b for b in at.selectbox
               if b.key and b.key.endswith(":retraining.runs:distribution")]
    other = "pert" if shape.value == "triangular" else "triangular"
    shape.set_value(other)
    at = _apply(at)
    _ok(at)
    assert _metric(at, "Total P90") != after_p90
    assert at.session_state["sw_scenario"]["retraining"]["runs"]["distribution"] == other
    after_p90 = _metric(at, "Total P90")

    # most likely above high: not applied, the error names the parameter
    _input(at, ":reannotation.revision_cycles:most_likely").set_value(5.0)
    at = _apply(at)
    _ok(at)
    errors = _errors(at)
    assert "Revision cycles" in errors and "reannotation.revision_cycles" in errors
    assert "low <= most_likely <= high" in errors
    assert _metric(at, "Total P90") == after_p90  # still the last valid scenario


def test_upload_a_scenario_file_and_a_bad_one(app_env: Path) -> None:
    _program()
    at = _open()
    _ok(at)
    assert at.selectbox(key="sw_pick").value.startswith("(new scenario")
    data = (EXAMPLES / "scenario.yaml").read_bytes()
    at.file_uploader(key="sw_upload").set_value(("scenario.yaml", data, "application/yaml"))
    at = at.run()
    _ok(at)
    scenario = load_scenario(EXAMPLES / "scenario.yaml")
    expected = switching_cost(scenario).to_payload()
    assert any(scenario.name in s.value for s in at.success)
    assert _metric(at, "At the most likely inputs") == _money(expected["deterministic"]["total"])
    assert _metric(at, "Total P50") == _money(expected["percentiles"]["total"]["p50"])
    assert _input(at, ":volume.weekly_labels:most_likely").value == 60000

    xlsx = EXAMPLES / "scenario.xlsx"
    at.file_uploader(key="sw_upload").set_value((xlsx.name, xlsx.read_bytes(), "application/xlsx"))
    at = at.run()
    _ok(at)
    from_sheet = switching_cost(load_scenario(xlsx)).to_payload()
    assert _metric(at, "At the most likely inputs") == _money(
        from_sheet["deterministic"]["total"])

    bad = (b"name: broken\nreannotation:\n  revision_cycles: {low: 3, most_likely: 2, high: 4}\n"
           b"surprise: {a: 1}\n")
    at.file_uploader(key="sw_upload").set_value(("bad.yaml", bad, "application/yaml"))
    at = at.run()
    _ok(at)
    errors = _errors(at)
    assert "bad.yaml" in errors
    assert "reannotation.revision_cycles" in errors and "surprise" in errors


def test_saved_scenario_survives_a_restart_and_a_second_tab_is_told(app_env: Path) -> None:
    program_id = _program()
    at = _open()
    for end in ("low", "most_likely", "high"):
        _input(at, f":volume.weekly_labels:{end}").set_value(31000.0)
    at = _apply(at)
    at.text_input(key="sw_save_name").set_value("Team plan")
    [save] = [b for b in at.button if b.label == "Save scenario"]
    at = save.click().run()
    _ok(at)
    assert any("saved (version 1)" in s.value for s in at.success)
    store = Store(database_url())
    doc = store.get_document("scenario", program_id, "Team plan")
    assert doc is not None and doc.version == 1
    assert doc.data["volume"]["weekly_labels"] == 31000
    [result] = store.list_check_results(program_id, SWITCHING_CHECK)
    assert result.label == "Team plan" and set(result.payload["percentiles"]) >= {"total"}

    other = _open()  # restarted server, new tab: the saved scenario is there with its values
    _ok(other)
    assert other.selectbox(key="sw_pick").value == "Team plan"
    assert _input(other, ":volume.weekly_labels:most_likely").value == 31000

    # the first tab saves again; the second, still on version 1, is told and saves nothing
    _input(at, ":sla_gap.gap_weeks:high").set_value(20.0)
    at = _apply(at)
    at = [b for b in at.button if b.label == "Save scenario"][0].click().run()
    _ok(at)
    assert store.get_document("scenario", program_id, "Team plan").version == 2  # type: ignore[union-attr]
    _input(other, ":volume.weekly_labels:high").set_value(99000.0)
    other = _apply(other)
    other = [b for b in other.button if b.label == "Save scenario"][0].click().run()
    _ok(other)
    assert any("another tab" in w.value for w in other.warning)
    doc = store.get_document("scenario", program_id, "Team plan")
    assert doc is not None and doc.version == 2 and doc.data["volume"]["weekly_labels"] == 31000


def test_taxonomy_upload_classifies_and_feeds_the_scenario(app_env: Path) -> None:
    program_id = _program()
    at = _open()
    uploads = {"tx_old": "old.csv", "tx_new": "new.csv", "tx_map": "mapping.csv",
               "tx_sample": "dual-sample.csv", "tx_dataset": "dataset.csv"}
    for key, name in uploads.items():
        at.file_uploader(key=key).set_value((name, (TAX / name).read_bytes(), "text/csv"))
    at.text_input(key="tx_name").set_value("Vehicles")
    at = at.run()
    at = at.button(key="tx_save").click().run()
    _ok(at)
    assert not at.error, [e.value for e in at.error]
    assert at.selectbox(key="tx_pick").value == "Vehicles"
    expected = analyse_taxonomy_files(TAX / "old.csv", TAX / "new.csv",
                                      mapping_path=TAX / "mapping.csv",
                                      sample_path=TAX / "dual-sample.csv",
                                      dataset_path=TAX / "dataset.csv").to_payload()
    for kind, label in (("one_to_one", "One to one"), ("merge", "Merge"), ("split", "Split"),
                        ("dropped", "Dropped"), ("new", "New")):
        assert _metric(at, label) == str(expected["totals"][kind])
    items = expected["totals"]["reannotation_items"]
    assert _metric(at, "Items to re-annotate (split classes)") == f"{items:,}"
    classes = _table(at, "Kind")
    kinds = dict(zip(classes["Old class"], classes["Kind"], strict=True))
    assert kinds == {c["old_label"]: c["kind"] for c in expected["classes"]}
    proposals = _table(at, "Purity")
    assert set(proposals["Old class"]) == {p["old_label"] for p in expected["inferred"]["proposals"]}
    store = Store(database_url())
    mapping = store.get_document("mapping", program_id, "Vehicles")
    assert mapping is not None and mapping.version == 1
    assert any("taxonomy result" in c.value for c in at.caption)
    # the same name again is refused rather than overwriting the saved taxonomy
    at = at.button(key="tx_save").click().run()
    assert "already exists" in _errors(at)
    assert store.get_document("taxonomy", program_id, "Vehicles").version == 1  # type: ignore[union-attr]
    # unticking the feed goes back to the scenario's own estimate
    at = at.checkbox(key="tx_feed").uncheck().run()
    assert any("re-annotate from the scenario" in c.value for c in at.caption)


def test_mapping_editor_saves_only_on_save_and_keeps_versions(
    app_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANNOGOV_DEMO", "1")
    at = _open()
    store = Store(database_url())
    [program] = store.list_programs()
    before = store.get_document("mapping", program.id, DEMO_TAXONOMY_NAME)
    assert before is not None and before.version == 1
    rows = before.data["rows"]
    debris = next(i for i, r in enumerate(rows) if r["new_label"] is None)
    dropped = int(_metric(at, "Dropped"))
    editor_key = f"tx_editor_{program.id}_{DEMO_TAXONOMY_NAME}_{before.version}"
    edit = {"edited_rows": {debris: {"new_label": "cyclist"}}, "added_rows": [],
            "deleted_rows": []}
    at.session_state[editor_key] = edit
    at = at.run()
    _ok(at)
    assert int(_metric(at, "Dropped")) == dropped  # not saved yet: the table still shows the store
    at = at.button(key="tx_save_mapping").click().run()
    _ok(at)
    after = store.get_document("mapping", program.id, DEMO_TAXONOMY_NAME)
    assert after is not None and after.version == 2
    assert after.data["rows"][debris]["new_label"] == "cyclist"
    assert int(_metric(at, "Dropped")) == dropped - 1
    assert any("Mapping for" in s.value for s in at.success)

    # a row without an old label is refused with its row number; nothing is saved
    at.session_state[f"tx_editor_{program.id}_{DEMO_TAXONOMY_NAME}_2"] = {
        "edited_rows": {0: {"old_label": None}}, "added_rows": [], "deleted_rows": []}
    at = at.run()
    at = at.button(key="tx_save_mapping").click().run()
    _ok(at)
    errors = _errors(at)
    assert "not saved" in errors and "row 1" in errors and "empty old label" in errors
    still = store.get_document("mapping", program.id, DEMO_TAXONOMY_NAME)
    assert still is not None and still.version == 2


def test_staffing_pricing_in_the_form(app_env: Path) -> None:
    """The new vendor priced as a staffed team: a negative FTE count is named and not applied;
    valid figures give the stay-vs-switch fee of FTEs x hours x rate plus milestones / horizon."""
    _program()
    at = _open()
    _ok(at)
    [radio] = [r for r in at.radio if r.key and r.key.endswith(":new_vendor.pricing")]
    radio.set_value("staffing")
    for which in ("low", "most_likely", "high"):
        _input(at, f":new_vendor.ftes:{which}").set_value(-2.0)
    at = _apply(at)
    _ok(at)
    errors = _errors(at)
    assert "New vendor: FTEs" in errors and "new_vendor.ftes" in errors and "at least 0" in errors
    for which in ("low", "most_likely", "high"):
        _input(at, f":new_vendor.ftes:{which}").set_value(20.0)
        _input(at, f":new_vendor.hourly_rate:{which}").set_value(12.0)
        _input(at, f":new_vendor.milestone_payments:{which}").set_value(3600.0)
    at = _apply(at)
    _ok(at)
    scenario = at.session_state["sw_scenario"]
    assert scenario["new_vendor"]["pricing"] == "staffing"
    horizon = scenario["stay_vs_switch"]["horizon_months"]
    fee = 20 * 160 * 12 + 3600 / horizon
    assert any(f"staffing: 20 FTEs x 160 h/month x 12.00/h = 38,400.00 + milestones 3,600.00 / {horizon:g} "
               f"months = {fee:,.2f}" in c.value for c in at.caption)


def test_the_scenario_form_is_drawn_only_while_its_tab_is_open() -> None:
    at = _open()
    assert any(n.key and str(n.key).startswith("sw_") for n in at.number_input)
    at.session_state["sw_tabs"] = "Results"
    at = at.run()
    assert "sw_download" not in [b.key for b in at.get("download_button")]
    assert _metric(at, "Total P50")  # the results are still there
