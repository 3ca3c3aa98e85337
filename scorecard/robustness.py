"""How far the ranking and bands can be trusted, computed rather than plotted.

With weights summing to 100, moving one dimension's weight to x and rescaling the others
proportionally makes every total a straight line in x: T(x) = a + b x. Ties and band crossings are
therefore roots of linear equations, found in closed form for all providers at once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scorecard.dimensions import BAND_FLOORS, BANDS, DIMENSION_KEYS, DIMENSION_NAMES

DRAW_BUDGET = 8_000_000  # random numbers per scorecard; above it fewer draws per provider
DEFAULT_DIMENSIONS: tuple[tuple[str, str], ...] = tuple((k, DIMENSION_NAMES[k]) for k in DIMENSION_KEYS)


def line_coefficients(dims: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(a, b), each P x D: T_p(x) = a[p, k] + b[p, k] * x when dimension k's weight is x.

    Columns whose weight is already 100 have no others to rescale and are NaN.
    """
    contrib = dims * weights / 5.0
    rest = contrib.sum(axis=1, keepdims=True) - contrib
    others = 100.0 - weights
    with np.errstate(divide="ignore", invalid="ignore"):
        per_unit = np.where(others > 0, rest / others, np.nan)
    return 100.0 * per_unit, dims / 5.0 - per_unit


def _nearest_root(
    offset: np.ndarray, slope: np.ndarray, target: float, weights: np.ndarray, *, reach: bool
) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the weight x in [0, 100] closest to the current weight at which
    offset + slope x meets `target` and then passes it (reach=False: goes strictly beyond it;
    reach=True: reaching it is enough, as for a band floor). Returns (dimension or -1, x)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (target - offset) / slope
    current = offset + slope * weights
    end = np.where(x > weights, 100.0, 0.0)
    beyond = offset + slope * end - target
    side = np.sign(np.round(current - target, 9))
    crosses = (beyond * side < -1e-9) | (reach & (side < 0) & (np.abs(beyond) <= 1e-9))
    ok = np.isfinite(x) & (x >= -1e-9) & (x <= 100 + 1e-9) & (slope != 0) & crosses
    distance = np.where(ok, np.abs(x - weights), np.inf)
    best = distance.argmin(axis=1)
    rows = np.arange(x.shape[0])
    found = np.isfinite(distance[rows, best])
    return np.where(found, best, -1), np.clip(x[rows, best], 0.0, 100.0) + 0.0


@dataclass
class Robustness:
    pairs: list[dict[str, object]]
    boundaries: list[dict[str, object]]
    band_probabilities: dict[str, dict[str, float]]
    top_probability: dict[str, float]
    simulations: int
    seed: int

    def to_payload(self) -> dict[str, object]:
        return {
            "method": (
                "One dimension weight moved, the others rescaled proportionally to keep the sum at "
                "100; totals are linear in that weight, so the crossing weights are exact. Band "
                f"probabilities: {self.simulations:,} seeded draws (seed {self.seed}) of each dimension "
                "score from a triangular distribution over its evaluators' range."
            ),
            "pairs": self.pairs,
            "boundaries": self.boundaries,
            "band_probabilities": self.band_probabilities,
            "top_probability": self.top_probability,
        }


def _no_move(text: str, change: float | None = None) -> dict[str, object]:
    """A finding without a single-weight move (change 0.0 for a tie, None when none exists)."""
    return {"dimension": None, "from_weight": None, "to_weight": None, "change": change, "text": text}


def _move(
    k: int, weights: np.ndarray, x: float, outcome: str, dimensions: Sequence[tuple[str, str]] = DEFAULT_DIMENSIONS
) -> dict[str, object]:
    """Dimension k's weight moved to x, worded as what it would take for `outcome`;
    `dimensions` are the rubric's (key, name) pairs in column order."""
    (key, name), start = dimensions[k], float(weights[k])
    verb = "rise" if x > start else "drop"
    return {
        "dimension": key,
        "from_weight": start,
        "to_weight": round(x, 4),
        "change": round(x - start, 4),
        "text": f"{name}'s weight would have to {verb} from {start:g} to {x:.1f} {outcome}",
    }


def pair_swaps(
    names: list[str],
    dims: np.ndarray,
    weights: np.ndarray,
    order: np.ndarray,
    dimensions: Sequence[tuple[str, str]] = DEFAULT_DIMENSIONS,
) -> list[dict[str, object]]:
    """For each adjacent pair in the ranking, the smallest single-weight change that swaps them."""
    if len(order) < 2:
        return []
    a, b = line_coefficients(dims, weights)
    upper, lower = order[:-1], order[1:]
    dim, x = _nearest_root(a[upper] - a[lower], b[upper] - b[lower], 0.0, weights[None, :], reach=False)
    totals = dims @ weights / 5.0
    tied = np.abs(totals[upper] - totals[lower]) <= 1e-9
    out: list[dict[str, object]] = []
    for i, (u, lo) in enumerate(zip(upper, lower, strict=True)):
        if tied[i]:
            found = _no_move(f"{names[u]} and {names[lo]} are tied; any change of weights decides between them", 0.0)
        elif dim[i] < 0:
            found = _no_move(f"No single-weight change swaps {names[u]} and {names[lo]}")
        else:
            found = _move(int(dim[i]), weights, float(x[i]), f"for {names[lo]} to overtake {names[u]}", dimensions)
        out.append({"upper": names[u], "lower": names[lo], **found})
    return out


def boundary_moves(
    names: list[str],
    dims: np.ndarray,
    weights: np.ndarray,
    complete: np.ndarray,
    floors: tuple[float, float] = BAND_FLOORS,
    dimensions: Sequence[tuple[str, str]] = DEFAULT_DIMENSIONS,
) -> list[dict[str, object]]:
    """For each provider in `complete` (those whose band the weights decide) and each band floor,
    the smallest single-weight change that moves its total across it."""
    a, b = line_coefficients(dims, weights)
    totals = dims @ weights / 5.0
    out: list[dict[str, object]] = []
    idx = np.flatnonzero(complete)
    for floor in floors:
        dim, x = _nearest_root(a[idx], b[idx], floor, weights[None, :], reach=True)
        for j, p in enumerate(idx):
            side = "up to" if totals[p] < floor else "down below"
            if dim[j] < 0:
                found = _no_move(f"No single-weight change moves {names[p]} {side} {floor:g}")
            else:
                found = _move(int(dim[j]), weights, float(x[j]), f"to move {names[p]} {side} {floor:g}", dimensions)
            out.append({"provider": names[p], "boundary": floor, "total": round(float(totals[p]), 4), **found})
    return out


def triangular(rng: np.random.Generator, low: np.ndarray, mode: np.ndarray, high: np.ndarray, n: int) -> np.ndarray:
    """n draws (n x shape) by inverse CDF; degenerate ranges give the mode exactly."""
    u = rng.random((n, *mode.shape), dtype=np.float32)  # float32 halves the cost; precision is ample
    width = high - low
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(width > 0, (mode - low) / width, 0.0)
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1 - u) * width * (high - mode))
    return np.where(width > 0, np.where(u < c, left, right), mode)


def band_probabilities(
    names: list[str],
    dims: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    weights: np.ndarray,
    band_limit: np.ndarray,
    complete: np.ndarray,
    simulations: int,
    seed: int,
    floor_values: tuple[float, float] = BAND_FLOORS,
) -> tuple[dict[str, dict[str, float]], dict[str, float], int]:
    """Probability of each band, and of ranking first, under the evaluators' spread, and the
    number of draws used per provider; `band_limit` is the highest band index a gate allows
    and `complete` the providers that take part (complete and eligible).

    Only providers whose range of possible totals straddles a band floor, or that could rank
    first, are simulated: for the others the answer is certain and exact.
    """
    idx = np.flatnonzero(complete)
    if idx.size == 0 or simulations <= 0:
        return {}, {}, 0
    floors = np.array(floor_values)
    w = weights / 5.0
    lowest, highest = np.round(low[idx] @ w, 9), np.round(high[idx] @ w, 9)
    limit = band_limit[idx]
    band_lo = np.minimum(np.searchsorted(floors, lowest, side="right"), limit)
    band_hi = np.minimum(np.searchsorted(floors, highest, side="right"), limit)
    certain = band_lo == band_hi
    contender = highest >= lowest.max()
    simulate = np.flatnonzero(~certain | contender)

    probs = np.zeros((idx.size, len(BANDS)))
    probs[np.flatnonzero(certain), band_lo[certain]] = 1.0
    wins = np.zeros(idx.size)
    if simulate.size:
        # a draw budget keeps 10,000 uncertain providers affordable; never fewer than 200 draws
        simulations = min(simulations, max(200, DRAW_BUDGET // (simulate.size * dims.shape[1])))
        rng = np.random.default_rng(seed)
        best_total = np.full(simulations, -np.inf)
        best_at = np.zeros(simulations, dtype=int)
        step = max(1, 2_000_000 // (simulations * dims.shape[1]))
        for start in range(0, simulate.size, step):
            part = simulate[start : start + step]
            sel = idx[part]
            totals = np.round(triangular(rng, low[sel], dims[sel], high[sel], simulations) @ w, 9)
            band = np.minimum(np.searchsorted(floors, totals, side="right"), limit[part])
            open_ = ~certain[part]
            for k in range(len(BANDS)):
                probs[part[open_], k] = (band[:, open_] == k).mean(axis=0)
            local = totals.argmax(axis=1)
            local_total = totals[np.arange(simulations), local]
            better = local_total > best_total
            best_total = np.where(better, local_total, best_total)
            best_at = np.where(better, part[local], best_at)
        wins = np.bincount(best_at, minlength=idx.size) / simulations
    bands = {names[p]: {BANDS[k]: float(probs[j, k]) for k in range(len(BANDS))} for j, p in enumerate(idx)}
    top = {names[p]: float(wins[j]) for j, p in enumerate(idx) if wins[j]}
    return bands, top, simulations
