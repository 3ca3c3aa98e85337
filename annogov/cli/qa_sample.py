"""`annogov qa-sample`: draw the next QA round, stratified by category, reproducibly."""

from __future__ import annotations

import argparse
from pathlib import Path

from annogov.cli.args import add_input, add_mapping_options, add_out, old_spelling, open_with_progress, wrote
from annogov.cli.qa_plan import add_plan_options, run_plan
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "qa-sample",
        help=command_summary("qa-sample"),
        description="Sample annotations for QA review: at least ceil(rate x size) of every "
        "category, and at least --min-per-category (capped at the category's size) so "
        "rare categories are over-represented. The same delivery and seed give the "
        "same sample.",
    )
    add_input(parser, "delivery", "DELIVERY", "annotations: .csv, .xlsx, .jsonl, .parquet or Label Studio .json, "
              "e.g. examples/delivery.csv")
    parser.add_argument("--min-rate", help="minimum share per category when drawing a sample, e.g. 0.10")
    parser.add_argument("--seed", type=int, default=0, help="seed of the draw, e.g. 7 (default: 0)")
    parser.add_argument(
        "--min-per-category",
        type=int,
        default=10,
        metavar="N",
        help="at least this many per category (capped at its size), e.g. 5 (default: 10)",
    )
    add_out(
        parser,
        "SAMPLE.csv|PLAN.pdf",
        "the reviewers' file (review_id, item, category, label), e.g. -o sample.csv; "
        "with --plan acceptance the plan as a PDF",
    )
    parser.add_argument(
        "--key-out",
        metavar="KEY.csv",
        help="the buyer's key with annotator, gold label and source row per review_id, e.g. key.csv "
        "(default: SAMPLE-key.csv)",
    )
    old_spelling(parser, "--key", "--key-out", "key_out")
    add_plan_options(parser)
    add_mapping_options(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from governance.quality.reading.delivery import read_delivery_table
    from governance.quality.sla.qa import NO_CATEGORY, as_fraction, qa_sample, sample_files

    if args.plan:
        return run_plan(args)
    if not args.min_rate or not args.out:
        raise ValueError("drawing a sample needs --min-rate and --out (or ask for --plan margin|acceptance)")
    try:
        rate = as_fraction(args.min_rate)
    except ValueError as exc:
        raise ValueError(f"--min-rate: {exc}") from None
    if args.min_per_category < 1:
        raise ValueError("--min-per-category must be at least 1")
    source = open_with_progress(args)
    sample = qa_sample(read_delivery_table(source), rate, args.seed, args.min_per_category)
    out = Path(args.out)
    key = Path(args.key_out) if args.key_out else out.with_name(f"{out.stem}-key{out.suffix or '.csv'}")
    if key.resolve() == out.resolve():
        raise ValueError("--key-out must name a different file from --out")
    files = sample_files(sample, args.seed)
    for path, text in ((out, files.review), (key, files.key)):
        with path.open("w", newline="", encoding="utf-8") as fh:
            fh.write(text)
    cats = sample.column("category").to_pylist() if "category" in sample.column_names else ["(all)"] * len(sample)
    delivered, sampled = (sample.column(c).to_pylist() for c in ("stratum_delivered", "stratum_sampled"))
    summary = {cat or NO_CATEGORY: (d, s) for cat, d, s in zip(cats, delivered, sampled, strict=True)}
    wrote(out, "the reviewers' file (blind: review_id, item, category, label)")
    wrote(key, "the buyer's key (annotator, gold label, source row per review_id)")
    if args.format == "json":
        categories = [{"category": c, "delivered": d, "sampled": s} for c, (d, s) in sorted(summary.items())]
        print(to_json({"sampled": sample.num_rows, "min_rate": float(rate), "seed": args.seed,
                       "reviewers_file": str(out), "key_file": str(key), "categories": categories}))
        return 0
    rows = [[cat, d, s, f"{s / d:.1%}"] for cat, (d, s) in sorted(summary.items())]
    print(table(["category", "delivered", "sampled", "share"], rows))
    print(f"{sample.num_rows} annotations sampled at >= {float(rate):.0%} per category (seed {args.seed})")
    return 0
