"""Which agreement metric takes which option: one rule for SLA terms, the CLI and the statistics."""

from __future__ import annotations

CHANCE_METRICS = ("gwet_ac", "brennan_prediger", "conger_kappa")
WEIGHTED_METRICS = ("kappa", "cohen_kappa", "fleiss_kappa", *CHANCE_METRICS)
LEVELLED_METRICS = ("krippendorff_alpha",)
MISSING_METRICS = ("kappa", "fleiss_kappa", "gwet_ac", "brennan_prediger")


def option_problem(metric: str, weights: str = "none", level: str = "nominal", missing: str = "pooled") -> str | None:
    """Why an option does not apply to a metric, or None: weights belong to the kappa family
    (Cohen, Fleiss, Gwet, Brennan-Prediger, Conger), levels to Krippendorff's alpha, the
    uneven-ratings convention to the multi-rater shares (Fleiss, Gwet, Brennan-Prediger)."""
    if weights != "none" and metric not in WEIGHTED_METRICS:
        return f"{metric} takes no weights; weights ({weights}) apply to {', '.join(WEIGHTED_METRICS)}"
    if level != "nominal" and metric not in LEVELLED_METRICS:
        return f"{metric} has no level of measurement; a level ({level}) applies to Krippendorff's alpha only"
    if missing != "pooled" and metric not in MISSING_METRICS:
        applies = ", ".join(MISSING_METRICS)
        return f"{metric} has no missing-ratings convention; 'missing: {missing}' applies to {applies}"
    return None
