"""Scorecard sheets through the store: an imported sheet saved and loaded scores the same."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from annogov.demo import seed_demo
from annogov.store import ConcurrentEditError, Store
from annogov.store.scoresheet import load_rubric, load_sheet, save_rubric, save_sheet
from scorecard.card import score_sheet
from scorecard.importer import import_scores
from scorecard.rubric import default_rubric
from scorecard.sheet import GENERAL, ScoreSheet

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store(db_url)
    yield opened
    opened.close()


def _cells(sheet: ScoreSheet) -> dict[tuple[str, str, str], float]:
    out = {}
    for p, provider in enumerate(sheet.providers):
        for e, evaluator in enumerate(sheet.evaluators):
            for s, slot in enumerate(sheet.slots):
                if not np.isnan(sheet.scores[p, e, s]):
                    out[(provider, evaluator, slot.label)] = float(sheet.scores[p, e, s])
    return out


def _comments(sheet: ScoreSheet) -> dict[tuple[str, str, str], str]:
    labels = {i: s.label for i, s in enumerate(sheet.slots)} | {GENERAL: "general"}
    return {
        (sheet.providers[p], sheet.evaluators[e], labels[s]): text
        for (p, e, s), text in sheet.comments.items()
    }


@pytest.mark.parametrize("example", ["scorecard-wide.xlsx", "scorecard-long.csv"])
def test_imported_sheet_round_trips_and_scores_the_same(store: Store, example: str) -> None:
    imported = import_scores(EXAMPLES / example, default_rubric()).sheet
    program = store.create_program("Round trip").id
    written = save_sheet(store, program, imported, changed_by="import")
    assert written >= len(_cells(imported))
    loaded = load_sheet(store, program)

    assert sorted(loaded.providers) == sorted(imported.providers)
    assert sorted(loaded.evaluators) == sorted(imported.evaluators)
    assert _cells(loaded) == _cells(imported)
    assert _comments(loaded) == _comments(imported)
    by_name = dict(zip(imported.providers, imported.kpis, strict=True))
    for name, kpis in zip(loaded.providers, loaded.kpis, strict=True):
        assert kpis == {k: v.isoformat()[:10] if isinstance(v, date) else v for k, v in by_name[name].items()}

    as_of = date(2026, 11, 1)
    before = score_sheet(imported, as_of=as_of, simulations=50, seed=1).to_payload()
    after = score_sheet(loaded, as_of=as_of, simulations=50, seed=1).to_payload()
    totals = {p["name"]: p.get("total") for p in before["providers"]}
    assert totals == {p["name"]: p.get("total") for p in after["providers"]}
    assert [p["name"] for p in before["providers"]] == [p["name"] for p in after["providers"]]
    assert len(store.score_history(program)) == len(_cells(imported))


def test_reimport_changes_only_what_changed(store: Store) -> None:
    sheet = import_scores(EXAMPLES / "scorecard-wide.xlsx", default_rubric()).sheet
    program = store.create_program("Reimport").id
    save_sheet(store, program, sheet)
    audited = len(store.score_history(program))
    p, e, s = (int(i) for i in np.argwhere(~np.isnan(sheet.scores))[0])
    old = float(sheet.scores[p, e, s])
    sheet.scores[p, e, s] = 1.0 if old != 1.0 else 2.0
    save_sheet(store, program, sheet, changed_by="second import")
    history = store.score_history(program)
    assert len(history) == audited + 1
    assert (history[0].old_score, history[0].new_score, history[0].changed_by) == (
        old,
        float(sheet.scores[p, e, s]),
        "second import",
    )


def test_demo_program_loads_as_a_complete_sheet(store: Store) -> None:
    program = seed_demo(store)
    sheet = load_sheet(store, program.id)
    assert len(sheet.providers) == 4 and len(sheet.evaluators) == 3
    dimension_slots = [i for i, s in enumerate(sheet.slots) if s.criterion is None]
    assert not np.isnan(sheet.scores[:, :, dimension_slots]).any()
    result = score_sheet(sheet, as_of=date(2026, 11, 1), simulations=50, seed=1).to_payload()
    assert [p["rank"] for p in result["providers"]][:1] == [1]
    assert all(kpis for kpis in sheet.kpis)  # every provider has KPI evidence from the demo


def test_rubric_weights_are_saved_with_a_version(store: Store) -> None:
    program = store.create_program("Weights").id
    rubric, version = load_rubric(store, program)
    assert version == 0 and rubric == default_rubric()
    heavier = rubric.with_weights(
        {"workforce": 10, "security": 40, "quality_sla": 20, "ai_throughput": 15, "commercial": 15}
    )
    saved = save_rubric(store, program, heavier, expected_version=0)
    assert load_rubric(store, program) == (heavier, saved.version)
    with pytest.raises(ConcurrentEditError):
        save_rubric(store, program, rubric, expected_version=0)
