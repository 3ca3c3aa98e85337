"""Smoke test: the benchmark runs at a tiny scale and prints both times and the ratio."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_benchmark_runs_at_small_scale() -> None:
    out = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_switching_cost.py"), "--scale", "0.001", "--repeat", "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "draws: 1,000 of" in out
    assert "floor" in out and "full model" in out and "ratio:" in out
