"""Bootstrap intervals over items for statistics of item sums: items resampled with replacement as
multinomial draws over distinct item profiles (or, for many items, the sums' normal law); percentile
interval, seeded by (seed, group index); the method label says which was used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

_MAX_DRAW_CELLS = 20_000_000


_EXACT_BUDGET = 100_000


_EXACT_BELOW_ITEMS = 500


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


def bootstrap(
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


def check_ci(ci: str, allowed: Sequence[str]) -> None:
    if ci not in allowed:
        raise ValueError(f"ci must be one of {', '.join(allowed)}; got {ci!r}")
