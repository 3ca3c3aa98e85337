"""governance.encode.dictionary_encode gives exactly what pyarrow's dictionary_encode gives:
distinct values in first-seen order and each value's index, whatever the grouping."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import governance.encode as encode


@pytest.mark.parametrize("seed", range(12))
def test_same_result_as_arrow(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encode, "GROUP_SIZE", 64)  # many groups on a small input
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 20_000))
    prefix = rng.choice(["item-", "", "frame_000", "é-", "x.jpg#"], size=n)
    values = np.char.add(prefix, rng.integers(0, int(rng.integers(1, n + 1)), n).astype(str)).astype(object)
    values[rng.random(n) < 0.02] = ""
    array = pa.array(values, pa.string())
    if seed % 3 == 0:
        array = array.slice(int(rng.integers(0, 5)))
    dictionary, codes = encode.dictionary_encode(array, workers=int(rng.integers(1, 4)))
    expected = pc.dictionary_encode(array)
    assert dictionary.equals(expected.dictionary)
    assert np.array_equal(codes, expected.indices.to_numpy())


def test_nulls_and_small_inputs_take_arrow_directly() -> None:
    array = pa.array(["b", None, "a", "b"])
    dictionary, codes = encode.dictionary_encode(array)
    assert dictionary.to_pylist() == ["b", "a"] and codes.tolist() == [0, -1, 1, 0]
    dictionary, codes = encode.dictionary_encode(pa.array([], pa.string()))
    assert len(dictionary) == 0 and len(codes) == 0
