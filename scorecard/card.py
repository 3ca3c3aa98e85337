"""Score a sheet: consensus, gates, totals, bands, ranking, flags and robustness in one result."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from scorecard.consensus import Consensus, Method, consensus
from scorecard.dimensions import BANDS, band_of, formula_text
from scorecard.evidence import Suggestion, assess_evidence, merge_suggestion
from scorecard.gates import FiredGate, RaisedFlag, apply_gates, in_order, raised_flags, unmapped
from scorecard.robustness import (
    Robustness,
    band_probabilities,
    boundary_moves,
    pair_swaps,
)
from scorecard.sheet import GENERAL, ScoreSheet


def _rounded_lists(*arrays: np.ndarray, digits: int = 6) -> list[list[Any]]:
    """Arrays as nested lists rounded (6 decimals unless told), NaN (missing) as None; vectorised
    because a scorecard may hold 10,000 providers."""
    out = []
    for array in arrays:
        rounded = np.round(array, digits).astype(object)
        rounded[np.isnan(array)] = None
        out.append(rounded.tolist())
    return out


@dataclass
class Flag:
    kind: str
    message: str
    dimension: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {"kind": self.kind, "dimension": self.dimension, "message": self.message}


@dataclass
class ProviderResult:
    name: str
    total: float | None
    band: str | None
    rank: int | None
    complete: bool
    dimensions: dict[str, dict[str, Any]]
    gates: list[FiredGate] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    red_flags: list[RaisedFlag] = field(default_factory=list)
    eligible: bool = True

    @property
    def excluded_by(self) -> list[str]:
        """The reasons of the knock-out gates that exclude this provider."""
        return [g.reason for g in self.gates if g.effect == "knock_out"]

    def to_payload(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "total": self.total,
            "band": self.band,
            "rank": self.rank,
            "complete": self.complete,
            "eligible": self.eligible,
            "excluded_by": self.excluded_by,
            "dimensions": self.dimensions,
            "red_flags": [f.to_payload() for f in self.red_flags],
            "gates": [g.to_payload() for g in self.gates],
            "flags": [f.to_payload() for f in self.flags],
        }


@dataclass
class ScorecardResult:
    weights: dict[str, float]
    method: str
    providers: list[ProviderResult]
    robustness: Robustness
    band_floors: tuple[float, float] = (60.0, 75.0)
    criteria: dict[str, dict[str, float]] = field(default_factory=dict)
    policies: list[dict[str, object]] = field(default_factory=list)
    guide: list[dict[str, object]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    def ranked(self) -> list[ProviderResult]:
        """Complete providers by rank, then incomplete ones in input order."""
        done = sorted((p for p in self.providers if p.rank is not None), key=lambda p: (p.rank, p.name))
        return done + [p for p in self.providers if p.rank is None]

    def to_payload(self) -> dict[str, Any]:
        return {
            "formula": formula_text(self.band_floors),
            "weights": self.weights,
            "dimension_names": self.names,
            "band_floors": list(self.band_floors),
            "criteria": self.criteria,
            "policies": self.policies,
            "guide": self.guide,
            "consensus": self.method,
            "providers": [p.to_payload() for p in self.ranked()],
            "robustness": self.robustness.to_payload(),
        }


def _flags(
    sheet: ScoreSheet, cons: Consensus, suggestions: list[dict[str, Suggestion]], problems: list[list[str]]
) -> list[list[Flag]]:
    out: list[list[Flag]] = [[] for _ in sheet.providers]
    threshold = sheet.rubric.disagreement_threshold
    scored_any = ~np.isnan(sheet.scores).all(axis=2)  # P x E: evaluator scored this provider
    for p, s in zip(*np.nonzero(cons.slot_spread >= threshold - 1e-9), strict=True):
        values = sheet.scores[p, :, s]
        given = {sheet.evaluators[e]: float(v) for e, v in enumerate(values) if not np.isnan(v)}
        lo, hi = min(given, key=given.__getitem__), max(given, key=given.__getitem__)
        out[p].append(
            Flag(
                "calibration",
                f"Evaluators differ by {given[hi] - given[lo]:g} points on {sheet.slots[s].label} "
                f"({lo}: {given[lo]:g}, {hi}: {given[hi]:g}); worth a calibration talk",
                sheet.slots[s].dimension,
            )
        )
    names, keys = sheet.rubric.names, sheet.rubric.keys
    for d, key in enumerate(keys):
        missing = np.isnan(cons.dims[:, d])
        for p in np.flatnonzero(missing):
            out[p].append(Flag("missing", f"No score for {names[key]}: the total is withheld", key))
        # an evaluator who scored the provider but skipped a dimension others scored
        skipped = scored_any & np.isnan(cons.evaluator_dims[:, :, d]) & ~missing[:, None]
        for p, e in zip(*np.nonzero(skipped), strict=True):
            out[p].append(
                Flag("partial", f"{sheet.evaluators[e]} left {names[key]} (or one of its criteria) blank", key)
            )
    comments_of: dict[int, list[tuple[int, str]]] = {}  # indexed once: 10,000 providers, thousands of comments
    for (p, _e, s), text in sheet.comments.items():
        comments_of.setdefault(p, []).append((s, text))
    for p, by_dim in enumerate(suggestions):
        for dim_key, sug in by_dim.items():
            d = keys.index(dim_key)
            score = cons.dims[p, d]
            if np.isnan(score) or abs(score - sug.score) < 1:
                continue
            comments = [c for s, c in comments_of.get(p, []) if s == GENERAL or sheet.slots[s].dimension == dim_key]
            if comments:
                out[p].append(
                    Flag(
                        "override",
                        f"{names[dim_key]} scored {score:.2f} against a suggested "
                        f"{sug.score:g} ({'; '.join(sug.reasons)}); evaluators' reason: {comments[0]}",
                        dim_key,
                    )
                )
            else:
                out[p].append(
                    Flag(
                        "unexplained_override",
                        f"{names[dim_key]} scored {score:.2f} but the "
                        f"evidence suggests {sug.score:g} ({'; '.join(sug.reasons)}) and no comment says why",
                        dim_key,
                    )
                )
        out[p] += [Flag("evidence_problem", msg) for msg in problems[p]]
    return out


def score_sheet(
    sheet: ScoreSheet,
    method: Method = "mean",
    *,
    as_of: date | None = None,
    simulations: int = 1000,
    seed: int = 0,
) -> ScorecardResult:
    """Everything the scorecard says about a set of providers."""
    as_of = as_of or date.today()
    rubric = sheet.rubric
    keys = rubric.keys
    weights = np.array([rubric.weights[k] for k in keys])
    cons = consensus(sheet, method)

    evidence = [assess_evidence(rubric, kpis, as_of) if kpis else None for kpis in sheet.kpis]
    suggestions = [ev.suggestions if ev else {} for ev in evidence]
    problems = [ev.problems if ev else [] for ev in evidence]
    red_flags = [_raise_flags(sheet, p, ev.red_flags if ev else {}, suggestions[p]) for p, ev in enumerate(evidence)]

    slot_lookup = {(s.dimension, s.criterion): cons.slot_scores[:, i] for i, s in enumerate(sheet.slots)}
    gated = apply_gates(rubric, cons.dims, slot_lookup, red_flags)
    caps, fired = gated.caps, gated.fired
    dims = np.minimum(cons.dims, caps)  # NaN (missing) stays NaN
    capped = dims < cons.dims
    low = np.fmin(np.fmin(cons.low, dims), caps)
    high = np.fmin(np.fmax(cons.high, dims), caps)

    complete = ~np.isnan(dims).any(axis=1)
    eligible = complete & ~gated.knocked_out
    totals = np.where(complete, np.nan_to_num(dims) @ weights / 5.0, np.nan)
    ranks = np.full(len(sheet.providers), -1)
    order = np.zeros(0, dtype=int)
    for group in (eligible, complete & gated.knocked_out):  # knock-outs rank after every eligible provider
        members = np.flatnonzero(group)
        group_order = members[np.argsort(-totals[members], kind="stable")]
        sorted_totals = np.round(totals[group_order], 9)
        ranks[group_order] = np.searchsorted(-sorted_totals, -sorted_totals, side="left") + 1 + order.size
        order = np.concatenate([order, group_order])
    eligible_order = order[: int(eligible.sum())]

    flags = _flags(sheet, cons, suggestions, problems)
    # scores keep 12 decimals: a mean of 11/3 written as 3.666667 would move a total of exactly 75
    # below 75 wherever it is recomputed (the workbook), 12 decimals stay within 1e-9 of the total
    table = _rounded_lists(dims, dims * weights / 5.0, cons.spread, cons.dims, digits=12)
    evaluator_scores = _rounded_lists(cons.evaluator_dims)[0]
    providers: list[ProviderResult] = []
    for p, name in enumerate(sheet.providers):
        dims_p, weighted_p, spread_p, uncapped_p = (column[p] for column in table)
        dimensions: dict[str, dict[str, Any]] = {}
        for d, key in enumerate(keys):
            entry: dict[str, Any] = {
                "score": dims_p[d],
                "weighted": weighted_p[d],
                "spread": spread_p[d],
                "evaluators": {
                    ev: row[d]
                    for ev, row in zip(sheet.evaluators, evaluator_scores[p], strict=True)
                    if row[d] is not None
                },
            }
            if key in suggestions[p]:
                entry["suggested"] = suggestions[p][key].score
            if np.isfinite(caps[p, d]):
                entry["cap"] = float(caps[p, d])
            if capped[p, d]:
                entry["uncapped"] = uncapped_p[d]
            dimensions[key] = entry
        ok = bool(complete[p])
        total = float(totals[p]) if ok else None
        providers.append(
            ProviderResult(
                name=name,
                total=round(total, 6) if total is not None else None,
                band=_band(total, int(gated.band_limit[p]), rubric.band_floors) if total is not None else None,
                rank=int(ranks[p]) if ok else None,
                complete=ok,
                dimensions=dimensions,
                gates=fired[p],
                flags=flags[p],
                red_flags=red_flags[p],
                eligible=bool(eligible[p]),
            )
        )

    floors = rubric.band_floors
    named = list(rubric.names.items())
    band_limit = gated.band_limit
    band_probs, top, used = band_probabilities(
        sheet.providers, dims, low, high, weights, band_limit, eligible, simulations, seed, floors
    )
    free = eligible & (band_limit == len(BANDS) - 1)  # a held band cannot move with the weights
    robustness = Robustness(
        pairs=pair_swaps(sheet.providers, np.nan_to_num(dims), weights, eligible_order, named),
        boundaries=boundary_moves(sheet.providers, np.nan_to_num(dims), weights, free, floors, named),
        band_probabilities=band_probs,
        top_probability=top,
        simulations=used,
        seed=seed,
    )
    criteria: dict[str, dict[str, float]] = {
        d.key: {c.key: c.weight for c in d.criteria} for d in rubric.dimensions if d.criteria
    }
    return ScorecardResult(
        rubric.weights,
        method,
        providers,
        robustness,
        rubric.band_floors,
        criteria,
        rubric.policy_table(),
        rubric.guide(),
        rubric.names,
    )


def _band(total: float, limit: int, floors: tuple[float, float]) -> str:
    """The band the total earns under the rubric's floors, held at or below the gates' limit."""
    return BANDS[min(BANDS.index(band_of(total, floors)), limit)]


def _raise_flags(
    sheet: ScoreSheet, p: int, from_kpis: dict[str, list[str]], suggestions: dict[str, Suggestion]
) -> list[RaisedFlag]:
    """Every red flag of provider p from every path (ticked, KPIs, outside findings) with its
    policy; outside suggestions are folded into `suggestions` in place."""
    rubric = sheet.rubric
    if not (sheet.red_flags[p] or from_kpis or sheet.external[p]):
        return []
    raised: dict[str, list[str]] = {key: ["ticked in the sheet"] for key in sorted(sheet.red_flags[p])}
    for key, readings in from_kpis.items():
        raised.setdefault(key, []).extend(readings)
    extra: list[RaisedFlag] = []
    for f in sheet.external[p]:
        if f.suggested is not None:
            merge_suggestion(suggestions, f.dimension, f.suggested, f"{f.source}: {f.reason} suggests {f.suggested:g}")
        if f.finding is None:
            continue
        flag = rubric.flag_for_finding(f.finding)
        if flag is None:
            extra.append(unmapped(f.dimension, f.finding, f.reason, f.source))
        else:
            raised.setdefault(flag, []).append(f"{f.source}: {f.finding} ({f.reason})")
    return in_order(raised_flags(rubric, raised) + extra, rubric.keys)
