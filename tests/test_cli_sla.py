"""The `agreement`, `sla-check` and `qa-sample` commands: JSON shapes, exit codes, messages."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from annogov.cli import main
from contracts.sla_term_files import load_term_set
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery
from governance.quality.sla.sla_stats import agreement

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
KEYS = ["metric", "weights", "level", "value", "ci", "n_items", "n_annotations",
        "undefined_reason", "missing", "method", "se", "ci_method"]


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_sla_check_json_and_exit_codes(capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    code, payload = _json(capsys, ["sla-check", "--terms", str(EXAMPLES / "sla-terms.yaml"),
                                   str(EXAMPLES / "delivery.csv"),
                                   "--format", "json"])
    assert code == 1 and payload["verdict"] == "fail" and payload["credits"] == 2900.0
    assert {t["status"] for t in payload["terms"]} == {"pass", "fail", "inconclusive"}
    for term in payload["terms"]:
        assert list(term) == ["metric", "scope", "status", "value", "ci", "threshold",
                              "comparator", "n", "evidence", "remedy", "id", "method", "min_sample",
                              "tier", "tier_rule", "reason", "notes", "realism"]
    passing = tmp_path / "pass.yaml"
    passing.write_text("terms:\n  - {metric: on_time_rate, threshold: 0.5, min_sample: 10}\n"
                       "  - {metric: kappa, scope: 'task_type:simple', threshold: 0.5}\n")
    assert main(["sla-check", "--terms", str(passing),
                 str(EXAMPLES / "delivery.csv")]) == 0
    assert "Verdict: PASS" in capsys.readouterr().out


def test_sla_check_xlsx_terms_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["sla-check", "--terms", str(EXAMPLES / "sla-terms.xlsx"),
                 str(EXAMPLES / "delivery.csv")])
    out = capsys.readouterr().out
    assert code == 1
    assert "Verdict: FAIL" in out and "INCONCLUSIVE" in out and "construction_zone" in out
    assert "target realism" in out


def test_bad_input_exits_2_with_a_located_message(capsys: pytest.CaptureFixture[str],
                                                  tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("item_id,annotator_id,label\nx1,a,pedestrian\nx1,a,vehicle\n,b,vehicle\n")
    code = main(["sla-check", "--terms", str(EXAMPLES / "sla-terms.yaml"),
                 str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "bad.csv, row 3, column 'annotator_id'" in err
    assert "bad.csv, row 4, column 'item_id'" in err and "Traceback" not in err
    assert main(["sla-check", str(tmp_path / "nope.csv")]) == 2
    terms = tmp_path / "t.yaml"
    terms.write_text("terms:\n  - {metric: kappa, threshold: high}\n")
    assert main(["sla-check", "--terms", str(terms),
                 str(EXAMPLES / "delivery.csv")]) == 2
    assert "terms[0].threshold" in capsys.readouterr().err


def test_column_flags(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("task,who,answer\n1,a,x\n1,b,x\n2,a,y\n2,b,x\n")
    code, payload = _json(capsys, ["agreement", str(path), "--column", "item_id=task",
                                   "--column", "annotator_id=who", "--column", "label=answer",
                                   "--format", "json"])
    assert code == 0 and payload["value"] == 0.5 and payload["n_items"] == 2
    assert main(["agreement", str(path)]) == 2
    assert "required column item_id is missing" in capsys.readouterr().err


def test_agreement_json_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, payload = _json(capsys, ["agreement", str(EXAMPLES / "delivery.csv"), "--metric",
                                   "krippendorff", "--by", "category", "--terms",
                                   str(EXAMPLES / "sla-terms.yaml"), "--format", "json"])
    assert code == 0
    assert list(payload) == [*KEYS, "label_order", "labels", "groups"]
    assert payload["metric"] == "krippendorff_alpha" and payload["level"] == "nominal"
    assert payload["label_order"] == "label set" and payload["weights"] is None
    assert set(payload["groups"]) == {"urban_day", "urban_night", "highway", "construction_zone"}
    counts = count_delivery(open_delivery(EXAMPLES / "delivery.csv"),
                            load_term_set(EXAMPLES / "sla-terms.yaml").label_set)
    for name, group in payload["groups"].items():
        assert list(group) == KEYS
        alone = agreement(counts, "krippendorff_alpha", counts.item_category == counts.categories.index(name))
        assert group["value"] == pytest.approx(alone.value, abs=1e-12)  # the group's items only
        assert group["n_items"] == alone.n_items and group["ci"][0] <= group["value"] <= group["ci"][1]
    weighted = ["agreement", str(EXAMPLES / "delivery.csv"), "--metric", "cohen", "--weighting", "quadratic"]
    assert main(weighted) == 2  # text labels with no label set: the order is unknown
    err = capsys.readouterr().err
    assert "delivery.csv, column 'label'" in err and "--labels" in err
    code, payload = _json(capsys, [*weighted, "--terms", str(EXAMPLES / "sla-terms.yaml"), "--format", "json"])
    assert payload["weights"] == "quadratic" and payload["ci"][0] < payload["value"]
    code, payload = _json(capsys, ["agreement", str(EXAMPLES / "delivery.csv"), "--metric",
                                   "krippendorff", "--level", "interval", "--format", "json"])
    assert payload["value"] is None and "numeric" in payload["undefined_reason"]


def test_qa_sample_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    args = ["qa-sample", str(EXAMPLES / "delivery.csv"), "--min-rate", "0.10", "--seed", "7",
            "--out", str(out)]
    assert main(args) == 0
    assert "construction_zone         34       10  29.4%" in capsys.readouterr().out
    first = out.read_text()
    assert main(args) == 0 and out.read_text() == first
    rows = list(csv.DictReader(first.splitlines()))
    per_cat: dict[str, int] = {}
    for r in rows:
        per_cat[r["category"]] = per_cat.get(r["category"], 0) + 1
    assert per_cat["construction_zone"] == 10 and per_cat["urban_day"] == 18
    assert list(rows[0]) == ["review_id", "item_id", "category", "label"]  # blind: no gold, no annotator
    key = list(csv.DictReader((tmp_path / "s-key.csv").read_text().splitlines()))
    assert [r["review_id"] for r in key] == [r["review_id"] for r in rows]
    assert {"annotator_id", "gold_label", "source_row"} <= set(key[0])
    delivered = {r["__row"] if "__row" in r else str(i + 2): r
                 for i, r in enumerate(csv.DictReader((EXAMPLES / "delivery.csv").read_text().splitlines()))}
    for r, k in zip(rows, key, strict=True):
        source = delivered[k["source_row"]]
        assert (r["item_id"], r["label"]) == (k["item_id"], k["label"]) == (source["item_id"], source["label"])
        assert k["gold_label"] == source.get("gold_label", "")
    assert main(["qa-sample", str(EXAMPLES / "delivery.csv"), "--min-rate", "2",
                 "--out", str(out)]) == 2


def test_benchmark_smoke(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_sla_check.py"),
                             "--scale", "0.0004"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ratio sla-check / default read" in result.stdout and "peak RSS" in result.stdout
    assert "speed-up" in result.stdout  # the kappa/alpha ratio comes from the same run
