"""docs/cli.md is the parser's own reference: regenerated, it reads the same; its examples parse."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from annogov.cli.docs import markdown
from annogov.cli.main import build_parser
from annogov.cli.registry import COMMANDS, EXAMPLES

DOC = Path(__file__).resolve().parents[1] / "docs" / "cli.md"


def test_docs_cli_md_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), (
        "docs/cli.md is out of date: run `python -m annogov.cli.docs > docs/cli.md`"
    )


def test_every_command_is_documented_with_an_example() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in COMMANDS:
        assert f"## annogov {name}\n" in text
        assert EXAMPLES.get(name), f"{name} has no example"


@pytest.mark.parametrize("line", [line for lines in EXAMPLES.values() for line in lines])
def test_every_example_parses_in_the_current_spelling(line: str, capsys: pytest.CaptureFixture[str]) -> None:
    words = shlex.split(line)
    assert words[0] == "annogov" and words[1] in COMMANDS
    args = build_parser(words[1:]).parse_args(words[1:])
    assert args.command == words[1] and callable(args.handler)
    assert capsys.readouterr().err == ""  # no deprecation note: the docs use today's spellings
