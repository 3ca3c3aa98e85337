"""`annogov contract-audit`: exit codes, table and JSON output, questionnaire round trip."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
import yaml

from annogov.cli import main
from contracts.audit import audit_profile
from contracts.profile import ContractProfile
from contracts.profile_files import load_profile, read_questionnaire
from contracts.questionnaire import PROFILE_SHEET, SLA_SHEET, write_questionnaire
from contracts.sla_terms import SlaTerm
from ingest import InputError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "contract-profile.yaml"
QUESTIONNAIRE = ROOT / "examples" / "contract-questionnaire.xlsx"
PORTABLE = ROOT / "examples" / "drafts" / "portable-msa.md"
LOCKED = ROOT / "examples" / "drafts" / "locked-in-msa.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["contract-audit", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_portable_draft_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(PORTABLE), "--as-of", "2026-11-26")
    assert code == 0
    assert "Harbour Data Services GmbH" in out
    assert "Lock-in risk: low" in out
    assert "Proposals (confirm each)" in out


def test_locked_in_draft_exits_one_and_names_the_critical_clauses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(LOCKED), "--as-of", "2026-11-26")
    assert code == 1
    assert "Critical clauses missing: data_ownership, transition" in out
    assert "soc2.type1_only" in out


def test_json_output_carries_audit_evidence_and_proposals(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(LOCKED), "--as-of", "2026-11-26", "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert payload["audit"]["critical_missing"] == ["data_ownership", "transition"]
    assert payload["audit"]["as_of"] == "2026-11-26"
    gates = payload["scorecard_evidence"]["gates"]
    assert any(g["effect"] == "cap_dimension" and g["cap"] == 2 and g["dimension"] == "security" for g in gates)
    proposals = payload["draft"]["proposals"]
    assert proposals and all(p["needs_confirmation"] is True and p["quote"] for p in proposals)


def test_example_profile_audits_with_weak_clauses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(EXAMPLE), "--as-of", "2026-11-26", "--format", "json")
    assert code == 0
    audit = json.loads(out)["audit"]
    assert "quality_metrics.accuracy_without_method" in audit["red_flags"]
    assert audit["critical_missing"] == []


def test_as_of_moves_the_certificate_over_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    raw["security"]["soc2_period_end"] = "2025-09-30"
    target = tmp_path / "p.json"
    target.write_text(json.dumps(raw, default=str), encoding="utf-8")
    _, before, _ = run(capsys, str(target), "--as-of", "2026-09-30", "--format", "json")
    _, after, _ = run(capsys, str(target), "--as-of", "2026-10-01", "--format", "json")
    assert "soc2.stale" not in json.loads(before)["audit"]["red_flags"]
    assert "soc2.stale" in json.loads(after)["audit"]["red_flags"]


def test_critical_missing_profile_exits_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    del raw["transition"]
    target = tmp_path / "p.yaml"
    target.write_text(yaml.safe_dump(raw), encoding="utf-8")
    code, out, _ = run(capsys, str(target), "--as-of", "2026-11-26")
    assert code == 1
    assert "Critical clauses missing: transition" in out


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("p.yaml", "vendor: [unclosed", "not valid YAML"),
        ("p.json", "{", "not valid JSON"),
        ("p.yaml", "- just a list", "must be a mapping"),
        ("p.yaml", "vendor: X\nsecurity: {soc2_type: type_iii}", "p.yaml, row 2, column 'security.soc2_type'"),
        ("p.yaml", "vendor: X\ncolour: blue", "colour"),
        ("draft.rtf", "{\\rtf1}", "unsupported file type"),
    ],
)
def test_bad_input_exits_two(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, message: str
) -> None:
    target = tmp_path / name
    target.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, str(target))
    assert code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err


def test_missing_file_and_bad_date_exit_two(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, str(tmp_path / "absent.yaml"))
    assert code == 2 and "absent.yaml" in err
    with pytest.raises(SystemExit) as exc:
        main(["contract-audit", str(EXAMPLE), "--as-of", "26/11/2026"])
    assert exc.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


# -- questionnaire ---------------------------------------------------------------------------


def test_blank_questionnaire_lists_every_question(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "blank.xlsx"
    code, out, err = run(capsys, "--write", "questionnaire", "--out", str(target))
    assert code == 0 and f"wrote {target}" in err and out == ""
    wb = openpyxl.load_workbook(target)
    keys = [row[1] for row in wb[PROFILE_SHEET].iter_rows(min_row=3, values_only=True)]
    answers = [row[3] for row in wb[PROFILE_SHEET].iter_rows(min_row=3, values_only=True)]
    assert "data.buyer_owns_data" in keys and "security.soc2_period_end" in keys
    assert all(a is None for a in answers)
    assert wb[SLA_SHEET].max_row == 2
    # a blank questionnaire has no vendor: reading it says so, with the sheet
    with pytest.raises(InputError, match="vendor"):
        read_questionnaire(target)


def test_questionnaire_round_trip_keeps_the_profile() -> None:
    profile = load_profile(EXAMPLE)
    data = write_questionnaire(profile)
    back = read_questionnaire("filled.xlsx", data=data)
    assert back == profile


def test_questionnaire_round_trip_keeps_every_sla_field() -> None:
    """Level, weights, the total credit cap and formula-like text all come back as written."""
    profile = load_profile(EXAMPLE)
    assert profile.sla is not None
    first = profile.sla.terms[0].model_copy(
        update={"id": "-kappa", "weights": "quadratic", "note": "+5% credit per breach"}
    )  # a level belongs to Krippendorff's alpha (a kappa term with one is refused)
    alpha = SlaTerm(id="alpha", metric="krippendorff_alpha", level="ordinal", threshold=0.7)
    sla = profile.sla.model_copy(
        update={"total_credit_cap": 9000.0, "drift_threshold": 0.08, "terms": [first, *profile.sla.terms[1:], alpha]}
    )
    profile = profile.model_copy(update={"sla": sla})
    assert read_questionnaire("filled.xlsx", data=write_questionnaire(profile)) == profile


def test_questionnaire_keeps_sla_settings_without_terms() -> None:
    sla = {"terms": [], "period_fee": 48000, "currency": "EUR"}
    profile = ContractProfile.model_validate({"vendor": "X", "sla": sla})
    assert read_questionnaire("filled.xlsx", data=write_questionnaire(profile)) == profile
    blank = ContractProfile(vendor="Y")
    assert read_questionnaire("blank.xlsx", data=write_questionnaire(blank)).sla is None


def test_committed_example_questionnaire_matches_the_yaml() -> None:
    assert load_profile(QUESTIONNAIRE) == load_profile(EXAMPLE)


def test_questionnaire_audit_equals_yaml_audit(capsys: pytest.CaptureFixture[str]) -> None:
    _, from_xlsx, _ = run(capsys, str(QUESTIONNAIRE), "--as-of", "2026-11-26", "--format", "json")
    _, from_yaml, _ = run(capsys, str(EXAMPLE), "--as-of", "2026-11-26", "--format", "json")
    a, b = json.loads(from_xlsx), json.loads(from_yaml)
    assert a["audit"] == b["audit"]


def test_bad_questionnaire_answers_are_located(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(QUESTIONNAIRE)
    ws = wb[PROFILE_SHEET]
    rows = {row[1].value: row[1].row for row in ws.iter_rows(min_row=3) if row[1].value}
    ws.cell(rows["data.buyer_owns_data"], 4).value = "perhaps"
    ws.cell(rows["security.soc2_period_end"], 4).value = "last spring"
    ws.cell(rows["transition.timeline_days"], 4).value = "sixty"
    sla = wb[SLA_SHEET]
    sla.cell(3, 2).value = "happiness"
    header = [c.value for c in sla[2]]
    sla.cell(4, header.index("remedy_amount") + 1).value = "lots"
    target = tmp_path / "bad.xlsx"
    wb.save(target)
    with pytest.raises(InputError) as exc:
        read_questionnaire(target)
    problems = exc.value.problems
    assert len(problems) == 5
    located = {(p.location.sheet, p.location.row, p.location.column) for p in problems}
    assert (PROFILE_SHEET, rows["data.buyer_owns_data"], "Answer") in located
    assert (PROFILE_SHEET, rows["security.soc2_period_end"], "Answer") in located
    assert (PROFILE_SHEET, rows["transition.timeline_days"], "Answer") in located
    assert (SLA_SHEET, 3, "metric") in located
    assert (SLA_SHEET, 4, "remedy_amount") in located


def test_formula_like_answers_are_written_as_text() -> None:
    profile = ContractProfile(vendor='=HYPERLINK("http://x")', contract="@SUM(A1)")
    data = write_questionnaire(profile)
    import io

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[PROFILE_SHEET]
    cells = [row[3] for row in ws.iter_rows(min_row=3, max_row=4)]
    assert all(c.data_type == "s" and not str(c.value).startswith(("=", "@")) for c in cells)
    assert read_questionnaire("x.xlsx", data=data).vendor == profile.vendor


def test_audit_of_profile_is_deterministic_for_a_date() -> None:
    profile = load_profile(EXAMPLE)
    from datetime import date

    first = audit_profile(profile, date(2026, 11, 26)).to_payload()
    assert first == audit_profile(profile, date(2026, 11, 26)).to_payload()


def test_percent_and_spreadsheet_typed_answers(tmp_path: Path) -> None:
    from datetime import datetime

    wb = openpyxl.load_workbook(QUESTIONNAIRE)
    ws = wb[PROFILE_SHEET]
    rows = {row[1].value: row[1].row for row in ws.iter_rows(min_row=3) if row[1].value}
    ws.cell(rows["quality.accuracy_target"], 4).value = "99.5%"
    ws.cell(rows["security.soc2_period_end"], 4).value = datetime(2026, 6, 30)
    ws.cell(rows["security.dpa"], 4).value = True
    ws.cell(rows["sla.period_fee"], 4).value = "48,000"
    target = tmp_path / "typed.xlsx"
    wb.save(target)
    profile = read_questionnaire(target)
    assert profile.quality.accuracy_target == pytest.approx(0.995)
    assert str(profile.security.soc2_period_end) == "2026-06-30"
    assert profile.security.dpa is True
    assert profile.sla is not None and profile.sla.period_fee == 48000


# -- confirming a draft's proposals from the command line ------------------------------------------

OWN_LOCKED = ROOT / "examples" / "drafts" / "quarry-locked-in.md"


def _template(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> tuple[Path, list[dict]]:
    out = tmp_path / "decisions.yaml"
    code, _, text = run(capsys, str(OWN_LOCKED), "--write", "decisions-template", "-o", str(out))
    assert code == 0 and "proposals to decide" in text
    return out, yaml.safe_load(out.read_text(encoding="utf-8"))


def test_accepting_every_proposal_gives_the_draft_audit_with_who(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, entries = _template(capsys, tmp_path)
    assert all(e["decision"] is None and e["passage"] for e in entries)
    path.write_text(yaml.safe_dump([{**e, "decision": "accept"} for e in entries]), encoding="utf-8")
    code, out, _ = run(
        capsys, str(OWN_LOCKED), "--decisions", str(path), "--decided-by", "pat", "--as-of", "2026-11-26",
        "--format", "json",
    )
    _, plain, _ = run(capsys, str(OWN_LOCKED), "--as-of", "2026-11-26", "--format", "json")
    confirmed, proposed = json.loads(out), json.loads(plain)
    assert code == 1
    assert confirmed["audit"]["findings"] == proposed["audit"]["findings"]
    assert confirmed["confirmation"]["by"] == "pat" and confirmed["confirmation"]["undecided"] == 0


def test_rejected_and_undecided_proposals_leave_their_clause_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path, entries = _template(capsys, tmp_path)
    decided = [{**e, "decision": "reject" if e["field"].startswith("commercial.worker") else "accept"} for e in entries]
    path.write_text(yaml.safe_dump(decided[:-1]), encoding="utf-8")
    code, out, _ = run(
        capsys, str(OWN_LOCKED), "--decisions", str(path), "--decided-by", "pat", "--as-of", "2026-11-26"
    )
    assert "1 undecided (left out)" in out
    assert "worker_protection.penalties_on_workers" not in out
    assert "worker_protection.missing" in out


def test_decisions_need_who_and_must_match_the_draft(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path, entries = _template(capsys, tmp_path)
    code, _, err = run(capsys, str(OWN_LOCKED), "--decisions", str(path))
    assert code == 2 and "--decided-by" in err
    entries[0]["field"] = "security.dpa"
    entries[1]["decision"] = "maybe"
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    code, _, err = run(capsys, str(OWN_LOCKED), "--decisions", str(path), "--decided-by", "pat")
    assert code == 2 and "row 1, column 'field'" in err and "not security.dpa" in err
    entries[0]["field"] = "data.buyer_owns_data"
    path.write_text(yaml.safe_dump(entries), encoding="utf-8")
    code, _, err = run(capsys, str(OWN_LOCKED), "--decisions", str(path), "--decided-by", "pat")
    assert code == 2 and "row 2, column 'data.export_timing'" in err and "accept, edit or reject" in err
