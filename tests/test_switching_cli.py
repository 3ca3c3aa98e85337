"""`annogov switching-cost` end to end, including a taxonomy result feeding it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annogov.cli import main
from migration.scenario import AREAS

EX = Path(__file__).resolve().parents[1] / "examples"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "switching-cost", str(EX / "scenario.yaml"), "--simulations", "2000", "--seed", "4", "--format", "json"
    )
    assert code == 0
    payload = json.loads(out)
    assert set(payload) >= {"deterministic", "percentiles", "tornado", "stay_vs_switch"}
    assert list(payload["deterministic"]) == [*AREAS, "total"]
    assert all(set(payload["percentiles"][k]) == {"p10", "p50", "p90"} for k in (*AREAS, "total"))
    swings = [b["swing"] for b in payload["tornado"]]
    assert swings == sorted(swings, reverse=True)
    assert {
        "break_even_month_p50",
        "break_even_month_p90",
        "probability_switch_cheaper",
        "cost_in_months_of_current_fees",
    } <= set(payload["stay_vs_switch"])
    assert payload["simulations"] == 2000 and payload["seed"] == 4
    assert all(p["help"] for p in payload["parameters"])


def test_taxonomy_result_feeds_reannotation_items(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    tx = EX / "taxonomy"
    code, out, _ = _run(
        capsys,
        "taxonomy",
        str(tx / "old.csv"),
        str(tx / "new.csv"),
        "--mapping",
        str(tx / "mapping.csv"),
        "--dataset",
        str(tx / "dataset.csv"),
        "--format",
        "json",
    )
    assert code == 0
    result_path = tmp_path / "tax.json"
    result_path.write_text(out)
    items = json.loads(out)["totals"]["reannotation_items"]
    code, out, _ = _run(
        capsys,
        "switching-cost",
        str(EX / "scenario.yaml"),
        "--taxonomy-result",
        str(result_path),
        "--simulations",
        "200",
        "--format",
        "json",
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["reannotation_items_from"] == "taxonomy result"
    param = {p["key"]: p for p in payload["parameters"]}
    assert param["taxonomy_migration.reannotation_items"]["most_likely"] == items
    assert "taxonomy_migration.reannotation_items" not in {b["parameter"] for b in payload["tornado"]}


def test_xlsx_scenario_and_table_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "switching-cost", str(EX / "scenario.xlsx"), "--simulations", "500")
    assert code == 0
    assert "total" in out and "Stay versus switch over 24 months" in out


def test_bad_inputs_exit_2_with_located_messages(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "s.yaml"
    bad.write_text("reannotation:\n  revision_cycles: 0.5\n")
    code, out, err = _run(capsys, "switching-cost", str(bad))
    assert code == 2 and out == ""
    assert "s.yaml: reannotation.revision_cycles: must be at least 1.0" in err
    tax = tmp_path / "t.json"
    tax.write_text(json.dumps({"totals": {"reannotation_items": None}}))
    code, _, err = _run(capsys, "switching-cost", str(EX / "scenario.yaml"), "--taxonomy-result", str(tax))
    assert code == 2 and "t.json: totals.reannotation_items: no count" in err
    with pytest.raises(SystemExit) as info:
        main(["switching-cost", str(EX / "scenario.yaml"), "--simulations", "0"])
    assert info.value.code == 2


def test_cli_json_is_exactly_the_pure_functions_payload(capsys: pytest.CaptureFixture[str]) -> None:
    from migration import analyse_taxonomy_files, load_scenario, switching_cost

    code, out, _ = _run(
        capsys, "switching-cost", str(EX / "scenario.xlsx"), "--simulations", "300", "--seed", "9", "--format", "json"
    )
    assert code == 0
    expected = switching_cost(load_scenario(EX / "scenario.xlsx"), simulations=300, seed=9)
    assert json.loads(out) == json.loads(json.dumps(expected.to_payload()))
    tx = EX / "taxonomy"
    code, out, _ = _run(
        capsys,
        "taxonomy",
        str(tx / "old.csv"),
        str(tx / "new.csv"),
        "--sample",
        str(tx / "dual-sample.csv"),
        "--format",
        "json",
    )
    assert code == 0
    result = analyse_taxonomy_files(tx / "old.csv", tx / "new.csv", sample_path=tx / "dual-sample.csv")
    assert json.loads(out) == json.loads(json.dumps(result.to_payload()))


def test_example_switch_pays_back_inside_the_horizon_most_of_the_time() -> None:
    from migration import load_scenario, switching_cost

    sv = switching_cost(load_scenario(EX / "scenario.yaml"), simulations=5000, seed=2)
    s = sv.stay_vs_switch
    assert s.break_even_month_p50 is not None and s.break_even_month_p90 is not None
    assert s.break_even_month_p50 <= s.break_even_month_p90
    assert 0.5 < s.probability_switch_cheaper < 1.0
    assert s.cost_in_months_of_current_fees["p50"] == pytest.approx(sv.percentiles["total"].p50 / s.current_monthly_fee)


def test_too_many_simulations_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "switching-cost", str(EX / "scenario.yaml"), "--simulations", "50000000")
    assert code == 2 and "simulations must be between 1 and 2,000,000" in err
    code, _, err = _run(capsys, "switching-cost", str(EX / "scenario.yaml"), "--seed", "-1")
    assert code == 2 and "the seed must be a whole number of 0 or more, not -1" in err


def test_table_shows_a_zero_month_and_a_missing_ratio_plainly() -> None:
    from annogov.cli.switching_cost import render_table
    from migration import load_scenario, switching_cost

    payload = switching_cost(load_scenario(EX / "scenario.yaml"), simulations=100, seed=1).to_payload()
    payload["stay_vs_switch"]["break_even_month"] = 0.0
    payload["stay_vs_switch"]["cost_in_months_of_current_fees"].update(p50=None, p90=None)
    text = render_table(payload)
    assert "break-even month: most likely 0.0, P50" in text
    assert "switching cost = - months of current fees at P50, - at P90" in text
