"""Dictionary encoding of many strings in random order, with the result of
`pyarrow.compute.dictionary_encode`: the distinct values in first-seen order and each value's index.

One hash table over millions of scattered ids spends its time on cache misses. Here the values are
first grouped by a few bits of a cheap checksum (equal strings always share a group), each group is
hashed on its own (small tables, in threads: Arrow releases the GIL), and the codes are put back in
first-seen order.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

GROUP_SIZE = 1 << 17  # values per group: a hash table that stays in cache


def _encode(values: pa.Array) -> tuple[pa.Array, np.ndarray]:
    enc = pc.dictionary_encode(values)
    indices = enc.indices.fill_null(-1) if enc.indices.null_count else enc.indices
    return enc.dictionary, indices.to_numpy(zero_copy_only=False).astype(np.int64)


def _groups(values: pa.Array, bits: int) -> np.ndarray:
    """A group number of `bits` bits for each string, mixed from its length and four of its bytes
    (the last two, the fifth from the end and the middle one: where ids tend to differ)."""
    n = len(values)
    _, offsets_buf, data_buf = values.buffers()
    offsets = np.frombuffer(offsets_buf, np.int32, n + 1, values.offset * 4)
    start, end = offsets[:-1], offsets[1:]
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None and len(data_buf) else np.zeros(1, np.uint8)
    mixed = (end - start).astype(np.uint32)
    for at in (end - 1, end - 2, end - 5, (start + end) // 2):
        mixed *= np.uint32(0x01000193)
        mixed ^= data[np.maximum(at, start).clip(0, len(data) - 1)]
    mixed[end == start] = 0
    mixed *= np.uint32(2654435761)
    return (mixed >> np.uint32(32 - bits)).astype(np.uint16)


def dictionary_encode(values: pa.Array, workers: int | None = None) -> tuple[pa.Array, np.ndarray]:
    """(distinct values in first-seen order, int64 index of each value, -1 for null)."""
    bits = int(np.ceil(np.log2(max(len(values), 1) / GROUP_SIZE))) if len(values) > GROUP_SIZE else 0
    if bits < 2 or values.null_count or not pa.types.is_string(values.type):
        return _encode(values)
    bits = min(bits, 12)
    group = _groups(values, bits)
    order = np.argsort(group, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(group, minlength=1 << bits))]
    grouped = values.take(pa.array(order))
    del group
    slices = [grouped.slice(bounds[g], bounds[g + 1] - bounds[g]) for g in range(1 << bits)]
    with ThreadPoolExecutor(workers or min(os.cpu_count() or 1, 4)) as pool:
        parts = list(pool.map(_encode, slices))
    del slices
    sizes = np.array([len(d) for d, _ in parts], np.int64)
    base = np.r_[0, np.cumsum(sizes)]
    provisional = np.empty(len(values), np.int64)
    provisional[order] = np.concatenate([codes + base[g] for g, (_, codes) in enumerate(parts)])
    del order, grouped
    first = np.empty(int(base[-1]), np.int64)  # where each distinct value first appears
    first[provisional[::-1]] = np.arange(len(values) - 1, -1, -1)
    seen = np.argsort(first)
    rank = np.empty_like(seen)
    rank[seen] = np.arange(len(seen))
    dictionary = pa.concat_arrays([d for d, _ in parts]).take(pa.array(seen))
    return dictionary, rank[provisional]
