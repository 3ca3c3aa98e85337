"""annogov.services.scoring: the scorecard over the store (on SQLite and PostgreSQL), the score editor's
rows and validation, weights, and the blank template."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook

from annogov.services import scoring
from annogov.services.score_editor import EditorRow, editor_rows, edits_from_editor
from annogov.store import ConcurrentEditError, ScoreEdit, Store
from ingest import InputError
from scorecard.card import score_sheet
from scorecard.dimensions import DIMENSION_KEYS
from scorecard.importer import ImportResult, import_scores
from scorecard.rubric import default_rubric
from scorecard.template import template_headers, template_xlsx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
AS_OF = date(2026, 11, 1)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store(db_url)
    yield opened
    opened.close()


def _summary(payload: dict[str, Any]) -> dict[str, Any]:
    """What a reader of the scorecard sees, independent of list order inside a provider."""
    return {
        p["name"]: (
            p["total"],
            p["band"],
            p["rank"],
            p["complete"],
            sorted(g["id"] for g in p["gates"]),
            sorted((f["kind"], f["dimension"]) for f in p["flags"]),
            {k: (d["score"], d["spread"], d.get("suggested")) for k, d in p["dimensions"].items()},
        )
        for p in payload["providers"]
    }


def _stored_payload(store: Store, program_id: int) -> dict[str, Any]:
    rubric, _ = scoring.load_program_rubric(store, program_id)
    stored = scoring.sheet_from_records(rubric, store.list_providers(program_id), store.list_evaluations(program_id))
    assert stored.ignored == []
    return score_sheet(stored.sheet, as_of=AS_OF).to_payload()


@pytest.mark.parametrize("example", ["scorecard-wide.xlsx", "scorecard-long.csv"])
def test_an_import_scores_the_same_from_the_store_as_from_the_file(store: Store, example: str) -> None:
    imported = import_scores(EXAMPLES / example, default_rubric())
    direct = score_sheet(imported.sheet, as_of=AS_OF).to_payload()
    program = store.create_program("Q3 shortlist")
    summary = scoring.import_into_program(store, program.id, imported, changed_by="Ana")
    assert summary.new_providers == imported.sheet.providers
    assert summary.scores == int((~np.isnan(imported.sheet.scores)).sum())
    assert _summary(_stored_payload(store, program.id)) == _summary(direct)
    if example.endswith(".xlsx"):  # gates and overrides need the KPIs, red flags and general comments
        flags = {f["kind"] for p in direct["providers"] for f in p["flags"]}
        assert any(p["gates"] for p in direct["providers"]) and flags & {"override", "unexplained_override"}


def test_reimport_overwrites_cells_audits_the_change_and_keeps_other_rows(store: Store, tmp_path: Path) -> None:
    program = store.create_program("Renewal")
    first = tmp_path / "first.csv"
    first.write_text(
        "provider,evaluator,workforce,security,quality sla,ai throughput,commercial\n"
        "Acme,Ana,4,4,4,4,4\nAcme,Bo,3,3,3,3,3\n",
        encoding="utf-8",
    )
    scoring.import_into_program(store, program.id, import_scores(first, default_rubric()))
    second = tmp_path / "second.csv"
    second.write_text(
        "provider,evaluator,workforce,security,quality sla,ai throughput,commercial\nAcme,Ana,2,4,4,4,4\n",
        encoding="utf-8",
    )
    summary = scoring.import_into_program(
        store, program.id, import_scores(second, default_rubric()), changed_by="import of second.csv"
    )
    assert summary.new_providers == []
    rows = {(e.evaluator, e.dimension): e.score for e in store.list_evaluations(program.id)}
    assert rows[("Ana", "workforce")] == 2 and rows[("Bo", "workforce")] == 3
    latest = store.score_history(program.id)[0]
    assert (latest.changed_by, latest.note, latest.evaluator, latest.dimension) == (
        "operator", "import of second.csv", "Ana", "workforce"
    )
    assert (latest.old_score, latest.new_score) == (4, 2)


def test_new_provider_names_match_the_store_exactly_after_collapsing_spaces() -> None:
    assert scoring.new_provider_names(["Acme", "Blue  Heron", "acme"], ["Acme", "Blue Heron"]) == ["acme"]


def test_sheet_weights_are_saved_only_when_asked(store: Store) -> None:
    program = store.create_program("Weights from headers")
    imported = import_scores(EXAMPLES / "scorecard-wide.xlsx", default_rubric())
    scoring.save_program_weights(
        store,
        program.id,
        {"workforce": 10, "security": 30, "quality_sla": 30, "ai_throughput": 15, "commercial": 15},
        expected_version=0,
    )
    scoring.import_into_program(store, program.id, imported)
    assert scoring.load_program_rubric(store, program.id)[0].weights["security"] == 30
    scoring.import_into_program(store, program.id, imported, use_sheet_weights=True)
    rubric, version = scoring.load_program_rubric(store, program.id)
    assert rubric.weights == {k: float(v) for k, v in (imported.header_weights or {}).items()}
    assert version == 2


def test_an_empty_import_is_refused(store: Store) -> None:
    program = store.create_program("Empty")
    rubric = default_rubric()
    empty = import_scores("t.csv", rubric, data=",".join(template_headers(rubric)).encode() + b"\n")
    with pytest.raises(InputError, match="no provider rows"):
        scoring.import_into_program(store, program.id, empty)
    with pytest.raises(InputError, match="no provider rows"):
        scoring.scores_parser(rubric)(",".join(template_headers(rubric)).encode() + b"\n", "t.csv")


def test_unscored_provider_is_incomplete_and_unknown_criteria_are_reported(store: Store) -> None:
    program = store.create_program("Partial")
    acme = store.add_provider(program.id, "Acme")
    store.add_provider(program.id, "Not yet scored")
    edits = [
        ScoreEdit(provider_id=acme.id, evaluator="Ana", dimension=k, score=4.0)  # type: ignore[arg-type]
        for k in DIMENSION_KEYS
    ]
    edits.append(ScoreEdit(provider_id=acme.id, evaluator="Ana", dimension="security", criterion="retired", score=1.0))
    store.save_scores(program.id, edits)
    rubric, _ = scoring.load_program_rubric(store, program.id)
    stored = scoring.sheet_from_records(rubric, store.list_providers(program.id), store.list_evaluations(program.id))
    assert len(stored.ignored) == 1 and "'retired'" in stored.ignored[0]
    payload = score_sheet(stored.sheet, as_of=AS_OF).to_payload()
    by_name = {p["name"]: p for p in payload["providers"]}
    assert by_name["Acme"]["total"] == pytest.approx(80.0) and by_name["Acme"]["band"] == "enterprise-grade"
    unscored = by_name["Not yet scored"]
    assert unscored["complete"] is False and unscored["band"] is None and unscored["total"] is None
    assert {f["kind"] for f in unscored["flags"]} == {"missing"}


def test_short_rubric_documents_read_as_the_default_rubric_with_their_weights() -> None:
    doc = {
        "dimensions": [
            {"key": "workforce", "title": "W", "weight": 15},
            {"key": "security", "title": "S", "weight": 20},
            {"key": "quality_sla", "title": "Q", "weight": 30},
            {"key": "ai_throughput", "title": "A", "weight": 15},
            {"key": "commercial", "title": "C", "weight": 20},
        ]
    }
    rubric = scoring.rubric_from_document(doc)
    assert rubric.weights["quality_sla"] == 30 and rubric.gates == default_rubric().gates
    assert scoring.rubric_from_document(scoring.rubric_document(rubric)) == rubric
    assert scoring.rubric_from_document(None) == default_rubric()
    doc["dimensions"][0]["weight"] = 5  # type: ignore[index]
    with pytest.raises(ValueError, match="sum to 100"):
        scoring.rubric_from_document(doc)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        ({"workforce": 25, "security": 20, "quality_sla": 25, "ai_throughput": 15, "commercial": 15}, None),
        (
            {"workforce": 25, "security": 20, "quality_sla": 25, "ai_throughput": 15, "commercial": 10},
            "The weights add up to 95, not 100: add 5",
        ),
        (
            {"workforce": 30, "security": 20, "quality_sla": 25, "ai_throughput": 15, "commercial": 15},
            "The weights add up to 105, not 100: take away 5",
        ),
        (
            {"workforce": -5, "security": 30, "quality_sla": 30, "ai_throughput": 30, "commercial": 15},
            "from 0 to 100; check Workforce model",
        ),
        ({"workforce": 100}, "No weight for Security & compliance"),
    ],
)
def test_weights_problem_says_what_to_fix(weights: dict[str, float], expected: str | None) -> None:
    problem = scoring.weights_problem(weights)
    assert problem == expected if expected is None else expected in (problem or "")


def test_weights_save_checks_the_version(store: Store) -> None:
    program = store.create_program("Two tabs")
    weights = {"workforce": 20, "security": 20, "quality_sla": 30, "ai_throughput": 15, "commercial": 15}
    doc = scoring.save_program_weights(store, program.id, weights, expected_version=0)
    assert doc.version == 1 and scoring.load_program_rubric(store, program.id)[0].weights == weights
    with pytest.raises(ConcurrentEditError):
        scoring.save_program_weights(
            store, program.id, weights | {"workforce": 25, "commercial": 10}, expected_version=0
        )
    with pytest.raises(ValueError, match="add up to 90"):
        scoring.save_program_weights(store, program.id, weights | {"workforce": 10}, expected_version=1)
    assert scoring.load_program_rubric(store, program.id)[1] == 1


def _editor_setup(store: Store, evaluator: str = "Bo") -> tuple[int, list[EditorRow]]:
    program = store.create_program("Editing")
    imported = import_scores(EXAMPLES / "scorecard-wide.xlsx", default_rubric())
    scoring.import_into_program(store, program.id, imported)
    rubric, _ = scoring.load_program_rubric(store, program.id)
    base = editor_rows(rubric, store.list_providers(program.id), store.list_evaluations(program.id), evaluator)
    return program.id, base


def _as_table(rows: list[EditorRow]) -> list[dict[str, Any]]:
    return [{"score": r.score, "comment": r.comment, "evidence": r.evidence} for r in rows]


def test_editor_rows_cover_every_provider_and_dimension_with_versions(store: Store) -> None:
    program_id, base = _editor_setup(store)
    assert len(base) == 4 * len(DIMENSION_KEYS)
    assert all(r.version == 1 and r.score is not None for r in base)
    newcomer = editor_rows(
        default_rubric(), store.list_providers(program_id), store.list_evaluations(program_id), "Dee"
    )
    assert all(r.version == 0 and r.score is None and r.comment == "" for r in newcomer)
    assert edits_from_editor(base, _as_table(base), "Bo").edits == []


def test_editor_edits_are_validated_and_located(store: Store) -> None:
    _, base = _editor_setup(store)
    table = _as_table(base)
    table[0]["score"] = 7
    table[1]["score"] = "good"
    table[2]["score"] = float("nan")  # cleared: allowed
    table[3]["comment"] = "x" * 2001
    changes = edits_from_editor(base, table, "Bo")
    assert changes.problems[0].startswith(f"Row 1 ({base[0].provider}, {base[0].label}), score: must be")
    assert "got 7" in changes.problems[0] and "got 'good'" in changes.problems[1]
    assert changes.problems[2].startswith("Row 4") and "comment" in changes.problems[2]
    assert len(changes.problems) == 3
    [cleared] = changes.edits
    assert cleared.score is None and cleared.expected_version == 1
    assert edits_from_editor(base, table[:-1], "Bo").problems  # shape changed


def test_editor_save_keeps_kpis_audits_and_refuses_a_stale_version(store: Store) -> None:
    program_id, base = _editor_setup(store, "Ana")
    with_kpis = next(i for i, r in enumerate(base) if r.kpis)
    kpis = dict(base[with_kpis].kpis)
    table = _as_table(base)
    table[with_kpis]["score"] = 1.5
    table[with_kpis]["comment"] = "re-checked the audit report"
    changes = edits_from_editor(base, table, "Ana")
    store.save_scores(program_id, changes.edits, changed_by="Ana")
    row = base[with_kpis]
    saved = store.list_evaluations(program_id, provider_id=row.provider_id, evaluator="Ana")
    [after] = [e for e in saved if e.dimension == row.dimension and e.criterion == row.criterion]
    assert after.score == 1.5 and after.kpis == kpis and after.version == 2
    audit = store.score_history(program_id, provider_id=row.provider_id)[0]
    assert (audit.old_score, audit.new_score, audit.comment) == (row.score, 1.5, "re-checked the audit report")

    # a second tab that loaded the same table before the save is told, and saves nothing
    stale = edits_from_editor(base, [dict(t, evidence="seen") for t in _as_table(base)], "Ana")
    with pytest.raises(ConcurrentEditError):
        store.save_scores(program_id, stale.edits)
    assert not any(e.evidence == "seen" for e in store.list_evaluations(program_id))


def test_template_reads_back_with_its_weights_and_prefilled_rows() -> None:
    rubric = default_rubric().with_weights({"workforce": 30, "commercial": 10})
    data = template_xlsx(rubric, ["Acme", "=HYPERLINK(1)"], ["Ana", "Bo"])
    wb = load_workbook(io.BytesIO(data))
    ws = wb["Scores"]
    assert [c.value for c in ws[3]] == template_headers(rubric)
    assert ws["A6"].value == "'=HYPERLINK(1)" and ws["A6"].data_type == "s"
    for row in range(4, 8):
        for col in range(3, 8):
            ws.cell(row=row, column=col, value=3 + (row + col) % 3)
    buf = io.BytesIO()
    wb.save(buf)
    result: ImportResult = import_scores("filled.xlsx", rubric, data=buf.getvalue())
    assert result.sheet.providers == ["Acme", "'=HYPERLINK(1)"]
    assert result.sheet.evaluators == ["Ana", "Bo"]
    assert result.header_weights == rubric.weights
    assert not np.isnan(result.sheet.scores[:, :, :5]).any()
    blank = import_scores("blank.xlsx", rubric, data=template_xlsx(rubric))
    assert blank.sheet.providers == [] and blank.header_weights == rubric.weights


def test_a_dimension_scored_through_criteria_is_edited_through_its_criteria(store: Store) -> None:
    program = store.create_program("Criteria")
    acme = store.add_provider(program.id, "Acme")
    rubric = default_rubric()
    security = [c.key for c in rubric.dimension("security").criteria]
    store.save_scores(
        program.id,
        [ScoreEdit(provider_id=acme.id, evaluator="Ana", dimension="security", criterion=security[0], score=4.0)],
    )
    rows = editor_rows(rubric, store.list_providers(program.id), store.list_evaluations(program.id), "Bo")
    assert [(r.dimension, r.criterion) for r in rows if r.dimension == "security"] == [
        ("security", c) for c in security
    ]
    assert sum(r.dimension == "workforce" for r in rows) == 1
    table = _as_table(rows)
    for cells in table:
        cells["score"] = 3
    changes = edits_from_editor(rows, table, "Bo")
    store.save_scores(program.id, changes.edits)
    stored = scoring.sheet_from_records(rubric, store.list_providers(program.id), store.list_evaluations(program.id))
    payload = score_sheet(stored.sheet, as_of=AS_OF).to_payload()
    [acme_result] = payload["providers"]
    # Ana scored one security criterion only, so the dimension is incomplete for her; Bo's are all 3
    assert acme_result["complete"] and acme_result["dimensions"]["security"]["evaluators"] == {"Bo": 3.0}
