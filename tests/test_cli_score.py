"""`annogov score` as a user runs it: formats, weights, and exit code 2 on bad input."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from annogov.cli import main

ROOT = Path(__file__).resolve().parents[1]
WIDE = str(ROOT / "examples" / "scorecard-wide.xlsx")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_has_the_documented_keys(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", WIDE, "--format", "json", "--as-of", "2026-11-26")
    payload = json.loads(out)
    assert code == 0
    assert payload["weights"]["quality_sla"] == 25
    first = payload["providers"][0]
    assert (first["name"], first["rank"], first["band"]) == ("Northwind Labeling", 1, "enterprise-grade")
    assert first["total"] == pytest.approx(81.3333, abs=1e-4)
    assert {"pairs", "boundaries", "band_probabilities"} <= set(payload["robustness"])


def test_weights_flag_changes_the_ranking(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["score", WIDE, "--format", "json", "--as-of", "2026-11-26", "--simulations", "0"]
    base = json.loads(run(capsys, *args)[1])
    moved = json.loads(
        run(capsys, *args, "--weights", "workforce=5,security=10,quality_sla=15,ai_throughput=35,commercial=35")[1]
    )
    assert moved["weights"]["ai_throughput"] == 35
    assert [p["name"] for p in moved["providers"]][:2] != [p["name"] for p in base["providers"]][:2]


def test_csv_output_has_one_row_per_provider(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", WIDE, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(rows) == 4 and rows[0]["rank"] == "1"


def test_csv_output_never_turns_a_provider_name_into_a_formula(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sheet = tmp_path / "evil.csv"
    sheet.write_text(
        'provider,workforce,security,quality sla,ai throughput,commercial\n"=HYPERLINK(""x"")",4,4,4,4,4\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "score", str(sheet), "--format", "csv", "--simulations", "0")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and row["provider"] == '\'=HYPERLINK("x")'


def test_table_output_reads_as_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", WIDE, "--as-of", "2026-11-26")
    assert code == 0
    assert "Northwind Labeling" in out and "enterprise-grade" in out
    assert "gate soc2-type" in out and "Robustness:" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", str(ROOT / "tests" / "fixtures" / "scorecard-bad.xlsx")], "row 5, column 'B (Workforce)'"),
        (["score", WIDE, "--weights", "workforce=50"], "must sum to 100"),
        (["score", WIDE, "--weights", "speed=50"], "unknown dimension speed"),
        (["score", "no-such-file.xlsx"], "no-such-file.xlsx: no such file"),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, _, err = run(capsys, *args)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_console_script_exit_code_and_no_traceback() -> None:
    bad = str(ROOT / "tests" / "fixtures" / "scorecard-bad.xlsx")
    proc = subprocess.run([sys.executable, "-m", "annogov", "score", bad], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "4 problems in the input" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "annogov", "score", WIDE, "--format", "yaml"], capture_output=True, text=True
    )
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


@pytest.mark.parametrize(
    "command", [["score", WIDE], ["contract-audit", str(ROOT / "examples" / "contract-profile.yaml")]]
)
def test_a_bad_date_is_a_usage_error_that_says_what_was_expected(
    capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*command, "--as-of", "26/11/2026"])
    assert exit_.value.code == 2
    assert "'26/11/2026' is not a date (YYYY-MM-DD)" in capsys.readouterr().err


def test_score_shows_the_measured_suggestion_beside_the_typed_score(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same rows the scorecard page shows (`scorecard.measured.suggestion_rows`): the sheet's consensus
    score kept, the stored delivery's suggestion beside it with its source and reasons."""
    from datetime import date

    from annogov.store import Store
    from annogov.store.measured import record_delivery
    from governance.quality.vendors.history import DeliveryMeasures, Tally
    from governance.roles import OPERATOR

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    store = Store(url)
    program = store.create_program("Q3")
    store.add_provider(program.id, "Lumen Annotation Co.")
    # kappa 0.65 earns 3, defects 1 of 100 (1%) earn 5, accuracy 96/100 earns 5: suggestion 3
    t = Tally(rows=100, reviewed=100, failed=1, gold=100, correct=96, kappa=0.65)
    m = DeliveryMeasures(
        file="bh.csv", items=100, annotations=100, kappa_method="cohen_kappa", overall=t, categories={"a": t},
        annotators={},
    )
    record_delivery(store, OPERATOR, program.id, "Lumen Annotation Co.", m, delivered_on=date(2026, 11, 2),
                    guideline_version="v1")
    store.close()
    code, out, _ = run(capsys, "score", WIDE, "--as-of", "2026-11-26", "--program", "Q3", "--database", url,
                       "--format", "json")
    assert code == 0
    payload = json.loads(out)
    rows = {(r["provider"], r["dimension"]): r for r in payload["measured_suggestions"]}
    heron = rows[("Lumen Annotation Co.", "quality_sla")]
    typed = next(p for p in payload["providers"] if p["name"] == "Lumen Annotation Co.")["dimensions"]["quality_sla"]
    assert heron["typed"] == typed["score"] and heron["suggested"] == 3
    assert heron["source"] == "bh.csv (delivery 1, 2026-11-02)" and "kappa 0.650 earns 3" in heron["because"]
    assert rows[("Lumen Annotation Co.", "ai_throughput")]["because"] == "no stored delivery marks pre-labelled items"
    assert rows[("Kestrel Data Works", "quality_sla")]["suggested"] is None
    code, out, _ = run(capsys, "score", WIDE, "--as-of", "2026-11-26", "--program", "Q3", "--database", url)
    assert code == 0 and "Measured suggestions" in out and "bh.csv (delivery 1, 2026-11-02)" in out
    assert "rule for quality_sla: each measure scored on its own" in out
    code, _, err = run(capsys, "score", WIDE, "--program", "Nope", "--database", url)
    assert code == 2 and "no program named 'Nope'" in err
    code, _, err = run(capsys, "score", WIDE, "--database", url)
    assert code == 2 and "--database only applies with --program" in err
