"""Shared by the report tests: example payloads, hostile names, LibreOffice and poppler."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from governance.reports import ReportInput

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "report"
HOSTILE = [
    "Acme <Holdings> & Sons",
    '=HYPERLINK("http://x","y")',
    "Ελληνική Δεδομένα",
    "Данные ООО",
]


def example(name: str) -> Any:
    """One of the committed example payloads."""
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def full_report(**overrides: Any) -> ReportInput:
    """Every part present, built from the examples (which carry the hostile names)."""
    data: dict[str, Any] = {
        "title": "Vendor review <Q4> & renewal",
        "program": "Perception labels — Ελληνική/Данные",
        "scorecard": example("scorecard"),
        "switching": example("switching"),
        "taxonomy": example("taxonomy"),
        "sla": example("sla"),
        "sections": example("sections"),
    }
    data.update(overrides)
    return ReportInput.model_validate(data)


def need(tool: str) -> str:
    """Path of a system tool, or skip the test saying which package brings it."""
    path = shutil.which(tool)
    if path is None:
        packages = {"soffice": "libreoffice-calc-nogui", "pdftotext": "poppler-utils", "pdffonts": "poppler-utils",
                    "pdfinfo": "poppler-utils"}
        package = packages.get(tool, tool)
        pytest.skip(
            f"{tool} not installed (Debian package {package}); `make test` installs it as root"
        )
    return path


def libreoffice_convert(source: Path, target_ext: str, workdir: Path) -> Path:
    """Open `source` in headless LibreOffice (which recalculates) and save it as `target_ext`."""
    soffice = need("soffice")
    outdir = workdir / f"lo-out-{target_ext}"
    outdir.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="annogov-lo-") as profile:
        proc = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                target_ext,
                "--outdir",
                str(outdir),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
    result = outdir / (source.stem + "." + target_ext.split(":")[0])
    assert result.is_file(), f"LibreOffice did not convert: {proc.stdout} {proc.stderr}"
    return result


def pdf_text(path: Path, layout: bool = False) -> str:
    """The PDF's text as pdftotext extracts it; whitespace runs folded unless `layout` is asked."""
    tool = need("pdftotext")
    flags = ["-layout"] if layout else []
    out = subprocess.run(
        [tool, *flags, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    text = out.stdout.decode("utf-8")
    return text if layout else " ".join(text.split())
