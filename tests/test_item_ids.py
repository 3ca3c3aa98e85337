"""Item id codes: exactly pyarrow's dictionary_encode (first-seen order, each id's index) for every
kind of id; numeric-looking ids only take a faster road."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from governance.quality.reading.item_ids import encode_ids, numbers_of

SHAPES = [
    lambda n: f"item-{n}",
    lambda n: f"task_{n:07d}",
    lambda n: f"frame_{n:06d}.jpg",
    lambda n: f"scène {n}.é",  # multi-byte prefix and suffix
    lambda n: str(n),
    lambda n: f"é/{n}#x",
    lambda n: f"{n:x}",  # hexadecimal: letters and digits
    lambda n: f"item-{n:03d}" if n % 2 else f"item-{n}",  # two spellings of a number
]


@pytest.mark.parametrize("shape", range(len(SHAPES)))
@pytest.mark.parametrize("spread", [3, 1_000_000_000])  # dense numbers, then sparse ones
@pytest.mark.parametrize("order", ["random", "sorted", "unique sorted"])  # sorted ids skip the sort
def test_same_codes_as_arrow(shape: int, spread: int, order: str) -> None:
    rng = np.random.default_rng(shape)
    n = 5_000
    numbers = rng.integers(0, n * spread // 3 + 1, n)
    if order != "random":
        numbers = np.sort(np.unique(numbers) if order == "unique sorted" else numbers)
    ids = pa.array([SHAPES[shape](int(v)) for v in numbers], pa.string())
    dictionary, codes = encode_ids(ids)
    expected = pc.dictionary_encode(ids)
    assert dictionary.equals(expected.dictionary)
    assert np.array_equal(codes, expected.indices.to_numpy())


def _numbers(ids: list[str]) -> list[int] | None:
    found = numbers_of(pa.array(ids))
    return None if found is None else found.tolist()


def test_which_ids_are_numbers() -> None:
    assert _numbers(["item-7", "item-12", "item-100"]) == [7, 12, 100]
    assert _numbers(["a-007.png", "a-100.png"]) == [7, 100]  # one width
    assert _numbers(["item-7", "item-07"]) is None  # one number, two ids
    assert _numbers(["item-7", "task-7"]) is None  # no common prefix up to the number
    assert _numbers(["7a", "7b"]) is None
    assert _numbers(["item-", "item-1"]) is None
    assert _numbers(["x" + "9" * 19]) is None  # beyond int64


def test_small_or_missing_ids_use_arrow() -> None:
    dictionary, codes = encode_ids(pa.array(["b", None, "a", "b"]))
    assert dictionary.to_pylist() == ["b", "a"] and codes.tolist() == [0, -1, 1, 0]
