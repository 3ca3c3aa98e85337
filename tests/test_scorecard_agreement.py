"""One decision, every output: total, band, rank and knock-out status of generated scorecards
agree across `annogov score --format json`, the app's ranking rows (store path, the function the
page calls), the PDF report's text and the workbook as LibreOffice recalculates it, including
totals exactly on a band floor reached through fractional consensus means."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from report_helpers import need, pdf_text

from annogov.cli import main
from annogov.services import scoring
from annogov.services.reporting import scorecard_part
from annogov.store import Store
from governance.reports import ReportInput, build_pdf, build_xlsx
from scorecard.card import score_sheet
from scorecard.dimensions import DIMENSION_KEYS, DIMENSION_NAMES
from scorecard.importer import import_scores
from scorecard.rubric import default_rubric

AS_OF = dt.date(2026, 11, 26)
FLAGS = ("personal_devices", "soc2_not_type_ii", "no_portability", "no_calibration", "throughput_only")
WEIGHTS = ((25, 20, 25, 15, 15), (20, 20, 20, 20, 20), (30, 10, 30, 20, 10), (40, 15, 15, 15, 15))
WITH_WELFARE = ((20, 20, 20, 15, 15, 10), (20, 15, 25, 10, 10, 20))  # a sixth, extra dimension
WELFARE = {
    "key": "worker_welfare",
    "name": "Worker welfare",
    "weight": 0,
    "primary_criterion": "Fair pay, reasonable hours and support for annotators exposed to harmful content",
    "anchors": {1: "No stated pay floor or wellbeing support", 3: "Pay floor stated", 5: "Audited pay and support"},
}
FLOORS = ((60.0, 75.0), (50.0, 70.0), (65.0, 80.0))
Outcome = tuple[int | None, float | None, str | None, bool]


@dataclass
class Case:
    """A generated scorecard: weights, band floors, scores[provider][evaluator] per dimension, flags."""

    weights: tuple[int, ...]
    floors: tuple[float, float]
    scores: list[list[tuple[int, ...]]]
    flags: list[list[str]] = field(default_factory=list)

    @property
    def providers(self) -> list[str]:
        return [f"Prov{p + 1}" for p in range(len(self.scores))]

    @property
    def keys(self) -> tuple[str, ...]:
        return DIMENSION_KEYS + (("worker_welfare",) if len(self.weights) > len(DIMENSION_KEYS) else ())


@st.composite
def cases(draw: st.DrawFn) -> Case:
    providers = draw(st.integers(2, 4))
    evaluators = draw(st.integers(1, 3))
    weights = draw(st.sampled_from(WEIGHTS + WITH_WELFARE))
    score = st.tuples(*(st.integers(1, 5) for _ in weights))
    scores = [[draw(score) for _ in range(evaluators)] for _ in range(providers)]
    flags = [sorted(draw(st.sets(st.sampled_from(FLAGS), max_size=2))) for _ in range(providers)]
    return Case(weights, draw(st.sampled_from(FLOORS)), scores, flags)


def _write_case(case: Case, folder: Path) -> tuple[Path, Path]:
    """The scoring sheet (wide CSV, flags on each provider's first row) and the rubric YAML."""
    folder.mkdir(parents=True, exist_ok=True)
    sheet = folder / "scores.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        names = {**DIMENSION_NAMES, "worker_welfare": WELFARE["name"]}
        out.writerow(["Provider", "Evaluator", *(names[k] for k in case.keys), "Red flags"])
        for name, rows, flags in zip(case.providers, case.scores, case.flags or [[]] * len(case.scores), strict=True):
            for e, values in enumerate(rows):
                out.writerow([name, f"E{e + 1}", *values, "; ".join(flags) if e == 0 else ""])
    data = default_rubric().model_dump(mode="json") | {"band_floors": list(case.floors)}
    if "worker_welfare" in case.keys:
        data["dimensions"].append(WELFARE)
    for dim in data["dimensions"]:
        dim["weight"] = float(case.weights[case.keys.index(dim["key"])])
    path = folder / "rubric.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return sheet, path


def _cli(sheet: Path, rubric: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Outcome]:
    args = ["score", str(sheet), "--rubric", str(rubric), "--format", "json", "--simulations", "0"]
    assert main([*args, "--as-of", AS_OF.isoformat()]) == 0
    payload = json.loads(capsys.readouterr().out)
    return {p["name"]: (p["rank"], p["total"], p["band"], p["eligible"]) for p in payload["providers"]}


def _store_case(store: Store, case: Case, sheet: Path, rubric_path: Path, number: int) -> int:
    """The case imported into its own program the way the app's Import tab does."""
    program = store.create_program(f"case {number}")
    rubric = scoring.rubric_from_document(yaml.safe_load(rubric_path.read_text(encoding="utf-8")))
    store.save_document("rubric", program.id, scoring.RUBRIC_NAME, scoring.rubric_document(rubric), expected_version=0)
    scoring.import_into_program(store, program.id, import_scores(sheet, rubric))
    return program.id


def _app(store: Store, program_id: int) -> dict[str, Outcome]:
    """The ranking rows the scorecard page shows, from the store."""
    rubric, _ = scoring.load_program_rubric(store, program_id)
    stored = scoring.sheet_from_records(rubric, store.list_providers(program_id), store.list_evaluations(program_id))
    payload = score_sheet(stored.sheet, as_of=AS_OF).to_payload()
    return {
        r["Provider"]: (r["Rank"], r["Total"], r["Band"], r["Eligible"] == "yes") for r in scoring.ranking_rows(payload)
    }


RANKING = re.compile(r"(\d+)\. (Prov\d+) \(([\d.]+) points, ([a-z -]+?)(, excluded)?\)")


def _pdf(path: Path) -> dict[str, Outcome]:
    """The executive summary's ranking sentence, as pdftotext reads it."""
    text = pdf_text(path)
    sentence = text[text.index("Ranking out of 100:") :]
    out: dict[str, Outcome] = {}
    for rank, name, total, band, excluded in RANKING.findall(sentence):
        out.setdefault(name, (int(rank), float(total), band.strip(), not excluded))
    return out


def _convert_all(paths: list[Path], workdir: Path) -> list[Path]:
    """Every workbook recalculated by headless LibreOffice in one run."""
    soffice = need("soffice")
    outdir = workdir / "lo-out"
    outdir.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="annogov-lo-") as profile:
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "xlsx"]
            + ["--outdir", str(outdir), *map(str, paths)],
            capture_output=True,
            timeout=600,
            check=False,
        )
    out = [outdir / p.name for p in paths]
    assert all(p.is_file() for p in out), "LibreOffice did not convert every workbook"
    return out


def _workbook(path: Path) -> tuple[dict[str, Outcome], bool]:
    """Rank, total, band and eligibility as LibreOffice computed them; whether scores were live."""
    wb = load_workbook(path, data_only=True)
    ws = wb["Scorecard"]
    header = [c.value for c in ws[1]]
    total, band = header.index("Total (of 100)"), header.index("Band")
    eligible = next(i for i, h in enumerate(header) if str(h).startswith("Eligible"))
    out = {}
    for row in ws.iter_rows(min_row=2):
        if row[1].value is None:
            break
        value = row[total].value
        out[row[1].value] = (
            row[0].value if isinstance(row[0].value, int | float) else None,
            float(value) if isinstance(value, int | float) else None,
            row[band].value,
            row[eligible].value == "yes",
        )
    return out, "Evaluator scores" in wb.sheetnames


def _agree(cases_: list[Case], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Outcome]]:
    """Check every output of every case against the CLI's JSON; returns the JSON outcomes."""
    need("pdftotext")
    store = Store(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    found: list[tuple[dict[str, Outcome], Path]] = []
    try:
        for i, case in enumerate(cases_):
            folder = tmp_path / f"case{i}"
            sheet, rubric = _write_case(case, folder)
            cli = _cli(sheet, rubric, capsys)
            program = _store_case(store, case, sheet, rubric, i)
            app = _app(store, program)
            assert app == {k: (r, None if t is None else round(t, 2), b, e) for k, (r, t, b, e) in cli.items()}
            card, _ = scorecard_part(store, program, AS_OF)
            report = ReportInput(title="Agreement", scorecard=card, created=AS_OF)
            pdf = folder / "report.pdf"
            pdf.write_bytes(build_pdf(report))
            assert _pdf(pdf) == {k: (r, round(t, 2), b, e) for k, (r, t, b, e) in cli.items() if t is not None}
            book = folder / f"case{i}.xlsx"
            book.write_bytes(build_xlsx(report))
            found.append((cli, book))
    finally:
        store.close()
    for (cli, _), converted in zip(found, _convert_all([b for _, b in found], tmp_path), strict=True):
        book, live = _workbook(converted)
        assert live, "the workbook should take the consensus from the evaluators' scores"
        assert set(book) == set(cli)
        for name, (rank, total, band, eligible) in cli.items():
            got_rank, got_total, got_band, got_eligible = book[name]
            assert (got_rank, got_band, got_eligible) == (rank, band, eligible), name
            assert got_total is not None and total is not None and abs(got_total - total) <= 1e-6
    return [cli for cli, _ in found]


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(batch=st.lists(cases(), min_size=3, max_size=3))
def test_generated_scorecards_agree_everywhere(
    batch: list[Case], tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    _agree(batch, tmp_path_factory.mktemp("agree"), capsys)


def test_totals_exactly_on_the_floors_from_fractional_means(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Hand-checked: with weights 25/20/25/15/15 and three evaluators, consensus means 11/3, 4,
    13/3, 11/3 and 8/3 give (25*11/3 + 20*4 + 25*13/3 + 15*11/3 + 15*8/3)/5 = 375/5 = 75 exactly;
    means 3, 3, 3, 3, 3 give 60 and 10/3, 3, 8/3, 3, 3 give (250/3 + 60 + 200/3 + 45 + 45)/5 = 60."""
    on_75 = [(4, 4, 4, 4, 3), (4, 4, 4, 4, 3), (3, 4, 5, 3, 2)]
    on_60 = [(3, 3, 3, 3, 3)] * 3
    on_60_fractional = [(4, 3, 3, 3, 3), (3, 3, 2, 3, 3), (3, 3, 3, 3, 3)]
    below = [(3, 3, 3, 3, 2)] * 3
    default = Case(WEIGHTS[0], (60.0, 75.0), [on_75, on_60, on_60_fractional, below], [[], [], [], []])
    knocked = Case(WEIGHTS[0], (60.0, 75.0), [on_75, on_60], [["personal_devices"], []])
    floors = Case(WEIGHTS[0], (60.0, 70.0), [on_75, on_60_fractional], [[], ["no_calibration"]])
    # a sixth dimension (weights 20/20/20/15/15/10): (20*11/3 + 20*4 + 20*13/3 + 15*11/3 + 15*8/3 + 10*3)/5
    # = (220/3 + 80 + 260/3 + 55 + 40 + 30)/5 = (160 + 205)/5 = 73
    welfare = Case(WITH_WELFARE[0], (60.0, 75.0), [[(*s, 3) for s in on_75], [(*s, 3) for s in on_60]], [[], []])
    first, second, third, fourth = _agree([default, knocked, floors, welfare], tmp_path, capsys)
    assert first == {
        "Prov1": (1, 75.0, "enterprise-grade", True),
        "Prov2": (2, 60.0, "viable with enhanced oversight", True),
        "Prov3": (2, 60.0, "viable with enhanced oversight", True),
        "Prov4": (4, 57.0, "material delivery risk", True),
    }
    assert second == {
        "Prov2": (1, 60.0, "viable with enhanced oversight", True),
        "Prov1": (2, 75.0, "material delivery risk", False),
    }
    assert third["Prov1"][2] == "enterprise-grade" and third["Prov2"][2] == "viable with enhanced oversight"
    assert fourth == {
        "Prov1": (1, 73.0, "viable with enhanced oversight", True),
        "Prov2": (2, 60.0, "viable with enhanced oversight", True),
    }
