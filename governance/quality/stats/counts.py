"""Count tables that every agreement and accuracy statistic is computed from.

Labels become integer codes against the contract's label set; items become rows of an
item x category table, compressed to distinct *profiles* (a row plus how many items share it).
Profiles of chunks that hold disjoint items add up (`ItemProfiles.merge`), and so do pair
contingency tables: that is what lets a large delivery be read in batches.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

ArrayLike = Any
_EXACT_FLOAT = 2**53


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


def item_category_table(item_codes: np.ndarray, label_codes: np.ndarray, n_items: int, n_categories: int) -> np.ndarray:
    """Dense item x category count table (n_items, V) from one bincount; code -1 rows dropped."""
    ok = (item_codes >= 0) & (label_codes >= 0)
    flat = item_codes[ok] * n_categories + label_codes[ok]
    return np.bincount(flat, minlength=n_items * n_categories).reshape(n_items, n_categories)


@dataclass(frozen=True)
class ItemProfiles:
    """Distinct item rows (K, V) with how many items share each and the group they belong to."""

    rows: np.ndarray
    weight: np.ndarray
    group: np.ndarray
    n_groups: int

    @property
    def n_categories(self) -> int:
        """V, the size of the label set."""
        return int(self.rows.shape[1])

    @property
    def raters(self) -> np.ndarray:
        """Annotations per item for each profile (m)."""
        return self.rows.sum(axis=1)

    def n_items(self, min_raters: int = 1) -> np.ndarray:
        """Items per group with at least `min_raters` annotations."""
        keep = self.raters >= min_raters
        return np.bincount(self.group[keep], weights=self.weight[keep], minlength=self.n_groups)

    def n_annotations(self, min_raters: int = 1) -> np.ndarray:
        """Annotations per group on items with at least `min_raters` annotations."""
        keep = self.raters >= min_raters
        w = self.weight[keep] * self.raters[keep]
        return np.bincount(self.group[keep], weights=w, minlength=self.n_groups)

    def for_group(self, g: int) -> ItemProfiles:
        """The profiles of one group, as a single-group table."""
        keep = self.group == g
        return ItemProfiles(self.rows[keep], self.weight[keep], np.zeros(int(keep.sum()), np.int64), 1)

    def pooled(self) -> ItemProfiles:
        """All groups together as one group."""
        return _compress(self.rows, self.weight, np.zeros(len(self.weight), np.int64), 1)

    def merge(self, other: ItemProfiles) -> ItemProfiles:
        """Sum of two tables built from chunks with disjoint items and shared label/group codes."""
        if other.n_categories != self.n_categories:
            raise ValueError("profiles use label sets of different sizes")
        return _compress(
            np.vstack([self.rows, other.rows]),
            np.concatenate([self.weight, other.weight]),
            np.concatenate([self.group, other.group]),
            max(self.n_groups, other.n_groups),
        )


def _compress(rows: np.ndarray, weight: np.ndarray, group: np.ndarray, n_groups: int) -> ItemProfiles:
    """Merge identical (group, row) profiles, summing weights; drops empty rows."""
    nonempty = (rows.sum(axis=1) > 0) & (weight > 0)
    rows, weight, group = rows[nonempty], weight[nonempty], group[nonempty]
    if rows.shape[0] == 0:
        v = rows.shape[1]
        return ItemProfiles(np.zeros((0, v), np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), n_groups)
    v = rows.shape[1]
    base = int(rows.max()) + 1
    if base**v * max(n_groups, 1) < 2**62:
        key = rows.astype(np.int64) @ (base ** np.arange(v, dtype=np.int64)) + group * base**v
        codes, uniq_keys = pd.factorize(key)
        summed = np.bincount(codes, weights=weight, minlength=len(uniq_keys)).astype(np.int64)
        first = np.empty(len(uniq_keys), np.int64)
        first[codes[::-1]] = np.arange(len(codes))[::-1]
        urows, ugroup = rows[first].astype(np.int64), group[first].astype(np.int64)
        order = np.lexsort(np.vstack([urows.T[::-1], ugroup]))  # as np.unique(axis=0) orders
        return ItemProfiles(urows[order], summed[order], ugroup[order], n_groups)
    stacked = np.column_stack([group, rows]).astype(np.int64)
    uniq, inverse = np.unique(stacked, axis=0, return_inverse=True)
    summed = np.bincount(inverse.reshape(-1), weights=weight, minlength=len(uniq)).astype(np.int64)
    return ItemProfiles(uniq[:, 1:].copy(), summed, uniq[:, 0].copy(), n_groups)


def profiles_from_table(table: np.ndarray, item_group: np.ndarray | None = None, n_groups: int = 1) -> ItemProfiles:
    """Profiles from a dense item x category table (one row per item), optionally per group."""
    table = np.asarray(table, dtype=np.int64)
    group = np.zeros(len(table), np.int64) if item_group is None else np.asarray(item_group, np.int64)
    return _compress(table, np.ones(len(table), np.int64), group, n_groups)


def item_profiles(
    item_codes: np.ndarray,
    label_codes: np.ndarray,
    n_categories: int,
    item_group: np.ndarray | None = None,
    n_groups: int = 1,
) -> ItemProfiles:
    """Profiles straight from long rows (item code, label code), without an N x V table when
    the profile fits an exact numeric key; `item_group` is per item (see `item_groups`)."""
    item_codes = np.asarray(item_codes, dtype=np.int64)
    label_codes = np.asarray(label_codes, dtype=np.int64)
    ok = (item_codes >= 0) & (label_codes >= 0)
    item_codes, label_codes = item_codes[ok], label_codes[ok]
    v = int(n_categories)
    if item_codes.size == 0:
        return _compress(np.zeros((0, v), np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), n_groups)
    n_items = int(item_codes.max()) + 1
    if item_group is None:
        groups = np.zeros(n_items, np.int64)
    else:
        groups = np.asarray(item_group, dtype=np.int64)[:n_items]
    raters = np.bincount(item_codes, minlength=n_items)
    base = int(raters.max()) + 1
    if base**v * max(n_groups, 1) < _EXACT_FLOAT:
        powers = np.float64(base) ** np.arange(v)
        key = np.bincount(item_codes, weights=powers[label_codes], minlength=n_items)
        key = key.astype(np.int64) + groups * base**v
        present = raters > 0
        key_codes, keys = pd.factorize(key[present])
        counts = np.bincount(key_codes, minlength=len(keys))
        keys = np.asarray(keys, dtype=np.int64)
        grp = keys // base**v
        rest = keys % base**v
        digits = (rest[:, None] // (base ** np.arange(v, dtype=np.int64))[None, :]) % base
        order = np.lexsort(np.vstack([digits.T[::-1], grp]))  # same order as np.unique(axis=0)
        return ItemProfiles(digits[order].astype(np.int64), counts[order].astype(np.int64), grp[order], n_groups)
    order = np.argsort(item_codes, kind="stable")
    item_sorted, label_sorted = item_codes[order], label_codes[order]
    block = max(1, 2**22 // v)
    parts: list[ItemProfiles] = []
    for start in range(0, n_items, block):
        lo, hi = np.searchsorted(item_sorted, [start, start + block])
        size = min(block, n_items - start)
        table = item_category_table(item_sorted[lo:hi] - start, label_sorted[lo:hi], size, v)
        parts.append(profiles_from_table(table, groups[start : start + size], n_groups))
    result = parts[0]
    for part in parts[1:]:
        result = result.merge(part)
    return result


def coincidence_matrices(profiles: ItemProfiles) -> np.ndarray:
    """Krippendorff coincidence matrices per group, (G, V, V), in one bincount over the nonzero
    cells of the profiles; items with fewer than two values contribute nothing."""
    v, g = profiles.n_categories, profiles.n_groups
    m = profiles.raters
    scale = np.where(m >= 2, profiles.weight / np.maximum(m - 1, 1), 0.0)
    k_idx, c_idx = np.nonzero(profiles.rows)
    cnt = profiles.rows[k_idx, c_idx].astype(float)
    base = profiles.group[k_idx] * v * v
    flat: list[np.ndarray] = []
    vals: list[np.ndarray] = []
    max_nz = int(np.bincount(k_idx).max()) if k_idx.size else 0
    for d in range(max_nz):
        i = np.arange(k_idx.size - d)
        j = i + d
        same = k_idx[i] == k_idx[j]
        i, j = i[same], j[same]
        s = scale[k_idx[i]]
        if d == 0:
            flat.append(base[i] + c_idx[i] * v + c_idx[i])
            vals.append(s * (cnt[i] * cnt[i] - cnt[i]))
        else:
            w = s * cnt[i] * cnt[j]
            flat += [base[i] + c_idx[i] * v + c_idx[j], base[i] + c_idx[j] * v + c_idx[i]]
            vals += [w, w]
    if not flat:
        return np.zeros((g, v, v))
    out = np.bincount(np.concatenate(flat), weights=np.concatenate(vals), minlength=g * v * v)
    return out.reshape(g, v, v)


def pair_contingency(
    codes_a: np.ndarray,
    codes_b: np.ndarray,
    n_categories: int,
    pair_group: np.ndarray | None = None,
    n_groups: int = 1,
) -> np.ndarray:
    """Contingency tables (G, V, V) of two annotators' codes on shared items (rows: first)."""
    codes_a, codes_b = np.asarray(codes_a, np.int64), np.asarray(codes_b, np.int64)
    ok = (codes_a >= 0) & (codes_b >= 0)
    v = int(n_categories)
    grp = np.zeros(len(codes_a), np.int64) if pair_group is None else np.asarray(pair_group, np.int64)
    flat = grp[ok] * v * v + codes_a[ok] * v + codes_b[ok]
    return np.bincount(flat, minlength=n_groups * v * v).reshape(n_groups, v, v)


def paired_codes(
    item_codes: np.ndarray,
    annotator_codes: np.ndarray,
    label_codes: np.ndarray,
    first: int,
    second: int,
    n_items: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per item, the label code of annotator `first` and of `second` (-1 where absent)."""
    a = np.full(n_items, -1, np.int64)
    b = np.full(n_items, -1, np.int64)
    in_a = annotator_codes == first
    in_b = annotator_codes == second
    a[item_codes[in_a]] = label_codes[in_a]
    b[item_codes[in_b]] = label_codes[in_b]
    return a, b
