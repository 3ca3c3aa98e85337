"""A contract audit feeds the scorecard: suggested scores, caps and forced bands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import yaml

from annogov.cli import main
from contracts.review import review_file

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
    return next(p for p in payload["providers"] if p["name"] == "Northwind Labelworks")


def test_contract_without_data_ownership_forces_material_risk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _provider(capsys)
    assert before["band"] == "enterprise-grade"
    profile = _profile(tmp_path, "Northwind Labelworks", data__buyer_owns_data=False)
    after = _provider(capsys, "--contract", profile)
    assert after["total"] >= 60  # the band is forced, not earned
    assert after["band"] == "material delivery risk"
    forced = [g for g in after["gates"] if g["effect"] == "knock_out"]
    assert forced and forced[0]["dimension"] == "commercial" and "contract" in forced[0]["detail"]


def test_contract_suggestions_reach_the_dimension(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The audit's suggested scores land on their dimensions; the vendor name matches case-blind."""
    profile = _profile(tmp_path, "northwind labelworks")
    assert "suggested" not in _provider(capsys)["dimensions"]["commercial"]
    after = _provider(capsys, "--contract", profile)
    suggested = {s.dimension: s.score for s in review_file(profile, date(2026, 11, 26)).evidence.suggestions}
    assert {d: after["dimensions"][d]["suggested"] for d in suggested} == suggested


def test_contract_for_an_unknown_vendor_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["score", WIDE, "--contract", _profile(tmp_path, "Nobody Ltd")])
    err = capsys.readouterr().err
    assert code == 2 and "'Nobody Ltd' is not a provider in the scoring sheet" in err
