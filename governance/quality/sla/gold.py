"""Accuracy against gold-standard labels: overall, per category, per annotator, per class, and the
confusion matrix over the contract's label set; rates carry Wilson intervals.

    gold_report(labels, gold, *, label_set=None, annotators=None, groups=None, confidence=0.95)
        -> GoldReport
    gold_conflicts(items, gold) -> row positions of items whose gold label is not unique
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from governance.quality.stats.codes import ArrayLike, LabelSet, factorize
from governance.quality.stats.estimate import Estimate, rate, undefined


class ClassScores(BaseModel):
    """Precision, recall and F1 of one label, with how often it was the gold and the answer."""

    model_config = ConfigDict(frozen=True)

    label: str
    support: int
    predicted: int
    precision: Estimate
    recall: Estimate
    f1: Estimate


class GoldReport(BaseModel):
    """Everything measured against gold; `confusion[i][j]` counts gold label i answered as j."""

    model_config = ConfigDict(frozen=True)

    label_set: list[str]
    n: int
    accuracy: Estimate
    per_category: dict[str, Estimate]
    per_annotator: dict[str, Estimate]
    per_class: dict[str, ClassScores]
    confusion: list[list[int]]
    macro_f1: Estimate | None = None

    def json_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return self.model_dump(mode="json")


def _rates_by(
    codes: np.ndarray, names: np.ndarray, correct: np.ndarray, what: str, confidence: float
) -> dict[str, Estimate]:
    n = np.bincount(codes, minlength=len(names))
    k = np.bincount(codes, weights=correct, minlength=len(names))
    return {str(name): rate(int(k[i]), int(n[i]), what, confidence) for i, name in enumerate(names)}


def gold_report(
    labels: ArrayLike,
    gold: ArrayLike,
    *,
    label_set: LabelSet | Sequence[Hashable] | None = None,
    annotators: ArrayLike | None = None,
    groups: ArrayLike | None = None,
    confidence: float = 0.95,
) -> GoldReport:
    """Compare annotation labels with gold labels row by row; rows without gold are skipped.
    Without a label set, the labels seen in either column are used (prefer the contract's)."""
    labels_a = np.asarray(labels, dtype=object)
    gold_a = np.asarray(gold, dtype=object)
    if len(labels_a) != len(gold_a):
        raise ValueError("labels and gold must have the same length")
    has_gold = ~np.asarray(_isna(gold_a), dtype=bool)
    if isinstance(label_set, LabelSet):
        ls = label_set
    elif label_set is not None:
        ls = LabelSet.of(label_set)
    else:
        ls = LabelSet.observed(np.concatenate([labels_a, gold_a[has_gold]]))
    rows = np.flatnonzero(has_gold)
    pred = ls.encode(labels_a[rows])
    truth = ls.encode(gold_a[rows])
    v = ls.size
    names = [str(c) for c in ls.categories]
    correct = (pred == truth).astype(float)
    n = len(rows)
    accuracy = rate(int(correct.sum()), n, "accuracy against gold", confidence)
    confusion = np.bincount(truth * v + pred, minlength=v * v).reshape(v, v)

    per_category: dict[str, Estimate] = {}
    if groups is not None:
        g_codes, g_names = factorize(np.asarray(groups)[rows], sort=True)
        ok = g_codes >= 0
        per_category = _rates_by(g_codes[ok], g_names, correct[ok], "accuracy against gold", confidence)
    per_annotator: dict[str, Estimate] = {}
    if annotators is not None:
        a_codes, a_names = factorize(np.asarray(annotators)[rows], sort=True)
        ok = a_codes >= 0
        per_annotator = _rates_by(a_codes[ok], a_names, correct[ok], "annotator accuracy against gold", confidence)

    tp = np.diag(confusion)
    support = confusion.sum(axis=1)
    predicted = confusion.sum(axis=0)
    per_class: dict[str, ClassScores] = {}
    for c, name in enumerate(names):
        precision = (
            rate(int(tp[c]), int(predicted[c]), "precision", confidence)
            if predicted[c] > 0
            else undefined("no annotation used this label, so precision has no denominator", "precision")
        )
        recall = (
            rate(int(tp[c]), int(support[c]), "recall", confidence)
            if support[c] > 0
            else undefined("no gold item has this label, so recall has no denominator", "recall")
        )
        denom = int(support[c] + predicted[c])
        f1 = (
            Estimate(
                value=2 * int(tp[c]) / denom,
                n_items=int(support[c]),
                n_annotations=int(predicted[c]),
                method="F1 = 2TP / (2TP + FP + FN)",
            )
            if denom > 0
            else undefined("the label occurs neither in gold nor in annotations", "F1")
        )
        per_class[name] = ClassScores(
            label=name,
            support=int(support[c]),
            predicted=int(predicted[c]),
            precision=precision,
            recall=recall,
            f1=f1,
        )
    defined = [s.f1.value for s in per_class.values() if s.f1.value is not None]
    macro_f1 = (
        Estimate(
            value=float(np.mean(defined)),
            n_items=n,
            n_annotations=n,
            method="macro F1: mean F1 over labels present in gold or annotations (scikit-learn's average='macro')",
        )
        if defined
        else undefined("no item has a gold label", "macro F1")
    )
    return GoldReport(
        macro_f1=macro_f1,
        label_set=names,
        n=n,
        accuracy=accuracy,
        per_category=per_category,
        per_annotator=per_annotator,
        per_class=per_class,
        confusion=confusion.tolist(),
    )


def _isna(values: np.ndarray) -> np.ndarray:
    return np.asarray(pd.isna(values), dtype=bool)


def gold_conflicts(items: ArrayLike, gold: ArrayLike) -> np.ndarray:
    """Row positions (0-based) of gold rows whose item has more than one distinct gold label."""
    gold_a = np.asarray(gold, dtype=object)
    has = np.flatnonzero(~_isna(gold_a))
    if has.size == 0:
        return has
    item_codes, item_values = factorize(np.asarray(items)[has], sort=False)
    g_codes, _ = factorize(np.asarray([str(x) for x in gold_a[has]]), sort=False)
    lo = np.full(len(item_values), np.iinfo(np.int64).max)
    hi = np.full(len(item_values), -1)
    np.minimum.at(lo, item_codes, g_codes)
    np.maximum.at(hi, item_codes, g_codes)
    bad = lo[item_codes] != hi[item_codes]
    return has[bad]
