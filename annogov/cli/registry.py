"""The table of `annogov` sub-commands: name -> module and one-line summary, read without importing them.

Each module exposes `register(subparsers)`; its handler returns the exit code (0 success, 1 a
"checked and failed" verdict); bad input is raised as `ingest.InputError` and becomes exit code 2
in `annogov.cli.main`. The top-level help is built from this table alone, so `annogov --help`
imports no command module, and `annogov <command>` imports only that command's module.
"""

from __future__ import annotations

from typing import NamedTuple


class Command(NamedTuple):
    """Where a sub-command lives and what it does in one line (its `--help` summary)."""

    module: str
    summary: str


COMMANDS: dict[str, Command] = {
    "score": Command("annogov.cli.score", "score providers from an xlsx or CSV scoring sheet"),
    "contract-audit": Command(
        "annogov.cli.contract_audit", "check a contract profile or draft for portability clauses and vendor red flags"
    ),
    "taxonomy": Command(
        "annogov.cli.taxonomy", "classify an old -> new label-set change and count what it affects"
    ),
    "switching-cost": Command(
        "annogov.cli.switching_cost", "price a change of provider: five areas, P10/P50/P90, tornado"
    ),
    "db": Command("annogov.cli.db", "database schema version, upgrade, demo data"),
    "report": Command("annogov.cli.report", "PDF or Excel report for a steering committee"),
    "agreement": Command(
        "annogov.cli.agreement", "inter-annotator agreement, overall and per category/task type/batch"
    ),
    "annotators": Command(
        "annogov.cli.annotators",
        "per-annotator agreement with the others, consistency on repeated items, macro-F1 against gold",
    ),
    "consensus": Command(
        "annogov.cli.consensus", "majority-vote and Dawid-Skene labels, per-annotator confusion, items to adjudicate"
    ),
    "boxes": Command(
        "annogov.cli.boxes",
        "bounding-box agreement: mean IoU, box F1 at IoU 0.5/0.75, tightness against gold, per category",
    ),
    "sla-check": Command("annogov.cli.sla_check", "check a delivery against SLA terms (exit 1 if a term fails)"),
    "qa-sample": Command(
        "annogov.cli.qa_sample", "draw a blind, stratified QA sample meeting a minimum rate per category"
    ),
    "guidelines": Command("annogov.cli.guidelines", "show, compare and export versioned annotation guidelines"),
    "channel": Command("annogov.cli.channel", "calibration log, its summary and insights for engineers"),
    "users": Command("annogov.cli.users", "people who may log in to the app, and their roles"),
    "weights": Command(
        "annogov.cli.weights", "elicit dimension weights from a panel (AHP pairwise judgements or swing weights)"
    ),
    "pilot": Command("annogov.cli.pilot", "compare providers' pilot deliveries on shared items and shared gold"),
    "history": Command(
        "annogov.cli.history", "a provider's accuracy, kappa, defects and on-time share over its deliveries"
    ),
    "gold": Command(
        "annogov.cli.gold", "the gold set: stored and versioned, coverage, seeded share, qualification"
    ),
}

COMMAND_MODULES: dict[str, str] = {name: command.module for name, command in COMMANDS.items()}


def summary(name: str) -> str:
    """The one-line help of command `name`, shared by the top-level help and the command's own parser."""
    return COMMANDS[name].summary
