"""Benchmark: the whole `sla-check` of a 10,000,000-row Parquet delivery against reading the same
columns with pyarrow (the floor; target ratio <= 2, issue 13), and the peak memory of the run.

Data: 2.5M items x 4 annotators, 20 categories, complex/simple task types, 2% gold items, 5% of
annotations QA-reviewed, 8 weekly batches; generated in a temp dir, never committed. Rows come
grouped by item (the issue's case), or with `--layout annotator` one annotator after another, which
scatters every item over the file. Both sides are timed in this process, after imports.
Run: python benchmarks/bench_sla_check.py [--scale 0.01] [--layout annotator] [--repeat 3]

Measured 2026-12-05 on the shared 2-core machine (other jobs running, so wall ratios are noisy); each
figure is one `--skip-agreement --repeat 3` run, the code before issue 13's speed work (main 593f128)
and after it alternating:
  10M rows, check / default read, calmest set (load about 2, floor 0.58-1.0 s): before 1.91 1.91 1.91,
  after 1.57 1.55 1.51 (check 1.11 s -> 0.88 s when the read took 0.58 s). Nine more runs each at
  load 2.5-8: before 1.61-3.09 (median 1.95), after 1.28-1.78 (median 1.61). Peak RSS unchanged
  (800-890 MiB). On an idle machine the code before gave 1.87-2.35.
  CPU seconds to count, merge and check 10M rows already read (best of 3, three alternating rounds, the
  proxy least disturbed by other jobs): before 1.11 1.05 1.00, after 0.70 0.72 0.72.
  1M rows (`--scale 0.1`; the read takes 0.07-0.11 s, so these mostly show noise): before 2.24 1.64
  2.26, after 1.28 1.41 1.55; with the agreement comparison: before 1.80, after 1.15.
  `--layout annotator` (one run each, --repeat 2): before 2.99, after 2.83 (check 1.72 s); peak RSS
  1.25-1.57 GiB with either code, varying from run to run.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from contracts.sla_terms import default_term_set  # noqa: E402
from governance.quality.reading.columns import CANONICAL  # noqa: E402
from governance.quality.reading.delivery import BATCH_ROWS, PARQUET_OPTIONS, open_delivery  # noqa: E402
from governance.quality.sla.sla_check import check_delivery  # noqa: E402

LABELS = ["car", "truck", "bus", "pedestrian", "cyclist", "motorbike", "sign", "light"]
ANNOTATORS = 4
CATEGORIES = 20


def generate(path: Path, items: int, seed: int = 1, chunk_items: int = 250_000) -> int:
    """Write the delivery in row groups: one row per (item, annotator), items in order."""
    rng = np.random.default_rng(seed)
    cats = np.array([f"scenario-{i:02d}" for i in range(CATEGORIES)])
    weights = 1.0 / np.arange(1, CATEGORIES + 1)
    weights /= weights.sum()
    labels = np.array(LABELS)
    start = np.datetime64("2026-01-05T08:00:00", "s")
    writer = None
    rows = 0
    for first in range(0, items, chunk_items):
        n = min(chunk_items, items - first)
        ids = np.arange(first, first + n)
        cat = rng.choice(CATEGORIES, size=n, p=weights)
        truth = rng.integers(0, len(LABELS), size=n)
        complex_ = rng.random(n) < 0.4
        gold = rng.random(n) < 0.02
        week = (ids * 8) // items
        rep = np.repeat
        r = n * ANNOTATORS
        err = np.where(rep(complex_, ANNOTATORS), 0.12, 0.04)
        wrong = rng.random(r) < err
        label = np.where(wrong, rng.integers(0, len(LABELS), size=r), rep(truth, ANNOTATORS))
        due = start + (rep(week, ANNOTATORS) * 7 + 5) * 86_400
        sub = due - rng.integers(-6 * 3600, 72 * 3600, size=r)
        qa = rng.random(r) < 0.05
        qa_fail = rng.random(r) < 0.015
        table = pa.table({
            "item_id": pa.array(np.char.add("item-", rep(ids, ANNOTATORS).astype(str))),
            "annotator_id": pa.array(np.tile(np.array([f"ann-{a}" for a in range(ANNOTATORS)]),
                                             n)),
            "label": pa.array(labels[label]),
            "category": pa.array(cats[rep(cat, ANNOTATORS)]),
            "task_type": pa.array(np.where(rep(complex_, ANNOTATORS), "complex", "simple")),
            "gold_label": pa.array(np.where(rep(gold, ANNOTATORS), labels[rep(truth, ANNOTATORS)],
                                            None)),
            "qa_result": pa.array(np.where(qa, np.where(qa_fail, "fail", "pass"), None)),
            "submitted_at": pa.array(sub.astype("datetime64[s]")),
            "due_at": pa.array(due.astype("datetime64[s]")),
            "batch": pa.array(np.char.add("week-", (rep(week, ANNOTATORS) + 1).astype(str))),
        })
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=1 << 20)
        rows += table.num_rows
    assert writer is not None
    writer.close()
    return rows


def by_annotator(src: Path, dst: Path) -> None:
    """The same rows ordered annotator by annotator (a vendor concatenating each annotator's file):
    every batch then holds scattered items that recur in later batches."""
    import pyarrow.compute as pc

    pf = pq.ParquetFile(src)
    with pq.ParquetWriter(dst, pf.schema_arrow) as writer:
        for a in range(ANNOTATORS):
            for batch in pf.iter_batches(batch_size=1 << 20):
                writer.write_batch(batch.filter(pc.equal(batch.column("annotator_id"), f"ann-{a}")))


def read_floor(path: Path, dictionary: bool = False) -> float:
    """Seconds to read the same columns in the same record batches with pyarrow, nothing else;
    `dictionary` keeps low-cardinality text as Arrow dictionaries, as the check itself reads."""
    t0 = time.perf_counter()
    text = ["annotator_id", "label", "category", "task_type", "gold_label", "qa_result", "batch"]
    pf = pq.ParquetFile(path, read_dictionary=text if dictionary else None, **PARQUET_OPTIONS)
    n = 0
    for batch in pf.iter_batches(batch_size=BATCH_ROWS, columns=list(CANONICAL)):
        n += batch.num_rows
    return time.perf_counter() - t0


def peak_rss_mb() -> float:
    """Peak resident set size of this process (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the 10M rows")
    parser.add_argument("--repeat", type=int, default=1, help="runs; the best time is kept")
    parser.add_argument(
        "--layout",
        choices=["item", "annotator"],
        default="item",
        help="rows grouped by item (as generated) or ordered annotator by annotator",
    )
    parser.add_argument(
        "--skip-agreement", action="store_true", help="skip the per-category kappa/alpha comparison with the oracles"
    )
    args = parser.parse_args(argv)
    items = max(1000, int(2_500_000 * args.scale))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "delivery.parquet"
        t0 = time.perf_counter()
        # generate in a child process so this process's peak RSS is the check's alone
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            rows = pool.apply(generate, (path, items))
            if args.layout == "annotator":
                ordered = path.with_name("by-annotator.parquet")
                pool.apply(by_annotator, (path, ordered))
                path = ordered
        print(f"generated {rows:,} rows ({items:,} items x {ANNOTATORS} annotators, "
              f"{CATEGORIES} categories, rows grouped by {args.layout}) in {time.perf_counter() - t0:.1f}s, "
              f"{path.stat().st_size / 2**20:.0f} MiB Parquet")
        gc.collect()
        base_rss = peak_rss_mb()
        floors, dict_floors, checks = [], [], []
        report = None
        for _ in range(args.repeat):
            floors.append(read_floor(path))
            dict_floors.append(read_floor(path, dictionary=True))
            t0 = time.perf_counter()
            report = check_delivery(default_term_set(), open_delivery(path))
            checks.append(time.perf_counter() - t0)
            del report.drift  # keep the last report small while timing the next
        floor, dict_floor, check = min(floors), min(dict_floors), min(checks)
        assert report is not None
        print(f"read columns with pyarrow, default (the floor):      {floor:.2f}s")
        print(f"read columns with pyarrow, text as dictionaries:    {dict_floor:.2f}s")
        print(f"whole sla-check, default terms (reads as dictionaries): {check:.2f}s")
        print(f"ratio sla-check / default read:    {check / floor:.2f}  (target <= 2)")
        print(f"ratio sla-check / dictionary read: {check / dict_floor:.2f}  (stricter floor)")
        print(f"peak RSS of the check process: {peak_rss_mb():.0f} MiB "
              f"(before the check: {base_rss:.0f} MiB)")
        print(f"verdict {report.verdict}: " + ", ".join(
            f"{t.id}={t.status}" for t in report.terms))
    if not args.skip_agreement:  # the second ratio, in the same run
        import bench_agreement

        print("\nper-category kappa and alpha: annogov against scikit-learn and krippendorff")
        bench_agreement.main(["--scale", str(args.scale), "--skip-ci"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
