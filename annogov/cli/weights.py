"""`annogov weights`: a panel's AHP judgements or swing points into the program's weights."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from annogov.cli.args import add_format, add_out, old_spelling, wrote
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json
from ingest import InputError


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `weights` sub-command."""
    p = sub.add_parser(
        "weights",
        help=command_summary("weights"),
        description="Turn each evaluator's pairwise judgements (AHP: principal eigenvector, Saaty's "
        "consistency ratio, CR > 0.10 flagged with the pair to revisit) or swing points into "
        "weights, aggregate the panel (geometric mean of judgements) and optionally write them "
        "into a rubric with their provenance.",
    )
    p.add_argument(
        "file", metavar="PANEL", help="the panel's judgements (.yaml or .json), e.g. examples/weights-ahp.yaml"
    )
    p.add_argument("--rubric", help="rubric to take the weights, e.g. rubric.yaml (default: the built-in one)")
    add_out(p, "RUBRIC.yaml", "write the rubric with the elicited weights (.yaml/.json), e.g. -o rubric.yaml")
    old_spelling(p, "--write-rubric", "--out", "out")
    add_format(p)
    p.set_defaults(handler=run)


def render_table(payload: dict[str, Any]) -> str:
    """Per-evaluator weights and consistency, the panel line and the resulting weights."""
    crit = payload["criteria"]
    rows = []
    for e in payload["evaluators"]:
        c = e["consistency"]
        rows.append([e["name"] + ("" if e["included"] else " (excluded)"),
                     *(round(100 * e["weights"][k], 2) for k in crit),
                     "-" if c is None else c["summary"]])
    out = [f"Weights by {payload['method']} ({payload['provenance']['rule']})", ""]
    out.append(table(["evaluator", *crit, "consistency"], rows))
    out += ["", "Program weights: " + ", ".join(f"{k} {v:g}" for k, v in payload["weights"].items())]
    if payload["panel"]:
        out.append(f"Panel: {payload['panel']['summary']}")
    if payload["problem"]:
        out.append(f"warning: {payload['problem']}")
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    """Elicit, print, and write the rubric when asked (refused while the panel is inconsistent)."""
    from scorecard.elicitation import elicit, load_elicitation
    from scorecard.rubric import default_rubric, load_rubric, save_rubric

    base = load_rubric(args.rubric) if args.rubric else default_rubric()
    doc = load_elicitation(args.file, criteria=base.keys)
    result = elicit(doc, source=args.file)
    payload = result.to_payload()
    print(to_json(payload) if args.format == "json" else render_table(payload))
    if args.out:
        if not result.usable:
            print(f"annogov: {args.out} not written: {result.problem}", file=sys.stderr)
            return 1
        if set(result.criteria) != set(base.keys):
            raise InputError.at(f"the panel weighs {', '.join(result.criteria)}; the rubric's dimensions are "
                                f"{', '.join(base.keys)}", Path(args.file).name, column="criteria")
        save_rubric(base.with_weights(result.percent, provenance=result.provenance), args.out)
        wrote(args.out, "the rubric with the elicited weights")
    return 0
