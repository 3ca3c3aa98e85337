"""`annogov qa-sample`: draw the next QA round, stratified by category, reproducibly."""

from __future__ import annotations

import argparse
from pathlib import Path

from annogov.commands._delivery_args import add_mapping_options, open_with_progress
from annogov.render import table
from governance.delivery import read_delivery_table
from governance.qa import NO_CATEGORY, as_fraction, qa_sample, sample_csv


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "qa-sample",
        help="draw a stratified QA sample meeting a minimum rate per category",
        description="Sample annotations for QA review: at least ceil(rate x size) of every "
        "category, and at least --min-per-category (capped at the category's size) so "
        "rare categories are over-represented. The same delivery and seed give the "
        "same sample.",
    )
    parser.add_argument("delivery", metavar="DELIVERY")
    parser.add_argument("--min-rate", required=True, help="minimum share per category, e.g. 0.10")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-per-category", type=int, default=10, metavar="N")
    parser.add_argument("--out", required=True, metavar="SAMPLE.csv")
    add_mapping_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        rate = as_fraction(args.min_rate)
    except ValueError as exc:
        raise ValueError(f"--min-rate: {exc}") from None
    if args.min_per_category < 1:
        raise ValueError("--min-per-category must be at least 1")
    source = open_with_progress(args)
    sample = qa_sample(read_delivery_table(source), rate, args.seed, args.min_per_category)
    out = Path(args.out)
    with out.open("w", newline="", encoding="utf-8") as fh:
        fh.write(sample_csv(sample))
    cats = sample.column("category").to_pylist() if "category" in sample.column_names else ["(all)"] * len(sample)
    delivered, sampled = (sample.column(c).to_pylist() for c in ("stratum_delivered", "stratum_sampled"))
    summary = {cat or NO_CATEGORY: (d, s) for cat, d, s in zip(cats, delivered, sampled, strict=True)}
    rows = [[cat, d, s, f"{s / d:.1%}"] for cat, (d, s) in sorted(summary.items())]
    print(table(["category", "delivered", "sampled", "share"], rows))
    print(f"{sample.num_rows} annotations sampled at >= {float(rate):.0%} per category (seed {args.seed}) -> {out}")
    return 0
