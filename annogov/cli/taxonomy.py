"""`annogov taxonomy`: classify a label-set change, infer it from a sample, apply it to data."""

from __future__ import annotations

import argparse
import csv
from typing import TYPE_CHECKING, Any

from annogov.cli.args import add_format, add_out, iso_date, old_spelling, wrote
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json
from ingest import inert

if TYPE_CHECKING:
    from migration.taxonomy import TaxonomyResult


def register(subparsers: Any) -> None:
    """Add the `taxonomy` sub-command."""
    p = subparsers.add_parser(
        "taxonomy",
        help=command_summary("taxonomy"),
        description="Classify every old class as one_to_one, merge, split or dropped, list the "
        "new classes, propose a mapping from a dual-labelled sample and count the items of a "
        "dataset that a rule can relabel or that need re-annotation.",
    )
    p.add_argument(
        "old", metavar="OLD", help="old label set (.csv, .xlsx or .json; `label` [+ `parent`]), e.g. old-labels.csv"
    )
    p.add_argument("new", metavar="NEW", help="new label set (same formats), e.g. new-labels.csv")
    p.add_argument(
        "--mapping", metavar="FILE", help="taxonomy mapping table old_label,new_label (.csv or .xlsx), e.g. mapping.csv"
    )
    p.add_argument(
        "--sample", metavar="FILE", help="items labelled under both: item_id,old_label,new_label, e.g. dual.csv"
    )
    p.add_argument(
        "--dataset", metavar="FILE", help="labelled items: item_id,label[,taxonomy_version|date], e.g. items.csv"
    )
    p.add_argument(
        "--new-version", help="which taxonomy_version value is the new one, e.g. v2 (default: the highest)"
    )
    p.add_argument("--cutover", type=iso_date, help="with a date column: first day of new rules, e.g. 2026-09-01")
    add_out(p, "MAPPING.json", "write the versioned mapping artefact (.json or .yaml), e.g. -o mapping-v2.json")
    old_spelling(p, "--export-mapping", "--out", "out")
    p.add_argument("--artifact-version", default="1", help="version written into the artefact, e.g. 2 (default: 1)")
    p.add_argument(
        "--relabelled-out",
        metavar="ACTIONS.csv",
        help="also write the dataset's per-item actions as CSV, e.g. actions.csv (needs --dataset)",
    )
    old_spelling(p, "--relabelled", "--relabelled-out", "relabelled_out")
    add_format(p)
    p.set_defaults(handler=run)


def _write_actions(result: TaxonomyResult, path: str) -> None:
    assert result.impact is not None
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["item_id", "old_label", "action", "new_label", "candidates"])
        for a in result.impact.actions:
            row = (a.item_id, a.old_label, a.action, a.new_label or "", "|".join(a.candidates))
            w.writerow([inert(v) for v in row])


def render_table(payload: dict[str, Any]) -> str:
    """The classification, the proposals and the vintage shares as text tables."""
    out = [
        f"Old: {payload['old_label_set']['source']} ({payload['old_label_set']['labels']} "
        f"labels)  New: {payload['new_label_set']['source']} "
        f"({payload['new_label_set']['labels']} labels)  mapping: "
        f"{payload['mapping_source']}",
        "",
    ]
    rows = [
        [
            c["old_label"],
            c["kind"] + (" (renamed)" if c["renamed"] else ""),
            ", ".join(c["targets"]) or "-",
            c["items"],
            c["relabelled"],
            c["reannotate"],
            c["dropped_items"],
        ]
        for c in payload["classes"]
    ]
    out.append(table(["old class", "kind", "targets", "items", "relabel", "re-annotate", "dropped"], rows))
    out.append("")
    out.append("New classes without a source: " + (", ".join(payload["new"]) or "none"))
    t = payload["totals"]
    if t["items"] is not None:
        out.append(
            f"Items: {t['items']} old-rule, {t['already_new']} already new; "
            f"{t['relabelled']} relabelled by rule, {t['reannotation_items']} to "
            f"re-annotate, {t['dropped_items']} dropped"
        )
    inferred = payload["inferred"]
    if inferred:
        out += ["", "Proposed from the dual-labelled sample:"]
        out.append(
            table(
                ["old class", "items", "proposed", "purity", "coverage", "flag"],
                [
                    [
                        p["old_label"],
                        p["items"],
                        ", ".join(p["targets"]) or "-",
                        p["purity"],
                        p["coverage"],
                        ("SCATTERED: " if p["scattered"] else "")
                        + (p["reason"] or "")
                        + ("; differs from the mapping table" if p["matches_mapping"] is False else ""),
                    ]
                    for p in inferred["proposals"]
                ],
            )
        )
    vintage = payload["vintage"]
    if vintage:
        out += ["", f"Mixed vintage ({vintage['rule']}):"]
        out.append(
            table(
                ["class", "old rules", "new rules", "share old"],
                [[c["label"], c["old_rules"], c["new_rules"], c["share_old"]] for c in vintage["classes"]],
            )
        )
        if vintage["unplaced"]:
            out.append(
                "Old-rule items no rule can place: " + ", ".join(f"{k} {v}" for k, v in vintage["unplaced"].items())
            )
    return "\n".join(out)


def run(args: argparse.Namespace) -> int:
    """Analyse, optionally export the artefact and per-item actions, print."""
    from migration.taxonomy import analyse_taxonomy_files, mapping_artifact, write_artifact

    if args.relabelled_out and not args.dataset:
        raise ValueError("--relabelled-out needs --dataset")
    result = analyse_taxonomy_files(
        args.old,
        args.new,
        mapping_path=args.mapping,
        sample_path=args.sample,
        dataset_path=args.dataset,
        new_version=args.new_version,
        cutover=args.cutover,
    )
    if args.out:
        write_artifact(mapping_artifact(result, args.artifact_version), args.out)
        wrote(args.out, "the mapping artefact")
    if args.relabelled_out:
        _write_actions(result, args.relabelled_out)
        wrote(args.relabelled_out, "the per-item actions")
    payload = result.to_payload()
    print(to_json(payload) if args.format == "json" else render_table(payload))
    return 0
