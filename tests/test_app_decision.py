"""The decision panels in the app: SMAA verdict and agreement on the scorecard page, adopting a
panel's elicited weights with provenance, and variance shares with a correlated scenario."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from scorecard_helpers import with_worker_welfare
from streamlit.testing.v1 import AppTest

from annogov.services import scoring
from annogov.services.reporting import program_report, scorecard_part
from annogov.store import Store, database_url
from migration.scenario_io import load_scenario
from migration.switching import switching_cost

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    # the demo's gates show as errors; none may come from the decision panels
    assert not [e.value for e in at.error if "went wrong" in e.value or "weight" in e.value.lower()]


def _frame(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    """The table with this column."""
    return next(f.value for f in at.dataframe if column in f.value.columns)


def test_scorecard_shows_smaa_agreement_and_adopts_panel_weights(open_app: Callable[..., AppTest]) -> None:
    at = open_app("app_pages/scorecard.py", demo=True)
    _ok(at)
    verdicts = [m.value for m in [*at.success, *at.warning] if "winner" in m.value]
    assert verdicts and ("clear winner" in verdicts[0] or "fragile winner" in verdicts[0])
    smaa = _frame(at, "Rank 1 (%)")
    assert abs(smaa["Rank 1 (%)"].sum() - 100) < 0.5
    assert len(_frame(at, "Alpha")) == 5
    assert any("Weights typed directly" in c.value for c in at.caption)

    at.text_area(key="panel_weights_text").set_value((EXAMPLES / "weights-ahp.yaml").read_text()).run()
    _ok(at)
    assert len(_frame(at, "Consistency")) == 3
    at.button(key="adopt_panel_weights").click().run()
    _ok(at)
    store = Store(database_url())
    try:
        program = store.list_programs()[0]
        rubric, _ = scoring.load_program_rubric(store, program.id)
    finally:
        store.close()
    assert rubric.weights_provenance is not None and rubric.weights_provenance["method"] == "ahp"
    assert abs(sum(rubric.weights.values()) - 100) < 1e-9
    assert any("Weights elicited by AHP" in c.value for c in at.caption)
    assert at.number_input(key=f"weight_{program.id}_quality_sla").value == rubric.weights["quality_sla"]

    # an order of importance, saved into the rubric, is what the program's report uses
    at.multiselect(key=f"smaa_order_{program.id}").set_value(["Quality SLA", "Workforce model"]).run()
    _ok(at)
    assert any("Not saved" in c.value for c in at.caption)
    shown = [m.value for m in [*at.success, *at.warning] if "winner" in m.value][0]
    at.button(key="save_weight_space").click().run()
    _ok(at)
    store = Store(database_url())
    try:
        rubric, _ = scoring.load_program_rubric(store, program.id)
        report = program_report(store, program, created=date(2026, 12, 4)).report
    finally:
        store.close()
    assert rubric.weight_space is not None and rubric.weight_space.order == ["quality_sla", "workforce"]
    assert report is not None and report.scorecard is not None
    smaa = (report.scorecard.model_extra or {})["smaa"]
    assert smaa["order"] == ["quality_sla", "workforce"] and smaa["verdict"] == shown
    assert (report.scorecard.model_extra or {})["weights_provenance"]["method"] == "ahp"


def test_switching_page_shows_variance_shares_and_the_correlation(open_app: Callable[..., AppTest]) -> None:
    store = Store(database_url())
    try:
        store.create_program("Switch")
    finally:
        store.close()
    at = open_app("app_pages/switching.py")
    _ok(at)
    path = EXAMPLES / "scenario-correlated.yaml"
    at.file_uploader(key="sw_upload").set_value((path.name, path.read_bytes(), "application/yaml")).run()
    _ok(at)
    shares = _frame(at, "Contribution (%)")
    assert shares["Contribution (%)"].sum() <= 100.05  # the table lists the top 12 inputs
    corr = _frame(at, "sla_gap.gap_weeks")
    assert list(corr.columns) == load_scenario(path).correlation.inputs  # type: ignore[union-attr]
    assert any("Iman-Conover" in i.value for i in at.info)
    expected = switching_cost(load_scenario(path)).to_payload()  # the page's default draws and seed
    assert expected["correlation"]["inputs"] == list(corr.columns)
    assert list(shares["Key"]) == [r["parameter"] for r in expected["sensitivity"]["rows"][:12]]
    assert list(shares["Contribution (%)"]) == [round(100 * r["contribution"], 1)
                                                for r in expected["sensitivity"]["rows"][:12]]


def test_decision_panels_follow_a_rubric_with_a_sixth_dimension(open_app: Callable[..., AppTest]) -> None:
    """A program rubric with worker welfare: its saved order and ranges, the SMAA central weights,
    the agreement table and the panel's weights all name the sixth dimension; a provider with top
    marks but knocked out by the quality floor never appears in the app's or the report's SMAA."""
    from annogov.store import ScoreEdit
    from scorecard.dimensions import DIMENSION_KEYS
    from scorecard.weight_space import WeightSpace

    open_app(demo=True)
    store = Store(database_url())
    try:
        program = store.list_programs()[0]
        data = with_worker_welfare()
        data["weight_space"] = WeightSpace(ranges={"worker_welfare": (5.0, 30.0)},
                                           order=["worker_welfare", "commercial"]).model_dump(mode="json")
        store.save_document("rubric", program.id, scoring.RUBRIC_NAME, data)
        evaluators = {(e.provider_id, e.evaluator) for e in store.list_evaluations(program.id)}
        store.save_scores(program.id, [ScoreEdit(provider_id=p, evaluator=e, dimension="worker_welfare", score=3)
                                       for p, e in sorted(evaluators)])
        best = min(p for p, _ in evaluators)  # top marks everywhere but a quality SLA below the floor
        store.save_scores(program.id, [ScoreEdit(provider_id=best, evaluator=e, dimension=d,
                                                 score=1.0 if d == "quality_sla" else 5.0)
                                       for p, e in sorted(evaluators) if p == best
                                       for d in (*DIMENSION_KEYS, "worker_welfare")])
        card, _ = scorecard_part(store, program.id, None)
    finally:
        store.close()
    at = open_app("app_pages/scorecard.py", demo=True)
    _ok(at)
    assert at.multiselect(key=f"smaa_order_{program.id}").value == ["Worker welfare", "Commercial flexibility"]
    assert at.slider(key=f"smaa_range_{program.id}_worker_welfare").value == (5.0, 30.0)
    assert "Worker welfare" in set(_frame(at, "Alpha")["Dimension"])
    assert any("Worker welfare" in c.value for c in at.caption if "Central weights" in c.value)
    assert card is not None
    payload = card.model_dump()
    excluded = {p["name"] for p in payload["providers"] if not p.get("eligible", True)}
    assert len(excluded) == 1  # knocked out by the quality floor
    smaa = _frame(at, "Rank 1 (%)")
    assert set(smaa["Provider"]) and not set(smaa["Provider"]) & excluded
    report_smaa = (card.model_extra or {})["smaa"]
    assert report_smaa["order"] == ["worker_welfare", "commercial"]
    assert not {p["name"] for p in report_smaa["providers"]} & excluded
    assert all(len(w.split(" / ")) == 6 for w in smaa["Central weights"] if w != "-")
    swing = ("method: swing\nevaluators:\n  - name: Lead\n    swing: {workforce: 80, security: 60, "
             "quality_sla: 100, ai_throughput: 40, commercial: 40, worker_welfare: 80}\n")
    at.text_area(key="panel_weights_text").set_value(swing).run()
    _ok(at)
    assert at.button(key="adopt_panel_weights").disabled is False
