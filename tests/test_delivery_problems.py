"""Problems in a delivery are the same whatever the batch size and whether an item's rows come in
one run: a batch without item ids, differing gold labels, repeated annotations (named once, with
the first row), rows that are not usable, the count of problems left out; also categorical columns
whose unused categories must not become annotators."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery
from governance.quality.reading.item_ids import numbers_of
from ingest import InputError

LABELS = ["cat", "dog", "bird", "fish"]
H3 = ["item_id", "annotator_id", "label"]
HG = ["item_id", "annotator_id", "label", "gold_label"]


def write_csv(path: Path, rows: list[tuple], header: list[str]) -> Path:
    lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems(path: Path, batch_rows: int) -> list[tuple]:
    """(row, column, message) of every problem, sorted: order is not what these tests are about."""
    with pytest.raises(InputError) as err:
        count_delivery(open_delivery(path, batch_rows=batch_rows), LABELS)
    return sorted(((p.location.row or 0), p.location.column or "", p.message) for p in err.value.problems)


def test_a_batch_without_any_item_id_is_an_input_error_not_a_crash(tmp_path: Path) -> None:
    rows = [("t1", "a", "cat"), ("t1", "b", "cat"), (None, "a", "cat"), (None, "b", "cat")]
    path = write_csv(tmp_path / "d.csv", rows, H3)
    expected = [(4, "item_id", "annotation without an item id"), (5, "item_id", "annotation without an item id")]
    assert problems(path, 100) == expected
    assert problems(path, 2) == expected


def test_a_delivery_whose_item_id_column_is_empty_is_an_input_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "d.csv", [(None, "a", "cat"), (None, "b", "dog")], H3)
    assert [r[:2] for r in problems(path, 100)] == [(2, "item_id"), (3, "item_id")]


def test_gold_clash_rows_do_not_depend_on_runs_or_batch_size(tmp_path: Path) -> None:
    rows = [
        ("t1", "a", "cat", "cat"),
        ("t1", "b", "cat", "cat"),
        ("t2", "a", "cat", ""),
        ("t2", "b", "cat", ""),
        ("t1", "c", "cat", "dog"),
        ("t1", "d", "cat", "dog"),
    ]
    path = write_csv(tmp_path / "d.csv", rows, HG)
    assert problems(path, 100) == problems(path, 1)


def test_no_gold_clash_for_a_row_that_agrees_with_the_items_first_gold(tmp_path: Path) -> None:
    rows = [
        ("t1", "a", "cat", "cat"),
        ("t1", "b", "cat", "cat"),
        ("t2", "a", "cat", ""),
        ("t2", "b", "cat", ""),
        ("t1", "c", "cat", "dog"),
        ("t1", "d", "cat", "cat"),
    ]
    path = write_csv(tmp_path / "d.csv", rows, HG)
    got = problems(path, 100)
    # row 7 agrees with the item's first gold label (row 2)
    assert [r[:2] for r in got] == [(6, "gold_label")], got


def test_a_repeated_annotation_is_reported_once(tmp_path: Path) -> None:
    rows = [
        ("t1", "a", "cat"),
        ("t1", "a", "cat"),
        ("t1", "b", "cat"),
        ("t2", "a", "cat"),
        ("t2", "b", "cat"),
        ("t1", "a", "dog"),
    ]
    path = write_csv(tmp_path / "d.csv", rows, H3)
    got = problems(path, 100)
    rows_reported = [r[0] for r in got]
    assert rows_reported == sorted(set(rows_reported)), got
    assert got == problems(path, 1)


def test_a_triple_annotation_names_the_same_rows_for_every_batch_size(tmp_path: Path) -> None:
    rows = [
        ("t1", "a", "cat"),
        ("t1", "a", "dog"),
        ("t1", "a", "cat"),
        ("t2", "a", "cat"),
        ("t2", "b", "cat"),
        ("t3", "a", "cat"),
        ("t3", "b", "cat"),
    ]
    path = write_csv(tmp_path / "d.csv", rows, H3)
    assert problems(path, 100) == problems(path, 2)


def test_cross_run_duplicates_ignore_rows_that_are_not_usable(tmp_path: Path) -> None:
    # row 3 has no label: it is not an annotation, so it cannot repeat one
    rows = [
        ("t1", "a", "cat"),
        ("t1", "a", None),
        ("t1", "b", "cat"),
        ("t2", "a", "cat"),
        ("t2", "b", "cat"),
        ("t1", "a", "dog"),
    ]
    path = write_csv(tmp_path / "d.csv", rows, H3)
    assert problems(path, 100) == problems(path, 1)


def test_cross_run_duplicates_do_not_invent_an_annotator_named_none(tmp_path: Path) -> None:
    rows = [
        ("t1", "a", "cat"),
        ("t1", None, "cat"),
        ("t1", "b", "cat"),
        ("t2", "a", "cat"),
        ("t2", "b", "cat"),
        ("t1", "a", "dog"),
        ("t1", None, "dog"),
    ]
    path = write_csv(tmp_path / "d.csv", rows, H3)
    got = problems(path, 100)
    assert not any("'None'" in r[2] for r in got), got
    assert got == problems(path, 1)


def test_the_count_of_problems_left_out_does_not_depend_on_batch_size(tmp_path: Path) -> None:
    rows = [(f"t{i}", None, "cat") for i in range(500)]
    path = write_csv(tmp_path / "d.csv", rows, H3)
    whole, parts = problems(path, 1000), problems(path, 100)
    assert whole == parts


def test_unused_categorical_annotators_are_not_annotators(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "item_id": ["t1", "t1", "t2", "t2"],
            "annotator_id": ["b", "a", "b", "a"],
            "label": ["cat", "dog", "cat", "cat"],
        }
    )
    frame.to_parquet(tmp_path / "plain.parquet")
    frame["annotator_id"] = pd.Categorical(frame["annotator_id"], categories=[f"z{i}" for i in range(9)] + ["a", "b"])
    frame.to_parquet(tmp_path / "cat.parquet")
    plain = count_delivery(open_delivery(tmp_path / "plain.parquet"), LABELS)
    categorical = count_delivery(open_delivery(tmp_path / "cat.parquet"), LABELS)
    assert plain.annotators == ["b", "a"]
    assert categorical.annotators == plain.annotators
    assert categorical.labels_by_annotator is not None


def test_numbers_of_an_empty_array() -> None:
    assert numbers_of(pa.array([], pa.string())) is None
    assert numbers_of(pa.array(['item-1', None])) is None
