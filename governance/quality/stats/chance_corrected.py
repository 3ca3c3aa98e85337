"""Multi-rater chance-corrected coefficients in Gwet's framework over item profiles: Fleiss'
kappa, Gwet's AC1 (AC2 when weighted) and Brennan-Prediger's free-marginal kappa (Bennett's S
for two raters, Randolph's kappa for more), each optionally weighted, with Gwet's analytic SE;
Krippendorff's alpha SE (Gwet's formula); Conger's kappa over an items x annotators code matrix.

All share p_a = mean over items with 2+ ratings of sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1)),
r*_ik = sum_l w_kl r_il, and differ in chance agreement p_e:
  Fleiss  p_e = sum_kl w_kl pi_k pi_l
  AC1/AC2 p_e = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k)   (T_w = sum of the weights)
  BP      p_e = T_w / q^2
Uneven ratings per item ('missing'): 'pooled' takes pi_k as category shares pooled over the labels
of items rated at least twice (annogov's Fleiss so far); 'gwet' averages each item's shares over
items rated at least once, as irrCAC and AgreeStat do. They coincide on complete data.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from governance.quality.stats.bootstrap import bootstrap
from governance.quality.stats.cohen_scott import disagreement_weights
from governance.quality.stats.counts import ItemProfiles
from governance.quality.stats.estimate import NO_PAIRS, Estimate, undefined
from governance.quality.stats.variance import linearised_variance, t_interval, t_interval_label

Coefficient = Literal["fleiss", "gwet", "brennan_prediger"]
Missing = Literal["pooled", "gwet"]
Ci = Literal["auto", "analytic", "bootstrap", "none"]

_TOL = 1e-12
CHANCE_IS_ONE = "chance agreement is 1 (one category in use or in the label set), so the coefficient is undefined"
_NAMES = {
    "fleiss": "Fleiss' kappa",
    "gwet": "Gwet's AC1",
    "brennan_prediger": "Brennan-Prediger free-marginal kappa (Bennett's S, Randolph's kappa)",
}


def agreement_weight_matrix(n_categories: int, weights: str = "none", values: np.ndarray | None = None) -> np.ndarray:
    """Agreement weights w_kl = 1 - d_kl / max d (identity for 'none'), as Gwet and irrCAC use
    them: 'linear' 1 - |k - l| / (q - 1), 'quadratic' 1 - (k - l)^2 / (q - 1)^2 on the label
    index, or on the numeric `values`."""
    if weights == "none" or n_categories < 2:
        return np.eye(n_categories)
    dis = disagreement_weights(n_categories, weights, values)  # type: ignore[arg-type]
    top = float(dis.max())
    return 1.0 - dis / top if top > 0 else np.eye(n_categories)


def method_name(coefficient: Coefficient, weights: str, missing: Missing, basis: str = "label index") -> str:
    """The method as printed in every output, naming weights and the missing-data convention."""
    name = _NAMES[coefficient]
    if coefficient == "gwet" and weights != "none":
        name = "Gwet's AC2"
    if weights != "none":
        name += f", {weights} weights on {basis}"
    convention = "Gwet's per-item shares" if missing == "gwet" else "pooled category shares"
    return f"{name} ({convention}; p_a over items with 2+ annotations)"


def _chance(coefficient: Coefficient, pi: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Chance agreement p_e for category shares pi (..., V)."""
    q = w.shape[0]
    total = float(w.sum())
    if coefficient == "fleiss":
        return np.einsum("...k,kl,...l->...", pi, w, pi)
    if coefficient == "gwet":
        if q < 2:
            return np.ones(pi.shape[:-1])
        return total / (q * (q - 1)) * (pi * (1 - pi)).sum(axis=-1)
    return np.full(pi.shape[:-1], total / q**2)


def _summaries(rows: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Per profile, the linear summaries every coefficient is a function of:
    [1, [r >= 2], p_a,i [r >= 2], r_ik / r_i (V), r_ik [r >= 2] (V)]."""
    r = rows.sum(axis=1)
    two = (r >= 2).astype(float)
    weighted = rows @ w.T
    with np.errstate(divide="ignore", invalid="ignore"):
        pa_i = np.where(r >= 2, (rows * (weighted - 1)).sum(axis=1) / (r * (r - 1)), 0.0)
        shares = rows / r[:, None]
    return np.column_stack([np.ones(len(rows)), two, pa_i * two, shares, rows * two[:, None]])


def _from_sums(sums: np.ndarray, coefficient: Coefficient, missing: Missing, w: np.ndarray) -> np.ndarray:
    """Coefficient of (B, d) summed summaries; NaN where undefined."""
    v = w.shape[0]
    n, n2, pa_sum = sums[:, 0], sums[:, 1], sums[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        if missing == "gwet":
            pi = sums[:, 3 : 3 + v] / n[:, None]
        else:
            pooled = sums[:, 3 + v :]
            pi = pooled / pooled.sum(axis=1, keepdims=True)
        pa = pa_sum / n2
        pe = _chance(coefficient, pi, w)
        return np.where((n2 > 0) & (1 - pe > _TOL), (pa - pe) / (1 - pe), np.nan)


def _analytic_se(
    rows: np.ndarray, weight: np.ndarray, coefficient: Coefficient, w: np.ndarray, value: float, fraction: float
) -> tuple[float, float]:
    """Gwet's linearised SE of a coefficient under the 'gwet' convention, and n (items rated)."""
    q = w.shape[0]
    r = rows.sum(axis=1)
    n, n2 = float(weight.sum()), float(weight[r >= 2].sum())
    shares = rows / r[:, None]
    pi = (weight @ shares) / n
    pe = float(_chance(coefficient, pi, w))
    weighted = rows @ w.T
    with np.errstate(divide="ignore", invalid="ignore"):
        pa_i = np.where(r >= 2, (rows * (weighted - 1)).sum(axis=1) / (r * (r - 1)), 0.0)
    c_i = (n / n2) * (pa_i - pe * (r >= 2)) / (1 - pe)
    if coefficient == "fleiss":
        pe_i = shares @ ((w @ pi + w.T @ pi) / 2)
    elif coefficient == "gwet":
        pe_i = float(w.sum()) / (q * (q - 1)) * (shares @ (1 - pi))
    else:
        pe_i = np.full(len(rows), pe)
    contrib = c_i - 2 * (1 - value) * (pe_i - pe) / (1 - pe)
    return float(np.sqrt(max(linearised_variance(contrib, weight, value, n, fraction), 0.0))), n


def chance_corrected(
    profiles: ItemProfiles,
    coefficient: Coefficient,
    *,
    weights: np.ndarray | None = None,
    weights_name: str = "none",
    missing: Missing = "gwet",
    ci: Ci = "auto",
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
    fraction: float = 0.0,
    basis: str = "label index",
) -> list[Estimate]:
    """One coefficient per group of `profiles`. `weights` is the (V, V) agreement matrix
    (identity when None). `ci='auto'` gives Gwet's analytic SE and t interval under the 'gwet'
    convention or on complete data, otherwise a bootstrap over items (no analytic SE is
    established for pooled shares with uneven ratings).
    `fraction` is the share of the population the items are (0 for a sample of an open stream)."""
    v = profiles.n_categories
    w = np.eye(v) if weights is None else np.asarray(weights, float)
    method = method_name(coefficient, weights_name, missing, basis)
    out: list[Estimate] = []
    r = profiles.raters
    for g in range(profiles.n_groups):
        keep = (profiles.group == g) & (r >= (1 if missing == "gwet" else 2))
        rows, weight = profiles.rows[keep].astype(float), profiles.weight[keep].astype(float)
        two = rows.sum(axis=1) >= 2
        complete = len(np.unique(rows.sum(axis=1))) <= 1  # both conventions coincide
        mode = ("analytic" if missing == "gwet" or complete else "bootstrap") if ci == "auto" else ci
        if mode == "analytic" and not (missing == "gwet" or complete):
            raise ValueError(
                "Gwet's analytic SE is established for the 'gwet' missing-data convention or complete data; "
                "use the bootstrap"
            )
        n2 = int(weight[two].sum())
        n_ann = int((weight[two] * rows[two].sum(axis=1)).sum())
        if n2 == 0:
            out.append(undefined(NO_PAIRS, method))
            continue
        summ = _summaries(rows, w)
        value = float(_from_sums((weight @ summ)[None], coefficient, missing, w)[0])
        if not np.isfinite(value):
            out.append(undefined(CHANCE_IS_ONE, method, n2, n_ann))
            continue
        interval: tuple[float, float] | None = None
        se: float | None = None
        ci_method: str | None = None
        if mode == "analytic":
            se, n = _analytic_se(rows, weight, coefficient, w, value, fraction)
            if np.isfinite(se):
                interval = t_interval(value, se, n, confidence)
                ci_method = t_interval_label(confidence, "irrCAC/AgreeStat")
            else:
                se = None
        elif mode == "bootstrap":

            def stat(sums: np.ndarray) -> np.ndarray:
                return _from_sums(sums, coefficient, missing, w)

            interval, ci_method = bootstrap(summ, weight.astype(np.int64), stat, n_boot, seed, g, confidence)
        out.append(
            Estimate(
                value=value, ci=interval, se=se, n_items=n2, n_annotations=n_ann, method=method, ci_method=ci_method
            )
        )
    return out


def alpha_gwet_se(
    profiles: ItemProfiles,
    weights: np.ndarray | None = None,
    fraction: float = 0.0,
) -> list[tuple[float, float, float] | None]:
    """Krippendorff's alpha per group in Gwet's formulation with his linearised SE:
    (alpha, se, n items rated 2+) or None when undefined. Identity weights give nominal alpha,
    quadratic weights on values give interval alpha."""
    v = profiles.n_categories
    w = np.eye(v) if weights is None else np.asarray(weights, float)
    out: list[tuple[float, float, float] | None] = []
    for g in range(profiles.n_groups):
        keep = (profiles.group == g) & (profiles.raters >= 2)
        rows, weight = profiles.rows[keep].astype(float), profiles.weight[keep].astype(float)
        n = float(weight.sum())
        if n == 0:
            out.append(None)
            continue
        r = rows.sum(axis=1)
        r_mean = float(weight @ r) / n
        eps = 1.0 / float(weight @ r)
        sum_q = (rows * (rows @ w.T - 1)).sum(axis=1)
        pa_prime = float(weight @ (sum_q / (r_mean * (r - 1)))) / n
        pa = (1 - eps) * pa_prime + eps
        pi = (weight @ rows) / (n * r_mean)
        pe = float(pi @ w @ pi)
        if 1 - pe <= _TOL:
            out.append(None)
            continue
        alpha = (pa - pe) / (1 - pe)
        alpha_prime = (pa_prime - pe) / (1 - pe)
        pa_i = sum_q / (r_mean * (r - 1)) - pa * (r - r_mean) / r_mean
        a_i = (pa_i - pe) / (1 - pe)
        pe_i = rows @ ((w @ pi + w.T @ pi) / 2) / r_mean - pe * (r - r_mean) / r_mean
        contrib = a_i - 2 * (1 - alpha_prime) * (pe_i - pe) / (1 - pe)
        var = linearised_variance(contrib, weight, alpha_prime, n, fraction)
        out.append((alpha, float(np.sqrt(max(var, 0.0))) if np.isfinite(var) else float("nan"), n))
    return out


def conger_kappa(
    codes: np.ndarray,
    n_categories: int,
    *,
    weights: np.ndarray | None = None,
    weights_name: str = "none",
    item_group: np.ndarray | None = None,
    n_groups: int = 1,
    ci: Literal["analytic", "none"] = "analytic",
    confidence: float = 0.95,
    fraction: float = 0.0,
    basis: str = "label index",
) -> list[Estimate]:
    """Conger's kappa per group from an items x annotators matrix of label codes (-1 = not
    rated): Fleiss' p_a, chance from the annotators' own marginals (mean of the pairwise Cohen
    chance agreements), with Gwet's analytic SE. Items with no rating are left out."""
    codes = np.asarray(codes, np.int64)
    v = int(n_categories)
    w = np.eye(v) if weights is None else np.asarray(weights, float)
    group = np.zeros(len(codes), np.int64) if item_group is None else np.asarray(item_group, np.int64)
    method = "Conger's kappa" + (f", {weights_name} weights on {basis}" if weights_name != "none" else "")
    method += " (annotators' own marginals; p_a over items with 2+ annotations)"
    rated_any = (codes >= 0).any(axis=1) & (group >= 0)
    order = np.flatnonzero(rated_any)
    order = order[np.argsort(group[order], kind="stable")]
    bounds = np.searchsorted(group[order], np.arange(n_groups + 1))
    return [
        _conger_one(codes[order[bounds[g] : bounds[g + 1]]], v, w, method, ci, confidence, fraction)
        for g in range(n_groups)
    ]


def _conger_one(
    codes: np.ndarray, v: int, w: np.ndarray, method: str, ci: str, confidence: float, fraction: float
) -> Estimate:
    n_items, _ = codes.shape
    rated = codes >= 0
    raters_used = rated.any(axis=0)
    codes, rated = codes[:, raters_used], rated[:, raters_used]
    r = codes.shape[1]
    safe = np.where(rated, codes, 0)
    item_of, rater_of = np.nonzero(rated)
    label_of = codes[item_of, rater_of]
    counts = np.bincount(item_of * v + label_of, minlength=n_items * v).reshape(n_items, v).astype(float)
    ri = counts.sum(axis=1)
    two = ri >= 2
    n2 = int(two.sum())
    n_ann = int(ri[two].sum())
    if n2 == 0 or r < 2:
        return undefined(NO_PAIRS, method)
    classif = np.bincount(rater_of * v + label_of, minlength=r * v).reshape(r, v).astype(float)
    ng = classif.sum(axis=1)
    pgk = classif / ng[:, None]
    pm = pgk.sum(axis=0) / r
    s2 = (pgk.T @ pgk - r * np.outer(pm, pm)) / (r - 1)
    pe = float((w * (np.outer(pm, pm) - s2 / r)).sum())
    sum_q = (counts * (counts @ w.T - 1)).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        pa_i = np.where(two, sum_q / (ri * (ri - 1)), 0.0)
    pa = float(pa_i[two].sum()) / n2
    if 1 - pe <= _TOL:
        return undefined(CHANCE_IS_ONE, method, n2, n_ann)
    kappa = (pa - pe) / (1 - pe)
    if ci == "none" or n_items < 2:
        return Estimate(value=kappa, n_items=n2, n_annotations=n_ann, method=method)
    n = float(n_items)
    b = r * pm[None, :] - pgk  # (r, V): r * mean_g p_gk - p_gk
    c = b @ w  # c[g, l] = sum_k w_kl b_gk
    d = ((pgk @ w.T) * b).sum(axis=1)  # (r,)
    eps = rated.astype(float)
    c_at = c[np.arange(r)[None, :], safe]  # (n, r)
    lam = (n / ng)[None, :] * (eps * c_at - (eps - ng[None, :] / n) * d[None, :])
    pe_i = lam.sum(axis=1) / (r * (r - 1))
    k_i = n / n2 * (pa_i - pe * two) / (1 - pe)
    contrib = k_i - 2 * (1 - kappa) * (pe_i - pe) / (1 - pe)
    var = linearised_variance(contrib, np.ones(n_items), kappa, n, fraction)
    se = float(np.sqrt(max(var, 0.0)))
    return Estimate(
        value=kappa,
        ci=t_interval(kappa, se, n, confidence),
        se=se,
        n_items=n2,
        n_annotations=n_ann,
        method=method,
        ci_method=t_interval_label(confidence, "irrCAC/AgreeStat"),
    )
