"""`annogov taxonomy` end to end: JSON shape, table output, exports, exit code 2 with locations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annogov.cli import main

EX = Path(__file__).resolve().parents[1] / "examples" / "taxonomy"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lists_kinds_targets_counts_and_new(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = _run(
        capsys,
        "taxonomy",
        str(EX / "old.csv"),
        str(EX / "new.csv"),
        "--mapping",
        str(EX / "mapping.csv"),
        "--sample",
        str(EX / "dual-sample.csv"),
        "--dataset",
        str(EX / "dataset.csv"),
        "--format",
        "json",
        "--out",
        str(tmp_path / "m.yaml"),
        "--relabelled-out",
        str(tmp_path / "actions.csv"),
    )
    assert code == 0
    payload = json.loads(out)
    classes = {c["old_label"]: c for c in payload["classes"]}
    assert classes["truck"]["kind"] == "split"
    assert classes["truck"]["targets"] == ["truck_light", "truck_heavy"]
    assert classes["truck"]["affected"] == classes["truck"]["items"] > 0
    assert classes["minibus"]["kind"] == "merge" and classes["debris"]["kind"] == "dropped"
    assert payload["new"] == ["e_scooter_rider", "animal"]
    assert payload["totals"]["reannotation_items"] == classes["truck"]["items"]
    proposals = {p["old_label"]: p for p in payload["inferred"]["proposals"]}
    assert proposals["truck"]["targets"] == ["truck_light", "truck_heavy"]
    assert proposals["debris"]["scattered"]
    assert proposals["debris"]["matches_mapping"] is False  # the table drops it
    assert proposals["truck"]["matches_mapping"] is True
    assert proposals["vehicle"]["matches_mapping"] is None  # no items in the sample
    assert (tmp_path / "m.yaml").read_text().startswith("format: annogov.taxonomy-mapping")
    lines = (tmp_path / "actions.csv").read_text().splitlines()
    assert lines[0] == "item_id,old_label,action,new_label,candidates"
    assert len(lines) - 1 == payload["totals"]["items"]


def test_table_output_and_inferred_only(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(
        capsys, "taxonomy", str(EX / "old.csv"), str(EX / "new.csv"), "--sample", str(EX / "dual-sample.csv")
    )
    assert code == 0
    assert "mapping: inferred" in out
    assert "SCATTERED" in out and "truck_light, truck_heavy" in out


def test_bad_mapping_exits_2_with_located_messages(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "map.csv"
    bad.write_text("old_label,new_label\ncar,car\ntruck,lorry\nbogus,car\n")
    code, out, err = _run(capsys, "taxonomy", str(EX / "old.csv"), str(EX / "new.csv"), "--mapping", str(bad))
    assert code == 2 and out == ""
    assert "map.csv, row 3, column 'new_label': 'lorry' is not in the new label set" in err
    assert "map.csv, row 4, column 'old_label': 'bogus' is not in the old label set" in err
    assert "Traceback" not in err


def test_missing_file_and_bad_cutover_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, "taxonomy", "nope.csv", str(EX / "new.csv"))
    assert code == 2 and "nope.csv: no such file" in err
    with pytest.raises(SystemExit) as info:
        main(["taxonomy", str(EX / "old.csv"), str(EX / "new.csv"), "--cutover", "soon"])
    assert info.value.code == 2
    assert "'soon' is not a date" in capsys.readouterr().err


def test_relabelled_without_dataset_exits_2_before_writing_anything(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    artefact = tmp_path / "m.json"
    code, out, err = _run(
        capsys,
        "taxonomy",
        str(EX / "old.csv"),
        str(EX / "new.csv"),
        "--out",
        str(artefact),
        "--relabelled-out",
        str(tmp_path / "actions.csv"),
    )
    assert code == 2 and out == "" and "--relabelled-out needs --dataset" in err
    assert not artefact.exists() and not (tmp_path / "actions.csv").exists()
