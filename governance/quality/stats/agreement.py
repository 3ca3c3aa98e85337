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

    From count tables (each returns list[Estimate], one per group code 0..G-1):
    percent_agreement(profiles, *, ci="bootstrap", n_boot=1000, seed=0, confidence=0.95)
    fleiss_kappa(profiles, *, ci="bootstrap", n_boot=1000, seed=0, confidence=0.95)
    krippendorff_alpha(profiles, level="nominal", values=None, *, ci="bootstrap", ...)
    cohen_kappa(tables, weights="none", values=None, *, ci="analytic", ...)
    scott_pi(tables, weights="none", values=None, *, ci="bootstrap", ...)
    alpha_from_coincidences(o, level="nominal", values=None) -> ndarray (NaN = undefined)
    disagreement_weights(n_categories, weights, values=None) -> (V, V) array

    Tables (governance.quality.stats.counts): LabelSet.of(labels) / .encode(labels) -> codes,
    .numeric_values(); factorize(ids) -> (codes, uniques); find_duplicates(items, annotators);
    keep_mask / keep_mask_codes(..., policy); item_groups(item_codes, group_codes, n_items);
    item_profiles(item_codes, label_codes, V, item_group=None, n_groups=1) -> ItemProfiles
    (.merge for chunks holding disjoint items, .pooled(), .for_group(g)); profiles_from_table;
    coincidence_matrices(profiles) -> (G, V, V); paired_codes(...) -> (a, b) per item;
    pair_contingency(a, b, V, pair_group=None, n_groups=1) -> (G, V, V), additive over chunks.

    Batches (governance.quality.stats.streaming): AgreementStream(label_set, max_per_item=8)
    .add(items, annotators, labels, groups=None) per batch; .finish() -> AgreementData.

`tables` is a (V, V) or (G, V, V) contingency array (rows: first annotator). Estimate =
governance.quality.stats.estimate.Estimate (value None + undefined_reason, never NaN). Bootstrap: items
resampled with replacement within each group, as multinomial draws over distinct item profiles
(or, above 500 items and a draw budget, the normal law of the resampled sums; `ci_method` says
which); percentile interval; seeded by (seed, group index).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from governance.quality.stats.counts import (
    ArrayLike,
    InconsistentGroupError,
    ItemProfiles,
    LabelSet,
    UnknownLabelError,
    coincidence_matrices,
    factorize,
    item_groups,
    item_profiles,
    keep_mask_codes,
    missing_value_error,
    pair_contingency,
    paired_codes,
)
from governance.quality.stats.estimate import Estimate, undefined, z_value

Metric = Literal["percent", "cohen", "scott", "fleiss", "krippendorff"]
Weights = Literal["none", "linear", "quadratic"]
Level = Literal["nominal", "ordinal", "interval", "ratio"]
CiMethod = Literal["auto", "bootstrap", "analytic", "none"]

_TOL = 1e-12
_MAX_DRAW_CELLS = 20_000_000
_EXACT_BUDGET = 100_000
_EXACT_BELOW_ITEMS = 500

ONE_CATEGORY = "only one category was used, so chance agreement is 1 and the coefficient is undefined"
NO_PAIRS = "no item has two or more annotations, so there is nothing to compare"
NO_SHARED = "the two annotators share no items"


def disagreement_weights(n_categories: int, weights: Weights = "none", values: np.ndarray | None = None) -> np.ndarray:
    """Disagreement matrix for kappa: 0/1 ('none'), |x_i - x_j| ('linear') or (x_i - x_j)^2
    ('quadratic'), with x the label index 0..V-1 (as scikit-learn) or the numeric `values`."""
    x = np.arange(n_categories, dtype=float) if values is None else np.asarray(values, float)
    diff = x[:, None] - x[None, :]
    if weights == "none":
        return 1.0 - np.eye(n_categories)
    if weights == "linear":
        return np.abs(diff)
    if weights == "quadratic":
        return diff**2
    raise ValueError(f"weights must be 'none', 'linear' or 'quadratic', not {weights!r}")


def _draws(weight: np.ndarray, n_boot: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Bootstrap multiplicities (b, K) of K distinct profiles: items resampled with replacement."""
    total = int(weight.sum())
    p = weight / total
    per_chunk = max(1, _MAX_DRAW_CELLS // max(len(weight), 1))
    done = 0
    while done < n_boot:
        size = min(per_chunk, n_boot - done)
        yield rng.multinomial(total, p, size=size).astype(float)
        done += size


def _percentile_ci(reps: np.ndarray, confidence: float, label: str) -> tuple[tuple[float, float] | None, str]:
    ok = reps[np.isfinite(reps)]
    if ok.size == 0:
        return None, label + "; every resample was undefined"
    tail = (1 - confidence) / 2
    low, high = np.quantile(ok, [tail, 1 - tail])
    if ok.size < reps.size:
        label += f"; {reps.size - ok.size} undefined resamples left out"
    return (float(low), float(high)), label


def _bootstrap(
    x: np.ndarray,
    weight: np.ndarray,
    from_sums: Callable[[np.ndarray], np.ndarray],
    n_boot: int,
    seed: int,
    group: int,
    confidence: float,
) -> tuple[tuple[float, float] | None, str]:
    """Percentile interval of a statistic of item sums S = sum over items of x[profile].

    Resampling items with replacement = multinomial multiplicities over the K distinct profiles,
    so S_b = W_b @ x exactly. With more than 500 items and K * n_boot above a budget (K > 100
    profiles at 1,000 resamples), S_b is drawn from its large-sample normal law N(n mu, n Sigma)
    instead, which costs almost nothing; the returned label says which was used.
    """
    rng = np.random.default_rng([seed, group])
    k, total = len(weight), int(weight.sum())
    tail = f"{n_boot} resamples, seed {seed}, {confidence:.0%}"
    if k * n_boot <= _EXACT_BUDGET or total <= _EXACT_BELOW_ITEMS:
        reps = np.concatenate([from_sums(w @ x) for w in _draws(weight, n_boot, rng)])
        label = f"bootstrap percentile over items (multinomial over {k} item profiles), {tail}"
    else:
        p = weight / total
        mu = p @ x
        centred = x - mu
        cov = np.einsum("ki,kj->ij", centred * p[:, None], centred)  # BLAS threads stall here
        evals, evecs = np.linalg.eigh(cov)
        root = evecs * np.sqrt(np.clip(evals, 0, None))
        z = rng.standard_normal((n_boot, x.shape[1]))
        reps = from_sums(total * mu + np.sqrt(total) * (z @ root.T))
        label = (
            f"large-sample bootstrap percentile: resampled item sums drawn from their normal law "
            f"({total} items, {k} profiles), {tail}"
        )
    return _percentile_ci(reps, confidence, label)


def _check_ci(ci: str, allowed: Sequence[str]) -> None:
    if ci not in allowed:
        raise ValueError(f"ci must be one of {', '.join(allowed)}; got {ci!r}")


# --- Cohen's kappa and Scott's pi over contingency tables ---------------------------------------


def _kappa_batch(
    tables: np.ndarray, dis: np.ndarray, chance: Literal["cohen", "scott"]
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted kappa of many (…, V, V) tables at once: 1 - sum(D*O)/sum(D*E); NaN if undefined.
    Also returns the expected disagreement (0 marks the undefined case)."""
    t = np.asarray(tables, dtype=float)
    n = t.sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        o = t / n[..., None, None]
        rows, cols = o.sum(axis=-1), o.sum(axis=-2)
        if chance == "scott":
            rows = cols = (rows + cols) / 2
        d_obs = np.einsum("...ij,ij->...", o, dis)
        d_exp = np.einsum("...i,ij,...j->...", rows, dis, cols)
        value = np.where((n > 0) & (d_exp > _TOL), 1 - d_obs / d_exp, np.nan)
    return value, np.where(n > 0, d_exp, 0.0)


def _cohen_ase(table: np.ndarray, dis: np.ndarray, kappa: float) -> float | None:
    """Large-sample SE of (weighted) kappa under the alternative, Fleiss, Cohen & Everitt (1969),
    the 'ASE' of SAS PROC FREQ; agreement weights w = 1 - D / max(D)."""
    n = table.sum()
    p = table / n
    w = 1 - dis / dis.max()
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    pe = float(rows @ w @ cols)
    w_row = w @ cols
    w_col = rows @ w
    inner = (w - (w_row[:, None] + w_col[None, :]) * (1 - kappa)) ** 2
    var = (float((p * inner).sum()) - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2)
    return float(np.sqrt(var)) if var >= 0 else None


def _pair_estimates(
    tables: np.ndarray,
    weights: Weights,
    values: np.ndarray | None,
    chance: Literal["cohen", "scott"],
    ci: str,
    n_boot: int,
    seed: int,
    confidence: float,
) -> list[Estimate]:
    t = np.asarray(tables, dtype=np.int64)
    if t.ndim == 2:
        t = t[None]
    v = t.shape[-1]
    dis = disagreement_weights(v, weights, values)
    name = "Cohen's kappa" if chance == "cohen" else "Scott's pi"
    basis = "label index" if values is None else "label values"
    method = name + (" (unweighted)" if weights == "none" else f", {weights} weights on {basis}")
    point, _ = _kappa_batch(t, dis, chance)
    out: list[Estimate] = []
    for g in range(t.shape[0]):
        n = int(t[g].sum())
        if n == 0:
            out.append(undefined(NO_SHARED, method))
            continue
        if not np.isfinite(point[g]):
            out.append(undefined(ONE_CATEGORY, method, n, 2 * n))
            continue
        kappa = float(point[g])
        interval: tuple[float, float] | None = None
        ci_method: str | None = None
        se: float | None = None
        if ci == "analytic":
            se = _cohen_ase(t[g].astype(float), dis, kappa)
            if se is not None:
                z = z_value(confidence)
                interval = (max(kappa - z * se, -1.0), min(kappa + z * se, 1.0))
                ci_method = (
                    "asymptotic SE of Fleiss, Cohen & Everitt (1969) (SAS ASE), "
                    f"normal {confidence:.0%}, clipped to [-1, 1]"
                )
        elif ci == "bootstrap":
            cells = t[g].reshape(-1)
            used = np.flatnonzero(cells)
            onehot = np.zeros((used.size, v * v))
            onehot[np.arange(used.size), used] = 1.0

            def stat(sums: np.ndarray) -> np.ndarray:
                return _kappa_batch(sums.reshape(-1, v, v), dis, chance)[0]

            interval, ci_method = _bootstrap(onehot, cells[used], stat, n_boot, seed, g, confidence)
        out.append(
            Estimate(
                value=kappa,
                ci=interval,
                se=se,
                n_items=n,
                n_annotations=2 * n,
                method=method,
                ci_method=ci_method,
            )
        )
    return out


def cohen_kappa(
    tables: np.ndarray,
    weights: Weights = "none",
    values: np.ndarray | None = None,
    *,
    ci: Literal["analytic", "bootstrap", "none"] = "analytic",
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[Estimate]:
    """Cohen's kappa per group from (V, V) or (G, V, V) contingency tables of two annotators;
    weights use the label index unless numeric `values` are given."""
    _check_ci(ci, ("analytic", "bootstrap", "none"))
    return _pair_estimates(tables, weights, values, "cohen", ci, n_boot, seed, confidence)


def scott_pi(
    tables: np.ndarray,
    weights: Weights = "none",
    values: np.ndarray | None = None,
    *,
    ci: Literal["bootstrap", "none"] = "bootstrap",
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> list[Estimate]:
    """Scott's pi per group (chance from the pooled marginals of both annotators)."""
    _check_ci(ci, ("bootstrap", "none"))
    return _pair_estimates(tables, weights, values, "scott", ci, n_boot, seed, confidence)


# --- Percent agreement and Fleiss' kappa over item profiles -------------------------------------


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
            interval, ci_method = _bootstrap(
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
    _check_ci(ci, ("bootstrap", "none"))

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
    _check_ci(ci, ("bootstrap", "none"))

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
    _check_ci(ci, ("bootstrap", "none"))
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


# --- One call from long rows ----------------------------------------------------------------------


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
