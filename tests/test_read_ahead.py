"""read_ahead: same items in the same order, errors reach the consumer, an early stop ends the
worker."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from governance.quality.reading.read_ahead import read_ahead


def test_items_arrive_in_order() -> None:
    assert list(read_ahead(range(1000), depth=3)) == list(range(1000))
    assert list(read_ahead([])) == []


def test_an_error_in_the_worker_is_raised_to_the_consumer() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("row 7: not a number")

    got = []
    with pytest.raises(ValueError, match="row 7"):
        for item in read_ahead(failing()):
            got.append(item)
    assert got == [1]


def test_stopping_early_stops_the_worker() -> None:
    produced = []

    def endless() -> Iterator[int]:
        n = 0
        while True:
            produced.append(n)
            yield n
            n += 1

    before = threading.active_count()
    reader = read_ahead(endless(), depth=2)
    assert [next(reader) for _ in range(5)] == [0, 1, 2, 3, 4]
    reader.close()
    assert threading.active_count() == before
    assert len(produced) <= 5 + 2 + 1  # never more than `depth` (+ the one being put) ahead
