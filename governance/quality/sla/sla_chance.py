"""Bridge from a delivery's count tables to `governance.quality.stats.chance_corrected`: the SLA and CLI names
of the Gwet-framework coefficients and how each is computed for a set of item groups."""

from __future__ import annotations

from typing import Literal, cast

import numpy as np

from contracts.metric_options import CHANCE_METRICS
from governance.quality.reading.delivery_counts import DeliveryCounts
from governance.quality.stats.chance_corrected import (
    Coefficient,
    Missing,
    agreement_weight_matrix,
    alpha_gwet_se,
    chance_corrected,
    conger_kappa,
)
from governance.quality.stats.codes import LabelSet
from governance.quality.stats.counts import ItemProfiles
from governance.quality.stats.estimate import Estimate, undefined
from governance.quality.stats.variance import t_interval, t_interval_label

COEFFICIENTS: dict[str, Coefficient] = {
    "gwet_ac": "gwet",
    "brennan_prediger": "brennan_prediger",
    "fleiss_kappa": "fleiss",
}
N_BOOT = 1000


def uses_chance_path(metric: str, missing: str, weights: str) -> bool:
    """Whether a metric is computed here: the new coefficients, and Fleiss' kappa under Gwet's
    missing-data convention or with weights (the pooled unweighted Fleiss stays where it was)."""
    return metric in CHANCE_METRICS or (metric == "fleiss_kappa" and (missing == "gwet" or weights != "none"))


def chance_by_group(
    prof: ItemProfiles, metric: str, *, weights: str, missing: str, ci: bool, seed: int
) -> list[Estimate]:
    """Fleiss / AC1-AC2 / Brennan-Prediger per group; analytic SE where Gwet's is established."""
    w = agreement_weight_matrix(prof.n_categories, weights)
    return chance_corrected(
        prof,
        COEFFICIENTS[metric],
        weights=w,
        weights_name=weights,
        missing=cast(Missing, missing),
        ci="auto" if ci else "none",
        n_boot=N_BOOT,
        seed=seed,
    )


def conger_by_group(
    counts: DeliveryCounts, item_group: np.ndarray, n_groups: int, *, weights: str, ci: bool
) -> list[Estimate]:
    """Conger's kappa per group from each annotator's labels (deliveries of up to 8 annotators)."""
    method = "Conger's kappa"
    if counts.labels_by_annotator is None:
        reason = "Conger's kappa needs each annotator's labels; this delivery has more than 8 annotators"
        return [undefined(reason, method)] * n_groups
    keep = item_group >= 0
    codes = counts.labels_by_annotator[keep].astype(np.int64)
    v = len(counts.labels)
    mode: Literal["analytic", "none"] = "analytic" if ci else "none"
    return conger_kappa(
        codes, v, weights=agreement_weight_matrix(v, weights), weights_name=weights,
        item_group=item_group[keep], n_groups=n_groups, ci=mode,
    )  # fmt: skip


def alpha_analytic(prof: ItemProfiles, labels: list[str], level: str, base: list[Estimate]) -> list[Estimate]:
    """Krippendorff's alpha estimates with Gwet's analytic SE and t interval in place of the
    bootstrap, for the nominal and interval levels (where Gwet's weights reproduce alpha)."""
    if level == "nominal":
        w = None
    elif level == "interval":
        values = LabelSet.of(labels).numeric_values() if labels else None
        if values is None:
            return base
        w = agreement_weight_matrix(prof.n_categories, "quadratic", values)
    else:
        raise ValueError(f"Gwet's analytic SE of alpha is offered for the nominal and interval levels, not {level}")
    out = []
    for est, parts in zip(base, alpha_gwet_se(prof, w), strict=True):
        if est.value is None or parts is None or not np.isfinite(parts[1]):
            out.append(est)
            continue
        se, n = parts[1], parts[2]
        out.append(
            est.model_copy(
                update={"se": se, "ci": t_interval(est.value, se, n, 0.95), "ci_method": t_interval_label(0.95, "Gwet")}
            )
        )
    return out
