"""Percent agreement, Fleiss' kappa and Krippendorff's alpha (four levels) over item profiles, every
group's point value in one pass, with bootstrap intervals over items.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from governance.quality.stats.bootstrap import bootstrap, check_ci
from governance.quality.stats.counts import ItemProfiles, coincidence_matrices
from governance.quality.stats.estimate import NO_PAIRS, ONE_CATEGORY, Estimate, undefined

Level = Literal["nominal", "ordinal", "interval", "ratio"]

_TOL = 1e-12


def _item_agreement(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per profile: share of agreeing annotator pairs, and whether it has two or more values."""
    m = rows.sum(axis=1).astype(float)
    pairable = m >= 2
    with np.errstate(divide="ignore", invalid="ignore"):
        agree = np.where(pairable, ((rows * (rows - 1.0)).sum(axis=1)) / (m * (m - 1)), 0.0)
    return agree, pairable


def _fleiss_summaries(rows: np.ndarray) -> np.ndarray:
    """Per-item summaries whose sums give Fleiss: [1, P_i, n_i1 .. n_iV] (pairable rows only)."""
    agree, _ = _item_agreement(rows)
    return np.column_stack([np.ones(len(rows)), agree, rows])


def _fleiss_from_sums(sums: np.ndarray) -> np.ndarray:
    return _fleiss_value(sums[:, 0], sums[:, 1], sums[:, 2:])


def _fleiss_value(items: np.ndarray, p_sum: np.ndarray, cat: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        p_bar = p_sum / items
        p = cat / cat.sum(axis=-1, keepdims=True)
        pe = (p**2).sum(axis=-1)
        return np.where((items > 0) & (1 - pe > _TOL), (p_bar - pe) / (1 - pe), np.nan)


def _profile_estimates(
    profiles: ItemProfiles,
    method: str,
    point: Callable[[ItemProfiles], tuple[np.ndarray, np.ndarray]],
    summaries: Callable[[np.ndarray], np.ndarray],
    from_sums: Callable[[np.ndarray], np.ndarray],
    ci: str,
    n_boot: int,
    seed: int,
    confidence: float,
) -> list[Estimate]:
    """Point values for all groups in one pass, then a bootstrap per group over the items'
    linear `summaries` (K, d) of which the statistic is `from_sums` (B, d) -> (B,)."""
    values, undefined_kind = point(profiles)
    n_items = profiles.n_items(min_raters=2)
    n_ann = profiles.n_annotations(min_raters=2)
    out: list[Estimate] = []
    for g in range(profiles.n_groups):
        ni, na = int(n_items[g]), int(n_ann[g])
        if ni == 0:
            out.append(undefined(NO_PAIRS, method))
            continue
        if not np.isfinite(values[g]):
            out.append(undefined(ONE_CATEGORY if undefined_kind[g] else NO_PAIRS, method, ni, na))
            continue
        interval: tuple[float, float] | None = None
        ci_method: str | None = None
        if ci == "bootstrap":
            keep = (profiles.group == g) & (profiles.raters >= 2)
            rows = profiles.rows[keep].astype(float)
            interval, ci_method = bootstrap(
                summaries(rows),
                profiles.weight[keep],
                from_sums,
                n_boot,
                seed,
                g,
                confidence,
            )
        out.append(
            Estimate(
                value=float(values[g]),
                ci=interval,
                n_items=ni,
                n_annotations=na,
                method=method,
                ci_method=ci_method,
            )
        )
    return out


def _grouped_sums(profiles: ItemProfiles) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fleiss summaries per group in one bincount pass over the profiles."""
    g, v = profiles.n_groups, profiles.n_categories
    agree, pairable = _item_agreement(profiles.rows.astype(float))
    pw = profiles.weight * pairable
    items = np.bincount(profiles.group, weights=pw, minlength=g)
    p_sum = np.bincount(profiles.group, weights=pw * agree, minlength=g)
    flat = (profiles.group[:, None] * v + np.arange(v)[None, :]).ravel()
    cat = np.bincount(flat, weights=(profiles.rows * pw[:, None]).ravel(), minlength=g * v)
    return items, p_sum, cat.reshape(g, v)


def percent_agreement(
    profiles: ItemProfiles,
    *,
    ci: Literal["bootstrap", "none"] = "bootstrap",
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[Estimate]:
    """Per group: mean over items with two or more annotations of the share of agreeing pairs."""
    check_ci(ci, ("bootstrap", "none"))

    def point(p: ItemProfiles) -> tuple[np.ndarray, np.ndarray]:
        items, p_sum, _ = _grouped_sums(p)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(items > 0, p_sum / items, np.nan), np.zeros(p.n_groups, bool)

    def from_sums(sums: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(sums[:, 0] > 0, sums[:, 1] / sums[:, 0], np.nan)

    method = "percent agreement (mean share of agreeing annotator pairs per item)"
    return _profile_estimates(profiles, method, point, _fleiss_summaries, from_sums, ci, n_boot, seed, confidence)


def fleiss_kappa(
    profiles: ItemProfiles,
    *,
    ci: Literal["bootstrap", "none"] = "bootstrap",
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[Estimate]:
    """Fleiss' kappa per group; items may have different numbers of annotators: P_i is averaged
    over items with two or more, chance uses category shares pooled over those items' labels."""
    check_ci(ci, ("bootstrap", "none"))

    def point(p: ItemProfiles) -> tuple[np.ndarray, np.ndarray]:
        items, p_sum, cat = _grouped_sums(p)
        return _fleiss_value(items, p_sum, cat), items > 0

    method = "Fleiss' kappa (pooled category shares; items with 2+ annotations)"
    return _profile_estimates(
        profiles, method, point, _fleiss_summaries, _fleiss_from_sums, ci, n_boot, seed, confidence
    )


# --- Krippendorff's alpha -----------------------------------------------------------------------


def _metric_matrix(level: Level, values: np.ndarray | None, n_c: np.ndarray) -> np.ndarray:
    """Squared distance delta^2 between categories; for 'ordinal' it depends on the marginals
    n_c (…, V) and has the batch shape (…, V, V)."""
    v = n_c.shape[-1]
    if level == "nominal":
        return 1.0 - np.eye(v)
    if level == "ordinal":
        i = np.arange(v)
        lo, hi = np.minimum.outer(i, i), np.maximum.outer(i, i)
        cum = np.cumsum(n_c, axis=-1)
        seg = cum[..., hi] - cum[..., lo] + n_c[..., lo]
        return (seg - (n_c[..., :, None] + n_c[..., None, :]) / 2) ** 2
    if values is None:
        raise ValueError(f"the {level} level needs numeric category values")
    x = np.asarray(values, dtype=float)
    diff = x[:, None] - x[None, :]
    if level == "interval":
        return diff**2
    if level == "ratio":
        total = x[:, None] + x[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total != 0, (diff / total) ** 2, 0.0)
    raise ValueError(f"level must be nominal, ordinal, interval or ratio, not {level!r}")


def _alpha_from_parts(n_c: np.ndarray, d_obs: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """alpha = 1 - (n - 1) * sum(o * delta) / sum(n_c n_k delta), batched; NaN when undefined."""
    n = n_c.sum(axis=-1)
    if delta.ndim == 2:
        d_exp = np.einsum("...i,ij,...j->...", n_c, delta, n_c)
    else:
        d_exp = np.einsum("...i,...ij,...j->...", n_c, delta, n_c)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((n > 1) & (d_exp > _TOL * np.maximum(n, 1) ** 2), 1 - (n - 1) * d_obs / d_exp, np.nan)


def alpha_from_coincidences(
    coincidences: np.ndarray, level: Level = "nominal", values: np.ndarray | None = None
) -> np.ndarray:
    """Krippendorff's alpha of (V, V) or (G, V, V) coincidence matrices; NaN marks undefined."""
    o = np.asarray(coincidences, dtype=float)
    n_c = o.sum(axis=-1)
    delta = _metric_matrix(level, values, n_c)
    d_obs = (o * delta).sum(axis=(-2, -1))
    return _alpha_from_parts(n_c, d_obs, delta)


def krippendorff_alpha(
    profiles: ItemProfiles,
    level: Level = "nominal",
    values: np.ndarray | None = None,
    *,
    ci: Literal["bootstrap", "none"] = "bootstrap",
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[Estimate]:
    """Krippendorff's alpha per group with missing data (items with one value are ignored).
    Ordinal is Krippendorff's rank metric with marginal frequencies over the label-set order;
    interval and ratio use the numeric category `values`."""
    check_ci(ci, ("bootstrap", "none"))
    if level in ("interval", "ratio") and values is None:
        raise ValueError(f"Krippendorff's alpha at the {level} level needs numeric labels")
    v = profiles.n_categories
    fixed = None if level == "ordinal" else _metric_matrix(level, values, np.zeros(v))

    def point(p: ItemProfiles) -> tuple[np.ndarray, np.ndarray]:
        o = coincidence_matrices(p)
        n = o.sum(axis=(-2, -1))
        return alpha_from_coincidences(o, level, values), n > 1

    def summaries(rows: np.ndarray) -> np.ndarray:
        s = 1.0 / (rows.sum(axis=1) - 1)
        if fixed is not None:
            return np.column_stack([rows, s * np.einsum("ki,ij,kj->k", rows, fixed, rows)])
        contrib = rows[:, :, None] * rows[:, None, :] - rows[:, :, None] * np.eye(v)[None]
        return np.column_stack([rows, s[:, None] * contrib.reshape(len(rows), -1)])

    def from_sums(sums: np.ndarray) -> np.ndarray:
        n_c = sums[:, :v]
        if fixed is not None:
            return _alpha_from_parts(n_c, sums[:, v], fixed)
        o = sums[:, v:].reshape(-1, v, v)
        delta = _metric_matrix(level, values, n_c)
        return _alpha_from_parts(n_c, (o * delta).sum(axis=(-2, -1)), delta)

    method = f"Krippendorff's alpha, {level}" + (
        " (rank metric with marginal frequencies)" if level == "ordinal" else " metric"
    )
    return _profile_estimates(profiles, method, point, summaries, from_sums, ci, n_boot, seed, confidence)
