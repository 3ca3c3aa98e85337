"""Per-category agreement on a large delivery: annogov's count tables against scikit-learn,
statsmodels and the krippendorff package doing the same per category, and the Gwet-framework
coefficients (AC1, Brennan-Prediger, Fleiss under Gwet's convention, Conger, each with Gwet's
analytic SE) against irrCAC per category (`--irrcac-fraction` of items, default 0.01 at full size).

Default size is the issue's: 2.5M items x 4 annotators (10M annotation rows), 20 categories,
20 labels. `--scale 0.01` for a quick run. The baselines are timed on a per-category random
subsample of items (`--oracle-fraction`, default 0.1 at full scale) and scaled linearly to the
full size, because their cost is linear in items and the krippendorff package builds an
items x V x V array (about 400 MB per category at full scale). The baselines also get the
items x annotators matrix for free; annogov starts from the long rows.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from governance.quality.stats.agreement import agreement, agreement_data  # noqa: E402
from governance.quality.stats.chance_corrected import chance_corrected, conger_kappa  # noqa: E402
from governance.quality.stats.codes import factorize, item_groups, keep_mask_codes  # noqa: E402
from governance.quality.stats.cohen_scott import cohen_kappa  # noqa: E402
from governance.quality.stats.counts import coincidence_matrices, item_profiles, pair_contingency, paired_codes  # noqa: E402
from governance.quality.stats.fleiss_alpha import alpha_from_coincidences, fleiss_kappa, krippendorff_alpha  # noqa: E402
from governance.quality.stats.streaming import AgreementStream  # noqa: E402

N_ITEMS = 2_500_000
N_ANNOTATORS = 4
N_CATEGORIES = 20
N_LABELS = 20


def generate(n_items: int, seed: int) -> dict[str, np.ndarray]:
    """Long rows: item, annotator, label, category; skewed category sizes, varied skill."""
    rng = np.random.default_rng(seed)
    prevalence = 1.0 / np.arange(1, N_CATEGORIES + 1) ** 0.8
    category = rng.choice(N_CATEGORIES, n_items, p=prevalence / prevalence.sum())
    # each category favours a few labels; annotators are right with a category-dependent rate
    favourite = (category * 3 + rng.integers(0, 4, n_items)) % N_LABELS
    truth = np.where(rng.random(n_items) < 0.8, favourite, rng.integers(0, N_LABELS, n_items))
    skill = np.linspace(0.95, 0.7, N_CATEGORIES)[category]
    items = np.repeat(np.arange(n_items, dtype=np.int64), N_ANNOTATORS)
    right = rng.random(items.size) < np.repeat(skill, N_ANNOTATORS)
    noise = rng.integers(0, N_LABELS, items.size)
    labels = np.where(right, np.repeat(truth, N_ANNOTATORS), noise)
    return {
        "item": items,
        "annotator": np.tile(np.arange(N_ANNOTATORS, dtype=np.int64), n_items),
        "label": labels.astype(np.int64),
        "category": np.repeat(category, N_ANNOTATORS).astype(np.int64),
    }


def peak_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ours_high_level(d: dict[str, np.ndarray], reuse: bool) -> dict[str, dict[str, float | None]]:
    """Fleiss, alpha and Cohen per category from the long rows with the public one-call API:
    three `agreement()` calls, or `agreement_data()` once and three `.result()` calls."""
    rows = (d["item"], d["annotator"], d["label"])
    setup = {"label_set": list(range(N_LABELS)), "groups": d["category"]}
    if reuse:
        data = agreement_data(*rows, **setup)
        fleiss = data.result("fleiss", ci="none")
        alpha = data.result("krippendorff", ci="none")
        cohen = data.result("cohen", pair=(0, 1), ci="none")
    else:
        fleiss = agreement(*rows, metric="fleiss", ci="none", **setup)
        alpha = agreement(*rows, metric="krippendorff", ci="none", **setup)
        cohen = agreement(*rows, metric="cohen", pair=(0, 1), ci="none", **setup)
    return {
        name: {
            "fleiss": fleiss.groups[name].value,
            "alpha": alpha.groups[name].value,
            "cohen": cohen.groups[name].value,
        }
        for name in fleiss.groups
    }


def ours_streamed(d: dict[str, np.ndarray], batch: int = 1_000_000) -> None:
    """The same three coefficients from 1M-row batches (items may span batches)."""
    stream = AgreementStream(list(range(N_LABELS)), max_per_item=N_ANNOTATORS)
    for lo in range(0, d["item"].size, batch):
        part = {k: v[lo : lo + batch] for k, v in d.items()}
        stream.add(part["item"], part["annotator"], part["label"], groups=part["category"])
    data = stream.finish()
    for metric in ("fleiss", "krippendorff"):
        data.result(metric, ci="none")  # type: ignore[arg-type]
    data.result("cohen", pair=(0, 1), ci="none")


def ours_shared_tables(d: dict[str, np.ndarray], ci: bool) -> dict[int, dict[str, float | None]]:
    """Build the count tables once and compute all three per category from them."""
    item_codes, item_values = factorize(d["item"], sort=False)
    keep_mask_codes(item_codes, d["annotator"], "error")  # annotators are codes 0..3 already
    per_item = item_groups(item_codes, d["category"], len(item_values))
    profiles = item_profiles(item_codes, d["label"], N_LABELS, per_item, N_CATEGORIES)
    a, b = paired_codes(item_codes, d["annotator"], d["label"], 0, 1, len(item_values))
    tables = pair_contingency(a, b, N_LABELS, per_item, N_CATEGORIES)
    mode = "bootstrap" if ci else "none"
    if ci:
        fleiss = fleiss_kappa(profiles, ci=mode)
        alpha = krippendorff_alpha(profiles, "nominal", ci=mode)
        values_a = [e.value for e in alpha]
    else:
        fleiss = fleiss_kappa(profiles, ci="none")
        values_a = list(alpha_from_coincidences(coincidence_matrices(profiles), "nominal"))
    cohen = cohen_kappa(tables, ci="analytic")
    return {g: {"fleiss": fleiss[g].value, "alpha": values_a[g], "cohen": cohen[g].value} for g in range(N_CATEGORIES)}


GWET = ("gwet", "brennan_prediger", "fleiss")


def ours_gwet(d: dict[str, np.ndarray]) -> dict[int, dict[str, tuple[float | None, float | None]]]:
    """AC1, Brennan-Prediger, Fleiss (Gwet's convention) and Conger per category, value and
    analytic SE, from the long rows (tables built here, not shared with the other timing)."""
    item_codes, item_values = factorize(d["item"], sort=False)
    keep_mask_codes(item_codes, d["annotator"], "error")
    per_item = item_groups(item_codes, d["category"], len(item_values))
    profiles = item_profiles(item_codes, d["label"], N_LABELS, per_item, N_CATEGORIES)
    out: dict[int, dict[str, tuple[float | None, float | None]]] = {g: {} for g in range(N_CATEGORIES)}
    for coef in GWET:
        for g, est in enumerate(chance_corrected(profiles, coef, missing="gwet")):  # type: ignore[arg-type]
            out[g][coef] = (est.value, est.se)
    codes = np.full((len(item_values), N_ANNOTATORS), -1, np.int64)
    codes[item_codes, d["annotator"]] = d["label"]
    for g, est in enumerate(conger_kappa(codes, N_LABELS, item_group=per_item, n_groups=N_CATEGORIES)):
        out[g]["conger"] = (est.value, est.se)
    return out


def baseline_irrcac(
    wide: np.ndarray, category: np.ndarray, sample: np.ndarray
) -> dict[int, dict[str, tuple[float, float]]]:
    """irrCAC's AC1, Brennan-Prediger, Fleiss and Conger (value, SE) per category."""
    import warnings

    import pandas as pd
    from irrCAC.raw import CAC

    out: dict[int, dict[str, tuple[float, float]]] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for g in range(N_CATEGORIES):
            rows = pd.DataFrame(wide[sample[category[sample] == g]].astype(float))
            cac = CAC(rows, categories=[float(c) for c in range(N_LABELS)], digits=15)
            out[g] = {}
            for ours, theirs in (
                ("gwet", "gwet"),
                ("brennan_prediger", "bp"),
                ("fleiss", "fleiss"),
                ("conger", "conger"),
            ):
                est = getattr(cac, theirs)()["est"]
                out[g][ours] = (float(est["coefficient_value"]), float(est["se"]))
    return out


def pivot_wide(d: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """What a baseline must do first: long rows -> items x annotators matrix (pandas pivot)."""
    import pandas as pd

    frame = pd.DataFrame({k: d[k] for k in ("item", "annotator", "label")})
    wide = frame.pivot(index="item", columns="annotator", values="label")
    category = pd.Series(d["category"]).groupby(d["item"]).first()
    return wide.to_numpy(), category.to_numpy()


def baseline(wide: np.ndarray, category: np.ndarray, sample: np.ndarray) -> dict[int, dict[str, float]]:
    """scikit-learn (Cohen), statsmodels (Fleiss) and krippendorff (alpha) per category."""
    import krippendorff
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    labels = np.arange(N_LABELS)
    out: dict[int, dict[str, float]] = {}
    for g in range(N_CATEGORIES):
        rows = wide[sample[category[sample] == g]]
        counts, _ = aggregate_raters(rows, n_cat=N_LABELS)
        alpha = krippendorff.alpha(
            reliability_data=rows.T.astype(float),
            value_domain=labels,
            level_of_measurement="nominal",
        )
        out[g] = {
            "cohen": float(cohen_kappa_score(rows[:, 0], rows[:, 1], labels=labels)),
            "fleiss": float(fleiss_kappa(counts, method="fleiss")),
            "alpha": float(alpha),
        }
    return out


def timed(fn, *args):  # type: ignore[no-untyped-def]
    """Wall and CPU seconds of one call (the machine may be shared, so both are shown)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of 2.5M items")
    parser.add_argument(
        "--oracle-fraction",
        type=float,
        default=None,
        help="share of items the baselines are timed on (default 0.1; 1 up to 250k items)",
    )
    parser.add_argument(
        "--irrcac-fraction",
        type=float,
        default=None,
        help="share of items irrCAC is timed on (default 0.01 at full size)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-ci", action="store_true", help="skip the bootstrap timing")
    args = parser.parse_args(argv)
    n_items = max(1000, int(N_ITEMS * args.scale))
    fraction = args.oracle_fraction or (1.0 if n_items <= 250_000 else 0.1)

    data = generate(n_items, args.seed)
    size_mb = sum(a.nbytes for a in data.values()) / 2**20
    print(
        f"data: {n_items:,} items x {N_ANNOTATORS} annotators = {data['item'].size:,} rows, "
        f"{N_CATEGORIES} categories, {N_LABELS} labels ({size_mb:,.0f} MB of arrays)"
    )

    _, high_wall, high_cpu = timed(ours_high_level, data, False)
    _, reuse_wall, reuse_cpu = timed(ours_high_level, data, True)
    shared, shared_wall, shared_cpu = timed(ours_shared_tables, data, False)
    _, stream_wall, stream_cpu = timed(ours_streamed, data)
    print(
        f"annogov, 3 agreement() calls from long rows: {high_wall:.2f}s (cpu {high_cpu:.2f}s)\n"
        f"annogov, AgreementStream over 1M-row batches + 3 .result(): {stream_wall:.2f}s "
        f"(cpu {stream_cpu:.2f}s)\n"
        f"annogov, agreement_data() once + 3 .result(): {reuse_wall:.2f}s (cpu {reuse_cpu:.2f}s)\n"
        f"annogov, count-table functions directly: {shared_wall:.2f}s (cpu {shared_cpu:.2f}s)"
    )
    if not args.skip_ci:
        _, ci_wall, ci_cpu = timed(ours_shared_tables, data, True)
        print(
            f"annogov, the same with 95% intervals (bootstrap x1000 Fleiss and alpha, "
            f"analytic Cohen): {ci_wall:.2f}s (cpu {ci_cpu:.2f}s)"
        )
    print(f"peak memory after annogov: {peak_mb():,.0f} MB")

    (wide, category), pivot_wall, pivot_cpu = timed(pivot_wide, data)
    rng = np.random.default_rng([args.seed, 1])  # not the generator's stream: it drew categories
    sample = np.flatnonzero(rng.random(n_items) < fraction)
    base, base_wall, base_cpu = timed(baseline, wide, category, sample)
    factor = n_items / len(sample)
    how = (
        "measured on all items"
        if len(sample) == n_items
        else f"measured on {len(sample):,} items ({fraction:.0%}) in {base_wall:.2f}s, scaled x{factor:.2f}"
    )
    base_wall, base_cpu = base_wall * factor, base_cpu * factor
    print(
        f"baseline, pandas pivot long -> items x annotators: {pivot_wall:.2f}s "
        f"(cpu {pivot_cpu:.2f}s)\n"
        f"baseline, scikit-learn Cohen + statsmodels Fleiss + krippendorff alpha per category: "
        f"{base_wall:.2f}s (cpu {base_cpu:.2f}s; {how})"
    )

    rows = np.repeat(sample, N_ANNOTATORS) * N_ANNOTATORS
    rows += np.tile(np.arange(N_ANNOTATORS), len(sample))
    check = ours_shared_tables({k: v[rows] for k, v in data.items()}, False)
    worst = max(abs((check[g][m] or 0.0) - base[g][m]) for g in range(N_CATEGORIES) for m in base[g])
    print(f"largest difference from the baselines on the same items: {worst:.1e}")
    total, total_cpu = pivot_wall + base_wall, pivot_cpu + base_cpu
    print(
        f"speed-up, wall (cpu), baseline incl. pivot vs annogov: "
        f"{total / high_wall:.1f}x ({total_cpu / high_cpu:.1f}x) 3 agreement() calls; "
        f"{total / reuse_wall:.1f}x ({total_cpu / reuse_cpu:.1f}x) agreement_data + 3 results; "
        f"{total / shared_wall:.1f}x ({total_cpu / shared_cpu:.1f}x) table functions\n"
        f"speed-up, wall (cpu), baseline per-category calls only vs agreement_data + 3 results: "
        f"{base_wall / reuse_wall:.1f}x ({base_cpu / reuse_cpu:.1f}x)   target >= 10x"
    )
    lowest = min(shared.items(), key=lambda kv: kv[1]["fleiss"] or 0.0)
    print(f"lowest per-category Fleiss kappa: category {lowest[0]} = {lowest[1]['fleiss']:.3f}")
    worst_gwet = gwet_part(data, wide, category, n_items, args)
    return 0 if worst < 1e-9 and worst_gwet < 1e-9 else 1


def gwet_part(data: dict[str, np.ndarray], wide: np.ndarray, category: np.ndarray, n_items: int, args: Any) -> float:
    """Time the Gwet-framework coefficients against irrCAC and compare values and SEs."""
    try:
        import irrCAC  # noqa: F401
    except ImportError:
        print("irrCAC not installed (pip install --no-deps irrCAC): Gwet-framework comparison skipped")
        return 0.0
    _, ours_wall, ours_cpu = timed(ours_gwet, data)
    print(
        f"annogov, AC1 + Brennan-Prediger + Fleiss (Gwet) + Conger with analytic SEs per category: "
        f"{ours_wall:.2f}s (cpu {ours_cpu:.2f}s)"
    )
    fraction = args.irrcac_fraction or (1.0 if n_items <= 25_000 else 0.01)
    rng = np.random.default_rng([args.seed, 2])
    sample = np.flatnonzero(rng.random(n_items) < fraction)
    base, base_wall, base_cpu = timed(baseline_irrcac, wide, category, sample)
    factor = n_items / len(sample)
    print(
        f"baseline, irrCAC the same four per category: {base_wall * factor:.2f}s (cpu {base_cpu * factor:.2f}s; "
        f"measured on {len(sample):,} items in {base_wall:.2f}s, scaled x{factor:.2f})"
    )
    rows = np.repeat(sample, N_ANNOTATORS) * N_ANNOTATORS + np.tile(np.arange(N_ANNOTATORS), len(sample))
    check = ours_gwet({k: v[rows] for k, v in data.items()})
    worst = max(
        abs((check[g][m][i] or 0.0) - base[g][m][i]) for g in range(N_CATEGORIES) for m in base[g] for i in (0, 1)
    )
    print(f"largest difference from irrCAC (values and SEs) on the same items: {worst:.1e}")
    print(
        f"speed-up, wall (cpu), irrCAC per category vs annogov: {base_wall * factor / ours_wall:.1f}x "
        f"({base_cpu * factor / ours_cpu:.1f}x)   target >= 10x"
    )
    return worst


if __name__ == "__main__":
    raise SystemExit(main())
