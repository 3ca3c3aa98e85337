"""Scorecard decisions that hold: the rubric's policy table, visible red flags, knock-outs, band
floors per rubric, anchors that agree with the KPI rules, the share rule, guard rails of the
workbook and the template, with hand-checked values."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from report_helpers import libreoffice_convert

from annogov.cli import main
from annogov.cli.score import _csv
from annogov.services import scoring
from annogov.store import Store
from contracts.profile_files import read_questionnaire
from contracts.questionnaire import PROVIDER_QUESTIONS_SHEET, with_provider_questions, write_questionnaire
from governance.reports import ReportInput, build_xlsx
from governance.reports.summary import scorecard_summary
from ingest import InputError
from scorecard.card import score_sheet
from scorecard.dimensions import DIMENSION_KEYS, DIMENSION_NAMES
from scorecard.importer import import_scores
from scorecard.rubric import Rubric, default_rubric, load_rubric
from scorecard.sheet import ExternalFinding, ScoreSheet
from scorecard.template import FLAGS_SHEET, GUIDE_SHEET, template_xlsx

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 26)
HEAD = ["Provider", "Evaluator", *(DIMENSION_NAMES[k] for k in DIMENSION_KEYS)]


def _sheet_file(tmp_path: Path, rows: list[list[Any]], extra: list[str] = ()) -> Path:  # type: ignore[assignment]
    path = tmp_path / "scores.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow([*HEAD, *extra])
        out.writerows(rows)
    return path


def _score(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = main(["score", *args, "--format", "json", "--simulations", "0", "--as-of", AS_OF.isoformat()])
    assert code == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _sheet(scores: dict[str, tuple[float, ...]], flags: dict[str, set[str]] | None = None) -> ScoreSheet:
    sheet = ScoreSheet.empty(default_rubric(), list(scores), ["E1"])
    for name, values in scores.items():
        for key, value in zip(DIMENSION_KEYS, values, strict=True):
            sheet.set(name, "E1", key, value)
    for name, found in (flags or {}).items():
        sheet.red_flags[sheet.providers.index(name)] = set(found)
    return sheet


# one policy table ------------------------------------------------------------------------------


def test_stale_soc2_gives_the_same_cap_as_a_kpi_and_from_a_contract(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """All 4s make 80; security held at 2 takes 20 x 2 / 5 = 8 away: 72, viable, either way."""
    kpi = _sheet_file(
        tmp_path,
        [["Acme", "x", 4, 4, 4, 4, 4, "2025-06-30"], ["Beta", "x", 3, 3, 3, 3, 3, ""]],
        ["End of the last SOC 2 audit period"],
    )
    via_kpi = _score(capsys, str(kpi))["providers"][0]
    profile = yaml.safe_load((ROOT / "examples" / "contract-profile.yaml").read_text(encoding="utf-8"))
    profile["vendor"] = "Acme"
    profile["security"]["soc2_period_end"] = "2025-06-30"
    contract = tmp_path / "acme.yaml"
    contract.write_text(yaml.safe_dump(profile), encoding="utf-8")
    plain = _sheet_file(tmp_path, [["Acme", "x", 4, 4, 4, 4, 4], ["Beta", "x", 3, 3, 3, 3, 3]])
    via_contract = _score(capsys, str(plain), "--contract", str(contract))["providers"][0]
    for p in (via_kpi, via_contract):
        assert p["name"] == "Acme"
        assert (p["total"], p["band"]) == (72.0, "viable with enhanced oversight")
        assert p["dimensions"]["security"]["score"] == 2.0 and p["dimensions"]["security"]["cap"] == 2.0
        stale = [f for f in p["red_flags"] if f["key"] == "certification_stale"]
        assert stale and stale[0]["dimension"] == "security" and stale[0]["policy"] == "caps Security & compliance at 2"
    assert "KPI soc2_audit_end" in via_kpi["red_flags"][0]["source"]
    assert "soc2.stale" in via_contract["red_flags"][0]["source"]


def test_the_default_rubric_states_one_policy_for_every_flag() -> None:
    rubric = default_rubric()
    explicit = {g.red_flag for g in rubric.gates if g.when == "red_flag"}
    assert explicit == rubric.red_flag_keys()
    table = {row["fact"]: row["policy"] for row in rubric.policy_table()}
    assert table["red flag no_calibration"] == "shown, no effect on the score"
    assert table["red flag personal_devices"].startswith("knocks the provider out")
    assert table["quality_sla below 2"].startswith("knocks the provider out")
    data = rubric.model_dump(mode="json")
    data["gates"].append({**data["gates"][0], "id": "again", "effect": "knock_out"})
    with pytest.raises(ValueError, match="more than one policy"):
        Rubric.model_validate(data)


def test_a_contract_finding_the_rubric_does_not_map_is_shown_without_effect() -> None:
    sheet = _sheet({"A": (4, 4, 4, 4, 4)})
    sheet.attach("A", [ExternalFinding("contract a.yaml", "security", "Something new.", finding="novel.code")])
    p = score_sheet(sheet, as_of=AS_OF, simulations=0).providers[0]
    assert p.total == 80.0 and p.gates == []
    assert [(f.key, f.effect) for f in p.red_flags] == [("novel.code", "show")]


def test_override_flags_carry_their_own_dimension(capsys: pytest.CaptureFixture[str]) -> None:
    payload = _score(capsys, str(ROOT / "examples" / "scorecard-wide.xlsx"))
    kestrel = next(p for p in payload["providers"] if p["name"] == "Kestrel Data Works")
    override = [f for f in kestrel["flags"] if f["kind"] == "override"]
    assert override and all(f["dimension"] == "security" for f in override)


# visible flags -----------------------------------------------------------------------------------


FIVE = ["no_calibration", "vague_data_residency", "accuracy_without_method", "no_portability", "throughput_only"]


def test_ticked_flags_are_shown_everywhere_with_policy_and_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """All 5s with five flags: only no_portability has an effect (commercial capped at 2), so the
    total is 100 - 15 x 3 / 5 = 91."""
    path = _sheet_file(tmp_path, [["Acme", "x", 5, 5, 5, 5, 5, "; ".join(FIVE)]], ["Red flags"])
    payload = _score(capsys, str(path))
    acme = payload["providers"][0]
    assert (acme["total"], acme["band"]) == (91.0, "enterprise-grade")
    assert sorted(f["key"] for f in acme["red_flags"]) == sorted(FIVE)
    assert all(f["source"] == "ticked in the sheet" and f["policy"] for f in acme["red_flags"])
    shown = {f["key"] for f in acme["red_flags"] if f["policy"] == "shown, no effect on the score"}
    assert shown == set(FIVE) - {"no_portability"}
    assert main(["score", str(path), "--simulations", "0"]) == 0
    table = capsys.readouterr().out
    assert all(key in table for key in FIVE) and "caps Commercial flexibility at 2" in table
    csv_rows = list(csv.DictReader(io.StringIO(_csv(payload | {"weights_source": "rubric"}))))
    assert all(key in csv_rows[0]["red_flags"] for key in FIVE)
    row = scoring.ranking_rows(payload)[0]
    assert all(key in row["Red flags"] for key in FIVE)
    summary = " ".join(scorecard_summary(ReportInput(scorecard=payload).scorecard))  # type: ignore[arg-type]
    assert all(key in summary for key in FIVE)


# knock-outs ----------------------------------------------------------------------------------------


def test_a_knocked_out_provider_ranks_after_every_eligible_one() -> None:
    """A has all 5s (100) and personal devices; B all 3s (60) and C all 2s (40) are eligible."""
    sheet = _sheet({"A": (5,) * 5, "B": (3,) * 5, "C": (2,) * 5}, {"A": {"personal_devices"}})
    result = score_sheet(sheet, as_of=AS_OF, simulations=0)
    by_name = {p.name: p for p in result.providers}
    assert [(p.name, p.rank, p.eligible) for p in result.ranked()] == [("B", 1, True), ("C", 2, True), ("A", 3, False)]
    assert by_name["A"].total == 100.0 and by_name["A"].band == "material delivery risk"
    payload = result.to_payload()
    assert payload["providers"][2]["excluded_by"] == ["Data on personal devices is a material risk whatever the total"]
    assert all("A" not in (pair["upper"], pair["lower"]) for pair in payload["robustness"]["pairs"])
    assert all(b["provider"] != "A" for b in payload["robustness"]["boundaries"])
    summary = scorecard_summary(ReportInput(scorecard=payload).scorecard)  # type: ignore[arg-type]
    assert "B ranks first among eligible providers" in " ".join(summary)
    assert not any("A ranks first" in line for line in summary)
    assert scoring.ranking_headline(payload) == "1. B (60.0) · 2. C (40.0)"


def test_quality_below_its_floor_knocks_out_and_a_force_band_gate_only_holds_the_band() -> None:
    data = default_rubric().model_dump(mode="json")
    gate = next(g for g in data["gates"] if g["red_flag"] == "no_calibration")
    gate.update(effect="force_band", band="viable with enhanced oversight")
    rubric = Rubric.model_validate(data)
    sheet = _sheet({"A": (5,) * 5, "B": (4, 4, 1.5, 4, 4)}, {"A": {"no_calibration"}})
    sheet.rubric = rubric
    by_name = {p.name: p for p in score_sheet(sheet, as_of=AS_OF, simulations=0).providers}
    assert (by_name["A"].band, by_name["A"].rank, by_name["A"].eligible) == ("viable with enhanced oversight", 1, True)
    # B: 20 + 16 + 7.5 + 12 + 12 = 67.5 -> viable, but quality 1.5 < 2 knocks it out
    assert (by_name["B"].total, by_name["B"].band, by_name["B"].rank) == (67.5, "material delivery risk", 2)
    assert not by_name["B"].eligible


# band floors ---------------------------------------------------------------------------------------


def test_band_floors_per_rubric(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = default_rubric().model_dump(mode="json") | {"band_floors": [50, 70]}
    rubric = tmp_path / "r.yaml"
    rubric.write_text(yaml.safe_dump(data), encoding="utf-8")
    # all 3s = 60; all 3s but 4 on workforce and security = 60 + 5 + 4 = 69; plus quality 4: 74
    rows = [["A", "x", 3, 3, 3, 3, 3], ["B", "x", 4, 4, 3, 3, 3], ["C", "x", 4, 4, 4, 3, 3], ["D", "x", 2, 3, 2, 3, 3]]
    payload = _score(capsys, str(_sheet_file(tmp_path, rows)), "--rubric", str(rubric))
    bands = {p["name"]: (p["total"], p["band"]) for p in payload["providers"]}
    assert bands == {
        "A": (60.0, "viable with enhanced oversight"),
        "B": (69.0, "viable with enhanced oversight"),
        "C": (74.0, "enterprise-grade"),
        "D": (50.0, "viable with enhanced oversight"),
    }
    assert payload["band_floors"] == [50.0, 70.0]


@pytest.mark.parametrize(("floors", "message"), [([60, 120], "between 0 and 100"), ([75, 60], "must be below")])
def test_bad_band_floors_are_refused_with_their_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], floors: list[int], message: str
) -> None:
    data = default_rubric().model_dump(mode="json") | {"band_floors": floors}
    rubric = tmp_path / "bad.yaml"
    rubric.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_rubric(rubric)
    assert exc.value.problems[0].location.column == "band_floors"
    code = main(["score", str(_sheet_file(tmp_path, [["A", "x", 3, 3, 3, 3, 3]])), "--rubric", str(rubric)])
    err = capsys.readouterr().err
    assert code == 2 and "bad.yaml" in err and message in err


# bad input: located, exit 2, nothing saved ------------------------------------------------------------


def test_an_unknown_flag_is_located_and_nothing_is_saved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _sheet_file(tmp_path, [["A", "x", 3, 3, 3, 3, 3, "no_calibration; made_up"]], ["Red flags"])
    assert main(["score", str(path)]) == 2
    assert "row 2, column 'H (Red flags)': unknown red flag 'made_up'" in capsys.readouterr().err
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        program = store.create_program("p")
        with pytest.raises(InputError):
            scoring.import_into_program(store, program.id, import_scores(path, default_rubric()))
        assert store.list_providers(program.id) == [] and store.list_evaluations(program.id) == []
    finally:
        store.close()


def test_weights_not_summing_to_100_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _sheet_file(tmp_path, [["A", "x", 3, 3, 3, 3, 3]])
    assert main(["score", str(path), "--weights", "workforce=50"]) == 2
    assert "sum to 100" in capsys.readouterr().err


# anchors and the share rule ---------------------------------------------------------------------------------


def test_the_seed_bar_earns_the_five_its_anchor_promises(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Kappa 0.80 and defects at 1% (the anchor's 5) suggest 5; 0.79 and 1.5% suggest 4 (kappa
    0.75 bar) and 4 (defects 2% bar): the weaker KPI wins, 4."""
    head = ["Cohen's kappa on complex tasks", "Defect rate"]
    rows = [
        ["A", "x", 3, 3, 5, 3, 3, 0.80, "1%"],
        ["B", "x", 3, 3, 5, 3, 3, 0.79, "1.5%"],
        ["C", "x", 3, 3, 5, 3, 3, 0.80, 0.01],
    ]
    payload = _score(capsys, str(_sheet_file(tmp_path, rows, head)))
    suggested = {p["name"]: p["dimensions"]["quality_sla"]["suggested"] for p in payload["providers"]}
    assert suggested == {"A": 5.0, "B": 4.0, "C": 5.0}
    a = next(p for p in payload["providers"] if p["name"] == "A")
    assert not [f for f in a["flags"] if f["kind"] in {"override", "unexplained_override"}]
    assert "Kappa of 0.80 or more" in default_rubric().dimension("quality_sla").anchors[5]


def test_a_bare_1_in_a_share_column_is_refused_with_its_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _sheet_file(tmp_path, [["A", "x", 3, 3, 3, 3, 3, 1]], ["Defect rate"])
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'H (Defect rate)'" in err and "ambiguous" in err and "1%" in err
    rule = next(k for k in default_rubric().dimension("quality_sla").kpis if k.key == "defect_rate")
    assert rule.number("1%") == rule.number(0.01) == rule.number("0.01") == 0.01
    assert rule.check("150%") is not None and rule.check("0.5") is None


# the workbook's guard rails ---------------------------------------------------------------------------------


def test_workbook_guard_rails(tmp_path: Path) -> None:
    sheet = _sheet({"A": (4, 4, 4, 4, 3), "B": (3,) * 5}, {"A": {"no_calibration"}})
    payload = score_sheet(sheet, as_of=AS_OF, simulations=0).to_payload() | {"evaluations": sheet.evaluation_rows()}
    source = tmp_path / "book.xlsx"
    source.write_bytes(build_xlsx(ReportInput(scorecard=payload, created=AS_OF)))
    wb = load_workbook(source)
    card, scores, weights = wb["Scorecard"], wb["Evaluator scores"], wb["Weights"]
    assert card.protection.sheet and scores.protection.sheet and weights.protection.sheet
    assert not scores["C2"].protection.locked and card["C2"].protection.locked
    assert not weights["B2"].protection.locked and not weights["B8"].protection.locked
    rules = {
        (dv.formula1, dv.formula2): str(dv.sqref)
        for ws in (scores, weights)
        for dv in ws.data_validations.dataValidation
    }
    assert ("1", "5") in rules and ("0", "100") in rules
    assert "no_calibration" in " ".join(str(c.value) for row in card.iter_rows() for c in row if c.value)
    assert set(wb.sheetnames) >= {"Questions and anchors", "Evaluators and evidence"}

    static = load_workbook(io.BytesIO(build_xlsx(ReportInput(scorecard=payload | {"evaluations": []}))))["Scorecard"]
    assert not static["C2"].protection.locked and static["M2"].protection.locked  # score input, total formula
    assert any(dv.formula1 == "1" and dv.formula2 == "5" for dv in static.data_validations.dataValidation)

    weights["B2"] = 30.0  # the weights now sum to 105
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    recalculated = load_workbook(libreoffice_convert(edited, "xlsx", tmp_path), data_only=True)
    header = [c.value for c in recalculated["Scorecard"][1]]
    total, band = header.index("Total (of 100)"), header.index("Band")
    for row in recalculated["Scorecard"].iter_rows(min_row=2, max_row=3):
        assert row[total].value == row[band].value == "weights must sum to 100"
        assert row[0].value in (None, "")
    assert recalculated["Weights"]["C5"].value == "weights must sum to 100"


# questions and anchors where scores are entered --------------------------------------------------------------


def test_template_and_questionnaire_show_questions_anchors_and_policies() -> None:
    rubric = default_rubric()
    wb = load_workbook(io.BytesIO(template_xlsx(rubric, ["A"], ["E1"])))
    assert wb.sheetnames == ["Scores", GUIDE_SHEET, FLAGS_SHEET]
    header = wb["Scores"][3]
    assert header[-1].value == "Red flags"
    assert rubric.dimension("quality_sla").anchors[5] in header[4].comment.text
    guide_text = " ".join(str(c.value) for row in wb[GUIDE_SHEET].iter_rows() for c in row if c.value)
    assert all(q in guide_text for d in rubric.dimensions for q in d.questions)
    flags = {row[0].value: row[3].value for row in wb[FLAGS_SHEET].iter_rows(min_row=2)}
    assert flags["personal_devices"].startswith("knocks the provider out")
    assert set(flags) == rubric.red_flag_keys()

    book = with_provider_questions(write_questionnaire(None), rubric.guide())
    sheet = load_workbook(io.BytesIO(book))[PROVIDER_QUESTIONS_SHEET]
    asked = [row[2].value for row in sheet.iter_rows(min_row=3)]
    assert asked == [q for d in rubric.dimensions for q in d.questions]
    with pytest.raises(InputError, match="vendor"):  # the reader ignores the added sheet
        read_questionnaire("q.xlsx", data=book)


def test_the_rubric_reference_lists_every_default_policy() -> None:
    text = (ROOT / "docs" / "rubric.md").read_text(encoding="utf-8")
    for row in default_rubric().policy_table():
        key = str(row["fact"]).removeprefix("red flag ")
        line = next(line for line in text.splitlines() if line.startswith(f"| `{key}`") or line.startswith(f"| {key}"))
        assert str(row["policy"]) in line, key


def test_an_extra_dimension_keeps_weights_summing_to_100(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A worker-welfare dimension at 10 with the five at 20/20/20/15/15: all 4s but welfare 1
    give (90 x 4 + 10 x 1) / 5 = 74."""
    data = default_rubric().model_dump(mode="json")
    welfare = {"key": "worker_welfare", "name": "Worker welfare", "weight": 10, "primary_criterion": "Pay and support"}
    data["dimensions"].append(welfare)
    with pytest.raises(ValueError, match="sum to 100, they sum to 110"):
        Rubric.model_validate(data)
    for dim, weight in zip(data["dimensions"], (20, 20, 20, 15, 15, 10), strict=True):
        dim["weight"] = weight
    rubric = Rubric.model_validate(data)
    assert rubric.keys == (*DIMENSION_KEYS, "worker_welfare")
    path = tmp_path / "r.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    sheet = _sheet_file(tmp_path, [["A", "x", 4, 4, 4, 4, 4, 1]], ["Worker welfare"])
    payload = _score(capsys, str(sheet), "--rubric", str(path))
    assert payload["weights"]["worker_welfare"] == 10.0
    assert (payload["providers"][0]["total"], payload["providers"][0]["band"]) == (
        74.0,
        "viable with enhanced oversight",
    )
    assert payload["dimension_names"]["worker_welfare"] == "Worker welfare"
    wb = load_workbook(io.BytesIO(template_xlsx(rubric)))
    assert "Worker welfare (10%)" in [c.value for c in wb["Scores"][3]]
    data["dimensions"] = data["dimensions"][1:]
    with pytest.raises(ValueError, match="each of the five dimensions"):
        Rubric.model_validate(data)


def test_band_floors_saved_for_a_program_and_bad_ones_refused(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    try:
        program = store.create_program("p")
        with pytest.raises(ValueError, match="between 0 and 100"):
            scoring.save_program_band_floors(store, program.id, (60.0, 120.0), expected_version=0)
        assert store.get_document("rubric", program.id, scoring.RUBRIC_NAME) is None  # nothing saved
        with pytest.raises(ValueError, match="must be below"):
            scoring.save_program_band_floors(store, program.id, (80.0, 70.0), expected_version=0)
        scoring.save_program_band_floors(store, program.id, (55.0, 70.0), expected_version=0)
        rubric, version = scoring.load_program_rubric(store, program.id)
        assert rubric.band_floors == (55.0, 70.0) and version == 1
        sheet = _sheet({"A": (3,) * 5, "B": (4, 4, 3, 3, 3)})  # 60 and 69
        sheet.rubric = rubric
        bands = {p.name: p.band for p in score_sheet(sheet, as_of=AS_OF, simulations=0).providers}
        assert bands == {"A": "viable with enhanced oversight", "B": "viable with enhanced oversight"}
        sheet.set("B", "E1", "quality_sla", 4)  # 74
        assert score_sheet(sheet, as_of=AS_OF, simulations=0).providers[1].band == "enterprise-grade"
    finally:
        store.close()
