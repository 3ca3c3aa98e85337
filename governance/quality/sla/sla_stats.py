"""Bridge from a delivery's count tables to `governance.quality.stats.agreement`: picks the items of a scope,
the right coefficient ('kappa' = Cohen for two annotators, Fleiss for more) and its inputs
(item profiles for percent/Fleiss/Krippendorff, a contingency table for Cohen)."""

from __future__ import annotations

from typing import Literal, cast

import numpy as np

from contracts.metric_options import option_problem
from governance.quality.reading.delivery_counts import DeliveryCounts
from governance.quality.reading.label_order import require_order
from governance.quality.sla.sla_chance import (
    CHANCE_METRICS,
    alpha_analytic,
    chance_by_group,
    conger_by_group,
    uses_chance_path,
)
from governance.quality.stats.codes import LabelSet
from governance.quality.stats.cohen_scott import cohen_kappa
from governance.quality.stats.counts import ItemProfiles, pair_contingency
from governance.quality.stats.estimate import Estimate, undefined
from governance.quality.stats.fleiss_alpha import fleiss_kappa, krippendorff_alpha, percent_agreement

AGREEMENT_METRICS = ("kappa", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha", "percent_agreement", *CHANCE_METRICS)
N_BOOT = 1000
_EXACT = 2**53
_BLOCK = 1 << 15  # rows per block: small enough to stay in cache


def annotators_in(counts: DeliveryCounts, items: np.ndarray | None = None, enough: int | None = None) -> int:
    """How many distinct annotators labelled the selected items (boolean mask or all); with `enough`,
    counting stops once that many are found, so a question like 'exactly two?' reads a few blocks."""
    if items is not None and items.dtype == bool and items.all():
        items = None
    if items is None and "annotators_in" in counts.cache:
        return cast(int, counts.cache["annotators_in"])
    mask = counts.item_annotators
    seen = np.zeros(mask.shape[1:], mask.dtype)
    found = 0
    for start in range(0, len(mask), _BLOCK):
        block = mask[start : start + _BLOCK]
        seen |= np.bitwise_or.reduce(block if items is None else block[items[start : start + _BLOCK]], axis=0)
        found = int(np.bitwise_count(seen).sum())
        if enough is not None and found >= enough:
            return found
    if items is None:
        counts.cache["annotators_in"] = found
    return found


def resolve_metric(counts: DeliveryCounts, metric: str, items: np.ndarray | None = None) -> str:
    """'kappa' means Cohen's kappa for two annotators and Fleiss' kappa for more."""
    if metric != "kappa":
        return metric
    return "cohen_kappa" if annotators_in(counts, items, enough=3) == 2 else "fleiss_kappa"


def _profile_index(counts: DeliveryCounts) -> tuple[np.ndarray, np.ndarray]:
    """Distinct item rows (K x V) and each item's row index, computed once per delivery."""
    cached = cast(tuple[np.ndarray, np.ndarray] | None, counts.cache.get("profile_index"))
    if cached is None:
        table = counts.item_counts
        v = table.shape[1]
        base = max(int(table.max()) + 1, 2) if table.size else 2  # any base above every count
        if len(table) and float(base) ** v < _EXACT:
            powers = base ** np.arange(v, dtype=np.int64)
            key: np.ndarray = np.zeros(len(table), np.int32 if float(base) ** v < 2**31 else np.int64)
            for start in range(0, len(table), _BLOCK):  # column by column within each block
                block, part = table[start : start + _BLOCK], key[start : start + _BLOCK]
                for j in range(v):
                    part += block[:, j] * key.dtype.type(powers[j])
            span = int(float(base) ** v)
            if span <= max(4 * len(key), 1 << 20):  # small key range: a bincount, no sort
                present = np.bincount(key, minlength=span) > 0
                keys = np.flatnonzero(present)
                inverse = (np.cumsum(present) - 1)[key]
            else:
                keys, inverse = np.unique(key, return_inverse=True)
            rows = (keys[:, None] // powers[None, :]) % base
        else:
            rows, inverse = np.unique(table, axis=0, return_inverse=True)
        cached = counts.cache["profile_index"] = (rows.astype(np.int64), inverse.reshape(-1))
    return cached


def profiles(counts: DeliveryCounts, item_group: np.ndarray, n_groups: int) -> ItemProfiles:
    """Distinct item rows per group with how many items share each, by one bincount over
    (group, row index); items outside every group (code -1) are dropped."""
    rows, inverse = _profile_index(counts)
    k = max(len(rows), 1)
    weight = np.zeros((n_groups + 1) * k, np.int64)  # row 0: items in no group
    step = max(_BLOCK * 4, len(weight) // 4)  # blocks of items stay in cache; bins are added once a block
    for start in range(0, len(inverse), step):
        key = np.maximum(item_group[start : start + step], -1).astype(np.int64)
        key += 1
        key *= k
        key += inverse[start : start + step]
        weight += np.bincount(key, minlength=len(weight))
    weight = weight.reshape(n_groups + 1, k)[1:]
    group, which = np.nonzero(weight)
    nonempty = rows[which].sum(axis=1) > 0
    group, which = group[nonempty], which[nonempty]
    prof_rows, prof_weight = rows[which], weight[group, which].astype(np.int64)
    order = np.lexsort(np.vstack([prof_rows.T[::-1], group]))  # counts.py's canonical order
    return ItemProfiles(prof_rows[order], prof_weight[order], group[order].astype(np.int64), n_groups)


def _label_values(counts: DeliveryCounts, level: str) -> np.ndarray | None:
    if level in ("nominal", "ordinal") or not counts.labels:
        return None
    return LabelSet.of(counts.labels).numeric_values()


def agreement_by_group(
    counts: DeliveryCounts,
    metric: str,
    item_group: np.ndarray,
    n_groups: int,
    *,
    level: str = "nominal",
    weights: str = "none",
    ci: bool = False,
    seed: int = 0,
    missing: str = "pooled",
    interval: str = "auto",
) -> list[Estimate]:
    """The coefficient for every group of items at once (`item_group` -1 = in no group);
    `missing` is the uneven-ratings convention of Fleiss/AC1/BP, `interval='analytic'` asks
    Gwet's SE for Krippendorff's alpha. Options a metric does not apply raise ValueError; ordered
    options over unordered labels raise InputError. 'kappa' with weights that resolves to Fleiss'
    kappa (3+ annotators) is undefined, with the reason."""
    problem = option_problem(metric, weights, level, missing)
    if problem:
        raise ValueError(problem)
    require_order(counts, weights, level)
    requested, metric = metric, resolve_metric(counts, metric, item_group >= 0)
    if requested == "kappa" and metric == "fleiss_kappa" and weights != "none":
        reason = (
            f"'kappa' with {weights} weights means Cohen's weighted kappa of two annotators; more annotators "
            "labelled these items: name the multi-rater coefficient (fleiss_kappa or gwet_ac with weights)"
        )
        return [undefined(reason, "Fleiss' kappa")] * n_groups
    mode: Literal["bootstrap", "none"] = "bootstrap" if ci else "none"
    if n_groups == 0:
        return []
    if metric == "cohen_kappa":
        return _cohen(counts, item_group, n_groups, weights, ci, seed)
    if metric == "conger_kappa":
        return conger_by_group(counts, item_group, n_groups, weights=weights, ci=ci)
    prof = profiles(counts, item_group, n_groups)
    if uses_chance_path(metric, missing, weights):
        return chance_by_group(prof, metric, weights=weights, missing=missing, ci=ci, seed=seed)
    if metric == "percent_agreement":
        return percent_agreement(prof, ci=mode, n_boot=N_BOOT, seed=seed)
    if metric == "fleiss_kappa":
        return fleiss_kappa(prof, ci=mode, n_boot=N_BOOT, seed=seed)
    if metric == "krippendorff_alpha":
        values = _label_values(counts, level)
        if level in ("interval", "ratio") and values is None:
            reason = f"the {level} level needs numeric labels; the label set has text"
            return [undefined(reason, f"Krippendorff's alpha, {level}")] * n_groups
        if ci and interval == "analytic":
            base = krippendorff_alpha(prof, level, values, ci="none")  # type: ignore[arg-type]
            return alpha_analytic(prof, counts.labels, level, base)
        return krippendorff_alpha(prof, level, values, ci=mode, n_boot=N_BOOT, seed=seed)  # type: ignore[arg-type]
    raise ValueError(f"unknown agreement metric {metric!r}")


def _cohen(
    counts: DeliveryCounts, item_group: np.ndarray, n_groups: int, weights: str, ci: bool, seed: int
) -> list[Estimate]:
    method = "Cohen's kappa"
    chosen = item_group >= 0
    if counts.labels_by_annotator is None:
        reason = "Cohen's kappa compares two fixed annotators; this delivery has too many"
        return [undefined(reason, method)] * n_groups
    mask = np.bitwise_or.reduce(counts.item_annotators[chosen], axis=0) if chosen.any() else None
    present = [a for a in range(len(counts.annotators)) if mask is not None and (int(mask[a >> 6]) >> (a & 63)) & 1]
    if len(present) != 2:
        reason = f"Cohen's kappa needs exactly two annotators; {len(present)} labelled these items (use Fleiss' kappa)"
        return [undefined(reason, method)] * n_groups
    first, second = present
    a = counts.labels_by_annotator[:, first].astype(np.int64)
    b = counts.labels_by_annotator[:, second].astype(np.int64)
    group = np.where(chosen, item_group, 0).astype(np.int64)
    a = np.where(chosen, a, -1)
    tables = pair_contingency(a, b, len(counts.labels), group, n_groups)
    return cohen_kappa(
        tables,
        weights,  # type: ignore[arg-type]  # validated by the term model
        None,
        ci="analytic" if ci else "none",  # type: ignore[arg-type]
        seed=seed,
    )


def agreement(
    counts: DeliveryCounts,
    metric: str,
    items: np.ndarray | None = None,
    *,
    level: str = "nominal",
    weights: str = "none",
    ci: bool = True,
    seed: int = 0,
    missing: str = "pooled",
    interval: str = "auto",
) -> Estimate:
    """One coefficient, with its 95% interval, over the selected items (boolean mask or all)."""
    group = np.zeros(counts.n_items, np.int64) if items is None else np.where(items, 0, -1)
    return agreement_by_group(
        counts, metric, group, 1, level=level, weights=weights, ci=ci, seed=seed, missing=missing, interval=interval
    )[0]
