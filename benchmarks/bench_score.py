"""Benchmark: `annogov score` on 10,000 providers x 3 evaluators from xlsx, against a bare
`pandas.read_excel` of the same file (issue target: ratio at most 1.5).

Both are timed as fresh processes (interpreter start and imports included), best of --repeat.
Usage: python benchmarks/bench_score.py [--providers 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from openpyxl import Workbook

HEADER = ["Provider", "Evaluator", "Workforce model", "Security & compliance", "Quality SLA",
          "AI-assisted throughput", "Commercial flexibility", "Comments"]


def make_sheet(path: Path, providers: int, evaluators: int = 3, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    base = rng.uniform(1.5, 4.5, (providers, 5))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Scores")
    ws.append(["Provider scoring (generated for the benchmark)"])
    ws.append(HEADER)
    for p in range(providers):
        for e in range(evaluators):
            scores = np.clip(np.round(base[p] + rng.normal(0, 0.6, 5)), 1, 5).astype(int).tolist()
            ws.append([f"Provider {p:05d}", f"Evaluator {e + 1}", *scores, "" if rng.random() > 0.1 else "see notes"])
    wb.save(path)


def best_of(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--providers", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "providers.xlsx"
        make_sheet(path, args.providers)
        baseline = best_of([sys.executable, "-c", f"import pandas; pandas.read_excel({str(path)!r}, header=1)"],
                           args.repeat)
        whole = best_of([sys.executable, "-m", "annogov", "score", str(path), "--format", "json"], args.repeat)
    print(f"providers x evaluators: {args.providers} x 3 ({args.providers * 3} rows)")
    print(f"pandas.read_excel (process): {baseline:.2f} s")
    print(f"annogov score --format json (process): {whole:.2f} s")
    print(f"ratio annogov score / read_excel: {whole / baseline:.2f} (target <= 1.5)")


if __name__ == "__main__":
    main()
