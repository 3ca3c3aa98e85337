"""`annogov guidelines`: show, compare and export versioned guidelines and the hand-over bundle."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from annogov.cli.args import add_database, add_format, add_out, wrote
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json
from ingest import InputError, decode_text, load_json, read_input

if TYPE_CHECKING:
    from annogov.store import Store
    from governance.channel import guidelines as gl



def _store(url: str | None) -> Store:
    from annogov.store import Store

    return Store(url)


def load_document(path: str) -> gl.GuidelineDocument:
    """A guideline from a hand-over bundle (.zip) or a document JSON file."""
    from pydantic import ValidationError

    from governance.channel import guidelines as gl
    from governance.channel.guideline_bundle import read_bundle

    raw = read_input(path)
    name = Path(path).name
    if raw[:2] == b"PK":
        return read_bundle(raw, name)
    data = load_json(decode_text(raw, name), name)
    try:
        return gl.GuidelineDocument.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or None
        raise InputError.at(f"not a guideline document: {err['msg']}", name, path=where) from exc


def _write(data: bytes | str, out: str | None) -> None:
    if out is None or out == "-":
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        return
    target = Path(out)
    target.write_bytes(data if isinstance(data, bytes) else data.encode())
    wrote(target, f"{target.stat().st_size:,} bytes")


def _from_args(args: argparse.Namespace) -> gl.GuidelineDocument:
    from governance.roles import OPERATOR as CLI_USER

    if (args.source is None) == (args.doc is None):
        raise InputError.at("give either a guideline file or --doc ID (from the database)",
                            "command line")
    if args.source is not None:
        return load_document(args.source)
    from annogov.store import NotFoundError
    from annogov.store.channel import ChannelRepository

    store = _store(args.database)
    try:
        with store.transaction() as s:
            return ChannelRepository(s).get_guideline(CLI_USER, args.doc)
    except NotFoundError as exc:
        raise InputError.at(str(exc), store.describe()) from exc
    finally:
        store.close()


def _checked(args: argparse.Namespace) -> gl.GuidelineDocument:
    doc = _from_args(args)
    if args.version is not None and not 1 <= args.version <= len(doc.versions):
        raise InputError.at(f"there is no version {args.version} (1..{len(doc.versions)})",
                            args.source or args.doc)
    return doc


def _show(args: argparse.Namespace) -> int:

    from governance.channel.guideline_exports import to_markdown

    doc = _checked(args)
    if args.format == "json":
        _write(to_json(doc.model_dump(mode="json")) + "\n", None)
    elif args.format == "history":
        rows = [(v.version, v.created_at.isoformat(timespec="minutes"), v.author_name,
                 len(v.active_rulings), v.reason) for v in doc.versions]
        print(table(["version", "when", "who", "rulings", "why"], rows))
    else:
        _write(to_markdown(doc, args.version), None)
    return 0


def _diff(args: argparse.Namespace) -> int:
    from governance.channel import guidelines as gl
    from governance.channel.guideline_exports import diff_markdown

    doc = _from_args(args)
    try:
        diff = gl.diff_versions(doc, args.a, args.b)
    except KeyError as exc:
        raise InputError.at(str(exc.args[0]), args.source or args.doc) from exc
    if args.format == "json":
        print(to_json(diff.model_dump(mode="json")))
    else:
        sys.stdout.write(diff_markdown(diff))
    return 0


def _assets(args: argparse.Namespace) -> dict[str, bytes] | None:
    """With --program: the program's gold set versions and calibration log for the bundle."""
    from governance.roles import OPERATOR as CLI_USER

    if not args.program:
        return None
    from annogov.cli.args import open_program
    from annogov.store.measured import handover_assets

    store, program = open_program(args)
    try:
        return handover_assets(store, CLI_USER, program.id)
    finally:
        store.close()


def _export(args: argparse.Namespace) -> int:
    from governance.channel.guideline_bundle import history_bundle
    from governance.channel.guideline_exports import to_markdown, to_pdf

    doc = _checked(args)
    if args.format == "bundle":
        _write(history_bundle(doc, assets=_assets(args)), args.out)
    elif args.format == "pdf":
        _write(to_pdf(doc, args.version), args.out)
    elif args.format == "json":
        _write(json.dumps(doc.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n",
               args.out)
    else:
        _write(to_markdown(doc, args.version), args.out)
    return 0


def _import(args: argparse.Namespace) -> int:
    from annogov.store import DuplicateError
    from annogov.store.channel import ChannelRepository
    from governance.roles import OPERATOR as CLI_USER

    doc = load_document(args.source)
    store = _store(args.database)
    try:
        with store.transaction() as s:
            ChannelRepository(s).create_guideline(CLI_USER, doc)
    except DuplicateError as exc:
        raise InputError.at(str(exc), args.source) from exc
    finally:
        store.close()
    print(f"imported {doc.doc_id!r} ({doc.title}) with {len(doc.versions)} versions "
          f"for program {doc.program!r}", file=sys.stderr)
    return 0


def _source_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source", nargs="?", metavar="GUIDELINE", help="guideline JSON or bundle .zip, e.g. guidelines.json"
    )
    parser.add_argument("--doc", help="read guideline DOC from the database instead of a file, e.g. --doc main")
    add_database(parser)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `annogov guidelines show|diff|export|import`."""
    parser = subparsers.add_parser(
        "guidelines", help=command_summary("guidelines"),
        description="Work with a guideline document (JSON), a hand-over bundle (.zip) or a "
                    "guideline stored in the database (--doc).")
    sub = parser.add_subparsers(dest="action", required=True)

    show = sub.add_parser("show", help="print one version as Markdown, JSON or the history")
    _source_args(show)
    show.add_argument("--version", type=int, help="version number, e.g. 3 (default: current)")
    show.add_argument(
        "--format",
        choices=["markdown", "json", "history"],
        default="markdown",
        help="how the version prints on standard output, e.g. --format history (default: markdown)",
    )
    show.set_defaults(handler=_show)

    diff = sub.add_parser("diff", help="compare two versions ruling by ruling")
    _source_args(diff)
    diff.add_argument("a", type=int, metavar="FROM", help="from version, e.g. 2")
    diff.add_argument("b", type=int, metavar="TO", help="to version, e.g. 3")
    add_format(diff, old_json=True)
    diff.set_defaults(handler=_diff)

    export = sub.add_parser("export", help="write Markdown, PDF, JSON or the hand-over bundle")
    _source_args(export)
    export.add_argument("--format", choices=["markdown", "pdf", "json", "bundle"], default="bundle",
                        help="what to write, e.g. --format pdf (default: bundle, the hand-over .zip)")
    export.add_argument("--version", type=int, help="version for markdown/pdf, e.g. 3 (default: current)")
    add_out(export, "PATH", "output file, e.g. -o handover.zip (default: standard output)")
    export.add_argument(
        "--program", help="bundle: add this program's gold sets and calibration log, e.g. 'Street scenes'"
    )
    export.set_defaults(handler=_export)

    imp = sub.add_parser("import", help="store a hand-over bundle (or JSON) in the database")
    imp.add_argument("source", metavar="GUIDELINE", help="bundle .zip or guideline JSON, e.g. handover.zip")
    add_database(imp)
    imp.set_defaults(handler=_import)
