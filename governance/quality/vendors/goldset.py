"""The buyer's gold set as an asset: its items with category and gold label, a version, coverage per
category against a minimum, the share of each delivery's items that were gold, and the
qualification check for new annotators (accuracy on a qualification set before production).

    load_gold_set(path, label_set, name=, version=, data=) -> GoldSet   (located InputError)
    coverage(gold, minimum) -> list[CoverageRow]
    seeded_share(gold, delivered_items) -> SeededShare
    qualify(gold, answers, threshold=, min_items=) -> list[Qualification]
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field

from governance.quality.reading.delivery import DeliverySource, read_delivery_table
from governance.quality.stats.estimate import Estimate, rate
from ingest import InputError, Location, Problem, read_sheet
from ingest.headers import header_key

_ALIASES = {
    "item_id": "item_id",
    "item": "item_id",
    "task_id": "item_id",
    "category": "category",
    "class": "category",
    "stratum": "category",
    "gold_label": "label",
    "gold": "label",
    "label": "label",
    "qualification": "qualification",
    "qualification_only": "qualification",
}
_TRUE = {"1", "true", "yes", "y", "x"}


class GoldItem(BaseModel):
    """One gold item; `qualification` items are kept out of production deliveries."""

    model_config = ConfigDict(frozen=True)

    item_id: str
    category: str
    label: str
    qualification: bool = False


class GoldSet(BaseModel):
    """A named, versioned gold set over the contract's label set."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: int = Field(ge=1)
    label_set: list[str]
    items: list[GoldItem]

    def labels_by_item(self) -> dict[str, GoldItem]:
        """Item id -> gold item."""
        return {g.item_id: g for g in self.items}


class CoverageRow(BaseModel):
    """Gold items of one category against the minimum a category needs."""

    category: str
    items: int
    minimum: int
    short_by: int


class SeededShare(BaseModel):
    """How much of one delivery was gold: items delivered, gold items among them, per category."""

    delivered_items: int
    gold_items: int
    share: Estimate
    per_category: dict[str, int]


class Qualification(BaseModel):
    """One annotator's accuracy on the qualification items and whether it clears the bar."""

    annotator: str
    answered: int
    correct: int
    accuracy: Estimate
    qualified: bool
    reason: str


def _is_header(row: Sequence[Any]) -> bool:
    keys = {header_key(c, _ALIASES) for c in row}
    return {"item_id", "label"} <= keys


def load_gold_set(
    path: str | Path,
    label_set: Sequence[str],
    *,
    name: str = "Gold set",
    version: int = 1,
    data: bytes | None = None,
) -> GoldSet:
    """Read a gold set (CSV/xlsx: item_id, category, gold_label[, qualification]); every label outside
    the label set, blank cell and conflicting repeat is reported with its row and column."""
    sheet = read_sheet(path, _is_header, data=data)
    cols = {header_key(h, _ALIASES): i for i, h in enumerate(sheet.header)}
    cols.pop(None, None)
    allowed = set(label_set)
    problems: list[Problem] = []
    items: dict[str, GoldItem] = {}
    for row, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        cells = {k: "" if i >= len(row) or row[i] is None else str(row[i]).strip() for k, i in cols.items()}

        def at(key: str, number: int = number) -> Location:
            return Location(sheet.file, sheet.name, number, sheet.header[cols[key]] if key in cols else key)

        item, label = cells.get("item_id", ""), cells.get("label", "")
        category = cells.get("category") or "(none)"
        if not item:
            problems.append(Problem(at("item_id"), "the item id is blank"))
            continue
        if label not in allowed:
            problems.append(
                Problem(at("label"), f"gold label {label!r} is not in the label set ({', '.join(label_set)})")
            )
            continue
        gold = GoldItem(
            item_id=item, category=category, label=label, qualification=cells.get("qualification", "").lower() in _TRUE
        )
        seen = items.get(item)
        if seen is not None and seen != gold:
            problems.append(
                Problem(at("label"), f"item {item!r} appears again with a different gold label or category")
            )
            continue
        items[item] = gold
    if problems:
        raise InputError(problems)
    if not items:
        raise InputError.at("the gold set has no items", sheet.file, sheet=sheet.name)
    return GoldSet(
        name=name, version=version, label_set=list(label_set), items=sorted(items.values(), key=lambda g: g.item_id)
    )


def coverage(gold: GoldSet, minimum: int, categories: Iterable[str] = ()) -> list[CoverageRow]:
    """Production gold items per category (the given categories included even at zero) against `minimum`."""
    counts = Counter(g.category for g in gold.items if not g.qualification)
    names = sorted(set(counts) | set(categories))
    return [
        CoverageRow(category=c, items=counts[c], minimum=minimum, short_by=max(0, minimum - counts[c])) for c in names
    ]


def seeded_share(gold: GoldSet, delivered_items: Iterable[str]) -> SeededShare:
    """Share of a delivery's distinct items that are gold items, with its Wilson interval."""
    by_item = gold.labels_by_item()
    delivered = set(delivered_items)
    seeded = [by_item[i] for i in delivered if i in by_item]
    per_category = Counter(g.category for g in seeded)
    return SeededShare(
        delivered_items=len(delivered),
        gold_items=len(seeded),
        share=rate(len(seeded), len(delivered), "gold items / delivered items"),
        per_category=dict(sorted(per_category.items())),
    )


def qualify(
    gold: GoldSet,
    answers: Iterable[tuple[str, str, str]],
    *,
    threshold: float = 0.9,
    min_items: int = 20,
) -> list[Qualification]:
    """Each annotator's (annotator, item_id, label) answers on qualification items: qualified when at
    least `min_items` distinct items were answered and the accuracy reaches `threshold` (answers on
    other items ignored; an item answered more than once counts once, right only if every answer was)."""
    quals = {g.item_id: g.label for g in gold.items if g.qualification}
    answered: dict[str, dict[str, bool]] = defaultdict(dict)
    for annotator, item, label in answers:
        if item in quals:
            mine = answered[annotator]
            mine[item] = mine.get(item, True) and label == quals[item]
    seen = {a: len(items) for a, items in answered.items()}
    right = {a: sum(items.values()) for a, items in answered.items()}
    out = []
    for annotator in sorted(seen):
        n, k = seen[annotator], right[annotator]
        est = rate(k, n, "accuracy on qualification items")
        if n < min_items:
            ok, why = False, f"answered {n} qualification items, fewer than the {min_items} required"
        elif k < threshold * n:
            ok, why = False, f"accuracy {k}/{n} is below {threshold:.0%}"
        else:
            ok, why = True, f"accuracy {k}/{n} reaches {threshold:.0%}"
        out.append(Qualification(annotator=annotator, answered=n, correct=k, accuracy=est, qualified=ok, reason=why))
    return out


def gold_set_rows(gold: GoldSet) -> list[dict[str, Any]]:
    """The gold set as plain rows (for the hand-over bundle and CSV export)."""
    return [g.model_dump() for g in gold.items]


def with_gold(source: DeliverySource, gold: GoldSet) -> DeliverySource:
    """The delivery with its gold_label column taken from the gold set (the buyer's gold wins over a
    vendor-supplied column; items outside the gold set keep what the delivery says), so every
    statistic over `count_delivery` measures against the stored gold set."""
    table = read_delivery_table(source)
    labels = {g.item_id: g.label for g in gold.items}
    own = table.column("gold_label").to_pylist() if "gold_label" in table.column_names else [None] * table.num_rows
    merged = pa.array(
        [labels.get(i, o) for i, o in zip(table.column("item_id").to_pylist(), own, strict=True)], pa.string()
    )
    if "gold_label" in table.column_names:
        table = table.set_column(table.column_names.index("gold_label"), "gold_label", merged)
    else:
        table = table.append_column("gold_label", merged)
    path = source.path if source.kind != "parquet" else source.path.with_suffix(".csv")
    return DeliverySource(path, source.mapping, batch_rows=source.batch_rows, _table=table)


def bundle_assets(gold: GoldSet) -> dict[str, bytes]:
    """The gold set as hand-over files: `gold/<name>-v<version>.csv` (cells made inert) and `.json`."""
    import csv
    import io

    from ingest import inert

    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in gold.name) or "gold-set"
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["item_id", "category", "gold_label", "qualification"])
    for g in gold.items:
        w.writerow([inert(g.item_id), inert(g.category), inert(g.label), "yes" if g.qualification else "no"])
    return {
        f"gold/{stem}-v{gold.version}.csv": out.getvalue().encode(),
        f"gold/{stem}-v{gold.version}.json": gold.model_dump_json(indent=2).encode(),
    }
