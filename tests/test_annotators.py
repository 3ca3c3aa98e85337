"""Per-annotator agreement, intra-annotator consistency and macro-F1 against plain loops and
scikit-learn on random long rows with repeats."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annogov.cli import main
from governance.quality.sla.gold import gold_report
from governance.quality.stats.annotators import annotator_report

sk_metrics = pytest.importorskip("sklearn.metrics")
ROOT = Path(__file__).resolve().parents[1]


def _rows(seed: int, n_items: int, n_ann: int, repeat_share: float) -> tuple[list[str], list[str], list[int]]:
    rng = np.random.default_rng(seed)
    items, anns, labels = [], [], []
    for i in range(n_items):
        truth = int(rng.integers(0, 3))
        for a in range(n_ann):
            if rng.random() < 0.3:
                continue
            times = 2 if rng.random() < repeat_share else 1
            for _ in range(times):
                items.append(f"it{i}")
                anns.append(f"a{a}")
                labels.append(truth if rng.random() < 0.7 else int(rng.integers(0, 4)))
    return items, anns, labels


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_items=st.integers(2, 25), n_ann=st.integers(2, 5))
def test_against_brute_force(seed: int, n_items: int, n_ann: int) -> None:
    items, anns, labels = _rows(seed, n_items, n_ann, 0.2)
    if not items:
        return
    report = annotator_report(items, anns, labels, label_set=[0, 1, 2, 3], repeats="first")
    first: dict[tuple[str, str], int] = {}
    repeats: dict[tuple[str, str], list[int]] = {}
    for i, a, label in zip(items, anns, labels, strict=True):
        first.setdefault((i, a), label)
        repeats.setdefault((i, a), []).append(label)
    for entry in report.annotators:
        me = entry.annotator
        agree = pairs = 0
        for (i, a), label in first.items():
            if a != me:
                continue
            for (j, b), other in first.items():
                if j == i and b != me:
                    pairs += 1
                    agree += label == other
        if pairs:
            assert entry.agreement.value == pytest.approx(agree / pairs, abs=1e-12)
        else:
            assert entry.agreement.value is None
        same = total = 0
        for (_, a), seq in repeats.items():
            if a == me:
                for x, y in itertools.combinations(seq, 2):
                    total += 1
                    same += x == y
        if total:
            assert entry.consistency.value == pytest.approx(same / total, abs=1e-12)
            assert entry.repeated_items == sum(1 for (_, a), s in repeats.items() if a == me and len(s) > 1)
        else:
            assert entry.consistency.value is None and entry.repeated_items == 0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 60))
def test_macro_f1_matches_scikit_learn(seed: int, n: int) -> None:
    rng = np.random.default_rng(seed)
    gold = rng.integers(0, 4, n)
    pred = np.where(rng.random(n) < 0.6, gold, rng.integers(0, 5, n))
    report = gold_report(pred, gold, label_set=[0, 1, 2, 3, 4, 5])
    with np.errstate(all="ignore"):
        expected = sk_metrics.f1_score(gold, pred, average="macro", zero_division=0)
    assert report.macro_f1 is not None and report.macro_f1.value == pytest.approx(expected, abs=1e-12)


def test_annotators_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["annotators", str(ROOT / "examples" / "delivery.csv"), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [a["annotator"] for a in payload["annotators"]] == ["ann-a", "ann-b"]
    assert payload["annotators"][0]["kappa"]["value"] > 0.5
    assert payload["gold"]["ann-a"]["macro_f1"]["value"] > 0.5
    assert "repeated judgements" in payload["repeat_policy"]
