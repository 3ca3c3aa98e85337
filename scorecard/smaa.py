"""SMAA (Lahdelma & Salminen): how often each provider takes each rank when the weights are only
known as ranges or an order of importance, and, optionally, the scores as the evaluators' spread.

Weights are drawn uniformly from the constrained simplex (exponential spacings; an order of all
dimensions by sorting, which is exactly uniform on that cone; ranges by rejection). When the
region is a point or a segment and the scores are fixed, acceptabilities are exact: the ranking
changes only where two totals cross, and those points are roots of linear equations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel

from ingest import InputError
from scorecard.dimensions import DIMENSION_KEYS
from scorecard.robustness import triangular
from scorecard.weight_space import WeightSpace, check_space, sample_weights, segment

CLEAR_WINNER = 0.80  # the leader must rank first in at least 80% of the weight space
DEFAULT_DRAWS = 10_000
MAX_DRAWS = 1_000_000
CONFIDENCE_DRAWS = 2_000
DRAW_BUDGET = 2_500_000  # provider-draws per scorecard: 10,000 draws up to 250 providers


def _ordered(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(order, pos) per row: order[n, j] is the provider in place j, pos[n, j] its 0-based
    competition rank (ties share the better rank); values rounded to 1e-9 first.

    Totals rounded to 1e-9 are integers, so each row sorts as one int64 key per provider
    (minus the total in the high bits, the provider in the low bits): a plain SIMD sort, several
    times faster than an argsort, with the same order and ties.
    """
    n, p = values.shape
    q = values * -1e9
    np.rint(q, out=q)
    bits = max(1, (p - 1).bit_length())
    if p and max(float(q.max()), -float(q.min())) < 2.0 ** (62 - bits):
        key = q.astype(np.int64)
        key <<= bits
        key |= np.arange(p, dtype=np.int64)
        key.sort(axis=1)
        order = key & ((1 << bits) - 1)
        s = key >> bits
    else:  # totals too large to pack with the provider: sort indices instead
        order = np.argsort(q, axis=1)
        s = np.take_along_axis(q, order, axis=1)
    tied = s[:, 1:] == s[:, :-1]
    pos = np.broadcast_to(np.arange(p), (n, p))
    if tied.any():
        start = np.ones((n, p), dtype=bool)
        start[:, 1:] = ~tied
        pos = np.maximum.accumulate(np.where(start, pos, 0), axis=1)
    return order, pos


def _ranks(values: np.ndarray) -> np.ndarray:
    """0-based competition ranks per row, in the providers' order."""
    order, pos = _ordered(values)
    ranks = np.empty(order.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, pos, axis=1)
    return ranks


class SmaaResult(BaseModel):
    """Rank acceptabilities, central weights, confidence factors and the verdict."""

    providers: list[str]
    dimensions: list[str]
    space: WeightSpace
    method: str
    draws: int
    seed: int | None
    rank_acceptability: dict[str, list[float]]
    central_weights: dict[str, dict[str, float] | None]
    confidence: dict[str, float | None]
    leader: str | None
    leader_acceptability: float
    verdict: str
    threshold: float = CLEAR_WINNER

    def to_payload(self) -> dict[str, Any]:
        """What `annogov smaa --format json` and the `smaa` part of `annogov score` print."""
        return {
            "method": self.method,
            "weights": self.space.describe(),
            "ranges": {k: list(v) for k, v in self.space.ranges.items()},
            "order": self.space.order,
            "draws": self.draws,
            "seed": self.seed,
            "threshold": self.threshold,
            "leader": self.leader,
            "leader_acceptability": round(self.leader_acceptability, 6),
            "verdict": self.verdict,
            "providers": [
                {"name": p,
                 "rank_acceptability": [round(x, 6) for x in self.rank_acceptability[p]],
                 "first_rank": round(self.rank_acceptability[p][0], 6),
                 "central_weights": None if self.central_weights[p] is None else
                 {k: round(100 * v, 4) for k, v in self.central_weights[p].items()},  # type: ignore[union-attr]
                 "confidence": None if self.confidence[p] is None else round(self.confidence[p], 6)}  # type: ignore[arg-type]
                for p in self.providers],
        }


def _verdict(names: Sequence[str], first: np.ndarray) -> tuple[str | None, float, str]:
    if len(names) == 0:
        return None, 0.0, "no complete provider to rank"
    k = int(np.argmax(first))
    share = float(first[k])
    if share >= CLEAR_WINNER - 1e-12:
        return names[k], share, (f"clear winner: {names[k]} ranks first in {share:.0%} of the weight "
                                 f"space (threshold {CLEAR_WINNER:.0%})")
    second = sorted(first)[-2] if len(first) > 1 else 0.0
    return names[k], share, (f"fragile winner: {names[k]} ranks first in only {share:.0%} of the "
                             f"weight space (threshold {CLEAR_WINNER:.0%}; next best {second:.0%}): "
                             "no clear winner")


def _confidence(scores: np.ndarray, low: np.ndarray | None, high: np.ndarray | None,
                central: np.ndarray, has: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """P(provider ranks first at its own central weights), scores drawn from the spread."""
    p = scores.shape[0]
    out = np.full(p, np.nan)
    if low is None or high is None:
        v = np.round(scores @ central.T, 9)  # P x P: provider q's total at p's central weights
        out[has] = (v[has, has] >= v[:, has].max(axis=0))
        return out
    wins = np.zeros(p)
    step = max(1, 4_000_000 // max(1, p * p))
    for start in range(0, CONFIDENCE_DRAWS, step):
        m = min(step, CONFIDENCE_DRAWS - start)
        f32 = np.float32
        s = triangular(rng, low.astype(f32), scores.astype(f32), high.astype(f32), m)  # m x P x D
        v = np.matmul(s, central.T.astype(f32), dtype=np.float64)  # m x Q x P
        wins += (v[:, np.arange(p), np.arange(p)] >= v.max(axis=1) - 1e-9).sum(axis=0)
    out[has] = wins[has] / CONFIDENCE_DRAWS
    return out


def smaa(
    names: Sequence[str],
    scores: np.ndarray,
    keys: Sequence[str],
    space: WeightSpace,
    *,
    low: np.ndarray | None = None,
    high: np.ndarray | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = 0,
    source: str = "weights",
) -> SmaaResult:
    """SMAA-2 over P providers x D dimension scores; `low`/`high` (P x D) add the evaluators'
    spread as triangular draws around the consensus score."""
    if not 1 <= draws <= MAX_DRAWS:
        raise InputError.at(f"draws must be between 1 and {MAX_DRAWS:,}, got {draws}", source)
    x = np.asarray(scores, dtype=np.float64)
    p, d = x.shape
    bounds = check_space(space, list(keys), source)
    if p == 0:
        return SmaaResult(providers=[], dimensions=list(keys), space=space, method="no complete provider",
                          draws=0, seed=None, rank_acceptability={}, central_weights={}, confidence={},
                          leader=None, leader_acceptability=0.0, verdict=_verdict([], np.zeros(0))[2])
    spread = low is not None and high is not None and bool((np.asarray(high) > np.asarray(low)).any())
    seg = None if spread else segment(space, list(keys), bounds)
    rng = np.random.default_rng(seed)
    acc = np.zeros((p, p))
    win_weight = np.zeros((p, d))
    wins = np.zeros(p)
    if seg is not None:
        base, direction, t_lo, t_hi = seg
        a, b = x @ base, x @ direction  # total_p(t) = a_p + b_p t: crossings are exact
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = (a[:, None] - a[None, :]) / (b[None, :] - b[:, None])
        cuts = np.unique(np.concatenate([[t_lo, t_hi], cross[np.isfinite(cross)
                                                            & (cross > t_lo) & (cross < t_hi)]]))
        if t_hi > t_lo:
            mids, lengths = (cuts[:-1] + cuts[1:]) / 2, np.diff(cuts) / (t_hi - t_lo)
        else:
            mids, lengths = np.array([t_lo]), np.array([1.0])
        ranks = _ranks(a[None, :] + mids[:, None] * b[None, :])
        for r, length, t in zip(ranks, lengths, mids, strict=True):
            acc[np.arange(p), r] += length
            top = r == 0
            wins[top] += length
            # the mean weight over a sub-segment is its midpoint
            win_weight[top] += length * (base + t * direction)
        method = "exact: the weight region is a point or a segment, so the ranks change only " \
                 "where two totals cross"
        used = 0
    else:
        w = sample_weights(space, list(keys), draws, rng, source)
        if spread:
            assert low is not None and high is not None
            f32 = np.float32  # float32 scores halve the cost of the draws; totals stay float64
            s = triangular(rng, np.asarray(low, dtype=f32), x.astype(f32), np.asarray(high, dtype=f32), draws)
            values = np.matmul(s, w[:, :, None].astype(f32), dtype=np.float64)[:, :, 0]
        else:
            values = w @ x.T
        order, pos = _ordered(values)
        cell = order * p
        cell += pos
        counts = np.bincount(cell.ravel(), minlength=p * p)
        acc = counts.reshape(p, p) / draws
        if p < 2 or pos[:, 1].all():  # no tie for first anywhere: column 0 holds every winner
            at, first = np.arange(draws), order[:, 0]
        else:  # every provider sharing first place wins that draw
            at, col = np.nonzero(pos == 0)
            first = order[at, col]
        wins = np.bincount(first, minlength=p) / draws
        win_weight = np.stack([np.bincount(first, weights=w[at, k], minlength=p) for k in range(d)],
                              axis=1) / draws
        method = (f"{draws:,} seeded draws (seed {seed}) of weights uniform over the allowed "
                  "region" + (", scores drawn from each evaluator range (triangular around the "
                              "consensus)" if spread else ""))
        used = draws
    has = wins > 0
    central = np.zeros((p, d))
    central[has] = win_weight[has] / wins[has, None]
    conf = _confidence(x, low if spread else None, high if spread else None, central, has, rng)
    leader, share, verdict = _verdict(list(names), acc[:, 0] if p else np.zeros(0))
    return SmaaResult(
        providers=list(names), dimensions=list(keys), space=space, method=method, draws=used,
        seed=seed if used else None,
        rank_acceptability={n: [float(v) for v in acc[i]] for i, n in enumerate(names)},
        central_weights={n: ({k: float(central[i, j]) for j, k in enumerate(keys)} if has[i] else None)
                         for i, n in enumerate(names)},
        confidence={n: (float(conf[i]) if has[i] else None) for i, n in enumerate(names)},
        leader=leader, leader_acceptability=share, verdict=verdict)


def smaa_of_scorecard(payload: Mapping[str, Any], space: WeightSpace, *, draws: int = DEFAULT_DRAWS,
                      seed: int | None = 0, spread: bool = True, source: str = "weights") -> SmaaResult:
    """SMAA over a scorecard payload's complete providers: their (capped) dimension scores and,
    with `spread`, each dimension's evaluator range clipped to the cap, exactly as scored. A very
    large scorecard gets fewer draws (never below 1,000; the method says how many). Providers a
    knock-out excludes are left out: they cannot win, whatever the weights."""
    keys = list(payload.get("weights") or DIMENSION_KEYS)
    done = [pr for pr in payload["providers"] if pr["complete"] and pr.get("eligible", True)]
    draws = min(draws, max(1_000, DRAW_BUDGET // max(1, len(done))))
    x = np.array([[pr["dimensions"][k]["score"] for k in keys] for pr in done], dtype=np.float64).reshape(-1, len(keys))
    low = high = None
    if spread:
        lows, highs = [], []
        for pr in done:
            for k in keys:
                dim = pr["dimensions"][k]
                given = [*dim["evaluators"].values(), dim["score"]]
                lows.append(min(given))
                highs.append(dim["score"] if "uncapped" in dim else max(given))  # a cap is a ceiling
        low = np.array(lows, dtype=np.float64).reshape(-1, len(keys))
        high = np.array(highs, dtype=np.float64).reshape(-1, len(keys))
    return smaa([pr["name"] for pr in done], x, keys, space, low=low, high=high, draws=draws,
                seed=seed, source=source)
