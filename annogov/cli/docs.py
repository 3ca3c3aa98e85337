"""docs/cli.md written from the parser itself, so the reference cannot drift from the command.

`python -m annogov.cli.docs > docs/cli.md`; `tests/test_cli_docs.py` fails when the file is out of date.
"""

from __future__ import annotations

import argparse
import functools
import sys

from annogov.cli.main import _Formatter, command_parsers
from annogov.cli.registry import COMMANDS, EXAMPLES

WIDTH = 100
INTRO = """# The `annogov` command line

Generated from the parser by `python -m annogov.cli.docs > docs/cli.md`; edit the commands, not this file.

Every command follows one convention:

- the main input file is positional (`annogov sla-check DELIVERY --terms TERMS`);
- a file the command writes is `--out/-o PATH` (a second one is `--<thing>-out`, e.g. `--key-out`);
- results print on standard output as `--format table` (default) or `--format json`; messages
  (`wrote ...`, progress, warnings, deprecation notes) go to standard error;
- an option means one thing everywhere: `--terms` is SLA terms, `--contract` a contract profile or
  draft, `--column`/`--column-map` the delivery's column mapping, `--database` the database URL,
  `--gold` a stored gold set, `--by` a grouping;
- exit codes: 0 ok, 1 checked and failed (a failed SLA term, a missing critical clause, ...),
  2 bad input or usage, with the file, sheet, row and column at fault.

Former spellings (`--contract` for SLA terms, `--delivery` for sla-check's input, `--mapping` for the
column mapping, `--questionnaire`, `--decisions-template`, `--write-rubric`, `--export-mapping`,
`--relabelled`, `--key`, `--pdf`, `--json`, `db --url`, `agreement --weights`, `gold --name`,
`contract-audit --by`) still work, print a one-line deprecation note, and are not listed below.
"""


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _rows(parser: argparse.ArgumentParser) -> list[str]:
    """One table row per visible argument: how it is written, and its help."""
    formatter = parser._get_formatter()
    rows = []
    for action in parser._actions:
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
            continue
        value = formatter._format_args(action, action.dest.upper()) if action.nargs != 0 else ""
        spelled = ", ".join(action.option_strings) + (f" {value}" if action.option_strings and value else "")
        rows.append(f"| `{spelled or value}` | {_cell(action.help or '')} |")
    return rows


def _section(parser: argparse.ArgumentParser, level: int, summary: str, examples: tuple[str, ...]) -> list[str]:
    """A command's (or sub-command's) heading, usage, description, arguments and examples."""
    parser.formatter_class = functools.partial(_Formatter, width=WIDTH)
    out = [f"{'#' * level} {parser.prog}", "", summary, ""]
    out += ["```text", parser.format_usage().strip(), "```", ""]
    if parser.description:
        out += [parser.description, ""]
    rows = _rows(parser)
    if rows:
        out += ["| argument | what it is |", "| --- | --- |", *rows, ""]
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for sub in subs:
        helps = {choice.dest: choice.help or "" for choice in sub._choices_actions}
        for name, child in sub.choices.items():
            out += _section(child, level + 1, helps.get(name, ""), ())
    if examples:
        out += ["Examples:", "", "```sh", *examples, "```", ""]
    return out


def markdown() -> str:
    """The whole command reference."""
    lines = [INTRO, "| command | what it does |", "| --- | --- |"]
    lines += [f"| [`{name}`](#annogov-{name}) | {_cell(command.summary)} |" for name, command in COMMANDS.items()]
    lines.append("")
    for name, parser in command_parsers().items():
        lines += _section(parser, 2, COMMANDS[name].summary, EXAMPLES.get(name, ()))
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
