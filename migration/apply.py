"""Apply a mapping to a labelled dataset: relabel what a rule decides, list what needs people."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from ingest import InputError, Location, Problem, normalise_header, read_sheet
from migration.labelsets import LabelSet
from migration.mapping import TaxonomyMapping

Vintage = Literal["old", "new"]


class DatasetItem(BaseModel):
    """One labelled item; `vintage` says under which taxonomy's rules it was labelled."""

    item_id: str
    label: str
    vintage: Vintage = "old"
    version: str | None = None
    labelled_on: date | None = None
    row: int | None = None


class Dataset(BaseModel):
    """Items and how their vintage was decided."""

    source: str
    items: list[DatasetItem]
    vintage_basis: str = Field(description="'none', 'taxonomy_version' or 'date'")
    vintage_rule: str | None = None


class ItemAction(BaseModel):
    """What happens to one old-vintage item."""

    item_id: str
    old_label: str
    action: Literal["unchanged", "relabel", "reannotate", "dropped"]
    new_label: str | None = None
    candidates: list[str] = Field(default_factory=list)


class ClassImpact(BaseModel):
    """Per old class: how many items, and what the mapping does to them."""

    old_label: str
    kind: str
    items: int = 0
    unchanged: int = 0
    relabelled: int = 0
    reannotate: int = 0
    dropped: int = 0

    @property
    def affected(self) -> int:
        """Items whose label changes, need people, or leave the dataset."""
        return self.relabelled + self.reannotate + self.dropped


class ApplyResult(BaseModel):
    """Per-item actions and per-class counts; new-vintage items are left as they are."""

    actions: list[ItemAction]
    per_class: list[ClassImpact]
    already_new: int

    @property
    def reannotation_items(self) -> int:
        """Items that need a person to choose their new label."""
        return sum(c.reannotate for c in self.per_class)


def _natural_key(text: str) -> list[Any]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p]


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _is_dataset_header(row: Sequence[Any]) -> bool:
    keys = {normalise_header(c) for c in row}
    return bool(keys & {"label", "old_label"})


def load_dataset(
    path: str | Path,
    old: LabelSet,
    new: LabelSet,
    *,
    data: bytes | None = None,
    new_version: str | None = None,
    cutover: date | None = None,
) -> Dataset:
    """Read `item_id, label[, taxonomy_version | date]`; decide each item's vintage.

    With a `taxonomy_version` column the newest version (natural order) is new unless
    `new_version` says otherwise; with a `date` column items on or after `cutover` are new.
    """
    sheet = read_sheet(Path(path), _is_dataset_header, data=data)
    keys = [normalise_header(h) for h in sheet.header]
    label_col = keys.index("label") if "label" in keys else keys.index("old_label")
    id_col = keys.index("item_id") if "item_id" in keys else None
    version_col = next((i for i, k in enumerate(keys) if k in {"taxonomy_version", "version"}),
                       None)
    date_col = next((i for i, k in enumerate(keys) if k in {"date", "labelled_on", "labeled_on",
                                                              "labelled_at", "labeled_at"}), None)
    problems: list[Problem] = []
    basis = "none"
    rule = None
    if version_col is not None:
        basis = "taxonomy_version"
        versions = {str(c[version_col]).strip() for c in sheet.rows if c[version_col] is not None}
        versions.discard("")
        newest = new_version or (max(versions, key=_natural_key) if versions else None)
        rule = f"taxonomy_version == {newest!r} is new, every other version is old"
    elif date_col is not None:
        basis = "date"
        if cutover is None:
            raise InputError.at("the dataset has a date column: give the cutover date "
                                "(--cutover YYYY-MM-DD) when the new rules started",
                                sheet.file, sheet=sheet.name, column=sheet.header[date_col])
        rule = f"labelled on or after {cutover.isoformat()} is new"
    items: list[DatasetItem] = []
    for cells, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        def at(col: int, _n: int = number) -> Location:
            return Location(sheet.file, sheet.name, _n, sheet.header[col])

        raw = cells[label_col]
        label = str(raw).strip() if raw is not None else ""
        item_id = str(cells[id_col]).strip() if id_col is not None else str(number)
        vintage: Vintage = "old"
        version = None
        labelled_on = None
        if basis == "taxonomy_version":
            assert version_col is not None
            version = str(cells[version_col] or "").strip()
            if not version:
                problems.append(Problem(at(version_col), "empty taxonomy_version"))
                continue
            vintage = "new" if version == newest else "old"
        elif basis == "date":
            assert date_col is not None and cutover is not None
            labelled_on = _parse_date(cells[date_col])
            if labelled_on is None:
                problems.append(Problem(at(date_col), f"{cells[date_col]!r} is not a date "
                                                      "(expected YYYY-MM-DD)"))
                continue
            vintage = "new" if labelled_on >= cutover else "old"
        labels = old if vintage == "old" else new
        resolved = labels.resolve(label) if label else None
        if resolved is None:
            hint = ""
            if basis == "none" and label and new.resolve(label) is not None:
                hint = ("; it is a new-set label: add a taxonomy_version or date column to mark "
                        "items labelled under the new rules")
            problems.append(Problem(at(label_col),
                                    f"{label or '(empty)'!r} is not in the {vintage} label set"
                                    + hint))
            continue
        items.append(DatasetItem(item_id=item_id, label=resolved, vintage=vintage, version=version,
                                 labelled_on=labelled_on, row=number))
    if problems:
        raise InputError(problems)
    return Dataset(source=sheet.file, items=items, vintage_basis=basis, vintage_rule=rule)


def apply_mapping(mapping: TaxonomyMapping, items: Sequence[DatasetItem]) -> ApplyResult:
    """Relabel one-to-one and merged classes, send split classes to people, drop dropped ones."""
    by_old = mapping.by_old()
    impacts = {c.old_label: ClassImpact(old_label=c.old_label, kind=c.kind)
               for c in mapping.classes}
    actions: list[ItemAction] = []
    already_new = 0
    for item in items:
        if item.vintage == "new":
            already_new += 1
            continue
        cls = by_old[item.label]
        impact = impacts[item.label]
        impact.items += 1
        if cls.kind == "dropped":
            impact.dropped += 1
            actions.append(ItemAction(item_id=item.item_id, old_label=item.label, action="dropped"))
        elif cls.kind == "split":
            impact.reannotate += 1
            actions.append(ItemAction(item_id=item.item_id, old_label=item.label,
                                      action="reannotate", candidates=list(cls.targets)))
        elif cls.targets[0] == item.label:
            impact.unchanged += 1
            actions.append(ItemAction(item_id=item.item_id, old_label=item.label,
                                      action="unchanged", new_label=item.label))
        else:
            impact.relabelled += 1
            actions.append(ItemAction(item_id=item.item_id, old_label=item.label,
                                      action="relabel", new_label=cls.targets[0]))
    return ApplyResult(actions=actions, per_class=list(impacts.values()), already_new=already_new)
