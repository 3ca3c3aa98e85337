"""The correlated switching-cost Monte Carlo (Iman-Conover over the example's four correlated
inputs, variance shares beside the tornado) against the floor of drawing the same random numbers
with numpy: one beta or triangular call per ranged input (issue target: ratio at most 3).

Run: python benchmarks/bench_switching_correlated.py [--scale 0.01] [--repeat 3]
Also prints the independent model's time, so the cost of the correlation itself is visible.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_switching_cost import floor  # noqa: E402

from migration.scenario_io import load_scenario  # noqa: E402
from migration.switching import switching_cost  # noqa: E402

DRAWS = 1_000_000
SCENARIO = Path(__file__).resolve().parents[1] / "examples" / "scenario-correlated.yaml"


def best_of(repeat: int, *fns: Callable[[], object]) -> list[float]:
    """Fastest of `repeat` alternating runs of each function (same load for all on a shared box)."""
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(repeat):
        for fn, out in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return [min(t) for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000,000 draws")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = max(1, int(DRAWS * args.scale))
    scenario = load_scenario(SCENARIO)
    assert scenario.correlation is not None
    independent = scenario.model_copy(update={"correlation": None})
    estimates = scenario.estimates()
    ranged = sum(1 for e in estimates.values() if not e.is_point)
    base, full, plain = best_of(
        args.repeat,
        lambda: floor(estimates, n, 1),
        lambda: switching_cost(scenario, simulations=n, seed=1),
        lambda: switching_cost(independent, simulations=n, seed=1),
    )
    print(f"draws: {n:,} of {ranged} ranged inputs, {len(scenario.correlation.inputs)} of them "
          "rank-correlated; timings on a shared machine are noisy")
    print(f"numpy draws only (floor): {base:.3f} s")
    print(f"independent model: {plain:.3f} s (ratio {plain / base:.2f})")
    print(f"correlated model (draws, Iman-Conover, five areas, percentiles, stay vs switch, tornado, "
          f"variance shares): {full:.3f} s")
    print(f"ratio: {full / base:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
