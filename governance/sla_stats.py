"""Bridge from a delivery's count tables to the agreement and gold statistics of
`governance.agreement` / `governance.gold`: picks the items of a scope and the right coefficient."""

from __future__ import annotations

import numpy as np

from governance.delivery_counts import DeliveryCounts

AGREEMENT_METRICS = ("kappa", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha",
                     "percent_agreement")


class _Est:  # placeholder until governance.agreement lands
    def __init__(self, value: float | None, n_items: int, n_annotations: int,
                 reason: str | None, method: str) -> None:
        self.value, self.ci, self.n_items, self.n_annotations = value, None, n_items, n_annotations
        self.undefined_reason, self.method = reason, method


def annotators_in(counts: DeliveryCounts, items: np.ndarray | None = None) -> int:
    """How many distinct annotators labelled the selected items."""
    mask = counts.item_annotators if items is None else counts.item_annotators[items]
    if not len(mask):
        return 0
    return int(np.bitwise_count(np.bitwise_or.reduce(mask, axis=0)).sum())


def resolve_metric(counts: DeliveryCounts, metric: str, items: np.ndarray | None = None) -> str:
    """'kappa' means Cohen's kappa for two annotators and Fleiss' kappa for more."""
    if metric != "kappa":
        return metric
    return "cohen_kappa" if annotators_in(counts, items) == 2 else "fleiss_kappa"


def agreement(counts: DeliveryCounts, metric: str, items: np.ndarray | None = None, *,
              level: str = "nominal", weights: str = "none", ci: bool = True,
              seed: int = 0) -> _Est:
    """One agreement coefficient over the selected items (a boolean mask or all)."""
    table = counts.item_counts if items is None else counts.item_counts[items]
    return agreement_by_group(counts, metric, np.zeros(len(table), np.int64), 1,
                              table=table)[0]


def agreement_by_group(counts: DeliveryCounts, metric: str, item_group: np.ndarray,
                       n_groups: int, *, level: str = "nominal", weights: str = "none",
                       table: np.ndarray | None = None) -> list[_Est]:
    """The coefficient per group of items (`item_group` -1 = in no group), vectorised."""
    table = counts.item_counts if table is None else table
    out = []
    for g in range(n_groups):
        t = table[item_group == g]
        n = t.sum(axis=1)
        t = t[n >= 2]
        n = n[n >= 2]
        if not len(t):
            out.append(_Est(None, 0, 0, "no item has two or more annotations", metric))
            continue
        po = float(((t * (t - 1)).sum(axis=1) / (n * (n - 1))).mean())
        if metric == "percent_agreement":
            out.append(_Est(po, len(t), int(n.sum()), None, metric))
            continue
        p = t.sum(axis=0) / n.sum()
        pe = float((p * p).sum())
        if pe >= 1:
            out.append(_Est(None, len(t), int(n.sum()), "expected agreement is 1", metric))
            continue
        out.append(_Est((po - pe) / (1 - pe), len(t), int(n.sum()), None, metric))
    return out
