"""A program's scorecard in the store: the rubric document and the scores as a `ScoreSheet`.

`load_sheet` builds what `scorecard.card.score_sheet` scores from the stored evaluations;
`save_sheet` writes an imported sheet back (providers created as needed, one transaction,
every score change audited).
"""

from __future__ import annotations

import json
import math
from typing import Any

from annogov.store.records import DocumentRecord, ScoreEdit
from annogov.store.store import Store
from scorecard.rubric import Rubric, default_rubric
from scorecard.sheet import GENERAL, ScoreSheet

RUBRIC_NAME = "Default"


def load_rubric(store: Store, program_id: int) -> tuple[Rubric, int]:
    """The program's rubric and its version (the default rubric and version 0 if none is saved)."""
    doc = store.get_document("rubric", program_id, RUBRIC_NAME)
    if doc is None:
        return default_rubric(), 0
    return Rubric.model_validate(doc.data), doc.version


def save_rubric(
    store: Store, program_id: int, rubric: Rubric, *, expected_version: int | None
) -> DocumentRecord:
    """Save the program's rubric (e.g. new weights); a stale version raises ConcurrentEditError."""
    return store.save_document(
        "rubric",
        program_id,
        RUBRIC_NAME,
        rubric.model_dump(mode="json"),
        expected_version=expected_version,
    )


def load_sheet(store: Store, program_id: int, rubric: Rubric | None = None) -> ScoreSheet:
    """Every stored score, comment, KPI and red flag of the program as a ScoreSheet.

    Scores for a criterion the rubric no longer has are left out (the rubric decides the slots).
    """
    if rubric is None:
        rubric, _ = load_rubric(store, program_id)
    providers = store.list_providers(program_id)
    evaluations = store.list_evaluations(program_id)
    evaluators = sorted(
        {e.evaluator for e in evaluations}
        | {name for p in providers for name in (p.evidence.get("comments") or {})}
    )
    sheet = ScoreSheet.empty(rubric, [p.name for p in providers], evaluators)
    slot_of = {(s.dimension, s.criterion): i for i, s in enumerate(sheet.slots)}
    p_of = {p.id: i for i, p in enumerate(providers)}
    e_of = {name: i for i, name in enumerate(evaluators)}
    kpis: list[dict[str, object]] = [{} for _ in providers]
    for row in evaluations:
        p, e = p_of[row.provider_id], e_of[row.evaluator]
        kpis[p].update(row.kpis)
        s = slot_of.get((row.dimension, row.criterion))
        if s is None:
            continue
        if row.score is not None:
            sheet.scores[p, e, s] = row.score
        if row.comment:
            sheet.comments[(p, e, s)] = row.comment
    for p, provider in enumerate(providers):
        kpis[p].update(provider.evidence.get("kpis") or {})
        sheet.red_flags[p] = set(provider.evidence.get("red_flags") or [])
        for name, text in (provider.evidence.get("comments") or {}).items():
            if text:
                sheet.comments[(p, e_of[name], GENERAL)] = text
    sheet.kpis = kpis
    return sheet


def save_sheet(
    store: Store, program_id: int, sheet: ScoreSheet, *, changed_by: str | None = None
) -> int:
    """Write an imported sheet into the program: a deliberate overwrite of the cells it fills.

    Empty cells without a comment leave stored scores alone. Returns the number of cells written.
    """
    edits: list[ScoreEdit] = []
    with store.transaction():
        for p, name in enumerate(sheet.providers):
            provider = store.ensure_provider(program_id, name)
            general = {
                sheet.evaluators[e]: text
                for (pp, e, s), text in sheet.comments.items()
                if pp == p and s == GENERAL and text
            }
            evidence = {
                "kpis": _json_safe(sheet.kpis[p] if p < len(sheet.kpis) else {}),
                "red_flags": sorted(sheet.red_flags[p]) if p < len(sheet.red_flags) else [],
                "comments": general,
            }
            store.set_provider_evidence(provider.id, evidence)
            for e, evaluator in enumerate(sheet.evaluators):
                for s, slot in enumerate(sheet.slots):
                    value = float(sheet.scores[p, e, s])
                    comment = sheet.comments.get((p, e, s), "")
                    if math.isnan(value) and not comment:
                        continue
                    edits.append(
                        ScoreEdit(
                            provider_id=provider.id,
                            evaluator=evaluator,
                            dimension=slot.dimension,  # type: ignore[arg-type]
                            criterion=slot.criterion,
                            score=None if math.isnan(value) else value,
                            comment=comment,
                        )
                    )
        store.save_scores(program_id, edits, changed_by=changed_by)
    return len(edits)


def _json_safe(values: dict[str, object]) -> dict[str, Any]:
    """KPI values as JSON can hold them (dates become ISO text, which the scorecard reads)."""
    safe: dict[str, Any] = json.loads(json.dumps(values, default=_iso))
    return safe


def _iso(value: object) -> str:
    iso = getattr(value, "isoformat", None)
    return str(iso()) if callable(iso) else str(value)
