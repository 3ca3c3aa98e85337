"""What is known about the weights, and weights drawn uniformly from it: ranges per dimension
and/or an order of importance (percent, summing to 100). The exponential-spacings simplex sampler
is exactly uniform; a full order is sorted into place (exact on that cone); ranges and a partial
order are met by rejection. A region that is a point or a segment is returned as such, so SMAA can
answer exactly there."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ingest import InputError, Location, Problem

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
    # the shifted simplex already keeps every weight at or above its low: only binding highs count
    binding = np.flatnonzero(~fixed & (bounds[:, 1] < lo + free - 1e-12))
    highs = bounds[binding, 1] + 1e-12
    out: list[np.ndarray] = []
    got, tried = 0, 0
    batch = n
    while got < n:
        if full_order:
            w = np.empty((batch, d))
            w[:, order] = -np.sort(-_simplex(rng, batch, d), axis=1)
        else:  # shifted simplex over the open weights: only upper bounds and order need rejection
            w = np.empty((batch, d))
            w[:, fixed] = lo[fixed]
            if open_.size:
                w[:, open_] = _simplex(rng, batch, open_.size)
                w[:, open_] *= free
                w[:, open_] += lo[open_]
        ok = np.ones(batch, dtype=bool)
        for j, high in zip(binding, highs, strict=True):
            ok &= w[:, j] <= high
        for a, b in zip(order, order[1:], strict=False) if not full_order else ():
            ok &= w[:, a] >= w[:, b]
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


def segment(space: WeightSpace, keys: Sequence[str], bounds: np.ndarray) -> Segment | None:
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
