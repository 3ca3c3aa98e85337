"""The agreement benchmark runs end to end at a tiny scale and agrees with its baselines."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_agreement.py"


def test_benchmark_runs_at_tiny_scale(monkeypatch, capsys) -> None:
    for oracle in ("krippendorff", "sklearn", "statsmodels"):
        pytest.importorskip(oracle)
    spec = importlib.util.spec_from_file_location("bench_agreement", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    monkeypatch.setattr(sys, "argv", ["bench_agreement.py", "--scale", "0.001", "--skip-ci"])
    assert bench.main() == 0
    out = capsys.readouterr().out
    assert "speed-up" in out
    assert "largest difference from the baselines on the same items" in out
