"""Agreement tables from a delivery read in batches, where one item's rows may sit in any batch.

    stream = AgreementStream(label_set, max_per_item=8)
    for batch in batches:                      # e.g. pyarrow iter_batches
        stream.add(items, annotators, labels, groups=category)
    data = stream.finish()                     # an AgreementData: .result("fleiss"), ...

Per item it keeps small slots (label and annotator codes, int16) and the group, about
4 * max_per_item + 8 bytes per item, instead of the rows themselves. Repeated (item, annotator)
pairs are rejected when `finish` runs, wherever they occurred.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from governance.quality.stats.agreement import AgreementData
from governance.quality.stats.codes import (
    ArrayLike,
    DuplicateAnnotationError,
    Duplicates,
    InconsistentGroupError,
    LabelSet,
    UnknownLabelError,
    factorize,
    missing_value_error,
)

_SLOT = np.int16
_MAX_CODE = np.iinfo(_SLOT).max


class AgreementStream:
    """Accumulates batches of long rows into per-item slots; `finish` gives `AgreementData`."""

    def __init__(self, label_set: LabelSet | Sequence[Hashable], max_per_item: int = 8) -> None:
        self.label_set = label_set if isinstance(label_set, LabelSet) else LabelSet.of(label_set)
        if self.label_set.size > _MAX_CODE:
            raise ValueError(f"label sets above {_MAX_CODE} categories are not supported here")
        self._items: pd.Index | None = None
        self._annotators: dict[Any, int] = {}
        self._groups: dict[Any, int] = {}
        self._labels = np.full((1024, max(max_per_item, 2)), -1, _SLOT)
        self._who = np.full_like(self._labels, -1)
        self._group = np.full(1024, -1, np.int32)
        self._filled = np.zeros(1024, np.int32)
        self._rows_seen = 0
        self._has_groups: bool | None = None

    @property
    def n_items(self) -> int:
        """Distinct items seen so far."""
        return 0 if self._items is None else len(self._items)

    def _codes(self, mapping: dict[Any, int], values: ArrayLike, what: str) -> np.ndarray:
        local, uniques = factorize(values, sort=False)
        if (local < 0).any():
            raise missing_value_error(what, np.flatnonzero(local < 0) + self._rows_seen)
        for u in uniques.tolist():
            mapping.setdefault(u, len(mapping))
        lookup = np.asarray([mapping[u] for u in uniques.tolist()], np.int64)
        return lookup[local]

    def _item_codes(self, items: ArrayLike) -> np.ndarray:
        local, uniques = factorize(items, sort=False)
        if (local < 0).any():
            raise missing_value_error("item", np.flatnonzero(local < 0) + self._rows_seen)
        if self._items is None:
            self._items = pd.Index(uniques)
            return local
        known = np.asarray(self._items.get_indexer(pd.Index(uniques)), np.int64)
        new = known < 0
        if new.any():
            known[new] = len(self._items) + np.arange(int(new.sum()))
            self._items = self._items.append(pd.Index(uniques[new]))
        return known[local]

    def _reserve(self, n_items: int, per_item: int) -> None:
        rows, cols = self._labels.shape
        if n_items <= rows and per_item <= cols:
            return
        new_rows = max(rows, 1)
        while new_rows < n_items:
            new_rows *= 2
        new_cols = max(cols, per_item)
        for name in ("_labels", "_who"):
            old = getattr(self, name)
            grown = np.full((new_rows, new_cols), -1, _SLOT)
            grown[: old.shape[0], : old.shape[1]] = old
            setattr(self, name, grown)
        self._group = np.concatenate([self._group, np.full(new_rows - rows, -1, np.int32)])
        self._filled = np.concatenate([self._filled, np.zeros(new_rows - rows, np.int32)])

    def add(
        self,
        items: ArrayLike,
        annotators: ArrayLike,
        labels: ArrayLike,
        groups: ArrayLike | None = None,
    ) -> None:
        """Add one batch; errors name 0-based row positions counted over all batches so far."""
        n = len(items)
        if not (n == len(annotators) == len(labels)) or (groups is not None and len(groups) != n):
            raise ValueError("items, annotators, labels (and groups) must have the same length")
        if self._has_groups is None:
            self._has_groups = groups is not None
        elif self._has_groups != (groups is not None):
            raise ValueError("give groups for every batch or for none")
        offset = self._rows_seen
        try:
            codes = self.label_set.encode(labels)
        except UnknownLabelError as err:
            raise UnknownLabelError(err.labels, err.rows + offset, self.label_set.categories) from None
        item = self._item_codes(items)
        who = self._codes(self._annotators, annotators, "annotator")
        if len(self._annotators) > _MAX_CODE:
            raise ValueError(f"more than {_MAX_CODE} annotators are not supported here")
        order = np.argsort(item, kind="stable")
        sorted_items = item[order]
        starts = np.r_[0, np.flatnonzero(sorted_items[1:] != sorted_items[:-1]) + 1]
        boundary = np.zeros(n, bool)
        boundary[starts] = True
        run = np.cumsum(boundary) - 1
        rank = np.empty(n, np.int64)
        rank[order] = np.arange(n) - starts[run]
        self._reserve(self.n_items, 0)
        slot = self._filled[item] + rank
        self._reserve(self.n_items, int(slot.max(initial=0)) + 1)
        self._labels[item, slot] = codes
        self._who[item, slot] = who
        self._filled[: self.n_items] += np.bincount(item, minlength=self.n_items).astype(np.int32)
        if groups is not None:
            grp = self._codes(self._groups, groups, "group").astype(np.int32)
            current = self._group[item]
            clash = (current >= 0) & (current != grp)
            self._group[item] = np.where(current >= 0, current, grp)
            clash |= self._group[item] != grp  # two different groups inside this batch
            if clash.any():
                raise InconsistentGroupError(np.flatnonzero(clash) + offset)
        self._rows_seen += n

    def finish(self) -> AgreementData:
        """Check repeats across all batches and hand the codes to `AgreementData`."""
        n = self.n_items
        labels, who = self._labels[:n], self._who[:n]
        ordered = np.sort(who, axis=1)
        same = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)
        if same.any():
            items = self._items if self._items is not None else pd.Index([])
            names = list(self._annotators)
            r, c = np.nonzero(same)
            seen = dict.fromkeys(zip(r.tolist(), ordered[r, c].tolist(), strict=True))
            pairs: list[tuple[object, object, int]] = [(items[i], names[a], int((who[i] == a).sum())) for i, a in seen]
            raise DuplicateAnnotationError(Duplicates(rows=np.zeros(0, np.int64), pairs=pairs))
        mask = who >= 0
        item_codes = np.nonzero(mask)[0].astype(np.int64)
        ann_names = list(self._annotators)
        ann_order = sorted(range(len(ann_names)), key=lambda i: _sort_key(ann_names[i]))
        ann_remap = np.empty(len(ann_names), np.int64)
        ann_remap[ann_order] = np.arange(len(ann_names))
        annotator_codes = ann_remap[who[mask].astype(np.int64)]
        label_codes = labels[mask].astype(np.int64)
        group_names: list[str] = []
        item_group = np.zeros(n, np.int64)
        if self._has_groups:
            raw = list(self._groups)
            g_order = sorted(range(len(raw)), key=lambda i: _sort_key(raw[i]))
            g_remap = np.empty(len(raw), np.int64)
            g_remap[g_order] = np.arange(len(raw))
            item_group = g_remap[self._group[:n].astype(np.int64)]
            group_names = [str(raw[i]) for i in g_order]
        return AgreementData(
            label_set=self.label_set,
            item_codes=item_codes,
            annotator_codes=annotator_codes,
            label_codes=label_codes,
            annotators=[ann_names[i] for i in ann_order],
            item_group=item_group,
            group_names=group_names,
            n_items=n,
        )


def _sort_key(value: Any) -> tuple[int, Any]:
    """Numbers before text, each in natural order (as pandas sorts factorized values)."""
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        return (0, float(value))
    return (1, str(value))
