"""`annogov weights` (AHP / swing elicitation into a rubric with provenance) and `annogov score
--smaa`; bad input is located and exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from scorecard_helpers import with_worker_welfare

from annogov.cli import main
from ingest import InputError
from scorecard.rubric import load_rubric

EX = Path(__file__).resolve().parents[1] / "examples"


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ahp_panel_becomes_the_rubric_weights_with_provenance(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_rubric = tmp_path / "rubric.yaml"
    code, out, _ = _run(capsys, "weights", str(EX / "weights-ahp.yaml"), "--format", "json",
                        "--out", str(out_rubric))
    assert code == 0
    payload = json.loads(out)
    assert sum(payload["weights"].values()) == pytest.approx(100, abs=1e-9)
    assert payload["panel"]["consistent"] and len(payload["evaluators"]) == 3
    rubric = load_rubric(out_rubric)
    assert rubric.weights == payload["weights"]
    assert rubric.weights_provenance is not None
    assert rubric.weights_provenance["evaluators"] == ["Procurement lead", "ML lead", "Security officer"]
    # the score command reads the same weights and says where they came from
    code, out, _ = _run(capsys, "score", str(EX / "scorecard-wide.xlsx"), "--rubric", str(out_rubric),
                        "--format", "json")
    scored = json.loads(out)
    assert scored["weights"] == payload["weights"]
    assert scored["weights_provenance"]["method"] == "ahp"
    # retyped weights drop the provenance
    assert rubric.with_weights({"workforce": 30, "commercial": 0.66}).weights_provenance is None


def test_inconsistent_evaluator_is_flagged_with_the_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {"method": "ahp", "criteria": ["a", "b", "c", "d"], "evaluators": [
        {"name": "X", "judgements": {"a vs b": 9, "b vs c": 9, "a vs c": "1/9", "a vs d": 1, "b vs d": 1,
                                     "c vs d": 1}}]}
    path = tmp_path / "panel.yaml"
    path.write_text(yaml.safe_dump(doc))
    code, out, err = _run(capsys, "weights", str(path), "--out", str(tmp_path / "r.yaml"))
    assert code == 1 and "not written" in err and "revisit" in out
    assert not (tmp_path / "r.yaml").exists()


def test_swing_weights(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    swing = {"workforce": 100, "security": 50, "quality_sla": 100, "ai_throughput": 25, "commercial": 25}
    path = tmp_path / "swing.json"
    path.write_text(json.dumps({"method": "swing", "evaluators": [{"name": "A", "swing": swing}]}))
    code, out, _ = _run(capsys, "weights", str(path), "--format", "json")
    assert code == 0
    weights = json.loads(out)["weights"]
    assert sum(weights.values()) == pytest.approx(100, abs=1e-9)
    for key, points in swing.items():  # points over their sum (300), to two decimals
        assert weights[key] == pytest.approx(100 * points / 300, abs=0.01)


@pytest.mark.parametrize(("doc", "needle"), [
    ({"evaluators": [{"name": "A", "matrix": [[1, 2], [0.5, 1]]}]}, "5 x 5"),
    ({"evaluators": [{"name": "A", "matrix": [[1, 2, 1, 1, 1], [3, 1, 1, 1, 1], [1] * 5, [1] * 5, [1] * 5]}]},
     "not reciprocal"),
    ({"evaluators": [{"name": "A", "judgements": {"workforce vs security": "x"}}]}, "valid number"),
    ({"evaluators": [{"name": "A", "judgements": {"workforce vs security": 2}}]}, "no judgement for this pair"),
    ({"method": "swing", "evaluators": [{"name": "A", "swing": {"workforce": 90}}]}, "swing points needed"),
])
def test_bad_panels_are_located_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: dict,
                                           needle: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(doc))
    code, _, err = _run(capsys, "weights", str(path))
    assert code == 2 and needle in err and "bad.yaml" in err


def test_score_with_smaa(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "score", str(EX / "scorecard-wide.xlsx"), "--smaa", "--weight-order",
                        "quality_sla>workforce", "--smaa-draws", "4000", "--format", "json")
    assert code == 0
    smaa = json.loads(out)["smaa"]
    assert smaa["draws"] == 4000 and smaa["threshold"] == 0.8
    firsts = [p["first_rank"] for p in smaa["providers"]]
    assert sum(firsts) == pytest.approx(1, abs=1e-6)
    assert smaa["verdict"].split(":")[0] in {"clear winner", "fragile winner"}
    code, out, _ = _run(capsys, "score", str(EX / "scorecard-wide.xlsx"), "--smaa")
    assert "SMAA" in out and "rank 1" in out


@pytest.mark.parametrize(("args", "needle"), [
    (["--weight-ranges", "workforce=80-90,security=50-60"], "impossible ranges"),
    (["--weight-ranges", "workforce=abc"], "dimension=low-high"),
    (["--weight-order", "quality_sla"], "at least two"),
    (["--weight-order", "quality_sla>nothing"], "unknown dimension"),
])
def test_impossible_weight_ranges_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], needle: str) -> None:
    code, _, err = _run(capsys, "score", str(EX / "scorecard-wide.xlsx"), *args)
    assert code == 2 and needle in err


def test_score_smaa_reads_the_rubrics_weight_space(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scorecard.rubric import default_rubric, save_rubric
    from scorecard.weight_space import WeightSpace

    path = tmp_path / "rubric.yaml"
    save_rubric(default_rubric().model_copy(update={"weight_space": WeightSpace(
        ranges={"security": (10, 30)}, order=["quality_sla", "workforce"])}), path)
    code, out, _ = _run(capsys, "score", str(EX / "scorecard-wide.xlsx"), "--rubric", str(path), "--smaa",
                        "--smaa-draws", "2000", "--format", "json")
    assert code == 0
    smaa = json.loads(out)["smaa"]
    assert smaa["order"] == ["quality_sla", "workforce"] and smaa["ranges"] == {"security": [10.0, 30.0]}
    bad = tmp_path / "bad.yaml"
    save_rubric(default_rubric().model_copy(update={"weight_space": WeightSpace(order=["quality_sla", "nope"])}),
                bad)
    code, _, err = _run(capsys, "score", str(EX / "scorecard-wide.xlsx"), "--rubric", str(bad), "--smaa")
    assert code == 2 and "weight_space" in err and "unknown dimension" in err


def test_csv_carries_the_same_smaa_figures(capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import io

    args = ["score", str(EX / "scorecard-wide.xlsx"), "--smaa", "--smaa-draws", "3000"]
    _, out, _ = _run(capsys, *args, "--format", "json")
    smaa = {p["name"]: p for p in json.loads(out)["smaa"]["providers"]}
    _, out, _ = _run(capsys, *args, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["provider"]: float(r["smaa_first_rank"]) for r in rows} == pytest.approx(
        {name: p["first_rank"] for name, p in smaa.items()})


def _six_dimension_rubric(tmp_path: Path) -> Path:

    data = with_worker_welfare()
    path = tmp_path / "six.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_panel_without_criteria_weighs_the_rubrics_dimensions_extra_included(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The criteria default to the rubric's dimensions (six here), not the five built-in keys."""
    rubric = _six_dimension_rubric(tmp_path)
    swing = {"workforce": 80, "security": 60, "quality_sla": 100, "ai_throughput": 40, "commercial": 40,
             "worker_welfare": 80}
    panel = tmp_path / "panel.yaml"
    panel.write_text(yaml.safe_dump({"method": "swing", "evaluators": [{"name": "Lead", "swing": swing}]}))
    out_rubric = tmp_path / "out.yaml"
    code, out, err = _run(capsys, "weights", str(panel), "--rubric", str(rubric), "--format", "json",
                          "--out", str(out_rubric))
    assert code == 0, err
    written = load_rubric(out_rubric)
    assert written.weights["worker_welfare"] == pytest.approx(100 * 80 / 400)
    assert sum(written.weights.values()) == pytest.approx(100)
    # a panel that weighs only the five is refused with its file, not half-applied
    code, _, err = _run(capsys, "weights", str(EX / "weights-ahp.yaml"), "--rubric", str(rubric),
                        "--out", str(tmp_path / "x.yaml"))
    assert code == 2 and "weights-ahp.yaml" in err and "worker_welfare" in err


@pytest.mark.parametrize(
    ("name", "text"),
    [("deep.json", "[" * 100_000 + "]" * 100_000), ("deep.yaml", "[" * 50_000 + "]" * 50_000),
     ("big.json", "9" * 10_000), ("date.yaml", "when: 2026-13-45\n")],
)
def test_hostile_panel_files_are_located_refusals(name: str, text: str) -> None:
    from scorecard.elicitation import load_elicitation

    with pytest.raises(InputError) as err:
        load_elicitation(name, data=text.encode())
    assert all(p.location.file == name for p in err.value.problems)
