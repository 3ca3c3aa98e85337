"""`annogov sla-check`: a delivery against the contract's SLA terms, term by term."""

from __future__ import annotations

import argparse
import sys

from annogov.commands._args import iso_date
from annogov.commands._delivery_args import add_mapping_options, open_with_progress
from annogov.commands.boxes import add_box_options, boxes_from
from annogov.render import fmt, table, to_json
from contracts.sla_term_files import load_term_set
from contracts.sla_terms import default_term_set
from governance.quality.sla.sla_check import SlaReport, check_delivery


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sla-check",
        help="check a delivery against SLA terms (exit 1 if a term fails)",
        description="Evaluate every SLA term on a delivery: pass, fail or inconclusive, with the "
        "measured value, interval, sample size, worst categories and credits owed. "
        "Exit 0 when every term passes, 1 when any term fails or cannot be decided, "
        "2 on bad input.",
    )
    parser.add_argument(
        "--contract", metavar="TERMS", help="term set (.yaml, .json or .xlsx); default: the built-in quality SLA"
    )
    parser.add_argument(
        "--delivery",
        required=True,
        metavar="DELIVERY",
        help="annotations: .csv, .xlsx, .jsonl, .parquet or Label Studio .json",
    )
    parser.add_argument(
        "--labels",
        metavar="A,B,C",
        help="the label set in order (default: the term set's label_set, else numeric order of numeric labels)",
    )
    parser.add_argument(
        "--drift-threshold",
        type=float,
        metavar="X",
        help="smallest drop between periods called drift, e.g. 0.05 (default: the term set's drift_threshold)",
    )
    parser.add_argument(
        "--drift-by",
        choices=["week", "batch"],
        help="periods compared for drift (default: batch if the delivery has batches)",
    )
    parser.add_argument(
        "--period-end",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="last day of the measured period (default: the term set's period_end): a final partial week's volume "
        "floor is prorated to it; with neither, the last calendar week counts whole",
    )
    parser.add_argument("--format", choices=["table", "json"], default="table")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap intervals")
    add_box_options(parser)
    add_mapping_options(parser)
    parser.set_defaults(handler=run)


def _ci(ci: tuple[float, float] | None) -> str:
    return "-" if ci is None else f"{ci[0]:.3f}-{ci[1]:.3f}"


def render_table(report: SlaReport) -> str:
    """The verdict, one line per term, then reasons and notes."""
    rows = []
    for t in report.terms:
        owed = t.remedy.amount if t.remedy else None
        rows.append(
            [
                t.id or t.metric,
                t.metric,
                t.scope,
                t.status.upper(),
                "-" if t.value is None else f"{t.value:.4g}",
                _ci(t.ci),
                f"{t.comparator} {fmt(t.threshold, 4).rstrip('0').rstrip('.')}",
                t.n,
                owed,
            ]
        )
    lines = [
        f"{report.contract} / {report.delivery}: {report.n_annotations} annotations, "
        f"{report.n_items} items, {report.n_annotators} annotators",
        f"Verdict: {report.verdict.upper()}   credits owed: {report.credits:.2f} {report.currency}",
        "",
        table(["term", "metric", "scope", "status", "value", "95% CI", "target", "n", "credit"], rows),
    ]
    details = []
    for t in report.terms:
        if t.reason:
            details.append(f"- {t.id or t.metric}: {t.reason}")
        bad = [e for e in t.evidence if e.status != "pass"]
        if bad and t.status != "pass":
            shown = ", ".join(
                f"{e.group} {'-' if e.value is None else f'{e.value:.3f}'} (n={e.n}, {e.status})" for e in bad[:5]
            )
            details.append(f"- {t.id or t.metric}: worst: {shown}")
        details += [f"- {t.id or t.metric}: {note}" for note in t.notes]
    if details:
        lines += ["", *details]
    drops = report.drift.drops
    if drops:
        lines += [
            "",
            f"Drift by {report.drift.by} (drops beyond {report.drift.threshold:g} that a one-sided test at "
            f"{report.drift.alpha:g} says are not noise):",
        ]
        lines += [
            f"- {d.metric}{'' if d.group_kind == 'overall' else f' ({d.group_kind} {d.group})'}: "
            f"{d.previous:.3f} in {d.previous_period} (n={d.n_previous}) -> {d.current:.3f} in {d.period} "
            f"(n={d.n_current}), z={'-' if d.z is None else f'{d.z:.2f}'}, p={d.p_value:.3g}"
            for d in drops
        ]
    lines += report.drift.notes
    if report.drift.not_significant:
        lines.append(
            f"{report.drift.not_significant} larger drop(s) not called drift: within the noise of their sample sizes"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    terms = load_term_set(args.contract) if args.contract else default_term_set()
    if args.period_end is not None:
        terms = terms.model_copy(update={"period_end": args.period_end})
    source = open_with_progress(args)
    labels = [v.strip() for v in args.labels.split(",") if v.strip()] if args.labels else None
    if args.drift_threshold is not None and not 0 < args.drift_threshold <= 1:
        raise ValueError(f"--drift-threshold must lie in (0, 1], got {args.drift_threshold}")
    report = check_delivery(
        terms,
        source,
        seed=args.seed,
        label_set=labels,
        drift_by=args.drift_by,
        drift_threshold=args.drift_threshold,
        boxes=boxes_from(args),
    )
    for warning in report.warnings:
        print(f"annogov: warning: {warning}", file=sys.stderr)
    print(to_json(report.to_payload()) if args.format == "json" else render_table(report))
    return 0 if report.verdict == "pass" else 1
