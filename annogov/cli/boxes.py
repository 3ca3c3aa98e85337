"""`annogov boxes`: agreement on bounding boxes (COCO, CVAT XML, Label Studio exports) between
annotators or against gold, per category: mean IoU, box F1 at IoU 0.5 and 0.75, tightness."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from annogov.cli.args import add_format, add_input
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json

if TYPE_CHECKING:
    from governance.quality.reading.boxes import BoxReport


def add_box_options(parser: argparse.ArgumentParser) -> None:
    """--boxes FILE... and --box-gold FILE, shared with sla-check (box_* terms)."""
    parser.add_argument(
        "--boxes",
        nargs="+",
        metavar="EXPORT",
        default=[],
        help="exports: COCO .json, CVAT .xml, Label Studio .json, e.g. --boxes alice.json bob.xml "
        "(the files run up to the next option, so give a positional input before --boxes)",
    )
    add_box_gold(parser)


def add_box_gold(parser: argparse.ArgumentParser) -> None:
    """--box-gold FILE: the reference boxes, for `boxes` and `sla-check` alike."""
    parser.add_argument(
        "--box-gold", metavar="EXPORT", help="reference boxes, e.g. gold-coco.json; without it annotators are compared"
    )
    parser.add_argument(
        "--image-sizes",
        metavar="TABLE",
        help="CSV or xlsx of image, width, height (pixels), e.g. image-sizes.csv: turns Label Studio percent "
        "boxes into pixels when the export states no image size",
    )


def boxes_from(args: argparse.Namespace) -> BoxReport | None:
    """The box report of the given exports, or None when none were given."""
    import pandas as pd

    from governance.quality.reading.box_readers import read_boxes, read_image_sizes
    from governance.quality.reading.boxes import box_agreement

    if not args.boxes:
        return None
    frame = pd.concat([read_boxes(path) for path in args.boxes], ignore_index=True)
    gold = read_boxes(args.box_gold, annotator="gold") if args.box_gold else None
    sizes = read_image_sizes(args.image_sizes) if args.image_sizes else None
    return box_agreement(frame, gold, sizes)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "boxes",
        help=command_summary("boxes"),
        description="Match boxes of the same image and category one to one (Hungarian assignment on IoU) "
        "between every pair of annotators, or each annotator against --box-gold. COCO and CVAT files hold one "
        "annotator each (named by the file); Label Studio exports name theirs.",
    )
    add_input(
        parser,
        "boxes",
        "EXPORT",
        "box exports, one annotator per COCO .json or CVAT .xml file, Label Studio .json naming theirs, "
        "e.g. alice-coco.json bob-cvat.xml",
        old="--boxes",
        many=True,
    )
    add_box_gold(parser)
    add_format(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    report = boxes_from(args)
    if report is None:
        raise ValueError("give the box exports: annogov boxes EXPORT [EXPORT ...]")
    if args.format == "json":
        print(to_json(report.to_payload()))
        return 0
    print(f"Boxes against {report.against}; {report.method}")
    rows = [
        [s.category, s.boxes_a, s.boxes_b, s.matched, _v(s.mean_iou), _v(s.f1_50), _v(s.f1_75), _v(s.area_ratio)]
        for s in [report.overall, *report.categories]
    ]
    print(table(["category", "boxes", "reference", "matched", "mean IoU", "F1@0.5", "F1@0.75", "area ratio"], rows))
    return 0


def _v(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
