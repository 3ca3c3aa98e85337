"""`annogov qa-sample --plan`: sample sizes per category for a margin, or an acceptance plan
(n, c) with its risks and OC curve, and the verdict on what the delivery's QA already reviewed."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from annogov.cli.args import add_format, mapping_from, old_spelling, wrote
from annogov.cli.render import table, to_json


def add_plan_options(parser: argparse.ArgumentParser) -> None:
    """Options of the two kinds of plan."""
    group = parser.add_argument_group("sized plans (--plan)")
    group.add_argument(
        "--plan",
        choices=["margin", "acceptance"],
        help="size the sample instead of drawing one, e.g. --plan acceptance (with -o PLAN.pdf: the plan as a PDF)",
    )
    group.add_argument(
        "--margin", type=float, default=0.05, help="margin: half-width of the defect-rate interval, e.g. 0.03"
    )
    group.add_argument(
        "--confidence", type=float, default=0.95, help="margin: confidence of that interval, e.g. 0.9 (default: 0.95)"
    )
    group.add_argument(
        "--expected-rate", type=float, default=0.5, help="margin: expected defect rate, e.g. 0.05 (0.5 = safest)"
    )
    group.add_argument("--aql", type=float, help="acceptance: acceptable defect rate (producer's side), e.g. 0.01")
    group.add_argument("--ltpd", type=float, help="acceptance: rejectable defect rate (consumer's side), e.g. 0.05")
    group.add_argument(
        "--producer-risk", type=float, default=0.05, help="acceptance: alpha at the AQL, e.g. 0.05 (default)"
    )
    group.add_argument(
        "--consumer-risk", type=float, default=0.10, help="acceptance: beta at the LTPD, e.g. 0.10 (default)"
    )
    old_spelling(parser, "--pdf", "--plan acceptance --out PLAN.pdf", "out")
    add_format(parser)


def _lots(delivery: str, args: argparse.Namespace) -> tuple[str, dict[str, tuple[int, int, int]]]:
    from governance.quality.reading.delivery import open_delivery
    from governance.quality.reading.delivery_counts import PERIOD_COLUMNS, count_delivery
    from governance.quality.sla.qa import group_names, period_table

    column = {name: i for i, name in enumerate(PERIOD_COLUMNS)}
    counts = count_delivery(open_delivery(delivery, mapping_from(args)))
    lots = {
        name: (int(row[column["rows"]]), int(row[column["reviewed"]]), int(row[column["failed"]]))
        for name, row in zip(group_names(counts, "category"), period_table(counts, "category"), strict=False)
        if row[column["rows"]] > 0
    }
    return counts.file, lots


def run_plan(args: argparse.Namespace) -> int:
    """Print (or write) the requested plan for the delivery's categories."""
    from governance.quality.sla.qa_plan import acceptance_plan, margin_plan
    from governance.reports.qa_plan_pdf import qa_plan_pdf

    file, lots = _lots(args.delivery, args)
    payload: dict[str, Any]
    if args.plan == "margin":
        rows = margin_plan(lots, args.margin, args.confidence, args.expected_rate)
        payload = {
            "plan": "margin",
            "method": "Cochran's sample size with finite-population correction; Wilson interval on what was reviewed",
            "margin": args.margin,
            "confidence": args.confidence,
            "expected_rate": args.expected_rate,
            "categories": [r.model_dump(mode="json") for r in rows],
        }
        if args.format == "json":
            print(to_json(payload))
            return 0
        print(f"Sample per category of {file} for +/-{args.margin:.1%} at {args.confidence:.0%} ({payload['method']})")
        print(
            table(
                ["category", "delivered", "sample", "reviewed", "defect rate", "margin met"],
                [
                    [
                        r.category,
                        r.delivered,
                        r.sample,
                        r.reviewed or 0,
                        "-" if r.defect_rate is None else f"{r.defect_rate:.2%}",
                        "-" if r.margin_met is None else ("yes" if r.margin_met else "no"),
                    ]
                    for r in rows
                ],  # fmt: skip
            )
        )
        return 0
    if args.aql is None or args.ltpd is None:
        raise ValueError("--plan acceptance needs --aql and --ltpd")
    plan = acceptance_plan(args.aql, args.ltpd, args.producer_risk, args.consumer_risk)
    verdicts = [
        {"category": name, "delivered": d, "reviewed": r, "failed": f, "verdict": plan.verdict(r, f, d)}
        for name, (d, r, f) in lots.items()
    ]
    payload = {"plan": "acceptance", **plan.to_payload(), "verdicts": verdicts}
    if args.out:
        Path(args.out).write_bytes(qa_plan_pdf(plan, verdicts, f"QA acceptance plan for {file}"))
        wrote(args.out, "the plan and its OC curve")
    if args.format == "json":
        print(to_json(payload))
    else:
        print(
            f"Acceptance plan: review n={plan.n} per lot, accept with at most c={plan.c} failures; "
            f"producer's risk {plan.actual_producer_risk:.1%} at AQL {plan.aql:.2%}, "
            f"consumer's risk {plan.actual_consumer_risk:.1%} at LTPD {plan.ltpd:.2%}"
        )
        print(table(["category", "delivered", "reviewed", "failed", "verdict"], [list(v.values()) for v in verdicts]))
    return 1 if any(v["verdict"] == "reject" for v in verdicts) else 0
