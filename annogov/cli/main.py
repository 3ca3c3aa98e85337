"""The `annogov` command: one parser, a sub-command per capability, one error policy."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from annogov import __version__
from annogov.cli.registry import COMMAND_MODULES
from ingest import InputError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"annogov: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; given argv naming a known command, only that command's module is imported."""
    parser = _Parser(prog="annogov", description=__doc__)
    parser.add_argument("--version", action="version", version=f"annogov {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    chosen = words[0] if words and words[0] in COMMAND_MODULES else None
    for name, module in COMMAND_MODULES.items():
        if chosen in (None, name):
            importlib.import_module(module).register(sub)
    return parser


def _validation_message(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(input)"
        lines.append(f"{where}: {err['msg']}")
    return "; ".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; never lets a traceback reach the user for bad input."""
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        code = int(args.handler(args))
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # `annogov ... | head` closed the pipe: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except InputError as exc:
        print(f"annogov: {exc}", file=sys.stderr)
    except ValidationError as exc:
        print(f"annogov: invalid input: {_validation_message(exc)}", file=sys.stderr)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:  # reading or writing
        if exc.filename is None:  # a role refusal (governance.roles.PermissionDenied), not a file
            print(f"annogov: {exc}", file=sys.stderr)
        else:
            print(f"annogov: cannot open {exc.filename}: {exc.strerror}", file=sys.stderr)
    except ValueError as exc:
        print(f"annogov: {exc}", file=sys.stderr)
    except Exception as exc:
        # a store error can only come from a command that imported the store (sqlalchemy is slow to import)
        errors = sys.modules.get("annogov.store.errors")
        if errors is None or not isinstance(exc, errors.StoreError):
            raise
        print(f"annogov: {exc}", file=sys.stderr)
    return EXIT_USAGE
