"""`annogov guidelines` on the example document: history, diff, exports and bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from annogov.cli import main
from governance.channel import guidelines as gl
from governance.channel.guideline_bundle import read_bundle

EXAMPLE = Path(__file__).resolve().parents[1] / "examples/channel/street-scenes-guidelines.json"


def test_history_and_diff(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guidelines", "show", str(EXAMPLE), "--format", "history"]) == 0
    out = capsys.readouterr().out
    assert "Calibration log: person pushing a bicycle" in out and out.count("\n") == 5
    assert main(["guidelines", "diff", str(EXAMPLE), "1", "3"]) == 0
    out = capsys.readouterr().out
    assert "- Added: ruling 4, Pushing a bicycle" in out and "- Retired: ruling 2" in out


def test_bundle_export_round_trips(tmp_path: Path) -> None:
    out = tmp_path / "handover.zip"
    assert main(["guidelines", "export", str(EXAMPLE), "-o", str(out)]) == 0
    doc = read_bundle(out.read_bytes())
    assert doc == gl.GuidelineDocument.model_validate_json(EXAMPLE.read_bytes())
    md = tmp_path / "v1.md"
    assert main(["guidelines", "export", str(out), "--format", "markdown", "--version", "1",
                 "-o", str(md)]) == 0
    assert "## Ruling 2: Parked vehicles" in md.read_text()
    pdf = tmp_path / "g.pdf"
    assert main(["guidelines", "export", str(EXAMPLE), "--format", "pdf", "-o", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")


def test_bad_input_exits_2_with_a_message(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.json"
    junk.write_text('{"doc_id": "x"}')
    assert main(["guidelines", "show", str(junk)]) == 2
    assert "junk.json" in capsys.readouterr().err
    assert main(["guidelines", "show", str(EXAMPLE), "--version", "7"]) == 2
    assert "there is no version 7 (1..3)" in capsys.readouterr().err
    assert main(["guidelines", "diff", str(EXAMPLE), "1", "9"]) == 2
    assert "street-scenes-guidelines.json: guideline 'street-scenes' has no version 9" in (
        capsys.readouterr().err)
    assert main(["guidelines", "show", str(tmp_path / "missing.json")]) == 2


def test_import_into_the_database_and_export_from_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'successor.sqlite3'}"
    bundle = tmp_path / "handover.zip"
    assert main(["guidelines", "export", str(EXAMPLE), "-o", str(bundle)]) == 0
    assert main(["guidelines", "import", str(bundle), "--database", url]) == 0
    assert "imported 'street-scenes'" in capsys.readouterr().err
    assert main(["guidelines", "import", str(bundle), "--database", url]) == 2
    assert "already exists" in capsys.readouterr().err
    again = tmp_path / "again.zip"
    assert main(["guidelines", "export", "--doc", "street-scenes", "--database", url,
                 "-o", str(again)]) == 0
    assert read_bundle(again.read_bytes()) == read_bundle(bundle.read_bytes())
    assert main(["guidelines", "show", "--doc", "missing", "--database", url]) == 2
    assert "no guideline 'missing'" in capsys.readouterr().err
    assert main(["guidelines", "diff", "--doc", "street-scenes", "--database", url, "1", "9"]) == 2
    assert "street-scenes: guideline 'street-scenes' has no version 9" in capsys.readouterr().err
    assert main(["guidelines", "show", str(EXAMPLE), "--doc", "x"]) == 2
