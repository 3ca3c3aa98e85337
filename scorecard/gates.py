"""The rubric's policy table applied: each raised red flag or low score gets its one consequence."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from scorecard.dimensions import BANDS
from scorecard.rubric import Gate, Rubric


@dataclass(frozen=True)
class FiredGate:
    """A gate that applied to one provider, with what it did."""

    id: str
    dimension: str
    effect: str
    reason: str
    detail: str

    def to_payload(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class RaisedFlag:
    """A red flag raised for one provider, its policy and every source that raised it."""

    key: str
    text: str
    dimension: str
    effect: str
    policy: str
    sources: tuple[str, ...]

    def to_payload(self) -> dict[str, str]:
        return {
            "key": self.key,
            "text": self.text,
            "dimension": self.dimension,
            "effect": self.effect,
            "policy": self.policy,
            "source": "; ".join(self.sources),
        }


def raised_flags(rubric: Rubric, raised: dict[str, list[str]]) -> list[RaisedFlag]:
    """Each raised flag the rubric knows (key -> sources) with its policy, in dimension order."""
    out = []
    for key, sources in raised.items():
        gate = rubric.policy(key)
        policy = gate.policy_text(rubric.dimension(gate.dimension).name)
        out.append(RaisedFlag(key, rubric.flag_text(key), gate.dimension, gate.effect, policy, tuple(sources)))
    return out


def unmapped(dimension: str, code: str, reason: str, source: str) -> RaisedFlag:
    """A contract finding the rubric does not map to a red flag: shown, with no effect."""
    policy = "shown, no effect on the score (the rubric maps this finding to no red flag)"
    return RaisedFlag(code, reason, dimension, "show", policy, (source,))


def in_order(flags: list[RaisedFlag], keys: tuple[str, ...]) -> list[RaisedFlag]:
    """Flags in the rubric's dimension order, then by key."""
    return sorted(flags, key=lambda f: (keys.index(f.dimension) if f.dimension in keys else len(keys), f.key))


def _reason(gate: Gate, slot_score: float) -> str:
    """Why a gate fired for a provider it applies to."""
    if gate.when == "red_flag":
        return f"red flag {gate.red_flag!r}"
    target = f"{gate.dimension}.{gate.criterion}" if gate.criterion else gate.dimension
    return f"{target} scored {slot_score:.2f}, below the floor of {gate.floor:g}"


@dataclass
class GateOutcome:
    """Caps (P x D, inf where none), the highest band index each provider may hold (P), whether
    it is knocked out (P) and the gates that fired per provider."""

    caps: np.ndarray
    band_limit: np.ndarray
    knocked_out: np.ndarray
    fired: list[list[FiredGate]]


def apply_gates(
    rubric: Rubric,
    dims: np.ndarray,
    slot_lookup: dict[tuple[str, str | None], np.ndarray],
    flags: list[list[RaisedFlag]],
) -> GateOutcome:
    """Every gate of the rubric with an effect, applied once per provider it concerns. Floors are
    checked on the score before any cap; a missing (NaN) score is never below a floor."""
    n = dims.shape[0]
    out = GateOutcome(
        np.full(dims.shape, np.inf), np.full(n, len(BANDS) - 1), np.zeros(n, bool), [[] for _ in range(n)]
    )
    keys = rubric.keys
    raised_by: dict[str, list[int]] = {}
    for p, found in enumerate(flags):
        for f in found:
            raised_by.setdefault(f.key, []).append(p)
    for gate in rubric.gates:
        if gate.effect == "show":
            continue
        d = keys.index(gate.dimension)
        values = slot_lookup.get((gate.dimension, gate.criterion), dims[:, d])
        if gate.when == "red_flag":
            applies = raised_by.get(gate.red_flag or "", [])
        else:
            applies = np.flatnonzero(values < (gate.floor or 0)).tolist()
        for p in applies:
            why = _reason(gate, float(values[p]))
            if gate.when == "red_flag":
                raised = next(f for f in flags[p] if f.key == gate.red_flag)
                why += f" ({'; '.join(raised.sources)})"
            if gate.effect == "cap_dimension" and gate.cap is not None:
                out.caps[p, d] = min(out.caps[p, d], gate.cap)
                verb = "capped at" if dims[p, d] > gate.cap else "already at or below"
                why += f"; {gate.dimension} {verb} {gate.cap:g}"
            elif gate.effect == "force_band":
                out.band_limit[p] = min(out.band_limit[p], BANDS.index(gate.band or BANDS[0]))
                why += f"; band at most {gate.band}"
            else:
                out.knocked_out[p] = True
                out.band_limit[p] = 0
                why += "; knocked out: ranked after every eligible provider"
            out.fired[p].append(FiredGate(gate.id, gate.dimension, gate.effect, gate.reason, why))
    return out
