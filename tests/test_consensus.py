"""Dawid-Skene and majority vote against crowd-kit (test oracle only) on random data, and the
consensus command."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annogov.cli import main
from governance.quality.stats.consensus import consensus

crowdkit = pytest.importorskip("crowdkit.aggregation")
ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-8  # crowd-kit clips its final posteriors at 1e-10; the EM steps are the same


def _frame(seed: int, n: int, n_workers: int, v: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, v, n)
    rows = []
    for i in range(n):
        for a in range(n_workers):
            if rng.random() < 0.3:
                continue
            right = rng.random() < 0.45 + 0.1 * a
            rows.append((f"t{i}", f"w{a}", int(truth[i]) if right else int(rng.integers(0, v))))
    return pd.DataFrame(rows, columns=["task", "worker", "label"])


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(20, 150), n_workers=st.integers(2, 6), v=st.integers(2, 5))
def test_dawid_skene_matches_crowd_kit(seed: int, n: int, n_workers: int, v: int) -> None:
    df = _frame(seed, n, n_workers, v)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = crowdkit.DawidSkene(n_iter=100).fit(df)
    used = sorted(df["label"].unique())
    ours = consensus(df["task"].to_numpy(), df["worker"].to_numpy(), df["label"].to_numpy(), label_set=[*used, 99])
    theirs = ds.probas_.reindex(index=ours.items, columns=used).to_numpy()
    assert np.abs(ours.posterior[:, : len(used)] - theirs).max() < TOLERANCE
    assert (ours.posterior[:, -1] == 0).all()  # an unused label cannot be the consensus
    assert ours.iterations == len(ds.loss_history_)
    mv = crowdkit.MajorityVote().fit_predict_proba(df).reindex(index=ours.items, columns=used).to_numpy()
    shares = ours.votes[:, : len(used)] / ours.votes.sum(axis=1, keepdims=True)
    assert np.allclose(shares, mv, atol=1e-12)


def test_adjudication_puts_uncertain_items_first() -> None:
    items = ["a", "a", "a", "b", "b", "b", "c", "c"]
    anns = ["x", "y", "z", "x", "y", "z", "x", "y"]
    labels = ["p", "p", "p", "p", "q", "p", "p", "q"]
    result = consensus(items, anns, labels, label_set=["p", "q"])
    first = result.items[result.adjudicate(1)[0]]
    assert first == "c" and result.majority_tie[list(result.items).index("c")]


def test_consensus_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "labels.csv"
    argv = ["consensus", str(ROOT / "examples" / "delivery.csv"), "--top", "3", "--format", "json", "--out", str(out)]
    assert main(argv) == 0
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["adjudicate"]) == 3 and set(payload["confusion"]) == {"ann-a", "ann-b"}
    assert payload["adjudicate"][0]["confidence"] <= payload["adjudicate"][-1]["confidence"]
    assert out.read_text().splitlines()[0] == "item_id,majority,majority_tie,dawid_skene,confidence"


def test_formula_like_item_ids_stay_text(tmp_path: Path) -> None:
    from governance.quality.stats.consensus import consensus_csv

    result = consensus(["=cmd()", "=cmd()"], ["a", "b"], ["x", "x"])
    assert "'=cmd()" in consensus_csv(result)


def test_unknown_labels_are_located_in_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    delivery = str(ROOT / "examples" / "delivery.csv")
    assert main(["consensus", delivery, "--labels", "pedestrian,cyclist"]) == 2
    err = capsys.readouterr().err
    assert "delivery.csv, row 10, column 'label'" in err and "'vehicle'" in err


@pytest.mark.parametrize("command", ["consensus", "annotators"])
@pytest.mark.parametrize(
    ("rows", "extra", "expected"),
    [
        ("i1,a,x\ni1,,y\ni2,b,x\n", [], "row 3, column 'annotator_id': annotator is missing"),
        (",a,x\ni1,b,y\n", [], "row 2, column 'item_id': item is missing"),
        ("i1,a,\ni2,b,\n", ["--labels", "x,y"], "no labelled rows"),
    ],
)
def test_bad_rows_are_located_not_tracebacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, rows: str, extra: list[str], expected: str
) -> None:
    """Missing ids point at their file rows; a delivery without labels is refused in words (it was
    a ZeroDivisionError in Dawid-Skene)."""
    path = tmp_path / "d.csv"
    path.write_text("item_id,annotator_id,label\n" + rows)
    code = main([command, str(path), *extra])
    err = capsys.readouterr().err
    if command == "annotators" and "no labelled" in expected:
        assert code == 0  # an empty per-annotator table is an answer
        return
    assert code == 2 and expected in err and "Traceback" not in err


def test_repeats_refused_at_their_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.csv"
    path.write_text("item_id,annotator_id,label\ni1,a,x\ni1,a,y\ni1,b,x\n")
    assert main(["consensus", str(path), "--repeats", "error"]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'annotator_id'" in err and "row 3, column 'annotator_id'" in err


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_invariant_to_row_order_and_renamed_ids(seed: int) -> None:
    df = _frame(seed, 60, 4, 3)
    base = consensus(df["task"].to_numpy(), df["worker"].to_numpy(), df["label"].to_numpy(), label_set=[0, 1, 2])
    shuffled = df.sample(frac=1.0, random_state=seed)
    renamed = consensus(
        ("x" + shuffled["task"]).to_numpy(), ("who-" + shuffled["worker"]).to_numpy(), shuffled["label"].to_numpy(),
        label_set=[0, 1, 2],
    )  # fmt: skip
    order = [list(renamed.items).index("x" + t) for t in base.items]
    assert np.allclose(renamed.posterior[order], base.posterior, atol=1e-12)
