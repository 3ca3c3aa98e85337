"""`annogov agreement`: inter-annotator agreement of a delivery, overall and per group."""

from __future__ import annotations

import argparse
from typing import Any

from annogov.cli.args import (
    add_format,
    add_input,
    add_label_set_options,
    add_mapping_options,
    label_set_from,
    old_spelling,
    open_with_progress,
)
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json

METRICS = {
    "percent": "percent_agreement",
    "cohen": "cohen_kappa",
    "fleiss": "fleiss_kappa",
    "krippendorff": "krippendorff_alpha",
    "kappa": "kappa",
    "gwet": "gwet_ac",
    "bp": "brennan_prediger",
    "conger": "conger_kappa",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "agreement",
        help=command_summary("agreement"),
        description="Agreement between annotators of a delivery with a 95% interval. 'kappa' "
        "picks Cohen's kappa for two annotators and Fleiss' kappa for more.",
    )
    add_input(parser, "delivery", "DELIVERY", "annotations: .csv, .xlsx, .jsonl, .parquet or Label Studio .json, "
              "e.g. examples/delivery.csv")
    parser.add_argument(
        "--metric",
        choices=list(METRICS),
        default="percent",
        help="the coefficient, e.g. --metric kappa (default: percent)",
    )
    parser.add_argument(
        "--weighting",
        dest="weights",
        choices=["none", "linear", "quadratic"],
        default="none",
        help="disagreement weights of Cohen, Fleiss, Gwet (AC2), Brennan-Prediger and Conger (labels in --labels "
        "order, else numeric order; text labels need --labels), e.g. --weighting quadratic",
    )
    old_spelling(parser, "--weights", "--weighting", "weights")
    parser.add_argument(
        "--missing",
        choices=["pooled", "gwet"],
        default="pooled",
        help="uneven ratings per item (Fleiss, Gwet, Brennan-Prediger): pool category shares over items rated "
        "twice or more, or average each item's shares as irrCAC/AgreeStat do",
    )
    parser.add_argument(
        "--interval",
        choices=["auto", "analytic"],
        default="auto",
        help="'analytic' gives Krippendorff's alpha Gwet's SE and t interval instead of the bootstrap",
    )
    parser.add_argument(
        "--level",
        choices=["nominal", "ordinal", "interval", "ratio"],
        default="nominal",
        help="Krippendorff's alpha level of measurement, e.g. --level ordinal (default: nominal)",
    )
    parser.add_argument(
        "--by", choices=["category", "task_type", "batch"], help="one row per group as well, e.g. --by category"
    )
    add_label_set_options(parser)
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap interval, e.g. 7 (default: 0)")
    add_format(parser)
    add_mapping_options(parser)
    parser.set_defaults(handler=run)


def _entry(metric: str, args: argparse.Namespace, est: Any) -> dict[str, Any]:
    from contracts.metric_options import LEVELLED_METRICS, MISSING_METRICS, WEIGHTED_METRICS

    return {
        "metric": metric,
        "weights": args.weights if metric in WEIGHTED_METRICS else None,
        "level": args.level if metric in LEVELLED_METRICS else None,
        "value": est.value,
        "ci": list(est.ci) if est.ci is not None else None,
        "n_items": est.n_items,
        "n_annotations": est.n_annotations,
        "undefined_reason": est.undefined_reason,
        "missing": args.missing if metric in MISSING_METRICS else None,
        "method": est.method,
        "se": est.se,
        "ci_method": est.ci_method,
    }


def run(args: argparse.Namespace) -> int:
    from governance.quality.reading.delivery_counts import count_delivery
    from governance.quality.sla.qa import dim_codes, dim_values
    from governance.quality.sla.sla_stats import agreement, agreement_by_group, option_problem, resolve_metric

    labels = label_set_from(args)
    problem = option_problem(METRICS[args.metric], args.weights, args.level, args.missing)
    if problem:
        raise ValueError(f"--metric {args.metric}: {problem}")
    counts = count_delivery(open_with_progress(args), labels)
    metric = resolve_metric(counts, METRICS[args.metric])
    if METRICS[args.metric] == "kappa" and metric == "fleiss_kappa" and args.weights != "none":
        raise ValueError(
            f"--weighting {args.weights}: more than two annotators labelled this delivery, so 'kappa' is "
            "Fleiss' kappa; name the multi-rater coefficient (--metric fleiss or gwet with --weighting) or "
            "compare two annotators"
        )
    opts = {"level": args.level, "weights": args.weights, "missing": args.missing, "interval": args.interval}
    overall = agreement(counts, METRICS[args.metric], seed=args.seed, **opts)
    payload = _entry(metric, args, overall)
    payload["label_order"] = counts.label_order
    payload["labels"] = list(counts.labels)
    payload["groups"] = {}
    if args.by:
        names, codes = dim_values(counts, args.by), dim_codes(counts, args.by)
        if not names:
            raise ValueError(f"--by {args.by}: the delivery has no {args.by} column")
        ests = agreement_by_group(counts, METRICS[args.metric], codes, len(names), ci=True, seed=args.seed, **opts)
        payload["groups"] = {name: _entry(metric, args, est) for name, est in zip(names, ests, strict=True)}
    if args.format == "json":
        print(to_json(payload))
        return 0
    rows = [
        [
            "(all)",
            payload["value"],
            _ci(payload["ci"]),
            payload["n_items"],
            payload["n_annotations"],
            _se(payload["se"]),
            payload["undefined_reason"] or "",
        ]
    ]
    rows += [
        [name, g["value"], _ci(g["ci"]), g["n_items"], g["n_annotations"], _se(g["se"]), g["undefined_reason"] or ""]
        for name, g in payload["groups"].items()
    ]
    options = [f"weights {payload['weights']}"] if payload["weights"] else []
    options += [f"level {payload['level']}"] if payload["level"] else []
    order = {"label set": "in the label set's order", "numeric": "in numeric order"}
    options.append(f"labels {order.get(counts.label_order, '(text, no order stated)')}: {', '.join(counts.labels)}")
    print(f"{metric} ({'; '.join(options)}) on {counts.file}")
    print(f"method: {overall.method}")
    if overall.ci_method:
        print(f"interval: {overall.ci_method}")
    print(
        table(
            [args.by or "scope", "value", "95% CI", "items", "annotations", "SE", "undefined"],
            [[r[0], "-" if r[1] is None else f"{r[1]:.4f}", *r[2:]] for r in rows],
        )
    )
    return 0


def _se(se: float | None) -> str:
    return "-" if se is None else f"{se:.4f}"


def _ci(ci: list[float] | None) -> str:
    return "-" if ci is None else f"{ci[0]:.3f}-{ci[1]:.3f}"
