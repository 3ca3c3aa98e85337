"""Knock-out gates: policy that overrides arithmetic when a red flag or a low score says so."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from scorecard.dimensions import DIMENSION_KEYS
from scorecard.rubric import Gate, Rubric
from scorecard.sheet import ExternalFinding


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


def _reason(gate: Gate, slot_score: float) -> str:
    """Why a gate fired for a provider it applies to."""
    if gate.when == "red_flag":
        return f"red flag {gate.red_flag!r}"
    target = f"{gate.dimension}.{gate.criterion}" if gate.criterion else gate.dimension
    return f"{target} scored {slot_score:.2f}, below the floor of {gate.floor:g}"


def apply_gates(
    rubric: Rubric,
    dims: np.ndarray,
    slot_lookup: dict[tuple[str, str | None], np.ndarray],
    red_flags: list[set[str]],
) -> tuple[np.ndarray, np.ndarray, list[list[FiredGate]]]:
    """Caps per dimension and forced bands. Returns (caps P x D, inf where none; forced P bool;
    fired gates per provider). Floors are checked on the score before any cap; a missing (NaN)
    score is never below a floor."""
    caps = np.full(dims.shape, np.inf)
    forced = np.zeros(dims.shape[0], dtype=bool)
    fired: list[list[FiredGate]] = [[] for _ in range(dims.shape[0])]
    for gate in rubric.gates:
        d = DIMENSION_KEYS.index(gate.dimension)
        values = slot_lookup.get((gate.dimension, gate.criterion), dims[:, d])
        if gate.when == "red_flag":
            applies = [p for p, f in enumerate(red_flags) if gate.red_flag in f]
        else:
            applies = np.flatnonzero(values < (gate.floor or 0)).tolist()
        for p in applies:
            why = _reason(gate, float(values[p]))
            if gate.effect == "cap_dimension" and gate.cap is not None:
                caps[p, d] = min(caps[p, d], gate.cap)
                if dims[p, d] > gate.cap:
                    why += f"; {gate.dimension} capped at {gate.cap:g}"
                else:
                    why += f"; {gate.dimension} already at or below {gate.cap:g}"
            else:
                forced[p] = True
            fired[p].append(FiredGate(gate.id, gate.dimension, gate.effect, gate.reason, why))
    return caps, forced, fired


def apply_external(
    external: list[list[ExternalFinding]],
    dims: np.ndarray,
    caps: np.ndarray,
    forced: np.ndarray,
    fired: list[list[FiredGate]],
) -> None:
    """Apply caps and forced bands that outside evidence (a contract audit) carries, in place."""
    for p, findings in enumerate(external):
        for i, f in enumerate(findings):
            if f.cap is None and not f.force_material_risk:
                continue
            d = DIMENSION_KEYS.index(f.dimension)
            if f.force_material_risk:
                forced[p] = True
                effect, detail = "force_material_risk", f"{f.source}: {f.reason}"
            else:
                caps[p, d] = min(caps[p, d], f.cap)  # type: ignore[type-var]
                capped = dims[p, d] > f.cap  # type: ignore[operator]
                verb = "capped at" if capped else "already at or below"
                effect, detail = "cap_dimension", f"{f.source}: {f.reason}; {f.dimension} {verb} {f.cap:g}"
            fired[p].append(FiredGate(f"{f.source}-{i + 1}", f.dimension, effect, f.reason, detail))
