"""Codes for item ids: the result of `pyarrow.compute.dictionary_encode` (distinct ids in first-seen
order, each id's index), reached faster when the ids are numbers in disguise.

Ids such as `item-1042`, `task_000731` or `frame_000123.jpg` are a fixed prefix, a decimal number
and a fixed suffix. When every id of a delivery has that shape, and the number is written one way
only (no leading zeros, or a fixed width), the number identifies the id; numbers are coded by
direct addressing (or an integer hash when they are sparse), with no string hashing at all.
Any other ids take Arrow's string hash.
"""

from __future__ import annotations

import os

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MAX_DIGITS = 18  # fits an int64
DIRECT_SPAN = 4  # direct addressing while the number range is at most this many times the ids


def _arrow(ids: pa.Array) -> tuple[pa.Array, np.ndarray]:
    enc = pc.dictionary_encode(ids)
    indices = enc.indices.fill_null(-1) if enc.indices.null_count else enc.indices
    return enc.dictionary, indices.to_numpy(zero_copy_only=False).astype(np.int64)


def numbers_of(ids: pa.Array) -> np.ndarray | None:
    """Each id's number when every id is the same prefix, a decimal number written one way, and
    the same suffix; otherwise None."""
    if not len(ids) or ids.null_count:
        return None
    sample = ids.take(pa.array(np.linspace(0, len(ids) - 1, 33).astype(np.int64))).to_pylist()
    prefix = os.path.commonprefix(sample).rstrip("0123456789")
    if prefix and not pc.all(pc.starts_with(ids, prefix)).as_py():
        return None
    tail = ids[0].as_py()[len(prefix) :]
    digits = len(tail) - len(tail.lstrip("0123456789"))
    suffix = tail[digits:]
    if any(c.isdigit() for c in suffix) or not pc.all(pc.ends_with(ids, suffix)).as_py():
        return None
    number = pc.binary_replace_slice(ids, 0, len(prefix.encode()), "")  # bytes: no UTF-8 walk
    if suffix:
        number = pc.binary_replace_slice(number, -len(suffix.encode()), 2**31 - 1, "")
    width = pc.min_max(pc.binary_length(number))
    shortest, longest = width["min"].as_py(), width["max"].as_py()
    if not shortest or longest > MAX_DIGITS or not pc.all(pc.ascii_is_decimal(number)).as_py():
        return None
    if shortest != longest:  # several widths: only if no number has a leading zero
        padded = pc.and_(pc.starts_with(number, "0"), pc.greater(pc.binary_length(number), 1))
        if pc.any(padded).as_py():
            return None
    return pc.cast(number, pa.int64()).to_numpy()


def encode_ids(ids: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """(distinct ids in first-seen order, int64 index of each id into them; -1 for null)."""
    if len(ids) < 1024 or ids.null_count or not pa.types.is_string(ids.type):
        return _arrow(ids)
    numbers = numbers_of(ids)
    if numbers is None:
        return _arrow(ids)
    n = len(numbers)
    low = int(numbers.min())
    span = int(numbers.max()) - low + 1
    if span <= DIRECT_SPAN * n:
        at = numbers - low
        first = np.full(span, n, np.int64)
        first[at[::-1]] = np.arange(n - 1, -1, -1)
        present = np.flatnonzero(first < n)
        seen = first[present]
        if not bool((seen[1:] > seen[:-1]).all()):
            order = np.argsort(seen)
            present, seen = present[order], seen[order]
        elif len(present) == n:  # every id once, in numeric order: the ids are their own dictionary
            return ids, np.arange(n, dtype=np.int64)
        code_of = np.empty(span, np.int64)
        code_of[present] = np.arange(len(present))
        return ids.take(pa.array(seen)), code_of[at]
    enc = pc.dictionary_encode(pa.array(numbers))
    codes = enc.indices.to_numpy().astype(np.int64)
    first = np.empty(len(enc.dictionary), np.int64)
    first[codes[::-1]] = np.arange(n - 1, -1, -1)
    return ids.take(pa.array(first)), codes
