"""Cohen's kappa and Scott's pi over two annotators' (V, V) or (G, V, V) contingency tables:
unweighted or with linear/quadratic disagreement weights, the analytic SE for Cohen, bootstrap
intervals otherwise.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from governance.quality.stats.bootstrap import bootstrap, check_ci
from governance.quality.stats.estimate import NO_SHARED, ONE_CATEGORY, Estimate, undefined, z_value

Weights = Literal["none", "linear", "quadratic"]

_TOL = 1e-12


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

            interval, ci_method = bootstrap(onehot, cells[used], stat, n_boot, seed, g, confidence)
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
    check_ci(ci, ("analytic", "bootstrap", "none"))
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
    check_ci(ci, ("bootstrap", "none"))
    return _pair_estimates(tables, weights, values, "scott", ci, n_boot, seed, confidence)
