"""`annogov annotators`: each annotator against the others, against themselves on repeated items,
and against gold (accuracy, macro-F1)."""

from __future__ import annotations

import argparse
from typing import Any

from annogov.cli.args import (
    add_format,
    add_input,
    add_label_set_options,
    add_mapping_options,
    label_set_from,
    mapping_from,
)
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "annotators",
        help=command_summary("annotators"),
        description="Per annotator: share of agreeing pairs and Cohen's kappa against the other annotators of "
        "the same items, consistency on items labelled more than once (repeats are kept as repeated "
        "judgements), accuracy and macro-F1 against gold.",
    )
    add_input(parser, "delivery", "DELIVERY", "annotations: .csv, .xlsx, .jsonl, .parquet or Label Studio .json, "
              "e.g. examples/delivery.csv")
    parser.add_argument(
        "--repeats",
        choices=["first", "last"],
        default="first",
        help="which row of a repeated (item, annotator) pair counts for agreement with others, "
        "e.g. --repeats last (default: first)",
    )
    add_label_set_options(parser)
    add_format(parser)
    add_mapping_options(parser)
    parser.set_defaults(handler=run)


def payload_for(frame: Any, labels: list[str] | None, repeats: str) -> dict[str, Any]:
    """The command's JSON: the annotator report plus accuracy and macro-F1 per annotator."""
    from governance.quality.sla.gold import gold_report
    from governance.quality.stats.annotators import annotator_report
    from governance.quality.stats.codes import LabelSet

    ls = LabelSet.of(labels) if labels else LabelSet.observed(frame["label"])
    report = annotator_report(
        frame["item_id"].to_numpy(object), frame["annotator_id"].to_numpy(object), frame["label"].to_numpy(object),
        label_set=ls, repeats=repeats,  # type: ignore[arg-type]
    )  # fmt: skip
    payload = report.to_payload()
    payload["gold"] = {}
    if "gold_label" in frame and frame["gold_label"].notna().any():
        for name, rows in frame.groupby(frame["annotator_id"].astype(str), sort=True):
            g = gold_report(rows["label"].to_numpy(object), rows["gold_label"].to_numpy(object), label_set=ls)
            payload["gold"][name] = {
                "accuracy": g.accuracy.model_dump(mode="json"),
                "macro_f1": g.macro_f1.model_dump(mode="json") if g.macro_f1 else None,
            }
    return payload


def run(args: argparse.Namespace) -> int:
    from governance.quality.reading.delivery import open_delivery
    from governance.quality.reading.long_rows import located, long_rows
    from governance.quality.stats.codes import DuplicateAnnotationError, MissingValueError, UnknownLabelError

    labels = label_set_from(args)
    source = open_delivery(args.delivery, mapping_from(args))
    frame = long_rows(source, ("item_id", "annotator_id", "label", "gold_label"))
    frame = frame[frame["label"].notna()]
    try:
        payload = payload_for(frame, labels, args.repeats)
    except (UnknownLabelError, DuplicateAnnotationError, MissingValueError) as err:
        raise located(err, frame, source.file) from None
    if args.format == "json":
        print(to_json(payload))
        return 0
    rows = []
    for a in payload["annotators"]:
        gold = payload["gold"].get(a["annotator"], {})
        rows.append(
            [
                a["annotator"],
                a["items"],
                _v(a["agreement"]["value"]),
                _v(a["kappa"]["value"]),
                a["repeated_items"],
                _v(a["consistency"]["value"]),
                _v(gold.get("accuracy", {}).get("value")),
                _v((gold.get("macro_f1") or {}).get("value")),
            ]
        )
    print(f"Per annotator on {source.file}; {payload['repeat_policy']}")
    print(
        table(
            ["annotator", "shared items", "agreement", "kappa", "repeated", "consistency", "accuracy", "macro-F1"],
            rows,
        )
    )
    return 0


def _v(value: float | None) -> str:
    import numpy as np

    return "-" if value is None or not np.isfinite(value) else f"{value:.3f}"
