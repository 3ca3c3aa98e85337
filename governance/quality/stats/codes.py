"""Long rows as integer codes, checked: labels against the contract's label set (`LabelSet`), ids
factorised, repeated (item, annotator) pairs found or dropped under a policy, each item's group; bad
rows raise errors that carry their 0-based row positions.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

ArrayLike = Any


def _preview(values: Iterable[object], limit: int = 5) -> str:
    items = list(values)
    shown = ", ".join(repr(v) for v in items[:limit])
    return shown + (f", ... ({len(items)} in all)" if len(items) > limit else "")


class UnknownLabelError(ValueError):
    """Labels that are not in the label set; `rows` are 0-based positions of the offending rows."""

    def __init__(self, labels: Sequence[object], rows: np.ndarray, categories: Sequence[object]):
        self.labels = list(labels)
        self.rows = np.asarray(rows, dtype=np.int64)
        noun = "label" if len(self.labels) == 1 else "labels"
        first = int(self.rows[0]) if len(self.rows) else -1
        super().__init__(
            f"{noun} {_preview(self.labels)} not in the label set ({_preview(categories, 8)}); "
            f"{len(self.rows)} rows affected, first at row position {first}"
        )


class DuplicateAnnotationError(ValueError):
    """The same annotator labelled the same item more than once."""

    def __init__(self, duplicates: Duplicates):
        self.duplicates = duplicates
        pairs = ", ".join(f"({i!r}, {a!r}) x{n}" for i, a, n in duplicates.pairs[:5])
        more = len(duplicates.pairs) - 5
        super().__init__(
            f"{len(duplicates.pairs)} (item, annotator) pairs are annotated more than once: {pairs}"
            + (f" and {more} more" if more > 0 else "")
            + (f"; row positions start {duplicates.rows[:10].tolist()}" if duplicates.rows.size else "")
        )


class InconsistentGroupError(ValueError):
    """An item's rows name different groups (e.g. two categories for one item)."""

    def __init__(self, rows: np.ndarray):
        self.rows = np.asarray(rows, dtype=np.int64)
        super().__init__(
            f"{len(self.rows)} rows give their item a different group than the item's other rows; "
            f"row positions start {self.rows[:10].tolist()}"
        )


class MissingValueError(ValueError):
    """A required id (item, annotator, group) is empty; `rows` are 0-based row positions."""

    def __init__(self, what: str, rows: np.ndarray):
        self.what = what
        self.rows = np.asarray(rows, dtype=np.int64)
        super().__init__(f"{what} is missing on {len(rows)} rows; row positions start {self.rows[:10].tolist()}")


def missing_value_error(what: str, rows: np.ndarray) -> MissingValueError:
    """A required id (item, annotator, group) is empty on these 0-based row positions."""
    return MissingValueError(what, rows)


def _is_missing(values: np.ndarray) -> np.ndarray:
    return np.asarray(pd.isna(values), dtype=bool)


def _as_number(value: object) -> float | None:
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _canonical(value: object) -> str:
    number = _as_number(value)
    if number is not None and math.isfinite(number):
        return str(int(number)) if number.is_integer() else repr(number)
    return str(value).strip()


@dataclass(frozen=True)
class LabelSet:
    """The categories annotators may use, in order; order gives ranks for ordinal statistics."""

    categories: tuple[Hashable, ...]

    def __post_init__(self) -> None:
        if not self.categories:
            raise ValueError("a label set needs at least one category")
        keys = [_canonical(c) for c in self.categories]
        if len(set(keys)) != len(keys):
            first: dict[str, int] = {}
            dup = [c for i, (c, k) in enumerate(zip(self.categories, keys, strict=True))
                   if first.setdefault(k, i) != i]  # fmt: skip
            raise ValueError(f"label set repeats {_preview(dup)}")

    @classmethod
    def of(cls, labels: Iterable[Hashable]) -> LabelSet:
        """The contract's label set, in the order given."""
        return cls(tuple(labels))

    @classmethod
    def observed(cls, labels: ArrayLike) -> LabelSet:
        """Sorted distinct labels that occur (numeric sort when all are numbers); prefer `of`."""
        values = pd.unique(pd.Series(np.asarray(labels, dtype=object)).dropna())
        numbers = [_as_number(v) for v in values]
        if values.size and all(n is not None for n in numbers):
            order = np.argsort(np.asarray(numbers, dtype=float), kind="stable")
        else:
            order = np.argsort(np.asarray([str(v) for v in values]), kind="stable")
        return cls(tuple(values[i] for i in order))

    @property
    def size(self) -> int:
        """Number of categories V."""
        return len(self.categories)

    def numeric_values(self) -> np.ndarray | None:
        """Each category's numeric value (numbers or numeric strings), or None if any is not."""
        numbers = [_as_number(c) for c in self.categories]
        if any(n is None or not math.isfinite(n) for n in numbers):
            return None
        return np.asarray(numbers, dtype=float)

    def _lookup(self, arr: np.ndarray) -> np.ndarray:
        """Codes for an array of labels; -1 for anything not in the set (missing included)."""
        ints = [c for c in self.categories if isinstance(c, int | np.integer)]
        if arr.dtype.kind in "iu" and arr.size and len(ints) == self.size:
            lo = min(int(arr.min()), *ints)
            hi = max(int(arr.max()), *ints)
            if hi - lo <= 4 * arr.size + 1024:  # a direct table beats hashing
                table = np.full(hi - lo + 1, -1, np.int64)
                table[np.asarray(ints, np.int64) - lo] = np.arange(self.size)
                return table[arr.astype(np.int64) - lo]
        codes = np.asarray(pd.Index(list(self.categories)).get_indexer(pd.Index(arr)), np.int64)
        retry = np.flatnonzero(codes < 0)
        if retry.size:
            sub = arr[retry]
            keep = ~_is_missing(sub)
            retry, sub = retry[keep], sub[keep]
        if retry.size:
            lookup = {_canonical(c): i for i, c in enumerate(self.categories)}
            inverse, distinct = pd.factorize(pd.Series(sub, dtype=object))
            mapped = np.asarray([lookup.get(_canonical(d), -1) for d in distinct], np.int64)
            codes[retry] = mapped[inverse]
        return codes

    def encode(self, labels: ArrayLike, allow_missing: bool = False) -> np.ndarray:
        """Integer codes 0..V-1; missing labels give -1 when allowed, otherwise an error.
        Accepts lists, numpy arrays, pandas Series and Categoricals (fastest for text)."""
        if isinstance(labels, pd.Series):
            categorical = isinstance(labels.dtype, pd.CategoricalDtype)
            labels = labels.array if categorical else labels.to_numpy()
        if isinstance(labels, pd.Categorical):
            cat_codes = np.asarray(labels.codes, np.int64)
            table = self._lookup(np.asarray(labels.categories, dtype=object))
            codes = np.where(cat_codes >= 0, table[np.maximum(cat_codes, 0)], -1)
            arr = None
        else:
            arr = labels if isinstance(labels, np.ndarray) else np.asarray(labels, dtype=object)
            codes = self._lookup(arr)
        bad = np.flatnonzero(codes < 0)
        if bad.size == 0:
            return codes
        values = np.asarray(labels, dtype=object)[bad] if arr is None else np.asarray(arr[bad], object)
        missing = _is_missing(values)
        if (~missing).any():
            rows = bad[~missing]
            unknown = list(pd.unique(pd.Series(values[~missing], dtype=object)))
            raise UnknownLabelError(unknown, rows, self.categories)
        if not allow_missing:
            raise UnknownLabelError(["<missing>"], bad, self.categories)
        return codes


def factorize(values: ArrayLike, sort: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes for ids (items, annotators, groups) and the distinct values they stand for
    (sorted when `sort`; missing -> -1). Small-range integers skip hashing."""
    if isinstance(values, pd.Series | pd.Categorical | pd.Index):
        codes, uniques = pd.factorize(values, sort=sort, use_na_sentinel=True)
        return np.asarray(codes, dtype=np.int64), np.asarray(uniques)
    arr = np.asarray(values)
    if arr.dtype.kind in "iu" and arr.size:
        lo, hi = int(arr.min()), int(arr.max())
        if hi - lo <= 2 * arr.size + 1024:
            shifted = arr.astype(np.int64) - lo
            present = np.bincount(shifted, minlength=hi - lo + 1) > 0
            lookup = np.cumsum(present) - 1
            return lookup[shifted].astype(np.int64), (np.flatnonzero(present) + lo).astype(arr.dtype)
    codes, uniques = pd.factorize(pd.Series(arr), sort=sort, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64), np.asarray(uniques)


class LongCodes(NamedTuple):
    """Long rows (item, annotator, label) as integer codes, with the values behind the codes."""

    items: np.ndarray
    item_values: np.ndarray
    annotators: np.ndarray
    annotator_values: np.ndarray
    labels: np.ndarray
    label_set: LabelSet


def long_codes(
    items: ArrayLike, annotators: ArrayLike, labels: ArrayLike, label_set: LabelSet | Sequence[Hashable] | None = None
) -> LongCodes:
    """Codes of long rows: items in order of appearance, annotators sorted, labels in the label
    set's order (the observed labels when none is given); a missing item or annotator raises."""
    item_codes, item_values = factorize(items, sort=False)
    ann_codes, ann_values = factorize(annotators, sort=True)
    for what, got in (("item", item_codes), ("annotator", ann_codes)):
        if (got < 0).any():
            raise missing_value_error(what, np.flatnonzero(got < 0))
    if isinstance(label_set, LabelSet):
        ls = label_set
    else:
        ls = LabelSet.of(label_set) if label_set is not None else LabelSet.observed(labels)
    return LongCodes(item_codes, item_values, ann_codes, ann_values, ls.encode(labels), ls)


@dataclass(frozen=True)
class Duplicates:
    """Rows that repeat an (item, annotator) pair: every involved row position, and the pairs."""

    rows: np.ndarray
    pairs: list[tuple[object, object, int]]

    def __bool__(self) -> bool:
        return len(self.pairs) > 0


def find_duplicates(items: ArrayLike, annotators: ArrayLike) -> Duplicates:
    """Locate repeated (item, annotator) pairs without a per-row Python loop."""
    item_codes, item_values = factorize(items, sort=False)
    ann_codes, ann_values = factorize(annotators, sort=False)
    return _duplicates_from_codes(item_codes, ann_codes, item_values, ann_values)


def _pair_key(item_codes: np.ndarray, ann_codes: np.ndarray) -> np.ndarray:
    return item_codes * (int(ann_codes.max(initial=0)) + 1) + ann_codes


def _duplicates_from_codes(
    item_codes: np.ndarray, ann_codes: np.ndarray, item_values: np.ndarray, ann_values: np.ndarray
) -> Duplicates:
    key = _pair_key(item_codes, ann_codes)
    span = int(key.max(initial=-1)) + 1
    if span <= 8 * len(key) + 1024:  # dense enough for one bincount
        mask = np.bincount(key, minlength=span)[key] > 1
    else:
        mask = np.asarray(pd.Series(key).duplicated(keep=False), dtype=bool)
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return Duplicates(rows=rows, pairs=[])
    _, first, counts = np.unique(key[rows], return_index=True, return_counts=True)
    first_rows = rows[first]
    order = np.argsort(first_rows, kind="stable")
    pairs = [
        (item_values[item_codes[r]], ann_values[ann_codes[r]], int(c))
        for r, c in zip(first_rows[order], counts[order], strict=True)
    ]
    return Duplicates(rows=rows, pairs=pairs)


def keep_mask(items: ArrayLike, annotators: ArrayLike, policy: str = "error") -> np.ndarray:
    """Rows to use under a repeat policy: 'error' rejects repeats, 'first'/'last' keep one."""
    item_codes, item_values = factorize(items, sort=False)
    ann_codes, ann_values = factorize(annotators, sort=False)
    return keep_mask_codes(item_codes, ann_codes, policy, item_values, ann_values)


def keep_mask_codes(
    item_codes: np.ndarray,
    ann_codes: np.ndarray,
    policy: str = "error",
    item_values: np.ndarray | None = None,
    ann_values: np.ndarray | None = None,
) -> np.ndarray:
    """`keep_mask` on integer codes already made (values only name repeats in the error)."""
    if policy not in ("error", "first", "last"):
        raise ValueError(f"duplicate policy must be 'error', 'first' or 'last', not {policy!r}")
    if policy == "error":
        iv = item_values if item_values is not None else np.arange(int(item_codes.max(initial=0)) + 1)
        av = ann_values if ann_values is not None else np.arange(int(ann_codes.max(initial=0)) + 1)
        dup = _duplicates_from_codes(item_codes, ann_codes, iv, av)
        if dup:
            raise DuplicateAnnotationError(dup)
        return np.ones(len(item_codes), dtype=bool)
    key = pd.Series(_pair_key(item_codes, ann_codes))
    repeated = key.duplicated(keep="first" if policy == "first" else "last").to_numpy(bool)
    return np.logical_not(repeated)


def item_groups(item_codes: np.ndarray, group_codes: np.ndarray, n_items: int) -> np.ndarray:
    """The group of each item from per-row group codes; rows that disagree raise an error."""
    per_item = np.full(n_items, -1, dtype=np.int64)
    per_item[item_codes] = group_codes
    bad = per_item[item_codes] != group_codes
    if bad.any():
        raise InconsistentGroupError(np.flatnonzero(bad))
    return per_item
