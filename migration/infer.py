"""A mapping proposed from a sample labelled under both taxonomies, with purity and scatter."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, Field

from ingest import InputError, Location, Problem, normalise_header, read_sheet
from migration.mapping import MappingRow


class DualLabel(BaseModel):
    """One item labelled under the old and under the new taxonomy."""

    item_id: str
    old_label: str
    new_label: str


class Proposal(BaseModel):
    """What the sample suggests for one old class."""

    old_label: str
    items: int
    targets: list[str] = Field(description="New classes holding at least `min_share` of its items")
    shares: dict[str, float] = Field(description="Share of the class's items per new class")
    purity: float | None = Field(
        description="Share of its items in its most common new class; None without items")
    coverage: float | None = Field(
        description="Share of its items inside the proposed targets; None without items")
    scattered: bool = Field(description="Items spread over several classes: people, not a rule")
    reason: str | None = None


class InferredMapping(BaseModel):
    """Contingency table and a proposal per old class."""

    old_labels: list[str]
    new_labels: list[str]
    counts: list[list[int]] = Field(description="counts[i][j]: old_labels[i] -> new_labels[j]")
    proposals: list[Proposal]

    def mapping_rows(self) -> list[MappingRow]:
        """The proposals as mapping rows (a class with no target is dropped)."""
        rows: list[MappingRow] = []
        for p in self.proposals:
            rows += [MappingRow(old_label=p.old_label, new_label=t) for t in p.targets] or [
                MappingRow(old_label=p.old_label, new_label=None)
            ]
        return rows


def _is_dual_header(row: Sequence[Any]) -> bool:
    return {"old_label", "new_label"} <= {normalise_header(c) for c in row}


def load_dual_sample(path: str | Path, *, data: bytes | None = None) -> list[DualLabel]:
    """Read `item_id, old_label, new_label` rows; every row needs both labels."""
    sheet = read_sheet(Path(path), _is_dual_header, data=data)
    keys = [normalise_header(h) for h in sheet.header]
    cols = {k: keys.index(k) for k in ("old_label", "new_label")}
    id_col = keys.index("item_id") if "item_id" in keys else None
    out: list[DualLabel] = []
    problems: list[Problem] = []
    for cells, number in zip(sheet.rows, sheet.row_numbers, strict=True):
        values = {}
        for key, col in cols.items():
            value = cells[col]
            text = str(value).strip() if value is not None else ""
            if not text:
                where = Location(sheet.file, sheet.name, number, sheet.header[col])
                problems.append(Problem(where, f"empty {key}"))
            values[key] = text
        item = str(cells[id_col]).strip() if id_col is not None else str(number)
        out.append(DualLabel(item_id=item, **values))
    if problems:
        raise InputError(problems)
    return out


def infer_mapping(
    sample: Sequence[DualLabel],
    *,
    old_labels: Sequence[str] | None = None,
    new_labels: Sequence[str] | None = None,
    min_share: float = 0.2,
    min_coverage: float = 0.8,
    min_items: int = 5,
    source: str = "sample",
) -> InferredMapping:
    """Count old x new pairs; a target is any new class with >= `min_share` of an old class's items.

    A class is flagged as scattered when it has several targets (a split must be decided item by
    item) or when its targets hold less than `min_coverage` of its items.
    """
    olds = list(old_labels) if old_labels is not None else sorted({s.old_label for s in sample})
    news = list(new_labels) if new_labels is not None else sorted({s.new_label for s in sample})
    oi = {lab: i for i, lab in enumerate(olds)}
    ni = {lab: j for j, lab in enumerate(news)}
    unknown = [s for s in sample if s.old_label not in oi or s.new_label not in ni]
    if unknown:
        raise InputError(
            Problem(Location(source, column="old_label" if u.old_label not in oi else "new_label"),
                    f"item {u.item_id!r}: label not in the label set "
                    f"({u.old_label!r} -> {u.new_label!r})")
            for u in unknown
        )
    codes = np.array([oi[s.old_label] * len(news) + ni[s.new_label] for s in sample],
                     dtype=np.int64)
    counts = np.bincount(codes, minlength=len(olds) * len(news)).reshape(len(olds), len(news))
    proposals = []
    for i, label in enumerate(olds):
        row = counts[i]
        total = int(row.sum())
        if total == 0:
            keep = [label] if label in ni else []
            proposals.append(Proposal(
                old_label=label, items=0, targets=keep, shares={}, purity=None, coverage=None,
                scattered=False,
                reason="no items in the sample" + ("; kept under its own name" if keep else "")))
            continue
        shares = {news[j]: float(row[j] / total) for j in np.flatnonzero(row)}
        order = sorted(shares, key=lambda k: (-shares[k], k))
        targets = [t for t in order if shares[t] >= min_share]
        coverage = float(sum(shares[t] for t in targets))
        scattered = len(targets) > 1 or coverage < min_coverage
        reason = None
        if total < min_items:
            reason = f"only {total} items in the sample (fewer than {min_items}): check by hand"
        elif coverage < min_coverage:
            reason = f"targets hold only {coverage:.0%} of its items"
        elif len(targets) > 1:
            reason = "split: each item must be re-annotated"
        proposals.append(Proposal(old_label=label, items=total, targets=targets, shares=shares,
                                  purity=shares[order[0]], coverage=coverage, scattered=scattered,
                                  reason=reason))
    return InferredMapping(old_labels=olds, new_labels=news, counts=counts.tolist(),
                           proposals=proposals)
