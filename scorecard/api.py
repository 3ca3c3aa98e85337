"""One call from a file to a scorecard result, shared by the CLI, the app and the reports."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ingest import InputError, Location, Problem
from scorecard.card import ScorecardResult, score_sheet
from scorecard.consensus import Method
from scorecard.importer import ImportResult, import_scores
from scorecard.rubric import Rubric, default_rubric
from scorecard.sheet import ExternalFinding


def score_file(
    path: str | Path,
    *,
    rubric: Rubric | None = None,
    weights: dict[str, float] | None = None,
    method: Method = "mean",
    sheet: str | None = None,
    data: bytes | None = None,
    as_of: date | None = None,
    simulations: int = 1000,
    seed: int = 0,
    external: dict[str, list[ExternalFinding]] | None = None,
) -> tuple[ScorecardResult, ImportResult, str]:
    """Import and score a spreadsheet. Weights come from `weights`, else the sheet's header
    percentages (when the default rubric is used), else the rubric; the third value says which.
    `external` maps provider names to outside evidence (e.g. contract audits)."""
    base = rubric or default_rubric()
    imported = import_scores(path, base, sheet=sheet, data=data)
    unknown = []
    for provider, findings in (external or {}).items():
        try:
            imported.sheet.attach(provider, findings)
        except KeyError:
            source = findings[0].source if findings else "evidence"
            unknown.append(
                Problem(
                    Location(source),
                    f"{provider!r} is not a provider in the scoring sheet ({', '.join(imported.sheet.providers)})",
                )
            )
    if unknown:
        raise InputError(unknown)
    source = "rubric"
    if weights:
        base, source = base.with_weights(weights), "--weights"
    elif rubric is None and imported.header_weights:
        base, source = base.with_weights(imported.header_weights), "sheet headers"
    imported.sheet.rubric = base
    result = score_sheet(imported.sheet, method, as_of=as_of, simulations=simulations, seed=seed)
    return result, imported, source
