"""`annogov channel` on the example files and on a seeded database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annogov.cli import main
from annogov.services.demo import DEMO_PROGRAM_NAME, seed_demo
from annogov.store import Store

EX = Path(__file__).resolve().parents[1] / "examples/channel"
LOG, METRICS = str(EX / "calibration-log.json"), str(EX / "weekly-metrics.csv")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the demo seeded once for the tests that only read it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.sqlite3'}"
    store = Store(url)
    seed_demo(store)
    store.close()
    return url


def test_insights_from_files_join_flags_with_the_agreement_drop(
        capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["channel", "insights", LOG, "--metrics", METRICS, "--threshold",
            "gold_accuracy=0.95", "--as-of", "2026-11-26T09:00", "--format", "json"]
    assert main(argv) == 0
    found = json.loads(capsys.readouterr().out)
    hits = {(c["week"], c["category"], c["metric"]): c for c in found["metric_coincidences"]}
    assert set(hits) == {("2026-W47", "pedestrian", "krippendorff_alpha"),
                         ("2026-W47", "vehicle", "gold_accuracy")}
    ped = hits[("2026-W47", "pedestrian", "krippendorff_alpha")]
    assert ped["entry_ids"] == ["cal-0007", "cal-0008", "cal-0009"]
    assert ped["drop"] == pytest.approx(0.19)
    assert [q["task_id"] for q in found["blocking_questions"]] == ["T-1107", "T-1219", "T-1330"]
    assert main(argv[:-2]) == 0
    assert "Questions blocking work, oldest first" in capsys.readouterr().out


def test_log_filters_and_summary_from_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["channel", "log", LOG, "--tag", "sensor glitch", "--format", "json"]) == 0
    assert [e["task_id"] for e in json.loads(capsys.readouterr().out)] == ["T-1213", "T-1219"]
    assert main(["channel", "summary", LOG, "--as-of", "2026-11-26", "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["total"], summary["promoted"], summary["tasks_set_aside"]) == (7, 1, 3)


def test_database_mode_reads_the_seeded_demo(demo_url: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    url = demo_url
    assert main(["channel", "log", "--program", DEMO_PROGRAM_NAME, "--database", url,
                 "--status", "promoted"]) == 0
    out = capsys.readouterr().out
    assert "img-0412" in out and "v2 r4" in out and "img-0587" not in out
    assert main(["channel", "insights", "--program", DEMO_PROGRAM_NAME, "--database", url,
                 "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["tasks_flagged_by_several"][0]["task_id"] == "img-0587"
    assert len(found["shared_insights"]) == 1
    assert main(["channel", "summary", "--program", "Nope", "--database", url]) == 2
    assert "no program named 'Nope'" in capsys.readouterr().err


def test_bad_input_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "m.csv"
    bad.write_text("Title row\ncategory,week,metric,value\na,2026-W47,alpha,0.5\n"
                   "a,W48,alpha,lots\n")
    assert main(["channel", "insights", LOG, "--metrics", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "m.csv, row 4, column 'week'" in err and "m.csv, row 4, column 'value'" in err
    assert main(["channel", "insights", LOG, "--threshold", "alpha"]) == 2
    assert "expected METRIC=NUMBER" in capsys.readouterr().err
    broken = tmp_path / "log.json"
    broken.write_text('[{"entry_id": "x"}]')
    assert main(["channel", "log", str(broken)]) == 2
    assert "log.json, row 1, column 'program'" in capsys.readouterr().err
    assert main(["channel", "log"]) == 2


def test_report_sections_carry_the_log_summary_and_guideline_history(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sections.json"
    guide = str(EX / "street-scenes-guidelines.json")
    assert main(["channel", "report-sections", LOG, "--guideline", guide,
                 "--as-of", "2026-11-26T09:00", "-o", str(out)]) == 0
    sections = json.loads(out.read_text())
    assert [s["title"] for s in sections] == [
        "Calibration log: summary", "Calibration log: questions blocking work",
        "Calibration log: rulings promoted into the guidelines",
        "Guideline history: Street-scene labelling guide"]
    for s in sections:
        assert all(len(row) == len(s["columns"]) for row in s["rows"]), s["title"]
        assert set(s.get("formats", {})) <= set(s["columns"])
    summary = dict(sections[0]["rows"])
    assert (summary["Entries"], summary["Tasks set aside now"]) == (7, 3)
    assert [r[1] for r in sections[1]["rows"]] == ["T-1107", "T-1219", "T-1330"]
    assert sections[2]["rows"][0][4:] == [2, 4]
    history = sections[3]["rows"]
    assert [(r[0], r[2], r[5], r[6], r[7]) for r in history] == [
        (1, "Max Okafor", "1, 2, 3", "", ""), (2, "Eve Lindqvist", "4", "", ""),
        (3, "Max Okafor", "", "3", "2")]
    assert "Annotator" not in json.dumps(sections[0]) and "ana@" not in json.dumps(sections[0])


def test_report_sections_from_the_database(demo_url: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    url = demo_url
    assert main(["channel", "report-sections", "--program", DEMO_PROGRAM_NAME, "--database", url,
                 "--doc", "street-scene-labels"]) == 0
    sections = json.loads(capsys.readouterr().out)
    assert sections[-1]["title"].startswith("Guideline history")
    assert len(sections[-1]["rows"]) == 2
    assert main(["channel", "report-sections", LOG, "--doc", "x"]) == 2


def test_insights_join_flags_with_weekly_metrics_computed_from_a_delivery(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime

    from governance.channel import calibration as cal
    from governance.channel.insights import metrics_from_drift
    from tests.channel_support import ANA, VOCAB

    flag = cal.flag_task(ANA, program="lidar-2026", task_id="img-0301", vocabulary=VOCAB,
                         description="Late batch, rushed labels?", tags=["night"],
                         now=datetime(2026, 3, 17, 9, tzinfo=UTC))
    log = tmp_path / "log.json"
    log.write_text(json.dumps([flag.model_dump(mode="json")]))
    delivery = str(Path(__file__).resolve().parents[1] / "examples/delivery.csv")
    assert main(["channel", "insights", str(log), "--delivery", delivery,
                 "--as-of", "2026-03-20", "--format", "json"]) == 0
    found = json.loads(capsys.readouterr().out)["metric_coincidences"]
    assert [(c["week"], c["category"], c["metric"]) for c in found] == [
        ("2026-W12", None, "on_time_rate")]
    assert found[0]["drop"] == pytest.approx(0.9850746 - 0.8484848, abs=1e-6)
    from governance.quality.sla.drift import DriftReport, PeriodRow

    by_batch = DriftReport(by="batch", threshold=0.05, periods=[], drops=[])
    with pytest.raises(ValueError, match="by week"):
        metrics_from_drift(by_batch)
    undefined = DriftReport(by="week", threshold=0.05, drops=[], periods=[PeriodRow(
        period="2026-03-02", annotations=1, items=1,
        values={"percent_agreement": None, "defect_rate": 0.5})])
    frame = metrics_from_drift(undefined)
    assert frame["metric"].tolist() == ["percent_agreement"] and frame["value"].isna().all()


def test_channel_sections_render_in_the_pdf_and_excel_reports(tmp_path: Path) -> None:
    import shutil
    import subprocess

    import openpyxl

    sections = tmp_path / "channel.json"
    assert main(["channel", "report-sections", LOG, "--as-of", "2026-11-26T09:00",
                 "--guideline", str(EX / "street-scenes-guidelines.json"),
                 "-o", str(sections)]) == 0
    xlsx, pdf = tmp_path / "report.xlsx", tmp_path / "report.pdf"
    for out in (xlsx, pdf):
        assert main(["report", "--section", str(sections), "--program", "lidar-2026",
                     "--date", "2026-11-26", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(xlsx)
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value is not None}
    assert {"T-1107", "Eve Lindqvist", "Promoted into the guidelines"} <= cells
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    assert "Calibration log: questions blocking work" in text
    assert "Guideline history: Street-scene labelling guide" in text
