"""The delivery's columns: canonical names, the loose aliases a vendor's header may use, and the
column mapping (`--column`, a mapping file) that names them when the aliases do not."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, Field, ValidationError, field_validator

from ingest import InputError, Location, Problem, load_document, normalise_header

REQUIRED = ("item_id", "annotator_id", "label")
OPTIONAL = ("category", "task_type", "gold_label", "qa_result", "submitted_at", "due_at", "batch", "prelabelled")
CANONICAL = REQUIRED + OPTIONAL
TEXT_COLUMNS: tuple[str, ...] = ("item_id", "annotator_id", "label", "category", "task_type", "gold_label", "qa_result")
TEXT_COLUMNS += ("batch", "prelabelled")
ROW_COLUMN = "__row"
"""The 1-based source row of each annotation, kept beside the canonical columns for located errors."""
TIME_COLUMNS = ("submitted_at", "due_at")

ALIASES = {
    "item": "item_id",
    "item_id": "item_id",
    "task_id": "item_id",
    "example_id": "item_id",
    "annotator": "annotator_id",
    "annotator_id": "annotator_id",
    "worker": "annotator_id",
    "worker_id": "annotator_id",
    "rater": "annotator_id",
    "rater_id": "annotator_id",
    "label": "label",
    "answer": "label",
    "annotation": "label",
    "category": "category",
    "class": "category",
    "stratum": "category",
    "slice": "category",
    "task_type": "task_type",
    "complexity": "task_type",
    "gold_label": "gold_label",
    "gold": "gold_label",
    "ground_truth": "gold_label",
    "qa_result": "qa_result",
    "prelabelled": "prelabelled",
    "prelabeled": "prelabelled",
    "pre_labelled": "prelabelled",
    "model_assisted": "prelabelled",
    "qa": "qa_result",
    "review_result": "qa_result",
    "submitted_at": "submitted_at",
    "submitted": "submitted_at",
    "completed_at": "submitted_at",
    "due_at": "due_at",
    "due": "due_at",
    "deadline": "due_at",
    "batch": "batch",
    "batch_id": "batch",
    "week": "batch",
}


class ColumnMapping(BaseModel):
    """Canonical column -> column name in the file (or `data.<field>` in a Label Studio export)."""

    columns: dict[str, str] = Field(default_factory=dict)

    @field_validator("columns")
    @classmethod
    def _canonical_keys(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(CANONICAL))
        if unknown:
            raise ValueError(f"unknown canonical column(s) {', '.join(unknown)}; expected {', '.join(CANONICAL)}")
        return value


def parse_column_flags(flags: Sequence[str]) -> ColumnMapping:
    """`--column item_id=task` flags -> a mapping; a malformed flag is an input error."""
    columns: dict[str, str] = {}
    problems = []
    for flag in flags:
        key, sep, source = flag.partition("=")
        if not sep or not key.strip() or not source.strip():
            problems.append(Problem(Location("--column"), f"{flag!r}: expected canonical=source"))
            continue
        columns[key.strip()] = source.strip()
    if problems:
        raise InputError(problems)
    return _mapping(columns, "--column")


def _mapping(columns: dict[str, str], where: str) -> ColumnMapping:
    try:
        return ColumnMapping(columns=columns)
    except ValidationError as exc:
        msgs = [e["msg"].removeprefix("Value error, ") for e in exc.errors()]
        raise InputError.at("; ".join(msgs), where) from None


def load_mapping(path: str | Path) -> ColumnMapping:
    """A mapping file: YAML or JSON, either `{columns: {...}}` or the bare `{canonical: source}`."""
    path = Path(path)
    raw = load_document(path)
    if isinstance(raw, dict) and "columns" in raw:
        raw = raw["columns"]
    if not isinstance(raw, dict):
        raise InputError.at("expected a mapping of canonical column -> file column", path.name)
    problems = [
        Problem(Location(path.name, path=str(k)), "expected the name of a column in the delivery")
        for k, v in raw.items()
        if not isinstance(v, str | int) or isinstance(v, bool)
    ]
    if problems:
        raise InputError(problems)
    return _mapping({str(k): str(v) for k, v in raw.items()}, path.name)


def resolve_columns(
    header: Sequence[str], mapping: ColumnMapping, file: str, sheet: str | None = None
) -> dict[str, str]:
    """Canonical name -> file column; explicit mapping first, then loose aliases."""
    present = list(header)
    resolved: dict[str, str] = {}
    problems = []
    for canonical, source in mapping.columns.items():
        if source in present:
            resolved[canonical] = source
        else:
            problems.append(
                Problem(
                    Location(file, sheet, column=source),
                    f"mapped column for {canonical} not found; the file has {', '.join(present)}",
                )
            )
    taken = set(resolved.values())
    for name in present:
        key = ALIASES.get(normalise_header(name))
        if key and key not in resolved and name not in taken:
            resolved[key] = name
            taken.add(name)
    for canonical in REQUIRED:
        if canonical not in resolved and not any(p.location.column == mapping.columns.get(canonical) for p in problems):
            problems.append(
                Problem(
                    Location(file, sheet, column=canonical),
                    f"required column {canonical} is missing (map it with --column {canonical}=NAME); "
                    f"the file has {', '.join(present) or 'no columns'}",
                )
            )
    if problems:
        raise InputError(problems)
    return resolved


def as_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Any id/label column as strings; integral floats lose their '.0' (1.0 and 1 are one label)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if pa.types.is_dictionary(arr.type):
        arr = arr.cast(arr.type.value_type)
    if pa.types.is_floating(arr.type):
        integral = pc.equal(arr, pc.floor(arr))
        as_int = pc.if_else(integral, pc.cast(arr, pa.int64(), safe=False), None)
        return pc.if_else(integral, pc.cast(as_int, pa.string()), pc.cast(arr, pa.string()))
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        trimmed = pc.utf8_trim_whitespace(arr)
        return pc.if_else(pc.equal(trimmed, ""), None, trimmed).cast(pa.string())
    if pa.types.is_null(arr.type):
        return pa.nulls(len(arr), pa.string())
    return pc.cast(arr, pa.string())
