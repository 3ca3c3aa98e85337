"""Staffing price model beside per-label prices (issue 13): FTEs x hours x rate plus milestones."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annogov.cli import main
from ingest import InputError
from migration.montecarlo import deterministic
from migration.scenario import AREAS, Scenario, parameter_catalogue
from migration.scenario_io import load_scenario, scenario_from_dict, scenario_to_dict, write_scenario_xlsx
from migration.switching import switching_cost
from tests.test_switching_cost import HAND

STAFFED = {"pricing": "staffing", "ftes": 1, "hours_per_month": 130, "hourly_rate": 10, "milestone_payments": 3600}


def _doc(**changes: dict) -> dict:
    doc = {k: dict(v) for k, v in HAND.items()}
    for section, values in changes.items():
        doc[section].update(values)
    return doc


def test_staffed_new_vendor_hand_computed() -> None:
    """3,000 labels a week = 13,000 a month; a team of 1 FTE x 130 h x 10.00 = 1,300 a month is
    0.10 a label; milestones 3,600 over 36 months add 100 a month to the fee (not to a label)."""
    scenario = scenario_from_dict(_doc(volume={"weekly_labels": 3000}, new_vendor=STAFFED))
    det = deterministic(scenario)
    assert {k: round(det[k], 2) for k in AREAS} == {
        "taxonomy_migration": 10 * 100 + 500 * 0.10,  # 1050
        "reannotation": 1000 * 1.5 * 0.10 + 1000 * 0.2 * 0.5 + 120 * 5 / 60 * 60,  # 850
        "retraining": 3500,
        "sla_gap": 4800,
        "knowledge_loss": 4 * 300 + 3000 * 0.2 * 4 / 2 * 0.10 + 10 * 1.5 * 100,  # 2820
    }
    assert round(det["total"], 2) == 13020
    sv = switching_cost(scenario, simulations=20, seed=1).to_payload()["stay_vs_switch"]
    assert sv["current_monthly_fee"] == 13000 * 0.50 == 6500
    assert sv["new_monthly_fee"] == 1300 + 3600 / 36 == 1400
    assert sv["break_even_month"] == round(13020 / 5100, 2) == 2.55
    assert sv["new_fee_basis"] == (
        "staffing: 1 FTEs x 130 h/month x 10.00/h = 1,300.00 + milestones 3,600.00 / 36 months = 1,400.00"
    )
    assert sv["current_fee_basis"].startswith("per label: 13,000 labels/month x 0.5")


def test_staffed_vendor_ignores_per_label_figures_and_draws_only_its_own() -> None:
    base = _doc(volume={"weekly_labels": 3000}, new_vendor=STAFFED)
    other = _doc(
        volume={"weekly_labels": 3000}, new_vendor={**STAFFED, "price_per_label": 9.0, "first_pass_yield": 0.1}
    )
    assert deterministic(scenario_from_dict(base)) == deterministic(scenario_from_dict(other))
    keys = scenario_from_dict(base).estimates()
    assert "new_vendor.ftes" in keys and "new_vendor.price_per_label" not in keys
    assert "current_vendor.price_per_label" in keys and "current_vendor.ftes" not in keys


def test_per_label_scenarios_draw_exactly_as_before() -> None:
    """The staffing fields of a per-label vendor take no draws, so seeded results do not move."""
    scenario = load_scenario(Path(__file__).resolve().parents[1] / "examples" / "scenario.yaml")
    assert [k for k in scenario.estimates() if k.startswith("new_vendor.")] == [
        "new_vendor.price_per_label",
        "new_vendor.first_pass_yield",
    ]


@settings(max_examples=60, deadline=None)
@given(
    weekly=st.integers(100, 200_000),
    price=st.floats(0.01, 5.0),
    hours=st.floats(20, 200),
    ftes=st.floats(0.5, 150),
)
def test_a_team_billed_at_the_per_label_cost_is_the_same_switch(
    weekly: int, price: float, hours: float, ftes: float
) -> None:
    """A staffed team whose monthly bill equals monthly labels x price (yield 1, no milestones) gives
    the same areas, fees and break-even as the per-label vendor."""
    rate = weekly * 52 / 12 * price / (ftes * hours)
    per_label = scenario_from_dict(
        _doc(volume={"weekly_labels": weekly}, new_vendor={"price_per_label": price, "first_pass_yield": 1.0})
    )
    team = scenario_from_dict(
        _doc(
            volume={"weekly_labels": weekly},
            new_vendor={"pricing": "staffing", "ftes": ftes, "hours_per_month": hours, "hourly_rate": rate},
        )
    )
    a, b = deterministic(per_label), deterministic(team)
    assert all(b[k] == pytest.approx(a[k], rel=1e-9) for k in a)
    sa = switching_cost(per_label, simulations=5, seed=0).stay_vs_switch
    sb = switching_cost(team, simulations=5, seed=0).stay_vs_switch
    assert sb.new_monthly_fee == pytest.approx(sa.new_monthly_fee, rel=1e-9)


def test_staffing_ranges_enter_the_tornado() -> None:
    doc = _doc(volume={"weekly_labels": 3000}, new_vendor={**STAFFED, "ftes": {"low": 1, "most_likely": 1, "high": 2}})
    bars = switching_cost(scenario_from_dict(doc), simulations=50, seed=2).tornado
    (bar,) = [b for b in bars if b.parameter == "new_vendor.ftes"]
    assert bar.label == "New vendor: FTEs"
    # 2 FTEs double the per-label cost from 0.10 to 0.20: +50 (taxonomy) +150 (passes) +120 (rework)
    assert bar.swing == pytest.approx(50 + 150 + 120)


def test_negative_fte_count_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("new_vendor:\n  pricing: staffing\n  ftes: -2\n  hourly_rate: 30\n")
    with pytest.raises(InputError) as info:
        load_scenario(path)
    assert str(info.value) == "s.yaml: new_vendor.ftes: must be at least 0.0; low is -2.0"
    assert main(["switching-cost", str(path)]) == 2
    assert "new_vendor.ftes: must be at least 0.0" in capsys.readouterr().err
    wrong = tmp_path / "w.yaml"
    wrong.write_text("current_vendor:\n  pricing: hourly\n")
    with pytest.raises(InputError, match="current_vendor.pricing: Input should be 'per_label' or 'staffing'"):
        load_scenario(wrong)


def test_staffing_in_the_xlsx_scenario_sheet(tmp_path: Path) -> None:
    scenario = scenario_from_dict(_doc(volume={"weekly_labels": 3000}, new_vendor=STAFFED))
    xlsx = tmp_path / "s.xlsx"
    write_scenario_xlsx(scenario, xlsx)
    assert load_scenario(xlsx) == scenario
    js = tmp_path / "s.json"
    js.write_text(json.dumps(scenario_to_dict(scenario)))
    assert load_scenario(js) == scenario
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.active
    assert ws is not None
    rows = {(r[0].value, r[1].value): r for r in ws.iter_rows(min_row=3)}
    assert rows[("new_vendor", "pricing")][3].value == "staffing"
    assert str(rows[("new_vendor", "price_per_label")][7].value).startswith("(not used with this pricing)")
    rows[("new_vendor", "ftes")][3].value = -3
    bad_row = rows[("new_vendor", "ftes")][3].row
    wb.save(xlsx)
    with pytest.raises(InputError) as info:
        load_scenario(xlsx)
    assert f"s.xlsx, sheet 'Scenario', row {bad_row}, column 'most_likely'" in str(info.value)
    assert "new_vendor.ftes: must be at least 0.0" in str(info.value)


def test_catalogue_lists_unused_pricing_figures_only_when_asked() -> None:
    used = {p.key for p in parameter_catalogue(Scenario())}
    every = {p.key: p.used for p in parameter_catalogue(Scenario(), unused=True)}
    assert "new_vendor.ftes" not in used and every["new_vendor.ftes"] is False
    assert set(every) - used == {
        f"{v}.{f}"
        for v in ("current_vendor", "new_vendor")
        for f in ("ftes", "hours_per_month", "hourly_rate", "milestone_payments")
    }


def test_reports_carry_the_fee_basis() -> None:
    """The PDF/xlsx switching section and the summary read the fee arithmetic from the payload."""
    from governance.reports.model import SwitchingPayload
    from governance.reports.summary import switching_summary
    from governance.reports.switching_sections import stay_vs_switch_section

    scenario = scenario_from_dict(_doc(volume={"weekly_labels": 3000}, new_vendor=STAFFED))
    payload = SwitchingPayload.model_validate(switching_cost(scenario, simulations=20, seed=1).to_payload())
    section = stay_vs_switch_section(payload)
    assert section is not None
    rows = {r[0]: r[1] for r in section.rows}
    assert rows["New fee basis"].startswith("staffing: 1 FTEs x 130 h/month x 10.00/h = 1,300.00")
    assert any("after the switch (staffing: 1 FTEs" in line for line in switching_summary(payload))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ftes", 0, "new_vendor.ftes: must be above 0"),
        ("hours_per_month", 0, "new_vendor.hours_per_month: must be above 0"),
        ("hours_per_month", 800, "new_vendor.hours_per_month: must be at most 744"),
        ("hourly_rate", -1, "new_vendor.hourly_rate: must be at least 0.0"),
        ("milestone_payments", -100, "new_vendor.milestone_payments: must be at least 0.0"),
    ],
)
def test_bad_staffing_figures_are_located(field: str, value: float, message: str) -> None:
    with pytest.raises(InputError) as info:
        scenario_from_dict({"new_vendor": {"pricing": "staffing", field: value}}, "s.yaml")
    assert str(info.value).startswith(f"s.yaml: {message}")


def test_scenario_workbook_with_formula_like_text_reads_back_unchanged(tmp_path: Path) -> None:
    """The scenario workbook quotes '=...' and '-...' text to keep it inert; reading it back
    drops the quote, so the scenario (staffing pricing included) is what was written."""
    from migration.scenario_io import write_scenario_xlsx

    scenario = Scenario().model_copy(update={"name": "=HYPERLINK(1)", "currency": "-EUR"})
    scenario.new_vendor.pricing = "staffing"
    write_scenario_xlsx(scenario, tmp_path / "s.xlsx")
    back = load_scenario(tmp_path / "s.xlsx")
    assert (back.name, back.currency, back.new_vendor.pricing) == ("=HYPERLINK(1)", "-EUR", "staffing")
    assert back.model_dump() == scenario.model_dump()
