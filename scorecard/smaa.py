"""SMAA (Lahdelma & Salminen): how often each provider takes each rank when the weights are only
known as ranges or an order of importance, and, optionally, the scores as the evaluators' spread.

Weights are drawn uniformly from the constrained simplex (exponential spacings; an order of all
dimensions by sorting, which is exactly uniform on that cone; ranges by rejection). When the
region is a point or a segment and the scores are fixed, acceptabilities are exact: the ranking
changes only where two totals cross, and those points are roots of linear equations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ingest import InputError, Location, Problem
from scorecard.robustness import triangular

CLEAR_WINNER = 0.80  # the leader must rank first in at least 80% of the weight space
DEFAULT_DRAWS = 10_000
MAX_DRAWS = 1_000_000
CONFIDENCE_DRAWS = 2_000
DRAW_BUDGET = 2_500_000  # provider-draws per scorecard: 10,000 draws up to 250 providers
_MIN_ACCEPTANCE = 1e-5


class WeightSpace(BaseModel):
    """What is known about the weights (percent): ranges per dimension and/or an order of
    importance, most important first (dimensions left out of the order are unconstrained)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    ranges: dict[str, tuple[float, float]] = Field(default_factory=dict)
    order: list[str] = Field(default_factory=list)

    def describe(self) -> str:
        """The constraints in words, for the payload and the reports."""
        parts = [f"{k} {lo:g}-{hi:g}" for k, (lo, hi) in self.ranges.items()]
        text = "weights uniform over every split summing to 100"
        if parts:
            text += "; ranges " + ", ".join(parts)
        if self.order:
            text += "; importance " + " >= ".join(self.order)
        return text


def check_space(space: WeightSpace, keys: Sequence[str], source: str = "weights") -> np.ndarray:
    """(D x 2) bounds as fractions; every impossible range or order located in an InputError."""
    problems: list[Problem] = []
    bounds = np.tile([0.0, 1.0], (len(keys), 1))
    for k, (lo, hi) in space.ranges.items():
        where = Location(source, None, None, k)
        if k not in keys:
            problems.append(Problem(where, f"unknown dimension; expected one of {', '.join(keys)}"))
        elif not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo <= hi <= 100):
            problems.append(Problem(where, f"a range needs 0 <= low <= high <= 100, got {lo:g}-{hi:g}"))
        else:
            bounds[keys.index(k)] = (lo / 100, hi / 100)
    for k in space.order:
        if k not in keys:
            problems.append(Problem(Location(source, None, None, "order"),
                                    f"unknown dimension {k!r}; expected one of {', '.join(keys)}"))
    if len(set(space.order)) != len(space.order):
        problems.append(Problem(Location(source, None, None, "order"), "a dimension appears twice"))
    if problems:
        raise InputError(problems)
    lo_sum, hi_sum = bounds[:, 0].sum(), bounds[:, 1].sum()
    if lo_sum > 1 + 1e-9 or hi_sum < 1 - 1e-9:
        raise InputError.at(f"impossible ranges: the lows add up to {lo_sum * 100:g} and the highs "
                            f"to {hi_sum * 100:g}; weights summing to 100 need lows <= 100 <= highs",
                            source, column="ranges")
    order = [keys.index(k) for k in space.order]
    for a, b in zip(order, order[1:], strict=False):
        if bounds[a, 1] < bounds[b, 0] - 1e-12:
            raise InputError.at(f"impossible: {keys[a]} is ranked above {keys[b]} but its highest "
                                f"weight {bounds[a, 1] * 100:g} is below {keys[b]}'s lowest "
                                f"{bounds[b, 0] * 100:g}", source, column="order")
    return bounds


def _simplex(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    """n points uniform on the unit simplex in d dimensions (normalised exponential spacings)."""
    e = rng.standard_exponential((n, d))
    e /= e.sum(axis=1, keepdims=True)
    return e


def sample_weights(space: WeightSpace, keys: Sequence[str], n: int, rng: np.random.Generator,
                   source: str = "weights") -> np.ndarray:
    """n x D weights (fractions) uniform over the region the constraints allow."""
    bounds = check_space(space, keys, source)
    d = len(keys)
    order = [keys.index(k) for k in space.order]
    lo = bounds[:, 0]
    fixed = bounds[:, 1] - lo <= 1e-12  # a range of one value pins that weight
    open_ = np.flatnonzero(~fixed)
    free = 1 - lo.sum()
    ranged = bool((bounds != [0.0, 1.0]).any())
    full_order = len(order) == d and not ranged  # sorting is exactly uniform on the ordered cone
    out: list[np.ndarray] = []
    got, tried = 0, 0
    batch = n
    while got < n:
        if full_order:
            w = np.empty((batch, d))
            w[:, order] = -np.sort(-_simplex(rng, batch, d), axis=1)
        else:  # shifted simplex over the open weights: only upper bounds and order need rejection
            w = np.tile(lo, (batch, 1))
            if open_.size:
                w[:, open_] += free * _simplex(rng, batch, open_.size)
        ok = np.ones(batch, dtype=bool)
        if ranged:
            ok &= ((w >= bounds[:, 0] - 1e-12) & (w <= bounds[:, 1] + 1e-12)).all(axis=1)
        if order and not full_order:
            ok &= (np.diff(w[:, order], axis=1) <= 0).all(axis=1)
        kept = w[ok]
        out.append(kept)
        got += len(kept)
        tried += batch
        rate = got / tried
        if tried >= 2_000_000 and rate < _MIN_ACCEPTANCE:
            raise InputError.at("the ranges and order leave (almost) no room: fewer than 1 in "
                                f"{int(1 / _MIN_ACCEPTANCE):,} weight splits satisfy them; widen "
                                "the ranges or drop the order", source, column="ranges")
        batch = int(min(4_000_000, max(1024, 1.2 * (n - got) / max(rate, 1e-6))))
    return np.concatenate(out)[:n]


Segment = tuple[np.ndarray, np.ndarray, float, float]


def _segment(space: WeightSpace, keys: Sequence[str], bounds: np.ndarray) -> Segment | None:
    """(base, direction, t_low, t_high) when the region is a point or a segment, else None."""
    open_ = np.flatnonzero(bounds[:, 1] - bounds[:, 0] > 1e-12)
    if len(open_) > 2:
        return None
    base = bounds[:, 0].copy()
    direction = np.zeros(len(keys))
    if len(open_) <= 1:
        if len(open_) == 1:
            base[open_[0]] = 1 - (base.sum() - base[open_[0]])
        return base, direction, 0.0, 0.0
    a, b = open_
    base[b] = 1 - base.sum() + base[b]  # t = 0: a at its low, b takes the rest
    direction[a], direction[b] = 1.0, -1.0
    t_lo = max(0.0, base[b] - bounds[b, 1])
    t_hi = min(bounds[a, 1] - bounds[a, 0], base[b] - bounds[b, 0])
    order = [keys.index(k) for k in space.order]
    for i, j in zip(order, order[1:], strict=False):  # w_i - w_j >= 0 is linear in t
        c0, c1 = base[i] - base[j], direction[i] - direction[j]
        if c1 > 0:
            t_lo = max(t_lo, -c0 / c1)
        elif c1 < 0:
            t_hi = min(t_hi, -c0 / c1)
        elif c0 < -1e-12:
            t_hi = -1.0
    if t_hi < t_lo - 1e-12:
        raise InputError.at("impossible: no weights summing to 100 satisfy both the ranges and "
                            "the order", "weights", column="order")
    return base, direction, t_lo, max(t_hi, t_lo)


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
    seg = None if spread else _segment(space, list(keys), bounds)
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
    large scorecard gets fewer draws (never below 1,000; the method says how many)."""
    from scorecard.dimensions import DIMENSION_KEYS

    keys = list(DIMENSION_KEYS)
    done = [pr for pr in payload["providers"] if pr["complete"]]
    draws = min(draws, max(1_000, DRAW_BUDGET // max(1, len(done))))
    x = np.array([[pr["dimensions"][k]["score"] for k in keys] for pr in done], dtype=np.float64).reshape(-1, len(keys))
    low = high = None
    if spread:
        lows, highs = [], []
        for pr in done:
            for k in keys:
                dim = pr["dimensions"][k]
                given = [*dim["evaluators"].values(), dim["score"]]
                capped = "uncapped" in dim  # a capped score cannot rise above its cap
                lows.append(min(given) if not capped else min(min(given), dim["score"]))
                highs.append(dim["score"] if capped else max(given))
        low = np.array(lows, dtype=np.float64).reshape(-1, len(keys))
        high = np.array(highs, dtype=np.float64).reshape(-1, len(keys))
    return smaa([pr["name"] for pr in done], x, keys, space, low=low, high=high, draws=draws,
                seed=seed, source=source)


def parse_space(ranges: str | None, order: str | None, source: str = "weights") -> WeightSpace:
    """`workforce=20-35,security=10-30` and `quality_sla>workforce>security` as a WeightSpace;
    malformed parts located under the option they came from."""
    problems: list[Problem] = []
    parsed: dict[str, tuple[float, float]] = {}
    for part in filter(None, (p.strip() for p in (ranges or "").split(","))):
        key, sep, span = part.partition("=")
        lo, dash, hi = span.strip().partition("-")
        try:
            if not sep or not dash:
                raise ValueError
            parsed[key.strip()] = (float(lo), float(hi))
        except ValueError:
            problems.append(Problem(Location(source, None, None, "--weight-ranges"),
                                    f"{part!r} is not dimension=low-high (e.g. workforce=20-35)"))
    keys = [k.strip() for k in (order or "").split(">") if k.strip()]
    if order and len(keys) < 2:
        problems.append(Problem(Location(source, None, None, "--weight-order"),
                                f"{order!r} needs at least two dimensions, most important first: a>b>c"))
    if problems:
        raise InputError(problems)
    return WeightSpace(ranges=parsed, order=keys)
