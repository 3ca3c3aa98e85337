"""`annogov sla-check`: a delivery against the contract's SLA terms, term by term."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import TYPE_CHECKING

from annogov.cli.args import (
    add_database,
    add_format,
    add_input,
    add_mapping_options,
    iso_date,
    old_spelling,
    open_program,
    open_with_progress,
)
from annogov.cli.boxes import add_box_options, boxes_from
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import fmt, table, to_json

if TYPE_CHECKING:
    from governance.quality.sla.sla_report import SlaReport
from ingest import InputError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sla-check",
        help=command_summary("sla-check"),
        description="Evaluate every SLA term on a delivery: pass, fail or inconclusive, with the "
        "measured value, interval, sample size, worst categories and credits owed. "
        "Exit 0 when every term passes, 1 when any term fails or cannot be decided, "
        "2 on bad input.",
    )
    add_input(
        parser,
        "delivery",
        "DELIVERY",
        "annotations: .csv, .xlsx, .jsonl, .parquet or Label Studio .json, e.g. examples/delivery.csv",
        old="--delivery",
    )
    parser.add_argument(
        "--terms",
        metavar="TERMS",
        help="SLA terms (.yaml, .json or .xlsx), e.g. examples/sla-terms.yaml (default: the built-in quality SLA)",
    )
    old_spelling(parser, "--contract", "--terms", "terms")
    parser.add_argument(
        "--labels",
        metavar="A,B,C",
        help="the label set in order, e.g. --labels cat,dog,bird "
        "(default: the terms' label_set, else numeric order of numeric labels)",
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
        help="last day of the measured period, e.g. 2026-11-27 (default: the term set's period_end): a final "
        "partial week's volume floor is prorated to it; with neither, the last calendar week counts whole",
    )
    add_format(parser)
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap intervals, e.g. 7 (default: 0)")
    save = parser.add_argument_group(
        "saving the check for a provider",
        "With --save the check is stored in the program as the provider's delivery: the SLA page shows it "
        "and it joins the provider's vendor history (`annogov history show`).",
    )
    save.add_argument(
        "--save", action="store_true", help="store the check (needs --program, --provider, --guideline-version)"
    )
    save.add_argument("--program", help="program name as shown in the app, e.g. 'Street scenes'")
    add_database(parser)
    save.add_argument("--provider", help="the program's provider that delivered it, e.g. 'Northwind Labeling'")
    save.add_argument("--guideline-version", help="the guideline version it was labelled under, e.g. v2")
    save.add_argument("--delivered", metavar="YYYY-MM-DD", help="delivery date, e.g. 2026-11-27 (default: today)")
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


def _saving_date(args: argparse.Namespace) -> date | None:
    """With --save: the delivery date, once every saving option is given (a located error on the
    command line otherwise, before the delivery is read); None without --save."""
    given = [
        f"--{n.replace('_', '-')}"
        for n in ("program", "provider", "guideline_version", "delivered")
        if getattr(args, n)
    ]
    if not args.save:
        if given:
            raise InputError.at(f"{', '.join(given)} only apply with --save", "command line", column=given[0])
        return None
    missing = [
        f"--{n.replace('_', '-')}"
        for n in ("program", "provider", "guideline_version")
        if not (getattr(args, n) or "").strip()
    ]
    if missing:
        raise InputError.at(f"--save needs {', '.join(missing)}", "command line", column=missing[0])
    try:
        when = date.fromisoformat(args.delivered) if args.delivered else date.today()
    except ValueError:
        raise InputError.at(
            f"--delivered {args.delivered!r}: expected YYYY-MM-DD", "command line", column="--delivered"
        ) from None
    return when


def run(args: argparse.Namespace) -> int:
    from contracts.sla_term_files import load_term_set
    from contracts.sla_terms import default_term_set
    from governance.quality.reading.delivery_counts import count_delivery
    from governance.quality.sla.sla_check import check_counts

    delivered = _saving_date(args)
    terms = load_term_set(args.terms) if args.terms else default_term_set()
    if args.period_end is not None:
        terms = terms.model_copy(update={"period_end": args.period_end})
    source = open_with_progress(args)
    labels = [v.strip() for v in args.labels.split(",") if v.strip()] if args.labels else None
    if args.drift_threshold is not None and not 0 < args.drift_threshold <= 1:
        raise ValueError(f"--drift-threshold must lie in (0, 1], got {args.drift_threshold}")
    counts = count_delivery(source, labels if labels is not None else terms.label_set)
    report = check_counts(
        terms,
        counts,
        seed=args.seed,
        drift_by=args.drift_by,
        drift_threshold=args.drift_threshold,
        boxes=boxes_from(args),
    )
    for warning in report.warnings:
        print(f"annogov: warning: {warning}", file=sys.stderr)
    saved = None
    if delivered is not None:
        from annogov.services import sla_store

        store, program = open_program(args)
        try:
            delivery = sla_store.delivery_of(
                counts, args.provider, args.guideline_version, delivered, seed=args.seed, source=source
            )
            saved = sla_store.save_check(store, program.id, report, delivery)
        finally:
            store.close()
    print(to_json(report.to_payload()) if args.format == "json" else render_table(report))
    if saved is not None:
        print(
            f"saved check {saved.id} of {saved.label!r} for {saved.provider} in {program.name!r} "
            f"(delivered {saved.delivered_on}, guidelines {saved.guideline_version}); it joins the vendor history",
            file=sys.stderr,
        )
    return 0 if report.verdict == "pass" else 1
