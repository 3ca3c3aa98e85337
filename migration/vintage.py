"""Mixed vintage: per class, how much was labelled under the old rules and how much the new."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, Field

from migration.apply import DatasetItem
from migration.mapping import TaxonomyMapping


class VintageShare(BaseModel):
    """One class of the new taxonomy and the rules its items were labelled under."""

    label: str
    old_rules: int = Field(description="Old-taxonomy items that a rule maps onto this class")
    new_rules: int = Field(description="Items labelled under the new taxonomy")
    share_old: float | None = Field(description="old_rules / (old_rules + new_rules), or None")


class VintageReport(BaseModel):
    """Per new class shares, and old-rule items no rule can place (split or dropped classes)."""

    basis: str
    rule: str | None
    classes: list[VintageShare]
    unplaced: dict[str, int] = Field(description="Old label -> old-rule items no rule can place")
    mixed_classes: int = Field(description="Classes holding labels from both vintages")


def mixed_vintage(
    mapping: TaxonomyMapping,
    items: Sequence[DatasetItem],
    new_labels: Sequence[str],
    basis: str = "none",
    rule: str | None = None,
) -> VintageReport:
    """Count each new class's items by vintage; a model learns the seam where both are large."""
    by_old = mapping.by_old()
    old_counts = dict.fromkeys(new_labels, 0)
    new_counts = dict.fromkeys(new_labels, 0)
    unplaced: dict[str, int] = {}
    for item in items:
        if item.vintage == "new":
            new_counts[item.label] = new_counts.get(item.label, 0) + 1
            continue
        cls = by_old[item.label]
        if cls.rule:
            target = cls.targets[0]
            old_counts[target] = old_counts.get(target, 0) + 1
        else:
            unplaced[item.label] = unplaced.get(item.label, 0) + 1
    classes = []
    for label in new_labels:
        o, n = old_counts.get(label, 0), new_counts.get(label, 0)
        classes.append(VintageShare(label=label, old_rules=o, new_rules=n,
                                    share_old=o / (o + n) if o + n else None))
    mixed = sum(1 for c in classes if c.old_rules and c.new_rules)
    return VintageReport(basis=basis, rule=rule, classes=classes, unplaced=unplaced,
                         mixed_classes=mixed)
