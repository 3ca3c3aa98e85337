"""The `annogov` command: one parser, a sub-command per capability, one error policy."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from annogov import __version__
from annogov.cli.args import InputFile, needed
from annogov.cli.registry import COMMANDS, EXAMPLES
from ingest import InputError

if TYPE_CHECKING:
    from pydantic import ValidationError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


EXAMPLES_HEADING = "examples:\n"


class _Formatter(argparse.HelpFormatter):
    """Help as argparse writes it, except a main input file shows as required (it is; see `_Parser`) and
    the examples keep one command line per line."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(EXAMPLES_HEADING):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any) -> str:
        """The usage line, showing a `needed` option without brackets: it is required."""
        flipped = [a for a in actions if a.option_strings and needed(a)]
        for action in flipped:
            action.required = True
        try:
            return str(super()._format_usage(usage, actions, groups, prefix))
        finally:
            for action in flipped:
                action.required = False

    def _format_args(self, action: argparse.Action, default_metavar: str) -> str:
        if isinstance(action, InputFile) and not action.optional:
            name = str(self._metavar_formatter(action, default_metavar)(1)[0])
            return f"{name} [{name} ...]" if action.nargs == "*" else name
        return super()._format_args(action, default_metavar)


class _Parser(argparse.ArgumentParser):
    """Usage errors exit 2 with one line; a main input file given neither positionally nor by its old option is one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, rest = super().parse_known_args(args, namespace)
        missing = [
            "/".join(a.option_strings) or str(a.metavar)
            for a in self._actions
            if needed(a) and getattr(parsed, a.dest, None) is None
        ]
        if missing:
            self.error(f"the following arguments are required: {', '.join(missing)}")
        return parsed, rest

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"annogov: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the command argv names is imported, the others are listed from the static table."""
    parser = _Parser(
        prog="annogov",
        description="Govern AI data-annotation work: score providers, audit contracts, price a switch of provider, "
        "check deliveries against the SLA, report to a steering committee.",
        epilog="`annogov COMMAND --help` lists a command's options with examples; docs/cli.md has them all.",
    )
    parser.add_argument("--version", action="version", version=f"annogov {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")
    words = [a for a in (sys.argv[1:] if argv is None else argv) if not a.startswith("-")]
    chosen = words[0] if words and words[0] in COMMANDS else None
    for name, command in COMMANDS.items():
        if name == chosen:
            _register(sub, name)
        else:
            sub.add_parser(name, help=command.summary)
    return parser


def command_parsers() -> dict[str, argparse.ArgumentParser]:
    """Every command's full parser (imports every command module: for docs and tests, not for a run)."""
    parser = _Parser(prog="annogov")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    for name in COMMANDS:
        _register(sub, name)
    return dict(sub.choices)


def _register(sub: argparse._SubParsersAction, name: str) -> None:  # type: ignore[type-arg]
    """Import command `name`'s module, add its parser, and show its examples under its help."""
    importlib.import_module(COMMANDS[name].module).register(sub)
    parser = sub.choices[name]
    parser.epilog = EXAMPLES_HEADING + "\n".join(f"  {line}" for line in EXAMPLES.get(name, ()))


def _validation_message(exc: ValidationError) -> str:
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"]) or "(input)"
        lines.append(f"{where}: {err['msg']}")
    return "; ".join(lines)


def _message(exc: Exception) -> str | None:
    """What the user reads for bad input (exit 2), or None for a bug, which is re-raised.

    pydantic and the store are looked up only if a command imported them (both are slow to import).
    """
    if isinstance(exc, InputError):
        return str(exc)
    pydantic = sys.modules.get("pydantic")
    if pydantic is not None and isinstance(exc, pydantic.ValidationError):
        return f"invalid input: {_validation_message(exc)}"
    if isinstance(exc, FileNotFoundError | IsADirectoryError | PermissionError):  # reading or writing
        if exc.filename is None:  # a role refusal (governance.roles.PermissionDenied), not a file
            return str(exc)
        return f"cannot open {exc.filename}: {exc.strerror}"
    if isinstance(exc, ValueError):
        return str(exc)
    errors = sys.modules.get("annogov.store.errors")
    if errors is not None and isinstance(exc, errors.StoreError):
        return str(exc)
    return None


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
    except Exception as exc:
        message = _message(exc)
        if message is None:
            raise
        print(f"annogov: {message}", file=sys.stderr)
    return EXIT_USAGE
