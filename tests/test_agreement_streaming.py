"""Batches whose items are split across them give the same tables as all rows at once."""

from __future__ import annotations

import numpy as np
import pytest

from governance.quality.stats.agreement import agreement_data
from governance.quality.stats.codes import DuplicateAnnotationError, InconsistentGroupError, UnknownLabelError
from governance.quality.stats.streaming import AgreementStream

LABELS = ["car", "van", "bus", "bike", "truck"]


def _rows(seed: int, n_items: int = 400):
    rng = np.random.default_rng(seed)
    k = rng.integers(1, 6, n_items)  # 1 to 5 annotations per item
    items = np.repeat(np.arange(n_items), k)
    who = np.concatenate([rng.permutation(7)[:m] for m in k])
    truth = rng.integers(0, 5, n_items)[items]
    labels = np.where(rng.random(len(items)) < 0.7, truth, rng.integers(0, 5, len(items)))
    group = np.array(["north", "south", "east"])[items % 3]
    shuffle = rng.permutation(len(items))  # an item's rows land in different batches
    ids = np.array([f"item-{i}" for i in items], dtype=object)
    return (
        ids[shuffle],
        who[shuffle],
        np.asarray(LABELS, dtype=object)[labels][shuffle],
        group[shuffle],
    )


@pytest.mark.parametrize("batch", [37, 500, 10_000])
def test_stream_equals_one_pass(batch: int) -> None:
    items, who, labels, group = _rows(1)
    stream = AgreementStream(LABELS, max_per_item=2)  # slots must grow
    for lo in range(0, len(items), batch):
        sl = slice(lo, lo + batch)
        stream.add(items[sl], who[sl], labels[sl], groups=group[sl])
    streamed = stream.finish()
    whole = agreement_data(items, who, labels, label_set=LABELS, groups=group)
    for metric in ("percent", "fleiss", "krippendorff"):
        assert streamed.result(metric, seed=3, n_boot=200) == whole.result(
            metric, seed=3, n_boot=200
        )  # type: ignore[arg-type]
    cohen = {"pair": (0, 3), "weights": "linear"}
    assert streamed.result("cohen", **cohen) == whole.result("cohen", **cohen)  # type: ignore[arg-type]
    assert streamed.n_items == whole.n_items


def test_repeat_across_batches_is_rejected() -> None:
    stream = AgreementStream(LABELS)
    stream.add(["a", "b"], ["ann", "ann"], ["car", "van"])
    stream.add(["c", "a"], ["bo", "ann"], ["car", "bus"])
    with pytest.raises(DuplicateAnnotationError, match="'a', 'ann'"):
        stream.finish()


def test_group_change_across_batches_and_unknown_labels_name_global_rows() -> None:
    stream = AgreementStream(LABELS)
    stream.add(["a", "b"], ["ann", "ann"], ["car", "van"], groups=["x", "y"])
    with pytest.raises(InconsistentGroupError) as info:
        stream.add(["c", "a"], ["bo", "bo"], ["car", "bus"], groups=["x", "z"])
    assert info.value.rows.tolist() == [3]
    other = AgreementStream(LABELS)
    other.add(["a"], ["ann"], ["car"])
    with pytest.raises(UnknownLabelError) as bad:
        other.add(["a", "b"], ["bo", "bo"], ["car", "scooter"])
    assert bad.value.rows.tolist() == [2]
    third = AgreementStream(LABELS)
    third.add(["a", "b"], ["ann", "ann"], ["car", "van"])
    with pytest.raises(ValueError, match=r"annotator is missing on 1 rows; row positions start \[3\]"):
        third.add(["a", "c"], ["bo", None], ["car", "car"])
