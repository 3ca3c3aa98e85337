"""Count tables that every agreement and accuracy statistic is computed from.

Labels become integer codes against the contract's label set (`governance.quality.stats.codes`);
items become rows of an
item x category table, compressed to distinct *profiles* (a row plus how many items share it).
Profiles of chunks that hold disjoint items add up (`ItemProfiles.merge`), and so do pair
contingency tables: that is what lets a large delivery be read in batches.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

_EXACT_FLOAT = 2**53


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
