"""Accuracy against gold matches scikit-learn and statsmodels; undefined rates carry reasons."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.quality.sla.gold import gold_conflicts, gold_report
from governance.quality.stats.codes import UnknownLabelError
from governance.quality.stats.estimate import rate, wilson_interval

sk_metrics = pytest.importorskip("sklearn.metrics")
proportion = pytest.importorskip("statsmodels.stats.proportion")

LABELS = ["car", "truck", "bus", "bike", "tram"]  # 'tram' is never used below


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(1, 200), skill=st.floats(0.0, 1.0))
def test_per_class_scores_and_confusion_match_sklearn(seed: int, n: int, skill: float) -> None:
    rng = np.random.default_rng(seed)
    gold = rng.choice(LABELS[:4], n)
    answer = np.where(rng.random(n) < skill, gold, rng.choice(LABELS[:4], n))
    report = gold_report(answer, gold, label_set=LABELS)
    cm = sk_metrics.confusion_matrix(gold, answer, labels=LABELS)
    assert report.confusion == cm.tolist()
    assert report.accuracy.value == pytest.approx(sk_metrics.accuracy_score(gold, answer))
    p, r, f, s = sk_metrics.precision_recall_fscore_support(
        gold, answer, labels=LABELS, zero_division=np.nan
    )
    for i, name in enumerate(LABELS):
        scores = report.per_class[name]
        assert scores.support == s[i]
        for ours, theirs in ((scores.precision, p[i]), (scores.recall, r[i])):
            if np.isnan(theirs):
                assert ours.value is None and ours.undefined_reason
            else:
                assert ours.value == pytest.approx(theirs)
        if scores.support + scores.predicted > 0:
            assert scores.f1.value == pytest.approx(0.0 if np.isnan(f[i]) else f[i])
        else:
            assert scores.f1.value is None and scores.f1.undefined_reason


def test_unused_label_has_undefined_precision_and_recall_with_reasons() -> None:
    report = gold_report(["car", "bus"], ["car", "car"], label_set=LABELS)
    tram = report.per_class["tram"]
    assert tram.precision.value is None and "no annotation" in (
        tram.precision.undefined_reason or ""
    )
    assert tram.recall.value is None and "no gold" in (tram.recall.undefined_reason or "")
    assert tram.f1.value is None
    bus = report.per_class["bus"]
    assert bus.precision.value == 0.0 and bus.recall.value is None and bus.f1.value == 0.0


def test_accuracy_per_category_and_per_annotator() -> None:
    answer = ["car", "car", "bus", "bus", "truck", "car", "bus"]
    gold = ["car", "bus", "bus", None, "truck", "car", "car"]
    who = ["ann", "bob", "ann", "bob", "bob", "ann", "ann"]
    cat = ["urban", "urban", "rural", "rural", "rural", "urban", "urban"]
    report = gold_report(answer, gold, label_set=LABELS, annotators=who, groups=cat)
    assert report.n == 6  # the row without gold is skipped
    assert report.accuracy.value == pytest.approx(4 / 6)
    assert report.per_annotator["ann"].value == pytest.approx(3 / 4)
    assert report.per_annotator["bob"].value == pytest.approx(1 / 2)
    assert report.per_category["urban"].value == pytest.approx(2 / 4)
    assert report.per_category["rural"].value == pytest.approx(2 / 2)
    assert report.per_category["rural"].ci is not None and report.per_category["rural"].ci[1] == 1


def test_wilson_interval_matches_statsmodels() -> None:
    for k, n in [(0, 10), (3, 10), (10, 10), (995, 1000), (1, 3), (50, 50)]:
        low, high = wilson_interval(k, n)
        ref = proportion.proportion_confint(k, n, alpha=0.05, method="wilson")
        assert float(low) == pytest.approx(ref[0], abs=1e-12)
        assert float(high) == pytest.approx(ref[1], abs=1e-12)
    assert rate(0, 0, "accuracy").value is None


def test_unknown_gold_label_is_named() -> None:
    with pytest.raises(UnknownLabelError, match="scooter"):
        gold_report(["car"], ["scooter"], label_set=LABELS)


def test_conflicting_gold_within_an_item_is_located() -> None:
    rows = gold_conflicts(
        ["i1", "i1", "i2", "i2", "i3", "i3"], ["car", "car", "car", "bus", "x", None]
    )
    assert rows.tolist() == [2, 3]
