"""The scorecard over the store: evaluation rows to a ScoreSheet and back, program rubrics and
weights, spreadsheet imports (the score editor's rows are in `score_editor`). Pure functions plus
thin store calls, so the Providers & scorecard page, the reports and tests share one mapping.

Mapping: one evaluation row per (provider, evaluator, dimension, criterion). Its `comment` is the
comment on that score; its `evidence` is the evaluator's remark about the provider (a sheet's
general "Comments" column, kept on the evaluator's first row). KPI values and ticked red flags live
in `kpis` of the first evaluator's row for the dimension they belong to (red flags under
`"red_flags"`).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
from pydantic import ValidationError

from annogov.store import (
    DocumentRecord,
    EvaluationRecord,
    ProviderRecord,
    ScoreEdit,
    Store,
)
from ingest import InputError
from scorecard.dimensions import DIMENSION_NAMES
from scorecard.importer import ImportResult, import_scores
from scorecard.rubric import Rubric, default_rubric
from scorecard.sheet import GENERAL, ScoreSheet
from scorecard.weight_space import WeightSpace, check_space

RUBRIC_NAME = "Default"
RED_FLAGS_KEY = "red_flags"


# rubrics and weights ----------------------------------------------------------------------


def rubric_from_document(data: Mapping[str, Any] | None) -> Rubric:
    """A stored rubric document as a Rubric. A short form that only lists dimension keys and
    weights (older demo data) is read as the default rubric with those weights."""
    if not data:
        return default_rubric()
    try:
        return Rubric.model_validate(data)
    except ValidationError:
        dims = data.get("dimensions")
        if not isinstance(dims, list) or not all(isinstance(d, dict) and "key" in d for d in dims):
            raise
        weights = {str(d["key"]): float(d["weight"]) for d in dims if "weight" in d}
        return default_rubric().with_weights(weights)


def rubric_document(rubric: Rubric) -> dict[str, Any]:
    """A Rubric as the JSON document the store keeps."""
    return rubric.model_dump(mode="json")


def load_program_rubric(store: Store, program_id: int) -> tuple[Rubric, int]:
    """The program's rubric and the document version loaded (0: none saved, default rubric)."""
    doc = store.get_document("rubric", program_id, RUBRIC_NAME)
    if doc is None:
        return default_rubric(), 0
    return rubric_from_document(doc.data), doc.version


def weights_problem(weights: Mapping[str, float], names: Mapping[str, str] = DIMENSION_NAMES) -> str | None:
    """Why these dimension weights cannot be used (None when they can): each 0..100, sum 100;
    `names` are the rubric's dimensions (key -> name)."""
    missing = [k for k in names if k not in weights]
    if missing:
        return "No weight for " + ", ".join(names[k] for k in missing) + "."
    bad = [k for k in names if not (math.isfinite(weights[k]) and 0 <= weights[k] <= 100)]
    if bad:
        return "Each weight must be from 0 to 100; check " + ", ".join(names[k] for k in bad) + "."
    total = sum(float(weights[k]) for k in names)
    if abs(total - 100.0) > 1e-6:
        gap = 100.0 - total
        hint = f"add {gap:g}" if gap > 0 else f"take away {-gap:g}"
        return f"The weights add up to {total:g}, not 100: {hint} before the providers can be scored."
    return None


def save_program_weights(
    store: Store, program_id: int, weights: Mapping[str, float], *, expected_version: int | None
) -> DocumentRecord:
    """Save new dimension weights into the program's rubric (validated; version-checked)."""
    with store.transaction():
        rubric, _ = load_program_rubric(store, program_id)
        problem = weights_problem(weights, rubric.names)
        if problem:
            raise ValueError(problem)
        updated = rubric.with_weights({k: float(weights[k]) for k in rubric.keys})
        return store.save_document(
            "rubric",
            program_id,
            RUBRIC_NAME,
            rubric_document(updated),
            expected_version=expected_version,
        )


def save_program_band_floors(
    store: Store, program_id: int, floors: tuple[float, float], *, expected_version: int | None
) -> DocumentRecord:
    """Save the program's band floors into its rubric (validated: ValueError and nothing saved
    when a floor is outside 0-100 or they are out of order; version-checked)."""
    with store.transaction():
        rubric, _ = load_program_rubric(store, program_id)
        try:
            updated = rubric.with_band_floors(floors)
        except ValidationError as exc:
            raise ValueError("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None
        return store.save_document(
            "rubric", program_id, RUBRIC_NAME, rubric_document(updated), expected_version=expected_version
        )
def save_elicited_weights(
    store: Store, program_id: int, weights: Mapping[str, float], provenance: Mapping[str, Any], *,
    expected_version: int | None,
) -> DocumentRecord:
    """Save weights elicited from the panel into the program's rubric with their provenance
    (validated; version-checked); retyping them later clears the provenance."""
    with store.transaction():
        rubric, _ = load_program_rubric(store, program_id)
        problem = weights_problem(weights, {d.key: d.name for d in rubric.dimensions})
        if problem:
            raise ValueError(problem)
        updated = rubric.with_weights({k: float(weights[k]) for k in rubric.keys}, provenance=dict(provenance))
        return store.save_document("rubric", program_id, RUBRIC_NAME, rubric_document(updated),
                                   expected_version=expected_version)


def save_weight_space(
    store: Store, program_id: int, space: WeightSpace | None, *, expected_version: int | None
) -> DocumentRecord:
    """Save what the panel knows about the weights (ranges, order) into the program's rubric, so
    SMAA reads the same in the app, the CLI (`--rubric`) and the reports; None forgets it."""
    with store.transaction():
        rubric, _ = load_program_rubric(store, program_id)
        if space is not None:
            check_space(space, list(rubric.keys), "weight ranges")
        updated = rubric.model_copy(update={"weight_space": space})
        return store.save_document("rubric", program_id, RUBRIC_NAME, rubric_document(updated),
                                   expected_version=expected_version)


# store rows -> ScoreSheet ------------------------------------------------------------------


@dataclass
class StoredSheet:
    """A program's evaluations as a ScoreSheet, with rows the rubric could not place."""

    sheet: ScoreSheet
    provider_ids: dict[str, int]
    ignored: list[str] = field(default_factory=list)


def sheet_from_records(
    rubric: Rubric,
    providers: Sequence[ProviderRecord],
    evaluations: Sequence[EvaluationRecord],
) -> StoredSheet:
    """Every provider (even one nobody scored yet: it is incomplete) and evaluator of a program."""
    names = [p.name for p in providers]
    by_id = {p.id: i for i, p in enumerate(providers)}
    evaluators = sorted({e.evaluator for e in evaluations if e.provider_id in by_id})
    e_index = {name: i for i, name in enumerate(evaluators)}
    sheet = ScoreSheet.empty(rubric, names, evaluators)
    slot_index = {(s.dimension, s.criterion): i for i, s in enumerate(sheet.slots)}
    known_flags = rubric.red_flag_keys()
    general: dict[tuple[int, int], list[str]] = {}
    kpi_time: list[dict[str, datetime]] = [{} for _ in names]
    ignored: list[str] = []
    for row in evaluations:
        if row.provider_id not in by_id:
            continue
        p, e = by_id[row.provider_id], e_index[row.evaluator]
        s = slot_index.get((row.dimension, row.criterion))
        if s is None:
            ignored.append(
                f"{names[p]}, {row.evaluator}: the rubric has no criterion {row.criterion!r} "
                f"under {rubric.names.get(row.dimension, row.dimension)}"
            )
            continue
        if row.score is not None:
            sheet.scores[p, e, s] = row.score
        if row.comment.strip():
            sheet.comments[(p, e, s)] = row.comment.strip()
        if row.evidence.strip():
            texts = general.setdefault((p, e), [])
            if row.evidence.strip() not in texts:
                texts.append(row.evidence.strip())
        for key, value in row.kpis.items():
            if key == RED_FLAGS_KEY:
                flags = [str(f) for f in (value if isinstance(value, list) else [value])]
                sheet.red_flags[p].update(f for f in flags if f in known_flags)
                ignored += [
                    f"{names[p]}: red flag {f!r} is not in the rubric (left out)" for f in flags if f not in known_flags
                ]
            elif key not in kpi_time[p] or row.updated_at >= kpi_time[p][key]:
                sheet.kpis[p][key] = value
                kpi_time[p][key] = row.updated_at
    for (p, e), texts in general.items():
        sheet.comments[(p, e, GENERAL)] = "; ".join(texts)
    return StoredSheet(sheet, {p.name: p.id for p in providers}, ignored)


# ScoreSheet / import -> rows to save -------------------------------------------------------


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(float(value)) else None
    return str(value)


def _kpi_dimensions(rubric: Rubric) -> tuple[dict[str, str], dict[str, str]]:
    """KPI key -> dimension, and red-flag key -> dimension, from the rubric."""
    kpis: dict[str, str] = {}
    flags: dict[str, str] = {}
    for dim in rubric.dimensions:
        for rule in dim.kpis:
            kpis[rule.key] = dim.key
            if rule.flag:
                flags.setdefault(rule.flag, dim.key)
        for flag in dim.red_flags:
            flags.setdefault(flag.key, dim.key)
    return kpis, flags


def edits_from_sheet(
    sheet: ScoreSheet, provider_ids: Mapping[str, int], *, expected_version: int | None = None
) -> list[ScoreEdit]:
    """The rows that hold a sheet in the store: every score or comment, the general remarks,
    KPI values and ticked red flags (see the module docstring for where each goes)."""
    kpi_dim, flag_dim = _kpi_dimensions(sheet.rubric)
    cells: dict[tuple[int, int, int], dict[str, Any]] = {}
    for p, e, s in zip(*np.nonzero(~np.isnan(sheet.scores)), strict=True):
        cells[(int(p), int(e), int(s))] = {"score": float(sheet.scores[p, e, s])}
    for (p, e, s), text in sheet.comments.items():
        if s != GENERAL:
            cells.setdefault((p, e, s), {"score": None})["comment"] = text
    for (p, e, s), text in sheet.comments.items():
        if s == GENERAL:
            own = sorted(k for k in cells if k[:2] == (p, e))
            key = own[0] if own else (p, e, 0)
            cells.setdefault(key, {"score": None})["evidence"] = text
    for p, values in enumerate(sheet.kpis):
        extras: dict[str, dict[str, Any]] = {}
        for k, v in values.items():
            extras.setdefault(kpi_dim.get(k, sheet.rubric.keys[0]), {})[k] = _json_value(v)
        for flag in sorted(sheet.red_flags[p]):
            extras.setdefault(flag_dim.get(flag, sheet.rubric.keys[0]), {}).setdefault(RED_FLAGS_KEY, []).append(flag)
        for dimension, kpis in extras.items():
            holders = sorted(k for k in cells if k[0] == p and sheet.slots[k[2]].dimension == dimension)
            key = holders[0] if holders else (p, 0, sheet.slot_index(dimension))
            cells.setdefault(key, {"score": None}).setdefault("kpis", {}).update(kpis)
    edits = []
    for (p, e, s), cell in sorted(cells.items()):
        slot = sheet.slots[s]
        edits.append(
            ScoreEdit(
                provider_id=provider_ids[sheet.providers[p]],
                evaluator=sheet.evaluators[e] if sheet.evaluators else "consensus",
                dimension=slot.dimension,  # type: ignore[arg-type]
                criterion=slot.criterion,
                score=cell["score"],
                comment=cell.get("comment", ""),
                evidence=cell.get("evidence", ""),
                kpis=cell.get("kpis", {}),
                expected_version=expected_version,
            )
        )
    return edits


def new_provider_names(names: Sequence[str], existing: Iterable[str]) -> list[str]:
    """The names an import adds to a program: the store matches a provider name exactly once its
    whitespace is collapsed, so 'acme' is new beside 'Acme'. The import preview and summary share it."""
    known = set(existing)
    return [n for n in names if " ".join(n.split()) not in known]


@dataclass
class ImportSummary:
    """What an import changed in the program."""

    providers: list[str]
    new_providers: list[str]
    evaluators: list[str]
    scores: int
    rows: int
    weights_saved: dict[str, float] | None


def import_into_program(
    store: Store,
    program_id: int,
    imported: ImportResult,
    *,
    changed_by: str = "",
    use_sheet_weights: bool = False,
) -> ImportSummary:
    """Save an imported sheet into a program in one transaction: providers created as needed,
    each cell written over what was there (audited), the sheet's header weights optionally kept
    as the program's weights. Rows the file does not mention are left as they are."""
    sheet = imported.sheet
    if not sheet.providers:
        raise InputError.at("the file has no provider rows below its header", "upload")
    with store.transaction():
        new = new_provider_names(sheet.providers, (p.name for p in store.list_providers(program_id)))
        ids = {name: store.ensure_provider(program_id, name).id for name in sheet.providers}
        edits = edits_from_sheet(sheet, ids)
        store.save_scores(program_id, edits, note=changed_by.strip() or "import")
        weights = None
        if use_sheet_weights and imported.header_weights:
            weights = {k: float(v) for k, v in imported.header_weights.items()}
            save_program_weights(store, program_id, weights, expected_version=None)
    return ImportSummary(
        providers=list(sheet.providers),
        new_providers=new,
        evaluators=list(sheet.evaluators),
        scores=int((~np.isnan(sheet.scores)).sum()),
        rows=len(edits),
        weights_saved=weights,
    )


def scores_parser(rubric: Rubric) -> Callable[[bytes, str], ImportResult]:
    """`parser(data, name)` for `ui.parse_upload`: the importer for this rubric. Its name carries
    a hash of the rubric so a cached parse is reused only for the same rubric."""
    digest = hashlib.sha256(json.dumps(rubric.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()[:16]

    def parse(data: bytes, name: str) -> ImportResult:
        result = import_scores(name, rubric, data=data)
        if not result.sheet.providers:
            raise InputError.at("the file has no provider rows below its header", name)
        return result

    parse.__qualname__ = f"scores_parser[{digest}]"
    return parse


# results for display -------------------------------------------------------------------------


def _names(payload: Mapping[str, Any]) -> dict[str, str]:
    """Dimension key -> name from a scorecard payload (the five defaults when it has none)."""
    return dict(payload.get("dimension_names") or DIMENSION_NAMES)


def ranking_rows(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per provider for the ranking table: rank, eligibility, total, band, scores,
    spreads and every raised red flag with its policy and source."""
    rows = []
    for p in payload["providers"]:
        row: dict[str, Any] = {
            "Rank": p["rank"],
            "Provider": p["name"],
            "Eligible": "yes"
            if p["eligible"]
            else ("excluded: " + "; ".join(p["excluded_by"]) if p["complete"] else "incomplete"),
            "Total": None if p["total"] is None else round(p["total"], 2),
            "Band": p["band"] if p["complete"] else "incomplete: no band",
        }
        for key, name in _names(payload).items():
            dim = p["dimensions"][key]
            row[name] = None if dim["score"] is None else round(dim["score"], 2)
        row["Widest spread"] = max(
            (d["spread"] for d in p["dimensions"].values() if d["spread"] is not None),
            default=None,
        )
        row["Gates"] = len(p["gates"])
        row["Red flags"] = " | ".join(f"{f['key']}: {f['policy']} ({f['source']})" for f in p["red_flags"])
        rows.append(row)
    return rows


def ranking_headline(payload: Mapping[str, Any], top: int = 3) -> str:
    """'1. A (81.3) · 2. B (76.3) · 3. C (73.0)': the first eligible places in one line."""
    ranked = [p for p in payload["providers"] if p["rank"] is not None and p["eligible"]][:top]
    return " · ".join(f"{p['rank']}. {p['name']} ({p['total']:.1f})" for p in ranked)
