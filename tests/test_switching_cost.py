"""Switching-cost model: hand-computed scenarios, Monte Carlo properties, tornado, stay/switch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import InputError
from migration.distributions import Estimate, draw
from migration.montecarlo import deterministic, simulate
from migration.scenario import AREAS, Scenario, parameter_catalogue, section_help
from migration.scenario_io import (
    load_scenario,
    scenario_from_dict,
    scenario_to_dict,
    write_scenario_xlsx,
)
from migration.switching import switching_cost, switching_cost_and_totals

ROOT = Path(__file__).resolve().parents[1]

HAND = {
    "volume": {"weekly_labels": 1000},
    "current_vendor": {"price_per_label": 0.50, "first_pass_yield": 1.0},
    "new_vendor": {"price_per_label": 0.36, "first_pass_yield": 0.9},
    "taxonomy_migration": {"mapping_hours": 10, "hourly_rate": 100, "reannotation_items": 500},
    "reannotation": {
        "affected_items": 1000,
        "revision_cycles": 1.5,
        "disagreement_share": 0.2,
        "adjudication_cost_per_item": 0.5,
        "gold_set_items": 120,
        "expert_minutes_per_item": 5,
        "expert_hourly_rate": 60,
    },
    "retraining": {
        "runs": 2,
        "compute_cost_per_run": 1000,
        "engineering_cost_per_run": 500,
        "evaluation_cost_per_run": 250,
    },
    "sla_gap": {"gap_weeks": 3, "throughput_share": 0.25, "fixed_weekly_cost": 2000, "delay_cost_per_week": 100},
    "knowledge_loss": {
        "calibration_weeks": 4,
        "recovery_shape": 1,
        "calibration_weekly_cost": 300,
        "initial_rework_share": 0.2,
        "undocumented_rulings": 10,
        "hours_per_ruling": 1.5,
    },
    "stay_vs_switch": {"horizon_months": 36},
}


def _hand(**changes: dict) -> Scenario:
    doc = {k: dict(v) for k, v in HAND.items()}
    for section, values in changes.items():
        doc[section].update(values)
    return scenario_from_dict(doc)


def test_hand_computed_scenario_to_the_cent() -> None:
    # usable new label = 0.36 / 0.9 = 0.40
    det = deterministic(_hand())
    expected = {
        "taxonomy_migration": 10 * 100 + 500 * 0.40,  # 1200.00
        "reannotation": 1000 * 1.5 * 0.36 + 1000 * 0.2 * 0.5 + 120 * 5 / 60 * 60,  # 1240.00
        "retraining": 2 * (1000 + 500 + 250),  # 3500.00
        "sla_gap": 3 * (2000 * 0.75 + 100),  # 4800.00
        "knowledge_loss": 4 * 300 + 1000 * 0.2 * 4 / 2 * 0.40 + 10 * 1.5 * 100,  # 2860.00
    }
    assert [round(det[k], 2) for k in AREAS] == [1200.00, 1240.00, 3500.00, 4800.00, 2860.00]
    assert {k: round(det[k], 2) for k in AREAS} == {k: round(v, 2) for k, v in expected.items()}
    assert round(det["total"], 2) == 13600.00


def test_revision_passes_are_billed_once_at_the_per_label_price() -> None:
    """100 items x 2 passes x 1.00 = 200, whatever the first-pass yield (the passes are the rework)."""
    only = {
        "affected_items": 100,
        "revision_cycles": 2,
        "disagreement_share": 0,
        "adjudication_cost_per_item": 0,
        "gold_set_items": 0,
    }
    for fpy in (1.0, 0.5):
        det = deterministic(_hand(new_vendor={"price_per_label": 1.0, "first_pass_yield": fpy}, reannotation=only))
        assert det["reannotation"] == 200.0


def test_hand_computed_recovery_shape_and_stay_vs_switch() -> None:
    result = switching_cost(_hand(knowledge_loss={"recovery_shape": 2}), simulations=50, seed=1)
    # rework weeks = T / (shape + 1) = 4/3; 1000 * 0.2 * 4/3 * 0.40 = 106.67
    assert result.to_payload()["deterministic"]["knowledge_loss"] == 1200 + 106.67 + 1500
    total = 1200 + 1240 + 3500 + 4800 + 1200 + 1000 * 0.2 * (4 / 3) * 0.40 + 1500
    sv = result.to_payload()["stay_vs_switch"]
    monthly = 1000 * 52 / 12
    assert sv["current_monthly_fee"] == round(monthly * 0.50, 2) == 2166.67
    assert sv["new_monthly_fee"] == round(monthly * 0.40, 2) == 1733.33
    assert sv["break_even_month"] == round(total / (monthly * 0.10), 2) == 31.26
    assert sv["cost_in_months_of_current_fees"]["deterministic"] == round(total / 2166.6667, 2)
    assert sv["probability_switch_cheaper"] == 1.0  # all points: break-even 31.26 < 36 months


def test_no_saving_never_breaks_even_with_a_reason() -> None:
    result = switching_cost(_hand(new_vendor={"price_per_label": 0.45}), simulations=20, seed=3)
    sv = result.stay_vs_switch
    assert sv.break_even_month is None and sv.break_even_month_p90 is None
    assert sv.break_even_reason and "never pays back" in sv.break_even_reason
    assert sv.probability_switch_cheaper == 0.0


def test_collapsed_monte_carlo_equals_deterministic_exactly() -> None:
    scenario = load_scenario(ROOT / "examples" / "scenario.yaml")
    collapsed = scenario.collapsed()
    det = deterministic(collapsed)
    assert det == deterministic(scenario)
    result = switching_cost(collapsed, simulations=1000, seed=7)
    for key in (*AREAS, "total"):
        band = result.percentiles[key]
        assert band.p10 == band.p50 == band.p90 == det[key] == result.deterministic[key]
    assert result.stay_vs_switch.break_even_month_p50 == result.stay_vs_switch.break_even_month
    assert result.tornado == []


def test_percentiles_ordered_and_seed_reproducible() -> None:
    scenario = load_scenario(ROOT / "examples" / "scenario.yaml")
    a = switching_cost(scenario, simulations=2000, seed=11)
    b = switching_cost(scenario, simulations=2000, seed=11)
    c = switching_cost(scenario, simulations=2000, seed=12)
    for band in a.percentiles.values():
        assert band.p10 <= band.p50 <= band.p90
    assert a.percentiles["total"].p10 < a.percentiles["total"].p90
    assert a.to_payload() == b.to_payload()
    assert a.percentiles != c.percentiles
    result, totals = switching_cost_and_totals(scenario, simulations=2000, seed=11)
    assert result == a and len(totals) == 2000
    assert np.percentile(totals, 90) == a.percentiles["total"].p90
    _, out1 = simulate(scenario, 500, 5)
    _, out2 = simulate(scenario, 500, 5)
    assert all(np.array_equal(out1[k], out2[k]) for k in out1)
    assert all(out1[k].tobytes() == out2[k].tobytes() for k in out1)


def test_draws_stay_in_range_and_match_the_pert_mean() -> None:
    rng = np.random.default_rng(0)
    est = Estimate(low=10, most_likely=20, high=60)
    x = draw(est, 200_000, rng)
    assert x.min() >= 10 and x.max() <= 60
    assert x.mean() == pytest.approx(est.mean(), rel=0.01)  # (10 + 80 + 60) / 6 = 25
    tri = Estimate(low=0, most_likely=1, high=5, distribution="triangular")
    assert draw(tri, 200_000, rng).mean() == pytest.approx(2.0, rel=0.01)


@settings(max_examples=25, deadline=None)
@given(st.floats(0, 100), st.floats(0, 100), st.floats(0, 100), st.integers(0, 10_000))
def test_percentiles_ordered_for_any_range(a: float, b: float, c: float, seed: int) -> None:
    low, ml, high = sorted((a, b, c))
    scenario = Scenario().with_estimate("retraining.runs", Estimate(low=low, most_likely=ml, high=high))
    result = switching_cost(scenario, simulations=200, seed=seed)
    for band in result.percentiles.values():
        assert band.p10 <= band.p50 <= band.p90


def test_tornado_ranks_a_dominant_input_first() -> None:
    scenario = _hand().with_estimate(
        "retraining.compute_cost_per_run", Estimate(low=0, most_likely=1000, high=1_000_000)
    )
    scenario = scenario.with_estimate("sla_gap.gap_weeks", Estimate(low=2, most_likely=3, high=4))
    bars = switching_cost(scenario, simulations=100, seed=1).tornado
    assert [b.parameter for b in bars] == ["retraining.compute_cost_per_run", "sla_gap.gap_weeks"]
    assert bars[0].swing == pytest.approx(2 * 1_000_000)
    assert bars[1].swing == pytest.approx(2 * 1600)  # one week either side of 1600/week
    assert bars[1].total_at_low == pytest.approx(13600 - 1600)


def test_taxonomy_items_feed_the_migration_area() -> None:
    result = switching_cost(_hand(), simulations=10, seed=1, reannotation_items=2000)
    assert round(result.deterministic["taxonomy_migration"], 2) == 1000 + 2000 * 0.40
    assert result.reannotation_items_from == "taxonomy result"


def test_parameters_have_help_units_and_bounds() -> None:
    catalogue = parameter_catalogue()
    assert len(catalogue) >= 25
    assert all(p.help and p.unit for p in catalogue)
    assert len({p.help for p in catalogue}) == len(catalogue)
    assert set(section_help()) >= set(AREAS)
    assert all(section_help().values())


def test_scenario_validation_collects_located_problems(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "sla_gap:\n  throughput_share: [0.2, 0.5, 1.4]\n  gap_weeks: [5, 3, 4]\n"
        "retraining:\n  runz: 3\nnew_vendor:\n  first_pass_yield: 0\n"
    )
    with pytest.raises(InputError) as info:
        load_scenario(path)
    text = str(info.value)
    assert "sla_gap.throughput_share: must be at most 1.0" in text
    assert "sla_gap.gap_weeks" in text and "low <= most_likely <= high" in text
    assert "retraining.runz: unknown parameter; expected one of runs," in text
    assert "new_vendor.first_pass_yield: must be above 0" in text
    assert len(info.value.problems) == 4


def test_yaml_json_and_xlsx_scenarios_agree(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "examples" / "scenario.yaml")
    xlsx = tmp_path / "s.xlsx"
    write_scenario_xlsx(scenario, xlsx)
    assert load_scenario(xlsx) == scenario
    shipped = load_scenario(ROOT / "examples" / "scenario.xlsx")
    assert shipped == scenario
    import json

    js = tmp_path / "s.json"
    js.write_text(json.dumps(scenario_to_dict(scenario)))
    assert load_scenario(js) == scenario


def test_xlsx_problems_name_sheet_row_and_column(tmp_path: Path) -> None:
    import openpyxl

    scenario = load_scenario(ROOT / "examples" / "scenario.yaml")
    xlsx = tmp_path / "s.xlsx"
    write_scenario_xlsx(scenario, xlsx)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    assert ws is not None
    for row in ws.iter_rows(min_row=3):
        if row[1].value == "gap_weeks":
            row[3].value = 99  # most likely above high
            bad_row = row[0].row
    wb.save(xlsx)
    with pytest.raises(InputError) as info:
        load_scenario(xlsx)
    assert f"s.xlsx, sheet 'Scenario', row {bad_row}, column 'most_likely'" in str(info.value)
