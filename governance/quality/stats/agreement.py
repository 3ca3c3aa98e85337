"""Inter-annotator agreement from count tables: percent agreement, Cohen's kappa, Scott's pi,
Fleiss' kappa and Krippendorff's alpha, overall and per group, with 95% intervals.

Public API (all vectorised; no per-item Python loops):

    agreement(items, annotators, labels, *, metric="krippendorff", label_set=None,
              weights="none", weight_basis="index", level="nominal", groups=None, pair=None,
              ci="auto", n_boot=1000, seed=0, confidence=0.95, duplicates="error")
        -> AgreementResult   # .overall: Estimate, .groups: dict[str, Estimate], .json_dict()
    metric: "percent" | "cohen" | "scott" | "fleiss" | "krippendorff"
    ci: "auto" (analytic for cohen, bootstrap otherwise) | "bootstrap" | "analytic" | "none"
    groups: one value per row (category / task type / batch / week), constant within an item
    raises: UnknownLabelError, DuplicateAnnotationError, InconsistentGroupError (all ValueError,
            carrying 0-based row positions), ValueError for a bad pair/level/label set

    From count tables (each returns list[Estimate], one per group code 0..G-1), in
    governance.quality.stats.fleiss_alpha (item profiles) and .cohen_scott (contingency tables):
    percent_agreement(profiles, *, ci="bootstrap", n_boot=1000, seed=0, confidence=0.95)
    fleiss_kappa(profiles, *, ci="bootstrap", n_boot=1000, seed=0, confidence=0.95)
    krippendorff_alpha(profiles, level="nominal", values=None, *, ci="bootstrap", ...)
    cohen_kappa(tables, weights="none", values=None, *, ci="analytic", ...)
    scott_pi(tables, weights="none", values=None, *, ci="bootstrap", ...)
    alpha_from_coincidences(o, level="nominal", values=None) -> ndarray (NaN = undefined)
    disagreement_weights(n_categories, weights, values=None) -> (V, V) array

    Codes (governance.quality.stats.codes): LabelSet.of(labels) / .encode(labels) -> codes,
    .numeric_values(); factorize(ids) -> (codes, uniques); find_duplicates(items, annotators);
    keep_mask / keep_mask_codes(..., policy); item_groups(item_codes, group_codes, n_items).
    Tables (governance.quality.stats.counts):
    item_profiles(item_codes, label_codes, V, item_group=None, n_groups=1) -> ItemProfiles
    (.merge for chunks holding disjoint items, .pooled(), .for_group(g)); profiles_from_table;
    coincidence_matrices(profiles) -> (G, V, V); paired_codes(...) -> (a, b) per item;
    pair_contingency(a, b, V, pair_group=None, n_groups=1) -> (G, V, V), additive over chunks.

    Batches (governance.quality.stats.streaming): AgreementStream(label_set, max_per_item=8)
    .add(items, annotators, labels, groups=None) per batch; .finish() -> AgreementData.

`tables` is a (V, V) or (G, V, V) contingency array (rows: first annotator). Estimate =
governance.quality.stats.estimate.Estimate (value None + undefined_reason, never NaN). Bootstrap
(governance.quality.stats.bootstrap): items resampled with replacement within each group, as
multinomial draws over distinct item profiles (or, above 500 items and a draw budget, the normal law
of the resampled sums; `ci_method` says which); percentile interval; seeded by (seed, group index).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from governance.quality.stats.codes import (
    ArrayLike,
    InconsistentGroupError,
    LabelSet,
    UnknownLabelError,
    factorize,
    item_groups,
    keep_mask_codes,
    missing_value_error,
)
from governance.quality.stats.cohen_scott import Weights, cohen_kappa, scott_pi
from governance.quality.stats.counts import ItemProfiles, item_profiles, pair_contingency, paired_codes
from governance.quality.stats.estimate import Estimate
from governance.quality.stats.fleiss_alpha import Level, fleiss_kappa, krippendorff_alpha, percent_agreement

Metric = Literal["percent", "cohen", "scott", "fleiss", "krippendorff"]
CiMethod = Literal["auto", "bootstrap", "analytic", "none"]


class AgreementResult(BaseModel):
    """Agreement overall and per group, with the label set and settings used."""

    model_config = ConfigDict(frozen=True)

    metric: Metric
    weights: Weights | None
    level: Level | None
    label_set: list[str]
    overall: Estimate
    groups: dict[str, Estimate]

    def json_dict(self) -> dict[str, Any]:
        """The `annogov agreement --format json` shape."""

        def flat(e: Estimate) -> dict[str, Any]:
            d = e.model_dump(mode="json")
            d["ci"] = list(e.ci) if e.ci is not None else None
            return d

        return {
            "metric": self.metric,
            "weights": self.weights,
            "level": self.level,
            **flat(self.overall),
            "groups": {name: flat(e) for name, e in self.groups.items()},
        }


@dataclass(frozen=True)
class AgreementData:
    """Long rows turned into codes once, so several metrics reuse the same tables."""

    label_set: LabelSet
    item_codes: np.ndarray
    annotator_codes: np.ndarray
    label_codes: np.ndarray
    annotators: list[Any]
    item_group: np.ndarray
    group_names: list[str]
    n_items: int
    ordered: bool = True  # the label set was given, or every label is a number

    @cached_property
    def profiles(self) -> ItemProfiles:
        """Item profiles per group (built on first use)."""
        g = max(len(self.group_names), 1)
        return item_profiles(self.item_codes, self.label_codes, self.label_set.size, self.item_group, g)

    @cached_property
    def pooled_profiles(self) -> ItemProfiles:
        """Item profiles with all groups together."""
        return self.profiles.pooled()

    def pair_tables(self, pair: tuple[Hashable, Hashable] | None) -> np.ndarray:
        """(G, V, V) contingency of two annotators; `pair=None` needs exactly two annotators."""
        if pair is None:
            if len(self.annotators) != 2:
                raise ValueError(
                    f"Cohen's kappa and Scott's pi compare two annotators; {len(self.annotators)} occur, so name a pair"
                )
            first, second = 0, 1
        else:
            absent = [a for a in pair if a not in self.annotators]
            if absent:
                raise ValueError(f"annotator {absent[0]!r} does not occur in the data")
            first, second = self.annotators.index(pair[0]), self.annotators.index(pair[1])
        a, b = paired_codes(self.item_codes, self.annotator_codes, self.label_codes, first, second, self.n_items)
        g = max(len(self.group_names), 1)
        return pair_contingency(a, b, self.label_set.size, self.item_group, g)

    def result(
        self,
        metric: Metric = "krippendorff",
        *,
        weights: Weights = "none",
        weight_basis: Literal["index", "value"] = "index",
        level: Level = "nominal",
        pair: tuple[Hashable, Hashable] | None = None,
        ci: CiMethod = "auto",
        n_boot: int = 1000,
        seed: int = 0,
        confidence: float = 0.95,
    ) -> AgreementResult:
        """One coefficient overall and per group (see `agreement`)."""
        _refuse_options(metric, weights, level, self.ordered)
        names = self.group_names
        numeric = self.label_set.numeric_values()
        labels = [str(c) for c in self.label_set.categories]
        kw: dict[str, Any] = {"n_boot": n_boot, "seed": seed, "confidence": confidence}
        if metric in ("cohen", "scott"):
            kw["ci"] = ("analytic" if metric == "cohen" else "bootstrap") if ci == "auto" else ci
            tables = self.pair_tables(pair)
            vals = None
            if weight_basis == "value" and weights != "none":
                if numeric is None:
                    raise ValueError("weights on label values need numeric labels")
                vals = numeric
            fn = cohen_kappa if metric == "cohen" else scott_pi
            per_group = fn(tables, weights, vals, **kw) if names else []
            overall = fn(tables.sum(axis=0), weights, vals, **kw)[0]
            return AgreementResult(
                metric=metric, weights=weights, level=None, label_set=labels, overall=overall,
                groups=dict(zip(names, per_group, strict=True)),
            )  # fmt: skip
        kw["ci"] = "bootstrap" if ci == "auto" else ci
        if kw["ci"] == "analytic":
            raise ValueError(f"no analytic interval is offered for {metric}; use bootstrap")
        if metric == "krippendorff":
            vals = None if level in ("nominal", "ordinal") else numeric
            if level in ("interval", "ratio") and vals is None:
                raise ValueError(f"the {level} level needs numeric labels; the label set has text")

            def run(p: ItemProfiles) -> list[Estimate]:
                return krippendorff_alpha(p, level, vals, **kw)
        elif metric == "fleiss":

            def run(p: ItemProfiles) -> list[Estimate]:
                return fleiss_kappa(p, **kw)
        elif metric == "percent":

            def run(p: ItemProfiles) -> list[Estimate]:
                return percent_agreement(p, **kw)
        else:
            raise ValueError(f"unknown metric {metric!r}")
        per_group = run(self.profiles) if names else []
        overall = run(self.pooled_profiles)[0]
        return AgreementResult(
            metric=metric,
            weights=None,
            level=level if metric == "krippendorff" else None,
            label_set=labels,
            overall=overall,
            groups=dict(zip(names, per_group, strict=True)),
        )


def _refuse_options(metric: Metric, weights: Weights, level: Level, ordered: bool) -> None:
    """Options a metric does not apply, and ordered options over labels of unknown order, raise."""
    if weights != "none" and metric not in ("cohen", "scott"):
        raise ValueError(f"{metric} takes no weights; weights ({weights}) apply to Cohen's kappa and Scott's pi")
    if level != "nominal" and metric != "krippendorff":
        raise ValueError(f"{metric} has no level of measurement; a level ({level}) applies to Krippendorff's alpha")
    if not ordered and (weights != "none" or level == "ordinal"):
        needs = f"{weights} weights" if weights != "none" else "the ordinal level"
        raise ValueError(f"{needs} depend on the order of the labels; these labels are text: pass label_set in order")


def agreement_data(
    items: ArrayLike,
    annotators: ArrayLike,
    labels: ArrayLike,
    *,
    label_set: LabelSet | Sequence[Hashable] | None = None,
    groups: ArrayLike | None = None,
    duplicates: Literal["error", "first", "last"] = "error",
) -> AgreementData:
    """Validate and encode long rows once: repeats, unknown labels, missing ids and items whose
    rows name different groups raise errors that carry 0-based positions of the caller's rows."""
    n = len(items)
    if not (n == len(annotators) == len(labels)) or (groups is not None and len(groups) != n):
        raise ValueError("items, annotators, labels (and groups) must have the same length")
    item_codes, item_values = factorize(items, sort=False)
    ann_codes, ann_values = factorize(annotators, sort=True)
    for what, got in (("item", item_codes), ("annotator", ann_codes)):
        if (got < 0).any():
            raise missing_value_error(what, np.flatnonzero(got < 0))
    keep = keep_mask_codes(item_codes, ann_codes, duplicates, item_values, ann_values)
    labels_a = labels if isinstance(labels, np.ndarray | pd.Series | pd.Categorical) else (
        np.asarray(labels, dtype=object)
    )  # fmt: skip
    grp = groups
    if not keep.all():
        item_codes, ann_codes = item_codes[keep], ann_codes[keep]
        labels_a = np.asarray(labels_a)[keep]
        grp = None if groups is None else np.asarray(groups)[keep]
    if isinstance(label_set, LabelSet):
        ls = label_set
    elif label_set is not None:
        ls = LabelSet.of(label_set)
    else:
        ls = LabelSet.observed(labels_a)
    try:
        codes = ls.encode(labels_a)
    except UnknownLabelError as err:
        raise UnknownLabelError(err.labels, np.flatnonzero(keep)[err.rows], ls.categories) from None
    n_items = len(item_values)
    if grp is not None:
        grp_codes, grp_values = factorize(grp, sort=True)
        if (grp_codes < 0).any():
            raise missing_value_error("group", np.flatnonzero(keep)[grp_codes < 0])
        try:
            per_item = item_groups(item_codes, grp_codes, n_items)
        except InconsistentGroupError as err:
            raise InconsistentGroupError(np.flatnonzero(keep)[err.rows]) from None
        names = [str(x) for x in grp_values]
    else:
        per_item = np.zeros(n_items, np.int64)
        names = []
    return AgreementData(
        label_set=ls,
        item_codes=item_codes,
        annotator_codes=ann_codes,
        label_codes=codes,
        annotators=list(ann_values),
        item_group=per_item,
        group_names=names,
        n_items=n_items,
        ordered=label_set is not None or ls.numeric_values() is not None,
    )


def agreement(
    items: ArrayLike,
    annotators: ArrayLike,
    labels: ArrayLike,
    *,
    metric: Metric = "krippendorff",
    label_set: LabelSet | Sequence[Hashable] | None = None,
    weights: Weights = "none",
    weight_basis: Literal["index", "value"] = "index",
    level: Level = "nominal",
    groups: ArrayLike | None = None,
    pair: tuple[Hashable, Hashable] | None = None,
    ci: CiMethod = "auto",
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    duplicates: Literal["error", "first", "last"] = "error",
) -> AgreementResult:
    """Agreement of long rows (one per annotation), overall and per value of `groups` (per row,
    constant within an item). Cohen/Scott need `pair` unless exactly two annotators occur.
    For several metrics on the same rows, call `agreement_data` once and `.result` per metric."""
    data = agreement_data(items, annotators, labels, label_set=label_set, groups=groups, duplicates=duplicates)
    return data.result(
        metric, weights=weights, weight_basis=weight_basis, level=level, pair=pair, ci=ci,
        n_boot=n_boot, seed=seed, confidence=confidence,
    )  # fmt: skip
