"""A contract audit feeds the scorecard: suggested scores, caps and forced bands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from annogov.cli import main
from annogov.services.linking import review_contract
from scorecard.rubric import default_rubric

ROOT = Path(__file__).resolve().parents[1]
WIDE = str(ROOT / "examples" / "scorecard-wide.xlsx")


def _profile(tmp_path: Path, vendor: str, **changes: object) -> str:
    data = yaml.safe_load((ROOT / "examples" / "contract-profile.yaml").read_text(encoding="utf-8"))
    data["vendor"] = vendor
    for dotted, value in changes.items():
        section, field = dotted.split("__")
        data[section][field] = value
    path = tmp_path / f"{vendor.split()[0].lower()}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def _provider(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["score", WIDE, "--format", "json", "--as-of", "2026-11-26", "--simulations", "0", *args]) == 0
    payload = json.loads(capsys.readouterr().out)
    return next(p for p in payload["providers"] if p["name"] == "Northwind Labeling")


def test_contract_without_data_ownership_forces_material_risk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _provider(capsys)
    assert before["band"] == "enterprise-grade"
    profile = _profile(tmp_path, "Northwind Labeling", data__buyer_owns_data=False)
    after = _provider(capsys, "--contract", profile)
    assert after["total"] >= 60  # the band is forced, not earned
    assert after["band"] == "material delivery risk"
    forced = [g for g in after["gates"] if g["effect"] == "knock_out"]
    assert forced and forced[0]["dimension"] == "commercial" and "contract" in forced[0]["detail"]


def test_contract_suggestions_reach_the_dimension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The audit's suggested scores land on their dimensions; the vendor name matches case-blind."""
    profile = _profile(tmp_path, "northwind labeling")
    assert "suggested" not in _provider(capsys)["dimensions"]["commercial"]
    after = _provider(capsys, "--contract", profile)
    suggested = {s.dimension: s.score for s in review_contract(profile, date(2026, 11, 26)).evidence.suggestions}
    assert {d: after["dimensions"][d]["suggested"] for d in suggested} == suggested


def test_contract_for_an_unknown_vendor_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["score", WIDE, "--contract", _profile(tmp_path, "Nobody Ltd")])
    err = capsys.readouterr().err
    assert code == 2 and "'Nobody Ltd' is not a provider in the scoring sheet" in err


def _audit_gates(capsys: pytest.CaptureFixture[str], profile: str, *args: str) -> list[dict]:
    main(["contract-audit", profile, "--format", "json", "--as-of", "2026-11-26", *args])
    return json.loads(capsys.readouterr().out)["scorecard_evidence"]["gates"]


def _stricter_rubric(tmp_path: Path) -> str:
    """The default rubric with the worker-penalty cap lowered to 2: both outputs must follow it."""
    data = default_rubric().model_dump(mode="json")
    gate = next(g for g in data["gates"] if g["red_flag"] == "penalties_on_workers")
    gate["cap"] = 2
    path = tmp_path / "stricter.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("stricter", [False, True])
def test_worker_penalties_give_one_cap_in_the_audit_and_the_scorecard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], stricter: bool
) -> None:
    """Penalties passed to annotators cap commercial flexibility at the rubric's cap, and the
    contract audit shows the very consequence `score --contract` applies, under either rubric."""
    profile = _profile(
        tmp_path, "Northwind Labeling",
        commercial__worker_penalties=["pay deduction", "unpaid retraining"], commercial__remedies_on_vendor=False,
    )
    rubric = ["--rubric", _stricter_rubric(tmp_path)] if stricter else []
    cap = 2 if stricter else 3
    gates = _audit_gates(capsys, profile, *rubric)
    gates = [g for g in gates if g["finding"] == "worker_protection.penalties_on_workers"]
    assert [(g["dimension"], g["red_flag"], g["effect"], g["cap"]) for g in gates] == [
        ("commercial", "penalties_on_workers", "cap_dimension", cap)
    ]
    before = _provider(capsys, *rubric)
    assert before["dimensions"]["commercial"]["score"] > cap
    after = _provider(capsys, "--contract", profile, *rubric)
    flag = next(f for f in after["red_flags"] if f["key"] == "penalties_on_workers")
    assert flag["policy"] == gates[0]["policy"] == f"caps Commercial flexibility at {cap}"
    assert after["dimensions"]["commercial"]["score"] == cap
    assert any(g["id"] == "penalties-on-workers" for g in after["gates"])


def test_a_stale_soc2_gives_the_scorecards_cap_in_the_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The audit used to cap security at 3 for a stale SOC 2 while the scorecard capped it at 2."""
    profile = _profile(tmp_path, "Northwind Labeling", security__soc2_period_end="2025-01-31")
    gates = [g for g in _audit_gates(capsys, profile) if g["finding"] == "soc2.stale"]
    assert [(g["effect"], g["cap"], g["red_flag"]) for g in gates] == [("cap_dimension", 2, "certification_stale")]
    after = _provider(capsys, "--contract", profile)
    assert after["dimensions"]["security"]["score"] <= 2
    assert next(f for f in after["red_flags"] if f["key"] == "certification_stale")["policy"] == gates[0]["policy"]
