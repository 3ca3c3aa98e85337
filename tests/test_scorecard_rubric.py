"""The rubric as data: validation, persistence, gates and evidence-based suggestions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from ingest import InputError
from scorecard.card import score_sheet
from scorecard.rubric import default_rubric, load_rubric, parse_weights, save_rubric
from scorecard.sheet import ScoreSheet
from tests.scorecard_helpers import KEYS


def test_default_rubric_carries_the_framework_weights() -> None:
    rubric = default_rubric()
    assert rubric.weights == {"workforce": 25, "security": 20, "quality_sla": 25, "ai_throughput": 15, "commercial": 15}
    for dim in rubric.dimensions:
        assert dim.primary_criterion and dim.questions and set(dim.anchors) == {1, 3, 5}


def test_weights_that_do_not_sum_to_100_are_refused_with_the_sum() -> None:
    with pytest.raises(ValidationError, match="sum to 105"):
        default_rubric().with_weights({"workforce": 30})


def test_negative_weight_is_refused() -> None:
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        default_rubric().with_weights({"workforce": -5, "security": 50})


def test_unknown_dimension_in_weights_is_named() -> None:
    with pytest.raises(ValueError, match="unknown dimension speed"):
        default_rubric().with_weights({"speed": 10})


def test_parse_weights_reads_percentages() -> None:
    assert parse_weights("workforce=30%, security=20") == {"workforce": 30.0, "security": 20.0}
    with pytest.raises(ValueError, match="not key=value"):
        parse_weights("workforce30")


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_rubric_round_trips_through_json_and_yaml(tmp_path: Path, suffix: str) -> None:
    rubric = default_rubric().with_weights({"workforce": 30, "commercial": 10})
    path = tmp_path / f"rubric{suffix}"
    save_rubric(rubric, path)
    assert load_rubric(path) == rubric


def test_a_broken_rubric_file_names_the_field(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    save_rubric(default_rubric(), path)
    path.write_text(path.read_text().replace('"weight": 25.0', '"weight": "heavy"', 1))
    with pytest.raises(InputError) as err:
        load_rubric(path)
    assert "dimensions.0.weight" in str(err.value)


def _sheet(scores: dict[str, float], **kpis: object) -> ScoreSheet:
    sheet = ScoreSheet.empty(default_rubric(), ["P"], ["e"])
    for key in KEYS:
        sheet.set("P", "e", key, scores.get(key, 4))
    sheet.kpis = [dict(kpis)]
    return sheet


def test_soc2_type_one_caps_security_and_says_which_gate_fired() -> None:
    provider = score_sheet(_sheet({"security": 5}, soc2_type="Type I"), simulations=0).providers[0]
    assert provider.dimensions["security"]["score"] == 2
    assert provider.dimensions["security"]["uncapped"] == 5
    assert [g.id for g in provider.gates] == ["soc2-type"]
    assert provider.total == pytest.approx(80 - 20 * 4 / 5 + 20 * 2 / 5)


def test_quality_below_floor_forces_material_risk_whatever_the_total() -> None:
    provider = score_sheet(_sheet({"quality_sla": 1.5, "workforce": 5, "security": 5}), simulations=0).providers[0]
    assert provider.total is not None and provider.total >= 60
    assert provider.band == "material delivery risk"
    assert [g.effect for g in provider.gates] == ["knock_out"]


def test_red_flag_from_the_sheet_fires_its_gate() -> None:
    sheet = _sheet({})
    sheet.red_flags = [{"personal_devices"}]
    provider = score_sheet(sheet, simulations=0).providers[0]
    assert provider.band == "material delivery risk" and provider.gates[0].id == "personal-devices"


@pytest.mark.parametrize(
    ("audit_end", "stale"),
    [("2025-11-26", False), ("2025-11-25", True), ("2025-12-01", False), ("2024-06-30", True)],
)
def test_certification_age_crosses_12_months_exactly(audit_end: str, stale: bool) -> None:
    sheet = _sheet({}, soc2_type="Type II", soc2_audit_end=audit_end)
    provider = score_sheet(sheet, as_of=date(2026, 11, 26), simulations=0).providers[0]
    assert ("stale-certification" in [g.id for g in provider.gates]) is stale


def test_kpis_suggest_a_quality_score_and_an_unexplained_override_is_flagged() -> None:
    sheet = _sheet({"quality_sla": 5}, kappa_complex=0.72, defect_rate="1.5%")
    provider = score_sheet(sheet, simulations=0).providers[0]
    assert provider.dimensions["quality_sla"]["suggested"] == 3
    assert [f.kind for f in provider.flags] == ["unexplained_override"]
    sheet.comments[(0, 0, sheet.slot_index("quality_sla"))] = "Pilot measured kappa 0.88 on our data"
    provider = score_sheet(sheet, simulations=0).providers[0]
    assert [f.kind for f in provider.flags] == ["override"]
    assert "0.88" in provider.flags[0].message


def test_age_in_months_counts_calendar_months() -> None:
    from scorecard.kpi_rules import age_in_months

    assert age_in_months(date(2025, 11, 26), date(2026, 11, 26)) == 12
    assert 12 < age_in_months(date(2025, 11, 25), date(2026, 11, 26)) < 12.1
    assert age_in_months(date(2026, 1, 31), date(2026, 2, 28)) == 1  # month-end clamps


def test_unreadable_kpi_is_reported_not_guessed() -> None:
    provider = score_sheet(_sheet({}, kappa_complex="high"), simulations=0).providers[0]
    assert any(f.kind == "evidence_problem" and "kappa_complex" in f.message for f in provider.flags)
