"""Mapping tables old -> new and each old class classified: rename, merge, split, drop."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from ingest import InputError, Location, Problem, normalise_header, read_sheet
from migration.labelsets import LabelSet

Kind = Literal["one_to_one", "merge", "split", "dropped"]


class MappingRow(BaseModel):
    """One row of a mapping table; an empty `new_label` drops the old class."""

    old_label: str
    new_label: str | None = None
    row: int | None = None


class ClassMapping(BaseModel):
    """How one old class reaches the new taxonomy."""

    old_label: str
    kind: Kind
    targets: list[str]
    renamed: bool = False
    rule: bool = Field(description="True when a rule can relabel its items without people")


class TaxonomyMapping(BaseModel):
    """Every old class classified, plus the new classes no old class reaches."""

    classes: list[ClassMapping]
    new: list[str]

    def by_old(self) -> dict[str, ClassMapping]:
        """Old label -> its classification."""
        return {c.old_label: c for c in self.classes}

    def rows(self) -> list[tuple[str, str | None]]:
        """The mapping as (old_label, new_label) rows, one per target, None for a drop."""
        out: list[tuple[str, str | None]] = []
        for c in self.classes:
            out += [(c.old_label, t) for t in c.targets] or [(c.old_label, None)]
        return out


def _is_mapping_header(row: Sequence[Any]) -> bool:
    keys = {normalise_header(c) for c in row}
    return {"old_label", "new_label"} <= keys or {"old", "new"} <= keys


def load_mapping(path: str | Path, *, data: bytes | None = None) -> tuple[list[MappingRow], str]:
    """Read `old_label,new_label` rows (CSV or xlsx); returns the rows and the file name."""
    path = Path(path)
    sheet = read_sheet(path, _is_mapping_header, data=data)
    keys = [normalise_header(h) for h in sheet.header]
    old_col = keys.index("old_label") if "old_label" in keys else keys.index("old")
    new_col = keys.index("new_label") if "new_label" in keys else keys.index("new")
    rows: list[MappingRow] = []
    problems: list[Problem] = []
    for cells, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        old = cells[old_col]
        new = cells[new_col]
        old_text = str(old).strip() if old is not None else ""
        new_text = str(new).strip() if new is not None else ""
        if not old_text:
            where = Location(sheet.file, sheet.name, number, sheet.header[old_col])
            problems.append(Problem(where, "empty old_label"))
            continue
        rows.append(MappingRow(old_label=old_text, new_label=new_text or None, row=number))
    if problems:
        raise InputError(problems)
    return rows, sheet.file


def identity_rows(old: LabelSet, new: LabelSet) -> list[MappingRow]:
    """Rows for the case without a mapping table: same name maps to itself, the rest is dropped."""
    return [MappingRow(old_label=lab, new_label=lab if lab in new else None) for lab in old.labels]


def classify(
    old: LabelSet,
    new: LabelSet,
    rows: Sequence[MappingRow],
    source: str = "mapping",
    *,
    strict: bool = True,
) -> TaxonomyMapping:
    """Classify every old class; all problems (unknown, duplicate, split-and-merge) raised together.

    `strict=False` accepts a split whose pieces also receive other classes (as a noisy sample
    proposes); such a class stays a split, decided item by item.
    """
    problems: list[Problem] = []
    targets: dict[str, list[str]] = {}
    first_row: dict[str, int | None] = {}
    seen_pairs: dict[tuple[str, str | None], int | None] = {}
    drops: set[str] = set()
    mentioned: set[str] = set()

    def where(row: MappingRow, column: str) -> Location:
        return Location(source, row=row.row, column=column)

    for r in rows:
        old_label = old.resolve(r.old_label)
        new_label = new.resolve(r.new_label) if r.new_label is not None else None
        if old_label is None:
            problems.append(
                Problem(where(r, "old_label"), f"{r.old_label!r} is not in the old label set")
            )
        if r.new_label is not None and new_label is None:
            problems.append(
                Problem(where(r, "new_label"), f"{r.new_label!r} is not in the new label set")
            )
        if old_label is not None:
            mentioned.add(old_label)
        if old_label is None or (r.new_label is not None and new_label is None):
            continue
        pair = (old_label, new_label)
        if pair in seen_pairs:
            problems.append(
                Problem(where(r, "old_label"),
                        f"duplicate mapping {old_label!r} -> {new_label or '(dropped)'!r} "
                        f"(first at row {seen_pairs[pair]})")
            )
            continue
        seen_pairs[pair] = r.row
        first_row.setdefault(old_label, r.row)
        targets.setdefault(old_label, [])
        if new_label is None:
            drops.add(old_label)
        else:
            targets[old_label].append(new_label)
    for label in drops:
        if targets[label]:
            problems.append(
                Problem(Location(source, row=first_row[label], column="new_label"),
                        f"{label!r} is both dropped (empty new_label) and mapped to "
                        f"{', '.join(targets[label])}")
            )
    for label in old.labels:
        if label not in targets and label not in mentioned:
            if label in new:
                targets[label] = [label]
            else:
                problems.append(
                    Problem(Location(source, column="old_label"),
                            f"old label {label!r} has no mapping row and is not in the new set; "
                            "add a row with an empty new_label to drop it")
                )
    sources: dict[str, list[str]] = {}
    for label, ts in targets.items():
        for t in ts:
            sources.setdefault(t, []).append(label)
    classes: list[ClassMapping] = []
    for label in old.labels:
        if label not in targets:
            continue
        ts = targets[label]
        if len(ts) > 1:
            shared = [t for t in ts if len(sources[t]) > 1]
            if shared and strict:
                others = sorted({s for t in shared for s in sources[t]} - {label})
                problems.append(
                    Problem(Location(source, row=first_row.get(label), column="old_label"),
                            f"{label!r} is split into {', '.join(ts)} while "
                            f"{', '.join(shared)} also receives {', '.join(others)}: a class "
                            "cannot be both split and merged; map the pieces separately")
                )
            kind: Kind = "split"
        elif not ts:
            kind = "dropped"
        elif sum(1 for s in sources[ts[0]] if len(targets[s]) == 1) > 1:
            kind = "merge"
        else:
            kind = "one_to_one"
        classes.append(
            ClassMapping(old_label=label, kind=kind, targets=ts,
                         renamed=kind == "one_to_one" and ts[0] != label,
                         rule=kind in ("one_to_one", "merge"))
        )
    if problems:
        raise InputError(problems)
    new_only = [lab for lab in new.labels if lab not in sources]
    return TaxonomyMapping(classes=classes, new=new_only)
