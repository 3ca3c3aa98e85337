"""Weight elicitation: AHP pairwise matrices (eigenvector weights, Saaty's consistency ratio, the
most inconsistent pair), geometric-mean panel aggregation and swing weights.

Everything here is plain arithmetic over small matrices; reading files lives in
`scorecard.elicitation`, so the same functions serve the CLI, the app and the tests.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from ingest import InputError, Location, Problem

# Saaty (1980), Table of random consistency indices for reciprocal matrices of order n
SAATY_RI: dict[int, float] = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32,
                              8: 1.41, 9: 1.45, 10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56,
                              14: 1.57, 15: 1.59}
CR_THRESHOLD = 0.10
RECIPROCAL_TOLERANCE = 0.01  # a_ij * a_ji may be off by 1% (judgements typed as 0.33 for 1/3)
SCALE_MIN, SCALE_MAX = 1 / 9, 9.0


class InconsistentPair(BaseModel):
    """The judgement that deviates most from the ratio its own weights imply."""

    model_config = ConfigDict(frozen=True)

    row: str
    column: str
    judged: float
    implied: float


class AhpResult(BaseModel):
    """One pairwise matrix's weights (summing to 1) and its consistency."""

    model_config = ConfigDict(frozen=True)

    criteria: list[str]
    weights: dict[str, float]
    lambda_max: float
    consistency_index: float
    random_index: float
    consistency_ratio: float | None
    consistent: bool
    most_inconsistent: InconsistentPair | None

    def summary(self) -> str:
        """One line: CR with the verdict and the pair to revisit."""
        if self.consistency_ratio is None:
            return "consistency ratio undefined for fewer than 3 criteria"
        text = f"CR {self.consistency_ratio:.3f}"
        if self.consistent:
            return text + f" (at most {CR_THRESHOLD:.2f}: acceptable)"
        pair = self.most_inconsistent
        assert pair is not None
        return (text + f" (above {CR_THRESHOLD:.2f}: revisit {pair.row} vs {pair.column}, judged "
                f"{pair.judged:.3g}, the other judgements imply {pair.implied:.3g})")


def check_pairwise(matrix: np.ndarray, criteria: Sequence[str], source: str = "matrix",
                   sheet: str | None = None) -> np.ndarray:
    """The matrix as float64 if it is square, positive, 1 on the diagonal and reciprocal; else a
    located InputError naming every bad cell (row = the row criterion, column = the column one)."""
    a = np.asarray(matrix, dtype=np.float64)
    n = len(criteria)
    if a.ndim != 2 or a.shape != (n, n):
        raise InputError.at(f"a pairwise matrix over {n} criteria must be {n} x {n}, got "
                            f"{' x '.join(map(str, a.shape))}", source, sheet=sheet)
    problems: list[Problem] = []

    def where(i: int, j: int) -> Location:
        return Location(source, sheet, None, f"{criteria[i]} / {criteria[j]}")

    for i in range(n):
        for j in range(n):
            v = a[i, j]
            if not math.isfinite(v) or v <= 0:
                problems.append(Problem(where(i, j), f"judgement must be a positive number, got {v:g}"))
            elif i == j and abs(v - 1) > 1e-9:
                problems.append(Problem(where(i, j), f"a criterion compared with itself is 1, got {v:g}"))
            elif i < j and math.isfinite(a[j, i]) and a[j, i] > 0 and abs(v * a[j, i] - 1) > RECIPROCAL_TOLERANCE:
                problems.append(Problem(where(i, j), f"not reciprocal: {criteria[i]} vs {criteria[j]} is "
                                        f"{v:g} but {criteria[j]} vs {criteria[i]} is {a[j, i]:g} "
                                        f"(expected {1 / v:.4g})"))
    if problems:
        raise InputError(problems)
    return a


def from_upper(criteria: Sequence[str], judgements: Mapping[tuple[str, str], float],
               source: str = "judgements") -> np.ndarray:
    """A full reciprocal matrix from judgements (a, b) -> how much more a matters than b; each
    unordered pair exactly once."""
    index = {c: i for i, c in enumerate(criteria)}
    n = len(criteria)
    a = np.eye(n)
    seen: set[frozenset[str]] = set()
    problems = []
    for (x, y), value in judgements.items():
        loc = Location(source, None, None, f"{x} / {y}")
        if x not in index or y not in index or x == y:
            problems.append(Problem(loc, f"unknown or repeated criterion in {x!r} vs {y!r}; "
                                    f"expected two of {', '.join(criteria)}"))
            continue
        if frozenset((x, y)) in seen:
            problems.append(Problem(loc, f"{x} vs {y} is judged twice"))
            continue
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            problems.append(Problem(loc, f"judgement must be a positive number, got {value!r}"))
            continue
        seen.add(frozenset((x, y)))
        a[index[x], index[y]] = value
        a[index[y], index[x]] = 1 / value
    missing = [f"{criteria[i]} / {criteria[j]}" for i in range(n) for j in range(i + 1, n)
               if frozenset((criteria[i], criteria[j])) not in seen]
    problems += [Problem(Location(source, None, None, m), "no judgement for this pair") for m in missing]
    if problems:
        raise InputError(problems)
    return a


def principal_eigenvector(a: np.ndarray) -> tuple[np.ndarray, float]:
    """(weights summing to 1, lambda_max) of a positive matrix (Perron root, real and simple)."""
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    w /= w.sum()
    return w, float(values[k].real)


def _most_inconsistent(a: np.ndarray, w: np.ndarray, criteria: Sequence[str]) -> InconsistentPair:
    """Largest |log(a_ij w_j / w_i)| over i < j: the judgement furthest from what the weights imply."""
    implied = w[:, None] / w[None, :]
    error = np.abs(np.log(a / implied))
    error[np.tril_indices(len(w))] = -1
    i, j = (int(v) for v in np.unravel_index(int(np.argmax(error)), error.shape))
    return InconsistentPair(row=criteria[i], column=criteria[j], judged=float(a[i, j]),
                            implied=float(implied[i, j]))


def ahp(matrix: np.ndarray, criteria: Sequence[str], source: str = "matrix") -> AhpResult:
    """Eigenvector weights and Saaty's CR = ((lambda_max - n) / (n - 1)) / RI(n); flagged above 0.10."""
    a = check_pairwise(matrix, criteria, source)
    n = len(criteria)
    if n not in SAATY_RI:
        raise InputError.at(f"{n} criteria: Saaty's random index is published for 1 to "
                            f"{max(SAATY_RI)} only", source)
    w, lam = principal_eigenvector(a)
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ci = max(ci, 0.0)  # lambda_max >= n for positive reciprocal matrices; clip float noise
    ri = SAATY_RI[n]
    cr = ci / ri if ri > 0 else None
    consistent = cr is None or cr <= CR_THRESHOLD
    return AhpResult(
        criteria=list(criteria), weights={c: float(x) for c, x in zip(criteria, w, strict=True)},
        lambda_max=lam, consistency_index=ci, random_index=ri, consistency_ratio=cr,
        consistent=consistent,
        most_inconsistent=_most_inconsistent(a, w, criteria) if n > 2 else None)


def geometric_mean_matrix(matrices: Sequence[np.ndarray], weights: Sequence[float] | None = None) -> np.ndarray:
    """Element-wise (weighted) geometric mean of individual judgements (Aczél-Saaty AIJ): the
    only aggregate that keeps the panel matrix reciprocal."""
    stack = np.log(np.stack([np.asarray(m, dtype=np.float64) for m in matrices]))
    v = np.ones(len(matrices)) if weights is None else np.asarray(weights, dtype=np.float64)
    return np.asarray(np.exp(np.tensordot(v / v.sum(), stack, axes=1)))


def swing_weights(points: Mapping[str, float], source: str = "swing") -> dict[str, float]:
    """Swing weights: the most important swing scores 100, every other 0-100 relative to it;
    weights are the points over their sum."""
    problems = [Problem(Location(source, None, None, k), f"swing points must be 0 to 100, got {v!r}")
                for k, v in points.items()
                if not (isinstance(v, int | float) and math.isfinite(v) and 0 <= v <= 100)]
    if not problems and max(points.values(), default=0) != 100:
        problems.append(Problem(Location(source), "the most important swing must score 100"))
    if problems:
        raise InputError(problems)
    total = float(sum(points.values()))
    return {k: float(v) / total for k, v in points.items()}


def to_percent(weights: Mapping[str, float], decimals: int = 2) -> dict[str, float]:
    """Weights summing to 1 as percentages rounded to `decimals` that still sum to exactly 100
    (largest remainder), as a rubric needs."""
    unit = 10 ** decimals
    raw = {k: v * 100 * unit / sum(weights.values()) for k, v in weights.items()}
    floors = {k: math.floor(v) for k, v in raw.items()}
    short = 100 * unit - sum(floors.values())
    for k in sorted(raw, key=lambda k: floors[k] - raw[k])[:short]:
        floors[k] += 1
    return {k: v / unit for k, v in floors.items()}
