"""`annogov guidelines`: show, compare and export versioned guidelines and the hand-over bundle."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pydantic import ValidationError

from annogov.render import table, to_json
from governance import guidelines as gl
from ingest import InputError


def load_document(path: str) -> gl.GuidelineDocument:
    """A guideline from a hand-over bundle (.zip) or a document JSON file."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"PK":
        return gl.read_bundle(raw, path)
    try:
        return gl.GuidelineDocument.model_validate_json(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or None
        raise InputError.at(f"not a guideline document: {err['msg']}", path,
                            column=where) from exc


def _write(data: bytes | str, out: str | None) -> None:
    if out in (None, "-"):
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    target = Path(out)  # type: ignore[arg-type]
    target.write_bytes(data if isinstance(data, bytes) else data.encode())
    print(f"wrote {target} ({target.stat().st_size:,} bytes)", file=sys.stderr)


def _checked(args: argparse.Namespace) -> gl.GuidelineDocument:
    doc = load_document(args.source)
    if args.version is not None and not 1 <= args.version <= len(doc.versions):
        raise InputError.at(f"there is no version {args.version} (1..{len(doc.versions)})",
                            args.source)
    return doc


def _show(args: argparse.Namespace) -> int:
    doc = _checked(args)
    if args.format == "json":
        _write(to_json(doc.model_dump(mode="json")) + "\n", None)
    elif args.format == "history":
        rows = [(v.version, v.created_at.isoformat(timespec="minutes"), v.author_name,
                 len(v.active_rulings), v.reason) for v in doc.versions]
        print(table(["version", "when", "who", "rulings", "why"], rows))
    else:
        _write(gl.to_markdown(doc, args.version), None)
    return 0


def _diff(args: argparse.Namespace) -> int:
    doc = load_document(args.source)
    try:
        diff = gl.diff_versions(doc, args.a, args.b)
    except KeyError as exc:
        raise InputError.at(str(exc.args[0]), args.source) from exc
    if args.json:
        print(to_json(diff.model_dump(mode="json")))
    else:
        sys.stdout.write(gl.diff_markdown(diff))
    return 0


def _export(args: argparse.Namespace) -> int:
    doc = _checked(args)
    if args.format == "bundle":
        _write(gl.history_bundle(doc), args.out)
    elif args.format == "pdf":
        _write(gl.to_pdf(doc, args.version), args.out)
    elif args.format == "json":
        _write(json.dumps(doc.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n",
               args.out)
    else:
        _write(gl.to_markdown(doc, args.version), args.out)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `annogov guidelines show|diff|export`."""
    parser = subparsers.add_parser(
        "guidelines", help="show, compare and export versioned annotation guidelines",
        description="Work with a guideline document (JSON) or a hand-over bundle (.zip).")
    sub = parser.add_subparsers(dest="action", required=True)

    show = sub.add_parser("show", help="print one version as Markdown, JSON or the history")
    show.add_argument("source", help="guideline JSON or bundle .zip")
    show.add_argument("--version", type=int, help="version number (default: current)")
    show.add_argument("--format", choices=["markdown", "json", "history"], default="markdown")
    show.set_defaults(handler=_show)

    diff = sub.add_parser("diff", help="compare two versions ruling by ruling")
    diff.add_argument("source")
    diff.add_argument("a", type=int, help="from version")
    diff.add_argument("b", type=int, help="to version")
    diff.add_argument("--json", action="store_true", help="machine-readable output")
    diff.set_defaults(handler=_diff)

    export = sub.add_parser("export", help="write Markdown, PDF, JSON or the hand-over bundle")
    export.add_argument("source")
    export.add_argument("--format", choices=["markdown", "pdf", "json", "bundle"],
                        default="bundle")
    export.add_argument("--version", type=int, help="version for markdown/pdf (default: current)")
    export.add_argument("--out", "-o", help="output file (default: standard output)")
    export.set_defaults(handler=_export)
