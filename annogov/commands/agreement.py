"""`annogov agreement`: inter-annotator agreement of a delivery, overall and per group."""

from __future__ import annotations

import argparse
from typing import Any

from annogov.commands._delivery_args import add_mapping_options, open_with_progress
from annogov.render import table, to_json
from contracts.sla_terms import load_term_set
from governance.delivery_counts import count_delivery
from governance.qa import dim_codes, dim_values
from governance.sla_stats import agreement, agreement_by_group, resolve_metric

METRICS = {
    "percent": "percent_agreement",
    "cohen": "cohen_kappa",
    "fleiss": "fleiss_kappa",
    "krippendorff": "krippendorff_alpha",
    "kappa": "kappa",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "agreement",
        help="inter-annotator agreement, overall and per category/task type/batch",
        description="Agreement between annotators of a delivery with a 95% interval. 'kappa' "
        "picks Cohen's kappa for two annotators and Fleiss' kappa for more.",
    )
    parser.add_argument("delivery", metavar="DELIVERY")
    parser.add_argument("--metric", choices=list(METRICS), default="percent")
    parser.add_argument(
        "--weights",
        choices=["none", "linear", "quadratic"],
        default="none",
        help="Cohen's kappa weights (labels ordered as in the label set)",
    )
    parser.add_argument(
        "--level",
        choices=["nominal", "ordinal", "interval", "ratio"],
        default="nominal",
        help="Krippendorff's alpha level of measurement",
    )
    parser.add_argument("--by", choices=["category", "task_type", "batch"])
    parser.add_argument(
        "--labels", metavar="A,B,C", help="the full label set in order (unused labels change chance agreement)"
    )
    parser.add_argument("--contract", metavar="TERMS", help="take the label set from a term set")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap interval")
    parser.add_argument("--format", choices=["table", "json"], default="table")
    add_mapping_options(parser)
    parser.set_defaults(handler=run)


def _entry(metric: str, args: argparse.Namespace, est: Any) -> dict[str, Any]:
    return {
        "metric": metric,
        "weights": args.weights,
        "level": args.level,
        "value": est.value,
        "ci": list(est.ci) if est.ci is not None else None,
        "n_items": est.n_items,
        "n_annotations": est.n_annotations,
        "undefined_reason": est.undefined_reason,
    }


def run(args: argparse.Namespace) -> int:
    labels = None
    if args.labels:
        labels = [v.strip() for v in args.labels.split(",") if v.strip()]
    elif args.contract:
        labels = load_term_set(args.contract).label_set
    counts = count_delivery(open_with_progress(args), labels)
    metric = resolve_metric(counts, METRICS[args.metric])
    overall = agreement(counts, metric, level=args.level, weights=args.weights, seed=args.seed)
    payload = _entry(metric, args, overall)
    payload["groups"] = {}
    if args.by:
        names, codes = dim_values(counts, args.by), dim_codes(counts, args.by)
        if not names:
            raise ValueError(f"--by {args.by}: the delivery has no {args.by} column")
        ests = agreement_by_group(
            counts, metric, codes, len(names), level=args.level, weights=args.weights, ci=True, seed=args.seed
        )
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
            payload["undefined_reason"] or "",
        ]
    ]
    rows += [
        [name, g["value"], _ci(g["ci"]), g["n_items"], g["n_annotations"], g["undefined_reason"] or ""]
        for name, g in payload["groups"].items()
    ]
    print(f"{metric} (weights {args.weights}, level {args.level}) on {counts.file}")
    print(
        table(
            [args.by or "scope", "value", "95% CI", "items", "annotations", "undefined"],
            [[r[0], "-" if r[1] is None else f"{r[1]:.4f}", *r[2:]] for r in rows],
        )
    )
    return 0


def _ci(ci: list[float] | None) -> str:
    return "-" if ci is None else f"{ci[0]:.3f}-{ci[1]:.3f}"
