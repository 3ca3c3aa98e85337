"""Each annotator measured on their own: agreement with the other annotators of the same items,
and consistency with themselves on items they labelled more than once.

Repeat policy: every row of a repeated (item, annotator) pair is a repeated judgement. Intra-
annotator consistency uses all of them (the repeats of one pair are that annotator's 'raters' of
the item); agreement between annotators keeps one label per pair ('first' or 'last' row).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from governance.quality.stats.chance_corrected import chance_corrected
from governance.quality.stats.codes import ArrayLike, LabelSet, factorize, keep_mask_codes, long_codes
from governance.quality.stats.cohen_scott import cohen_kappa
from governance.quality.stats.counts import item_profiles
from governance.quality.stats.estimate import Estimate, rate, undefined

RepeatPolicy = Literal["first", "last"]
POLICY_TEXT = (
    "repeated (item, annotator) rows are repeated judgements: consistency uses all of them, agreement "
    "between annotators keeps the {policy} row of each pair"
)


class AnnotatorAgreement(BaseModel):
    """One annotator against the others on shared items, and against themselves on repeats."""

    model_config = ConfigDict(frozen=True)

    annotator: str
    items: int
    agreement: Estimate
    kappa: Estimate
    repeated_items: int
    consistency: Estimate
    consistency_ac1: Estimate


class AnnotatorReport(BaseModel):
    """Per-annotator agreement and consistency, with the repeat policy applied."""

    model_config = ConfigDict(frozen=True)

    label_set: list[str]
    repeat_policy: str
    annotators: list[AnnotatorAgreement]

    def to_payload(self) -> dict[str, Any]:
        """JSON-ready dict (CLI, app, reports)."""
        return self.model_dump(mode="json")


def _pairs_rate(k: int, n: int, method: str, confidence: float) -> Estimate:
    """A share of pairs with a Wilson interval over pairs, labelled as indicative: pairs within one
    item are not independent, so the interval is narrower than one over items would be."""
    est = rate(k, n, method, confidence)
    return est.model_copy(update={"ci_method": f"{est.ci_method} over pairs (indicative: pairs share items)"})


def against_others(
    item_codes: np.ndarray, ann_codes: np.ndarray, label_codes: np.ndarray, n_annotators: int, v: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per annotator (one label per (item, annotator)): items shared with someone else, agreeing
    and all pairs with the others, and the (A, V, V) table of own label x other's label."""
    n_items = int(item_codes.max(initial=-1)) + 1
    table = np.bincount(item_codes * v + label_codes, minlength=n_items * v).reshape(n_items, v)
    raters = table.sum(axis=1)
    others = table[item_codes] - np.eye(v, dtype=np.int64)[label_codes]  # the other labels of the item
    shared = raters[item_codes] >= 2
    pairs = np.bincount(ann_codes, weights=raters[item_codes] - 1, minlength=n_annotators)
    agree = np.bincount(ann_codes, weights=others[np.arange(len(label_codes)), label_codes], minlength=n_annotators)
    items = np.bincount(ann_codes, weights=shared, minlength=n_annotators).astype(np.int64)
    flat = (ann_codes[:, None] * v * v + label_codes[:, None] * v + np.arange(v)[None, :]).ravel()
    cross = np.bincount(flat, weights=others.ravel(), minlength=n_annotators * v * v).reshape(n_annotators, v, v)
    return items, np.column_stack([agree, pairs]), cross


def annotator_report(
    items: ArrayLike,
    annotators: ArrayLike,
    labels: ArrayLike,
    *,
    label_set: LabelSet | Sequence[Hashable] | None = None,
    repeats: RepeatPolicy = "first",
    confidence: float = 0.95,
) -> AnnotatorReport:
    """Each annotator's pairwise agreement with the others (share of agreeing pairs, Wilson
    interval over pairs, and Cohen's kappa of own label x the others' labels, pairs pooled) and
    intra-annotator consistency on repeated items (share of agreeing repeat pairs, Gwet's AC1)."""
    coded = long_codes(items, annotators, labels, label_set)
    item_codes, ann_codes, label_codes = coded.items, coded.annotators, coded.labels
    names, ls = coded.annotator_values, coded.label_set
    v, a = ls.size, len(names)
    keep = keep_mask_codes(item_codes, ann_codes, repeats)
    n_shared, agree_pairs, cross = against_others(item_codes[keep], ann_codes[keep], label_codes[keep], a, v)
    kappas = cohen_kappa(cross.astype(np.int64), ci="none") if a else []
    # repeats: units are (item, annotator) pairs with two or more rows
    unit = item_codes * a + ann_codes
    unit_codes, _ = factorize(unit, sort=False)
    unit_ann = np.zeros(int(unit_codes.max(initial=-1)) + 1, np.int64)
    unit_ann[unit_codes] = ann_codes
    prof = item_profiles(unit_codes, label_codes, v, unit_ann, max(a, 1))
    repeated = prof.raters >= 2
    rep_items = np.bincount(prof.group[repeated], weights=prof.weight[repeated], minlength=a).astype(np.int64)
    r = prof.raters.astype(float)
    same = ((prof.rows * (prof.rows - 1)).sum(axis=1) / 2) * prof.weight
    all_pairs = (r * (r - 1) / 2) * prof.weight
    rep_agree = np.bincount(prof.group, weights=same, minlength=a)
    rep_pairs = np.bincount(prof.group, weights=all_pairs, minlength=a)
    ac1 = chance_corrected(prof, "gwet", missing="gwet", confidence=confidence) if a else []
    out = []
    for i, name in enumerate(names):
        pairs = int(agree_pairs[i, 1])
        kappa = kappas[i] if pairs else undefined("shares no item with another annotator", "Cohen's kappa")
        cons_pairs = int(rep_pairs[i])
        consistency = (
            _pairs_rate(
                int(rep_agree[i]), cons_pairs, "share of agreeing pairs among an annotator's repeats", confidence
            )
            if cons_pairs
            else undefined("labelled no item twice", "intra-annotator consistency")
        )
        out.append(
            AnnotatorAgreement(
                annotator=str(name),
                items=int(n_shared[i]),
                agreement=_pairs_rate(
                    int(agree_pairs[i, 0]), pairs, "share of agreeing pairs with the others", confidence
                )
                if pairs
                else undefined("shares no item with another annotator", "pairwise agreement"),
                kappa=kappa.model_copy(
                    update={"method": "Cohen's kappa of own label x the others' labels (pairs pooled)"}
                ),
                repeated_items=int(rep_items[i]),
                consistency=consistency,
                consistency_ac1=ac1[i] if cons_pairs else undefined("labelled no item twice", "Gwet's AC1"),
            )
        )
    return AnnotatorReport(
        label_set=[str(c) for c in ls.categories],
        repeat_policy=POLICY_TEXT.format(policy=repeats),
        annotators=out,
    )
