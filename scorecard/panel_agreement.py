"""How reliable the panel is: Krippendorff's alpha (ordinal metric) between evaluators per
dimension, with a seeded bootstrap interval over providers.

A small implementation: `scorecard` sits below `governance` in the import graph, so it cannot use
`governance.quality.stats.agreement`; the tests hold it to the `krippendorff` package as an oracle.
Units are providers, coders are evaluators, values the evaluators' dimension scores (1-5, the
values that occur; a provider scored by fewer than two evaluators carries no pair).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

BOOTSTRAP = 1000
CONFIDENCE = 0.95


class DimensionAgreement(BaseModel):
    """Alpha for one dimension with its interval, or None and the reason."""

    dimension: str
    alpha: float | None
    low: float | None
    high: float | None
    providers: int
    pairable_values: int
    reason: str | None = None


def _unit_coincidences(values: np.ndarray, domain: np.ndarray) -> np.ndarray:
    """U x V x V coincidence contributions of each unit (rows of `values`, NaN = not scored)."""
    codes = np.searchsorted(domain, values)
    scored = ~np.isnan(values)
    u, v = values.shape[0], len(domain)
    counts = np.zeros((u, v))
    rows = np.broadcast_to(np.arange(u)[:, None], values.shape)
    np.add.at(counts, (rows[scored], codes[scored]), 1)
    m = counts.sum(axis=1)
    pair = m >= 2
    outer = counts[:, :, None] * counts[:, None, :]
    outer[:, np.arange(v), np.arange(v)] -= counts
    out = np.zeros_like(outer)
    out[pair] = outer[pair] / (m[pair] - 1)[:, None, None]
    return out


def _ordinal_delta(n_c: np.ndarray) -> np.ndarray:
    """Krippendorff's ordinal metric: (sum of the marginals from c to k minus half the ends)^2."""
    cum = np.concatenate([[0.0], np.cumsum(n_c)])
    c = np.arange(len(n_c))
    lo, hi = np.minimum.outer(c, c), np.maximum.outer(c, c)
    between = cum[hi + 1] - cum[lo]
    return np.asarray((between - (n_c[lo] + n_c[hi]) / 2) ** 2)


def _alpha(o: np.ndarray) -> np.ndarray:
    """Alpha from coincidence matrices (... x V x V); NaN where expected disagreement is 0."""
    n_c = o.sum(axis=-1)
    n = n_c.sum(axis=-1)
    out = np.full(o.shape[:-2], np.nan)
    for idx in np.ndindex(o.shape[:-2]):
        delta = _ordinal_delta(n_c[idx])
        expected = float(n_c[idx] @ delta @ n_c[idx])
        if n[idx] > 1 and expected > 0:
            out[idx] = 1 - (n[idx] - 1) * float((o[idx] * delta).sum()) / expected
    return out


def ordinal_alpha(values: np.ndarray, *, bootstrap: int = BOOTSTRAP, seed: int = 0,
                  confidence: float = CONFIDENCE) -> tuple[float | None, float | None, float | None, int]:
    """(alpha, low, high, pairable values) for a units x coders array (NaN = missing)."""
    values = np.asarray(values, dtype=np.float64)
    domain = np.unique(values[~np.isnan(values)])
    if domain.size == 0:
        return None, None, None, 0
    per_unit = _unit_coincidences(values, domain)
    total = per_unit.sum(axis=0)
    pairable = int(round(total.sum()))
    alpha = _alpha(total[None])[0]
    if np.isnan(alpha):
        return None, None, None, pairable
    low = high = None
    units = np.flatnonzero(per_unit.sum(axis=(1, 2)) > 0)
    if bootstrap > 0 and units.size > 1:
        rng = np.random.default_rng(seed)
        weights = rng.multinomial(units.size, np.full(units.size, 1 / units.size), size=bootstrap)
        reps = _alpha(np.tensordot(weights, per_unit[units], axes=1))
        reps = reps[~np.isnan(reps)]
        if reps.size:
            tail = (1 - confidence) / 2 * 100
            low, high = (float(q) for q in np.percentile(reps, [tail, 100 - tail]))
    return float(alpha), low, high, pairable


def panel_agreement(payload: Mapping[str, Any], dimensions: Sequence[str], *,
                    bootstrap: int = BOOTSTRAP, seed: int = 0) -> list[DimensionAgreement]:
    """Alpha per dimension over a scorecard payload's providers and their evaluators' scores."""
    providers = payload["providers"]
    evaluators = sorted({e for p in providers for k in dimensions for e in p["dimensions"][k]["evaluators"]})
    col = {e: i for i, e in enumerate(evaluators)}
    out = []
    for key in dimensions:
        table = np.full((len(providers), len(evaluators)), np.nan)
        for u, p in enumerate(providers):
            for e, v in p["dimensions"][key]["evaluators"].items():
                table[u, col[e]] = v
        alpha, low, high, pairable = ordinal_alpha(table, bootstrap=bootstrap, seed=seed)
        reason = None
        if alpha is None:
            reason = ("fewer than two evaluators scored any provider" if pairable == 0
                      else "every evaluator gave the same score: agreement is undefined, not perfect")
        scored = int((np.sum(~np.isnan(table), axis=1) >= 2).sum())
        out.append(DimensionAgreement(dimension=key, alpha=alpha, low=low, high=high,
                                      providers=scored, pairable_values=pairable, reason=reason))
    return out


def agreement_payload(rows: Sequence[DimensionAgreement]) -> dict[str, Any]:
    """The `panel_agreement` part of the score payload."""
    return {"method": f"Krippendorff's alpha, ordinal metric, between evaluators per dimension; "
                      f"{CONFIDENCE:.0%} percentile bootstrap over providers ({BOOTSTRAP:,} resamples)",
            "dimensions": [{**r.model_dump(), **{k: None if getattr(r, k) is None else round(getattr(r, k), 4)
                                                 for k in ("alpha", "low", "high")}} for r in rows]}
