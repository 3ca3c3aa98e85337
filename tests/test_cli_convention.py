"""One convention for every `annogov` command: help with an example on every option, the written file as
--out/-o, --format where results print, one meaning per option name, and old spellings still working."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annogov.cli import main
from annogov.cli.args import OldSpelling
from annogov.cli.main import command_parsers

EX = Path(__file__).resolve().parents[1] / "examples"


def _parsers() -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command and sub-command parser, by its full name."""
    todo = list(command_parsers().values())
    while todo:
        parser = todo.pop()
        yield parser.prog, parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(action.choices.values())


def _visible(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The options and positionals a user sees (not help, version, sub-command lists or hidden old spellings)."""
    return [
        a for a in parser._actions
        if a.help != argparse.SUPPRESS and not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
    ]


def test_every_option_has_help_and_every_value_an_example() -> None:
    missing = []
    for prog, parser in _parsers():
        for action in _visible(parser):
            name = "/".join(action.option_strings) or str(action.metavar or action.dest)
            takes_value = action.nargs != 0
            if not action.help:
                missing.append(f"{prog} {name}: no help")
            elif takes_value and not action.choices and "e.g." not in action.help:
                missing.append(f"{prog} {name}: no example value")
    assert not missing, "\n".join(missing)


def test_an_option_name_means_one_thing() -> None:
    metavars: dict[str, set[str]] = {}
    for _, parser in _parsers():
        for action in _visible(parser):
            for option in action.option_strings:
                metavars.setdefault(option, set()).add(str(action.metavar or action.dest))
    assert metavars["--terms"] == {"TERMS"}
    assert metavars["--database"] == {"URL"}
    assert metavars["--column-map"] == {"FILE"}
    assert metavars["--contract"] == {"PROFILE_OR_DRAFT"}  # score's contract evidence, never SLA terms
    assert metavars["--gold"] == {"NAME"}  # a stored gold set, in gold and history alike
    groupings = [a for _, p in _parsers() for a in _visible(p) if "--by" in a.option_strings]
    assert groupings and all(a.choices and "category" in a.choices for a in groupings)  # --by is a grouping
    assert metavars["--weights"] == {"weights"} and metavars["--name"] == {"name"}  # score's weights; users' name
    for written in ("--questionnaire", "--write-rubric", "--export-mapping", "--key", "--pdf", "--relabelled", "--url"):
        assert written not in metavars, f"{written} is visible; written files are --out/-o (or --<thing>-out)"
    outs = [o for o in metavars if o.endswith("-out") or o == "--out"]
    assert "-o" in metavars and outs


def test_every_command_that_prints_results_has_format() -> None:
    printers = {"annogov score", "annogov contract-audit", "annogov taxonomy", "annogov switching-cost",
                "annogov agreement", "annogov annotators", "annogov consensus", "annogov boxes", "annogov sla-check",
                "annogov qa-sample", "annogov weights", "annogov pilot", "annogov history show", "annogov gold show",
                "annogov gold seeded", "annogov gold qualify", "annogov channel log", "annogov channel summary",
                "annogov channel insights", "annogov guidelines diff", "annogov guidelines show",
                "annogov users list", "annogov db status"}
    found = {prog for prog, parser in _parsers() if any("--format" in a.option_strings for a in parser._actions)}
    assert printers <= found


def test_defaults_quoted_in_help_are_the_domains() -> None:
    """Help that names a domain default without importing the domain package quotes it right."""
    from governance.channel.insights import DEFAULT_MIN_DROP
    from migration.switching import DEFAULT_SEED, DEFAULT_SIMULATIONS

    helps = {prog + " " + "/".join(a.option_strings): a.help or "" for prog, p in _parsers() for a in p._actions}
    assert f"(default: {DEFAULT_SIMULATIONS:,})" in helps["annogov switching-cost --simulations"]
    assert f"(default: {DEFAULT_SEED})" in helps["annogov switching-cost --seed"]
    assert f"(default: {DEFAULT_MIN_DROP:g})" in helps["annogov channel insights --min-drop"]


OLD_AND_NEW = [
    (["sla-check", "--contract", str(EX / "sla-terms.yaml"), "--delivery", str(EX / "delivery.csv")],
     ["sla-check", str(EX / "delivery.csv"), "--terms", str(EX / "sla-terms.yaml")], ["--contract", "--delivery"]),
    (["agreement", str(EX / "delivery.csv"), "--contract", "t.yaml", "--mapping", "m.yaml"],
     ["agreement", str(EX / "delivery.csv"), "--terms", "t.yaml", "--column-map", "m.yaml"],
     ["--contract", "--mapping"]),
    (["weights", "p.yaml", "--write-rubric", "r.yaml"], ["weights", "p.yaml", "-o", "r.yaml"], ["--write-rubric"]),
    (["taxonomy", "a.csv", "b.csv", "--export-mapping", "m.json", "--relabelled", "x.csv"],
     ["taxonomy", "a.csv", "b.csv", "--out", "m.json", "--relabelled-out", "x.csv"],
     ["--export-mapping", "--relabelled"]),
    (["qa-sample", "d.csv", "--out", "s.csv", "--key", "k.csv"],
     ["qa-sample", "d.csv", "-o", "s.csv", "--key-out", "k.csv"], ["--key"]),
    (["qa-sample", "d.csv", "--plan", "acceptance", "--pdf", "p.pdf"],
     ["qa-sample", "d.csv", "--plan", "acceptance", "-o", "p.pdf"], ["--pdf"]),
    (["contract-audit", "--questionnaire", "q.xlsx"], ["contract-audit", "--write", "questionnaire", "-o", "q.xlsx"],
     ["--questionnaire"]),
    (["contract-audit", "d.md", "--decisions-template", "t.yaml"],
     ["contract-audit", "d.md", "--write", "decisions-template", "-o", "t.yaml"], ["--decisions-template"]),
    (["report", "--contract", "t.yaml", "--delivery", "d.csv", "-o", "r.pdf"],
     ["report", "--terms", "t.yaml", "--delivery", "d.csv", "-o", "r.pdf"], ["--contract"]),
    (["db", "--url", "sqlite://", "status"], ["db", "--database", "sqlite://", "status"], ["--url"]),
    (["boxes", "--boxes", "a.json", "b.xml", "--box-gold", "g.json"],
     ["boxes", "a.json", "b.xml", "--box-gold", "g.json"], ["--boxes"]),
    (["agreement", "d.csv", "--weights", "linear"], ["agreement", "d.csv", "--weighting", "linear"], ["--weights"]),
    (["gold", "show", "--program", "P", "--name", "g"], ["gold", "show", "--program", "P", "--gold", "g"], ["--name"]),
    (["contract-audit", "d.md", "--decisions", "x.yaml", "--by", "pat"],
     ["contract-audit", "d.md", "--decisions", "x.yaml", "--decided-by", "pat"], ["--by"]),
    (["channel", "log", "--log", "l.json", "--json"], ["channel", "log", "l.json", "--format", "json"],
     ["--log", "--json"]),
    (["guidelines", "diff", "g.json", "1", "2", "--json"],
     ["guidelines", "diff", "g.json", "1", "2", "--format", "json"], ["--json"]),
]


def _parsed(argv: list[str]) -> dict[str, object]:
    from annogov.cli.main import build_parser

    namespace = vars(build_parser(argv).parse_args(argv))
    namespace.pop("handler", None)
    return namespace


@pytest.mark.parametrize(("old", "new", "notes"), OLD_AND_NEW, ids=[" ".join(o[:2]) for o, _, _ in OLD_AND_NEW])
def test_old_spellings_parse_as_the_new_ones_with_a_note(
    old: list[str], new: list[str], notes: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert _parsed(old) == _parsed(new)
    err = capsys.readouterr().err.splitlines()
    assert [line.split()[2] for line in err] == [*notes]
    assert all(line.startswith("annogov: note: ") and "is deprecated; use " in line for line in err)


def test_old_spellings_are_hidden_from_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["sla-check", "--help"])
    text = capsys.readouterr().out
    assert text.startswith("usage: annogov sla-check") and "DELIVERY" in text
    assert "--contract" not in text and "--delivery" not in text and "--mapping" not in text
    assert "[DELIVERY]" not in text  # the main input is required, whichever spelling gives it
    hidden = [a for a in command_parsers()["sla-check"]._actions if a.help == argparse.SUPPRESS]
    assert hidden and all(isinstance(a, OldSpelling) for a in hidden)


def test_old_and_new_sla_check_give_the_same_result_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    new = ["sla-check", str(EX / "delivery.csv"), "--terms", str(EX / "sla-terms.yaml"), "--format", "json"]
    old = ["sla-check", "--contract", str(EX / "sla-terms.yaml"), "--delivery", str(EX / "delivery.csv"),
           "--format", "json"]
    assert main(new) == 1
    first = capsys.readouterr()
    assert main(old) == 1
    second = capsys.readouterr()
    assert json.loads(first.out) == json.loads(second.out)
    assert "deprecated" not in first.err and second.err.count("is deprecated") == 2


def test_a_missing_main_input_or_required_option_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["sla-check", "--terms", str(EX / "sla-terms.yaml")])
    assert exit_.value.code == 2
    assert "the following arguments are required: DELIVERY" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # a required option with an old spelling is still required
        main(["gold", "show", "--program", "P"])
    assert exit_.value.code == 2
    assert "the following arguments are required: --gold" in capsys.readouterr().err


def test_written_files_are_announced_on_stderr_and_results_stay_on_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rubric = tmp_path / "rubric.yaml"
    assert main(["weights", str(EX / "weights-ahp.yaml"), "-o", str(rubric), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["weights"] and err.strip().startswith(f"wrote {rubric}")
    assert rubric.exists()
