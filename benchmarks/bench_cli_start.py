"""How fast `annogov` starts: each command line's wall time as a ratio to `python -c pass`.

Median of `--runs` runs (default 7) each, in fresh interpreters. The top-level help and the
per-command help import only the command table and (for a command) its own module; the real
command (`score` on the example sheet) pays for what it uses. Ratios on a busy machine are noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASES: list[tuple[str, list[str]]] = [
    ("--help", ["--help"]),
    ("--version", ["--version"]),
    ("score --help", ["score", "--help"]),
    ("sla-check --help", ["sla-check", "--help"]),
    ("report --help", ["report", "--help"]),
    ("score examples/scorecard-long.csv", ["score", str(ROOT / "examples" / "scorecard-long.csv")]),
]


def seconds(command: list[str], runs: int) -> float:
    """Median wall time of `command` over `runs` fresh processes."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print each case's median seconds and its ratio to an empty interpreter."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="runs per case, e.g. 11 (median reported)")
    runs = parser.parse_args().runs
    base = seconds([sys.executable, "-c", "pass"], runs)
    print(f"python -c pass: {base:.3f} s (median of {runs})")
    for name, argv in CASES:
        took = seconds([sys.executable, "-m", "annogov", *argv], runs)
        print(f"annogov {name:<36} {took:6.3f} s  {took / base:6.1f}x python -c pass")


if __name__ == "__main__":
    main()
