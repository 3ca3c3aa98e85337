"""Reading deliveries: every format gives the same count tables; bad input is located, never
silent; batch size never changes a count."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.quality.reading.columns import ColumnMapping, load_mapping, parse_column_flags
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery, week_start
from ingest import InputError

ROWS = [
    # item, annotator, label, category, gold, qa, submitted, due
    ("t1", "ann1", "cat", "indoor", "cat", "pass", "2026-03-02T10:00:00", "2026-03-03T00:00:00"),
    ("t1", "ann2", "dog", "indoor", "cat", "fail", "2026-03-02T11:00:00", "2026-03-03T00:00:00"),
    ("t2", "ann1", "dog", "outdoor", "", "", "2026-03-10T09:00:00", "2026-03-09T00:00:00"),
    ("t2", "ann2", "dog", "outdoor", "", "", "2026-03-10T09:30:00", "2026-03-09T00:00:00"),
    ("t3", "ann1", "bird", "outdoor", "", "pass", "2026-03-11T09:00:00", "2026-03-12T00:00:00"),
    ("t3", "ann2", "bird", "outdoor", "", "", "2026-03-11T09:00:00", "2026-03-12T00:00:00"),
]
HEADER = ["item_id", "annotator_id", "label", "category", "gold_label", "qa_result",
          "submitted_at", "due_at"]
LABELS = ["cat", "dog", "bird", "fish"]


def write_csv(path: Path, rows: list[tuple], header: list[str] = HEADER) -> Path:
    lines = [",".join(header)] + [",".join(str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _summary(path: Path, mapping: ColumnMapping | None = None, **kw: object) -> dict:
    counts = count_delivery(open_delivery(path, mapping, **kw), LABELS)  # type: ignore[arg-type]
    order = np.argsort(counts.items.to_pylist())
    cats = [counts.categories[c] for c in counts.item_category[order]]
    return {
        "items": sorted(counts.items.to_pylist()),
        "counts": counts.item_counts[order].tolist(),
        "categories": cats,
        "gold": [counts.labels[g] if g >= 0 else None for g in counts.item_gold[order]],
        "period": {name: counts.table("category_period")[1 + i].tolist()
                   for i, name in enumerate(counts.categories)},
        "weeks": {k: v.tolist() for k, v in counts.weeks.items()},
    }


def test_csv_counts(tmp_path: Path) -> None:
    counts = count_delivery(open_delivery(write_csv(tmp_path / "d.csv", ROWS)), LABELS)
    assert counts.n_rows == 6 and counts.n_items == 3
    assert counts.annotators == ["ann1", "ann2"]
    # unused label 'fish' stays in the table: it changes chance agreement
    assert counts.item_counts.shape == (3, 4)
    period = counts.table("category_period")
    indoor = period[1 + counts.categories.index("indoor")]
    # rows, reviewed, failed, gold, correct, timed, on_time
    assert indoor.tolist() == [2, 2, 1, 2, 1, 2, 2]
    outdoor = period[1 + counts.categories.index("outdoor")]
    assert outdoor.tolist() == [4, 1, 0, 0, 0, 4, 2]
    assert sorted(counts.weeks) == sorted(set(counts.weeks))
    assert [int(v[0]) for v in counts.weeks.values()] == [2, 4]


def test_every_format_gives_the_same_tables(tmp_path: Path) -> None:
    expected = _summary(write_csv(tmp_path / "d.csv", ROWS))

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Vendor delivery, March"])  # title row above the header
    ws.append([])
    ws.append(HEADER)
    for r in ROWS:
        ws.append([c if c != "" else None for c in r])
    wb.save(tmp_path / "d.xlsx")
    assert _summary(tmp_path / "d.xlsx") == expected

    with (tmp_path / "d.jsonl").open("w") as fh:
        for r in ROWS:
            fh.write(json.dumps({k: (v or None) for k, v in zip(HEADER, r, strict=True)}) + "\n")
    assert _summary(tmp_path / "d.jsonl") == expected

    cols = list(zip(*ROWS, strict=True))
    table = pa.table({h: pa.array([v or None for v in c]) for h, c in zip(HEADER, cols,
                                                                          strict=True)})
    pq.write_table(table, tmp_path / "d.parquet")
    assert _summary(tmp_path / "d.parquet") == expected
    assert _summary(tmp_path / "d.parquet", batch_rows=1) == expected


def test_label_studio_export(tmp_path: Path) -> None:
    tasks = [
        {"id": 11, "data": {"image": "a.jpg", "category": "indoor"}, "annotations": [
            {"completed_by": 1, "result": [{"value": {"choices": ["cat"]}}]},
            {"completed_by": {"id": 2, "email": "b@x.org"},
             "result": [{"value": {"choices": ["dog"]}}]},
            {"completed_by": 3, "ground_truth": True, "result": [{"value": {"choices": ["cat"]}}]},
            {"completed_by": 4, "was_cancelled": True, "result": []},
        ]},
        {"id": 12, "data": {"image": "b.jpg", "category": "outdoor"}, "annotations": [
            {"completed_by": 1, "result": [{"value": {"choices": ["bird"]}}]},
            {"completed_by": {"id": 2, "email": "b@x.org"},
             "result": [{"value": {"choices": ["bird"]}}]},
        ]},
    ]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks))
    counts = count_delivery(open_delivery(path), LABELS)
    assert counts.items.to_pylist() == ["11", "12"]
    assert counts.annotators == ["1", "b@x.org"]
    assert counts.categories == ["indoor", "outdoor"]
    assert counts.item_gold.tolist() == [0, -1]  # the ground-truth annotation is the gold
    assert counts.item_counts.tolist() == [[1, 1, 0, 0], [0, 0, 2, 0]]
    assert any("cancelled" in w for w in counts.warnings)


def test_column_mapping_by_flags_and_file(tmp_path: Path) -> None:
    header = ["task", "worker", "answer_given", "slice"]
    path = write_csv(tmp_path / "d.csv", [(r[0], r[1], r[2], r[3]) for r in ROWS], header)
    with pytest.raises(InputError) as err:
        open_delivery(path)
    assert "item_id" in str(err.value) and "d.csv" in str(err.value)
    mapping = parse_column_flags(["item_id=task", "annotator_id=worker", "label=answer_given"])
    counts = count_delivery(open_delivery(path, mapping), LABELS)
    assert counts.n_items == 3 and counts.categories == ["indoor", "outdoor"]  # 'slice' alias
    (tmp_path / "map.yaml").write_text(
        "columns:\n  item_id: task\n  annotator_id: worker\n  label: answer_given\n")
    assert load_mapping(tmp_path / "map.yaml") == mapping
    with pytest.raises(InputError, match="expected canonical=source"):
        parse_column_flags(["item_id"])
    with pytest.raises(InputError, match="unknown canonical"):
        parse_column_flags(["itemid=task"])
    with pytest.raises(InputError, match="not found"):
        open_delivery(path, parse_column_flags(["item_id=nope", "annotator_id=worker",
                                                "label=answer_given"]))


def test_numbers_and_text_labels_are_one_vocabulary(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["item_id", "annotator_id", "label"])
    for row in [("a", "x", 1), ("a", "y", 1.0), ("b", "x", "2"), ("b", "y", 2)]:
        ws.append(list(row))
    wb.save(tmp_path / "n.xlsx")
    counts = count_delivery(open_delivery(tmp_path / "n.xlsx"), ["1", "2", "3"])
    assert counts.item_counts.tolist() == [[2, 0, 0], [0, 2, 0]]


def test_problems_are_located_and_collected(tmp_path: Path) -> None:
    rows = [
        ("t1", "ann1", "cat", "indoor", "cat", "pass", "2026-03-02", "2026-03-03"),
        ("t1", "ann1", "dog", "indoor", "cat", "", "2026-03-02", "2026-03-03"),   # duplicate
        ("", "ann2", "dog", "indoor", "", "", "2026-03-02", "2026-03-03"),        # no item
        ("t2", "ann2", "zebra", "indoor", "", "", "2026-03-02", "2026-03-03"),    # label set
        ("t3", "ann2", "cat", "indoor", "", "maybe", "2026-03-02", "2026-03-03"),  # qa value
        ("t4", "ann2", "cat", "indoor", "", "", "yesterday", "2026-03-03"),        # date
        ("t1", "ann2", "cat", "indoor", "dog", "", "2026-03-02", "2026-03-03"),   # gold clash
    ]
    with pytest.raises(InputError) as err:
        count_delivery(open_delivery(write_csv(tmp_path / "bad.csv", rows)), LABELS)
    text = str(err.value)
    where = {(p.location.row, p.location.column) for p in err.value.problems}
    assert {(3, "annotator_id"), (4, "item_id"), (5, "label"), (6, "qa_result"),
            (7, "submitted_at"), (8, "gold_label")} <= where
    assert "first on row 2" in text and "zebra" in text and "bad.csv" in text


def test_duplicates_across_batches_name_both_rows(tmp_path: Path) -> None:
    rows = [("t1", "a", "cat"), ("t2", "a", "dog"), ("t3", "a", "dog"), ("t1", "a", "dog")]
    path = write_csv(tmp_path / "d.csv", rows, ["item_id", "annotator_id", "label"])
    with pytest.raises(InputError) as err:
        count_delivery(open_delivery(path, batch_rows=2), LABELS)
    assert [(p.location.row, p.location.column) for p in err.value.problems] == [
        (5, "annotator_id")]
    assert "first on row 2" in str(err.value)


def test_category_conflict_is_a_warning(tmp_path: Path) -> None:
    rows = [("t1", "a", "cat", "indoor"), ("t1", "b", "cat", "outdoor")]
    path = write_csv(tmp_path / "d.csv", rows, ["item_id", "annotator_id", "label", "category"])
    counts = count_delivery(open_delivery(path), LABELS)
    assert any("different category" in w for w in counts.warnings)


@pytest.mark.parametrize("batch_rows", [1, 2, 3, 5, 100])
def test_items_with_split_categories_are_counted_once(tmp_path: Path, batch_rows: int) -> None:
    rows = [("t1", "a", "cat", "outdoor"), ("t1", "b", "cat", "indoor"), ("t1", "c", "cat", "indoor"),
            ("t2", "a", "dog", "indoor"), ("t2", "b", "dog", "indoor"), ("t3", "a", "dog", "outdoor"),
            ("t2", "c", "dog", "outdoor"), ("t3", "b", "dog", "outdoor")]
    path = write_csv(tmp_path / "d.csv", rows, ["item_id", "annotator_id", "label", "category"])
    counts = count_delivery(open_delivery(path, batch_rows=batch_rows), LABELS)
    assert [w.split(": ", 1)[1] for w in counts.warnings] == [
        "2 item(s) have annotations that give a different category; each item keeps the first category seen"]
    assert [counts.categories[c] for c in counts.item_category] == ["outdoor", "indoor", "outdoor"]


def test_unsupported_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unsupported"):
        open_delivery(tmp_path / "d.docx")
    with pytest.raises(InputError, match="not found"):
        open_delivery(tmp_path / "missing.csv")
    (tmp_path / "broken.parquet").write_bytes(b"nope")
    with pytest.raises(InputError, match="Parquet"):
        open_delivery(tmp_path / "broken.parquet")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 3), st.integers(0, 3),
                          st.integers(0, 2), st.sampled_from(["pass", "fail", ""])),
                min_size=1, max_size=40, unique_by=lambda r: (r[0], r[1])),
       st.integers(1, 9))
def test_batch_size_never_changes_a_count(tmp_path_factory: pytest.TempPathFactory,
                                          rows: list[tuple], batch_rows: int) -> None:
    table = pa.table({
        "item_id": [f"i{r[0]}" for r in rows], "annotator_id": [f"a{r[1]}" for r in rows],
        "label": [LABELS[r[2]] for r in rows], "category": [f"c{r[0] % 3}" for r in rows],
        "qa_result": [r[4] or None for r in rows]})
    path = tmp_path_factory.mktemp("p") / "d.parquet"
    pq.write_table(table, path)
    whole = count_delivery(open_delivery(path), LABELS)
    parts = count_delivery(open_delivery(path, batch_rows=batch_rows), LABELS)
    assert whole.items.to_pylist() == parts.items.to_pylist()
    assert np.array_equal(whole.item_counts, parts.item_counts)
    assert np.array_equal(whole.item_category, parts.item_category)
    assert np.array_equal(whole.item_annotators, parts.item_annotators)
    for name, value in whole.tables.items():
        assert np.array_equal(value, parts.tables[name]), name
    assert whole.item_counts.sum() == len(rows)


def test_xlsx_problems_carry_sheet_rows(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Delivery of week 12"])
    ws.append(["item_id", "annotator_id", "label"])
    ws.append(["t1", "a", "cat"])
    ws.append([None, "b", "dog"])
    ws.append(["t2", "a", "horse"])
    wb.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError) as err:
        count_delivery(open_delivery(tmp_path / "bad.xlsx"), LABELS)
    assert [(p.location.sheet, p.location.row, p.location.column)
            for p in err.value.problems] == [("Sheet", 4, "item_id"), ("Sheet", 5, "label")]
    assert "bad.xlsx, sheet 'Sheet', row 5, column 'label'" in str(err.value)


def test_large_csv_path_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import governance.quality.reading.delivery as delivery

    path = write_csv(tmp_path / "d.csv", ROWS)
    expected = _summary(path)
    monkeypatch.setattr(delivery, "BIG_TEXT_FILE", 0)
    assert _summary(path) == expected


def test_an_item_listed_again_later_in_a_batch_is_one_item(tmp_path: Path) -> None:
    # grouped rows (runs of one item), but t1 comes back after t2: its tables are merged and the
    # repeated annotator is reported with both rows
    rows = [("t1", "a", "cat"), ("t1", "b", "cat"), ("t1", "c", "dog"), ("t2", "a", "dog"),
            ("t2", "b", "dog"), ("t2", "c", "dog"), ("t1", "d", "cat"), ("t1", "e", "cat")]
    path = write_csv(tmp_path / "d.csv", rows, ["item_id", "annotator_id", "label"])
    counts = count_delivery(open_delivery(path), LABELS)
    assert counts.items.to_pylist() == ["t1", "t2"]
    assert counts.item_counts.tolist() == [[4, 1, 0, 0], [0, 3, 0, 0]]
    assert int(np.bitwise_count(counts.item_annotators).sum()) == 8

    again = [*rows[:6], ("t1", "a", "dog"), ("t1", "d", "cat")]
    path = write_csv(tmp_path / "again.csv", again, ["item_id", "annotator_id", "label"])
    with pytest.raises(InputError) as err:
        count_delivery(open_delivery(path), LABELS)
    assert [(p.location.row, p.location.column) for p in err.value.problems] == [(8, "annotator_id")]
    assert "first on row 2" in str(err.value)


def test_gold_and_category_conflicts_between_runs_of_one_item(tmp_path: Path) -> None:
    header = ["item_id", "annotator_id", "label", "category", "gold_label"]
    rows = [("t1", "a", "cat", "indoor", "cat"), ("t1", "b", "cat", "indoor", "cat"),
            ("t2", "a", "dog", "outdoor", ""), ("t2", "b", "dog", "outdoor", ""),
            ("t1", "c", "cat", "outdoor", "dog"), ("t1", "d", "cat", "outdoor", "dog")]
    path = write_csv(tmp_path / "d.csv", rows, header)
    with pytest.raises(InputError) as err:
        count_delivery(open_delivery(path), LABELS)
    assert [(p.location.row, p.location.column) for p in err.value.problems] == [(6, "gold_label"),
                                                                                 (7, "gold_label")]
    assert "differing gold labels ('dog' here, 'cat' on row 2)" in str(err.value)

    rows = [(*r[:4], "") for r in rows]
    counts = count_delivery(open_delivery(write_csv(tmp_path / "ok.csv", rows, header)), LABELS)
    assert [counts.categories[c] for c in counts.item_category] == ["indoor", "outdoor"]
    assert any("different category" in w for w in counts.warnings)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 5), st.integers(0, 3)),
                min_size=1, max_size=60, unique_by=lambda r: (r[0], r[1])),
       st.integers(1, 4), st.integers(2, 30))
def test_row_order_never_changes_a_count(tmp_path_factory: pytest.TempPathFactory, rows: list[tuple],
                                         split: int, batch_rows: int) -> None:
    """Rows grouped by item, grouped but with each item split in runs, or in any order: same tables."""
    def write(ordered: list[tuple], name: str) -> Path:
        table = pa.table({
            "item_id": [f"i{r[0]}" for r in ordered], "annotator_id": [f"a{r[1]}" for r in ordered],
            "label": [LABELS[r[2]] for r in ordered], "category": [f"c{r[0] % 3}" for r in ordered]})
        path = tmp_path_factory.mktemp("o") / name
        pq.write_table(table, path)
        return path

    def tables(path: Path) -> dict:
        """The count tables keyed by names, since codes follow the order values are first seen."""
        c = count_delivery(open_delivery(path, batch_rows=batch_rows), LABELS)
        ann = lambda mask: sorted(a for i, a in enumerate(c.annotators) if int(mask[0]) >> i & 1)  # noqa: E731
        period = c.table("category_period")
        return {
            "items": {item: (c.item_counts[i].tolist(), ann(c.item_annotators[i]),
                             c.categories[c.item_category[i]])
                      for i, item in enumerate(c.items.to_pylist())},
            "category": {name: period[1 + i].tolist() for i, name in enumerate(c.categories)},
            "annotator": {name: c.table("annotator_period")[i].tolist() for i, name in enumerate(c.annotators)},
        }

    grouped = tables(write(sorted(rows), "grouped.parquet"))
    runs = sorted(rows, key=lambda r: (r[1] % split, r[0], r[1]))
    assert tables(write(runs, "runs.parquet")) == grouped
    assert tables(write(rows, "as-given.parquet")) == grouped


def test_many_annotators_numeric_ids_and_the_per_dimension_tables(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import governance.quality.reading.delivery_counts as dc

    rng = np.random.default_rng(3)
    n_items, n_ann = 40, 10
    table = pa.table({
        "item_id": np.repeat(np.arange(n_items), n_ann),  # integers, read as text
        "annotator_id": np.tile([f"a{i}" for i in range(n_ann)], n_items),
        "label": [LABELS[i] for i in rng.integers(0, 4, n_items * n_ann)],
        "category": np.repeat([f"c{i % 7}" for i in range(n_items)], n_ann),
        "batch": np.repeat([f"b{i % 5}" for i in range(n_items)], n_ann)})
    path = tmp_path / "d.parquet"
    pq.write_table(table, path)
    joint = count_delivery(open_delivery(path, batch_rows=64), LABELS)
    assert joint.items.to_pylist()[:3] == ["0", "1", "2"]
    assert joint.labels_by_annotator is None  # pairs are kept for at most 8 annotators
    assert np.bitwise_count(joint.item_annotators).sum(axis=1).tolist() == [n_ann] * n_items
    monkeypatch.setattr(dc, "_JOINT_BINS", 0)
    apart = count_delivery(open_delivery(path, batch_rows=64), LABELS)
    assert joint.tables.keys() == apart.tables.keys()
    for name in joint.tables:
        assert np.array_equal(joint.tables[name], apart.tables[name]), name
    assert joint.table("annotator_period")[:, 0].tolist() == [n_items] * n_ann


def test_categorical_item_ids_count_only_the_items_present(tmp_path: Path) -> None:
    import pandas as pd

    frame = pd.DataFrame({"item_id": ["t1", "t1", "t2", "t2"], "annotator_id": ["a", "b", "a", "b"],
                          "label": ["cat", "cat", "dog", "cat"]})
    frame["item_id"] = pd.Categorical(frame["item_id"], categories=["t0", "t1", "t2", "t9"])
    frame.to_parquet(tmp_path / "d.parquet")
    counts = count_delivery(open_delivery(tmp_path / "d.parquet", batch_rows=3), LABELS)
    assert counts.items.to_pylist() == ["t1", "t2"]
    assert counts.item_counts.tolist() == [[2, 0, 0, 0], [1, 1, 0, 0]]


def test_far_future_deadlines_are_dates(tmp_path: Path) -> None:
    """9999-12-31 is how many exports say "no deadline": on time, not an overflow."""
    import datetime as dt

    table = pa.table({
        "item_id": ["t1", "t1"], "annotator_id": ["a", "b"], "label": ["cat", "cat"],
        "submitted_at": pa.array([dt.datetime(2026, 1, 5, 9), dt.datetime(2026, 1, 8, 9)], pa.timestamp("ns")),
        "due_at": pa.array([dt.datetime(9999, 12, 31), dt.datetime(2026, 1, 7)], pa.timestamp("us"))})
    pq.write_table(table, tmp_path / "d.parquet")
    counts = count_delivery(open_delivery(tmp_path / "d.parquet"), LABELS)
    rows, timed, on_time = counts.table("category_period")[0][[0, 5, 6]]
    assert (rows, timed, on_time) == (2, 2, 1)
    assert [week_start(w) for w in counts.weeks] == ["2026-01-05"]
