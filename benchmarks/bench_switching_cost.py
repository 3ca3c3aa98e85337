"""Full switching-cost Monte Carlo against the floor of drawing the same random numbers with numpy.

Run: python benchmarks/bench_switching_cost.py [--scale 0.01] [--repeat 3]
Prints both times (best of --repeat) and their ratio; the issue's target is a ratio of at most 3.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from migration.distributions import raw_draw  # noqa: E402
from migration.scenario_io import load_scenario  # noqa: E402
from migration.switching import switching_cost  # noqa: E402

DRAWS = 1_000_000
SCENARIO = Path(__file__).resolve().parents[1] / "examples" / "scenario.yaml"


def floor(scenario_estimates: dict, n: int, seed: int) -> None:
    """Only the numpy draws the model makes: one beta or triangular call per ranged input."""
    rng = np.random.default_rng(seed)
    for est in scenario_estimates.values():
        raw_draw(est, n, rng)


def best_of(repeat: int, fn) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 1,000,000 draws")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = max(1, int(DRAWS * args.scale))
    scenario = load_scenario(SCENARIO)
    estimates = scenario.estimates()
    ranged = sum(1 for e in estimates.values() if not e.is_point)
    base = best_of(args.repeat, lambda: floor(estimates, n, 1))
    full = best_of(args.repeat, lambda: switching_cost(scenario, simulations=n, seed=1))
    print(f"draws: {n:,} of {ranged} ranged inputs ({len(estimates)} inputs in all)")
    print(f"numpy draws only (floor): {base:.3f} s")
    print(f"full model (draws, five areas, percentiles, stay vs switch, tornado): {full:.3f} s")
    print(f"ratio: {full / base:.2f} (target <= 3)")


if __name__ == "__main__":
    main()
