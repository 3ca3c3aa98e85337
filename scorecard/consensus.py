"""From evaluators' scores to one score per provider and dimension, with spread and flags."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np

from scorecard.sheet import ScoreSheet

Method = Literal["mean", "median"]


@dataclass
class Consensus:
    """Arrays over providers (P), evaluators (E), slots (S) and dimensions (D)."""

    slot_scores: np.ndarray  # P x S consensus per slot, NaN = nobody scored it
    slot_spread: np.ndarray  # P x S max - min across evaluators, NaN with fewer than 2
    evaluator_dims: np.ndarray  # P x E x D each evaluator's own dimension score
    dims: np.ndarray  # P x D consensus dimension score, NaN = missing
    spread: np.ndarray  # P x D max - min of evaluators' dimension scores, NaN with fewer than 2
    low: np.ndarray  # P x D lower bound for the uncertainty simulation
    high: np.ndarray  # P x D upper bound


def _criteria_matrix(sheet: ScoreSheet) -> tuple[np.ndarray, np.ndarray]:
    """Criterion weights (S x D, each column summing to 1 over its criteria) and the dimension
    slot index of every dimension."""
    keys = sheet.rubric.keys
    n_slots, n_dims = len(sheet.slots), len(keys)
    weights = np.zeros((n_slots, n_dims))
    for d, key in enumerate(keys):
        crits = sheet.rubric.dimension(key).criteria
        total = sum(c.weight for c in crits)
        for c in crits:
            weights[sheet.slot_index(key, c.key), d] = c.weight / total if total else 0.0
    dim_slots = np.array([sheet.slot_index(k) for k in keys])
    return weights, dim_slots


def combine_slots(values: np.ndarray, sheet: ScoreSheet) -> np.ndarray:
    """Slot values (... x S) -> dimension values (... x D).

    A dimension scored through criteria is the weighted mean of all its criteria (NaN when any
    is missing); a dimension with no criterion scored uses its own slot.
    """
    weights, dim_slots = _criteria_matrix(sheet)
    has_criteria = weights > 0  # S x D
    crit_values = np.where(np.isnan(values), 0.0, values) @ weights
    crit_missing = (np.isnan(values).astype(float) @ has_criteria.astype(float)) > 0
    crit_any = ((~np.isnan(values)).astype(float) @ has_criteria.astype(float)) > 0
    from_criteria = np.where(crit_missing, np.nan, crit_values)
    return np.where(crit_any, from_criteria, values[..., dim_slots])


def consensus(sheet: ScoreSheet, method: Method = "mean") -> Consensus:
    """Consensus per slot across evaluators, combined into dimensions."""
    scores = sheet.scores
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN slices are expected: missing
        slot_scores = np.nanmedian(scores, axis=1) if method == "median" else np.nanmean(scores, axis=1)
        counts = (~np.isnan(scores)).sum(axis=1)
        slot_spread = np.where(counts >= 2, np.nanmax(scores, axis=1) - np.nanmin(scores, axis=1), np.nan)
        evaluator_dims = combine_slots(scores, sheet)
        dims = combine_slots(slot_scores, sheet)
        dim_counts = (~np.isnan(evaluator_dims)).sum(axis=1)
        ev_min = np.nanmin(evaluator_dims, axis=1)
        ev_max = np.nanmax(evaluator_dims, axis=1)
        spread = np.where(dim_counts >= 2, ev_max - ev_min, np.nan)
        low = np.where(dim_counts >= 1, np.fmin(ev_min, dims), dims)
        high = np.where(dim_counts >= 1, np.fmax(ev_max, dims), dims)
        if sheet.low is not None and sheet.high is not None:
            given_low = combine_slots(np.nanmin(np.where(np.isnan(sheet.low), scores, sheet.low), axis=1), sheet)
            given_high = combine_slots(np.nanmax(np.where(np.isnan(sheet.high), scores, sheet.high), axis=1), sheet)
            low = np.where(np.isnan(given_low), low, np.fmin(given_low, dims))
            high = np.where(np.isnan(given_high), high, np.fmax(given_high, dims))
    return Consensus(slot_scores, slot_spread, evaluator_dims, dims, spread, low, high)
