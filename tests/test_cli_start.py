"""`annogov` starts without its heavy dependencies: the top-level help comes from the static table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annogov.cli.main import command_parsers
from annogov.cli.registry import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "pyarrow", "reportlab", "sqlalchemy", "streamlit", "openpyxl", "scipy")

PROBE = """
import json, sys
from annogov.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)
"""


def imported(*argv: str) -> set[str]:
    """Top-level packages imported by running `annogov ARGV` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


@pytest.mark.parametrize("argv", [["--help"], ["--version"]])
def test_top_level_help_and_version_import_no_heavy_package(argv: list[str]) -> None:
    assert not imported(*argv) & set(HEAVY)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_commands_help_imports_no_heavy_package(command: str) -> None:
    assert not imported(command, "--help") & set(HEAVY)


def test_the_static_table_matches_every_commands_own_help() -> None:
    parsers = command_parsers()
    assert list(parsers) == list(COMMANDS)
    for name, parser in parsers.items():
        assert parser.prog == f"annogov {name}"
    from annogov.cli.main import build_parser

    top = build_parser(["--help"])
    listed = {a.dest: a.help for a in top._subparsers._group_actions[0]._choices_actions}  # type: ignore[union-attr]
    full = {name: command.summary for name, command in COMMANDS.items()}
    assert listed == full
