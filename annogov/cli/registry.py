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

EXAMPLES: dict[str, tuple[str, ...]] = {
    "score": (
        "annogov score examples/scorecard-wide.xlsx",
        "annogov score examples/scorecard-long.csv --weights workforce=30,security=20,quality_sla=25,"
        "ai_throughput=10,commercial=15 --smaa --format json",
        "annogov score examples/scorecard-wide.xlsx --contract examples/contract-profile.yaml",
    ),
    "contract-audit": (
        "annogov contract-audit examples/contract-profile.yaml",
        "annogov contract-audit examples/drafts/quarry-locked-in.md --vendor Quarry --format json",
        "annogov contract-audit --write questionnaire -o questionnaire.xlsx",
        "annogov contract-audit examples/drafts/quarry-locked-in.md --write decisions-template -o decisions.yaml",
    ),
    "taxonomy": (
        "annogov taxonomy examples/taxonomy/old.csv examples/taxonomy/new.csv --mapping examples/taxonomy/mapping.csv",
        "annogov taxonomy examples/taxonomy/old.csv examples/taxonomy/new.csv "
        "--sample examples/taxonomy/dual-sample.csv --dataset examples/taxonomy/dataset.csv "
        "-o mapping.json --relabelled-out actions.csv",
    ),
    "switching-cost": (
        "annogov switching-cost examples/scenario.yaml",
        "annogov switching-cost examples/scenario-correlated.yaml --simulations 20000 --format json",
    ),
    "db": ("annogov db status", "annogov db --database sqlite:///data/annogov.sqlite3 upgrade", "annogov db demo"),
    "report": (
        "annogov report --scorecard examples/scorecard-wide.xlsx --switching examples/scenario.yaml "
        "--terms examples/sla-terms.yaml --delivery examples/delivery.csv -o report.pdf",
        "annogov report --scorecard examples/report/scorecard.json --sla examples/report/sla.json -o report.xlsx",
    ),
    "agreement": (
        "annogov agreement examples/delivery.csv --metric kappa --by category",
        "annogov agreement examples/delivery.csv --metric krippendorff --level ordinal --terms examples/sla-terms.yaml",
    ),
    "annotators": ("annogov annotators examples/delivery.csv --terms examples/sla-terms.yaml",),
    "consensus": ("annogov consensus examples/delivery.csv --top 10 -o consensus.csv",),
    "boxes": ("annogov boxes alice-coco.json bob-cvat.xml --box-gold gold-coco.json",),
    "sla-check": (
        "annogov sla-check examples/delivery.csv --terms examples/sla-terms.yaml",
        "annogov sla-check examples/vendor-export.csv --column-map examples/column-mapping.yaml --format json",
    ),
    "qa-sample": (
        "annogov qa-sample examples/delivery.csv --min-rate 0.10 -o sample.csv --key-out key.csv",
        "annogov qa-sample examples/delivery.csv --plan acceptance --aql 0.01 --ltpd 0.05 -o plan.pdf",
    ),
    "guidelines": (
        "annogov guidelines show examples/channel/street-scenes-guidelines.json --format history",
        "annogov guidelines diff examples/channel/street-scenes-guidelines.json 1 2",
        "annogov guidelines export examples/channel/street-scenes-guidelines.json --format pdf -o guidelines.pdf",
    ),
    "channel": (
        "annogov channel log examples/channel/calibration-log.json --status open",
        "annogov channel insights examples/channel/calibration-log.json "
        "--metrics examples/channel/weekly-metrics.csv --format json",
    ),
    "users": ("annogov users add pm@example.com --role program_manager --name 'Dana Smith'", "annogov users list"),
    "weights": ("annogov weights examples/weights-ahp.yaml -o rubric.yaml",),
    "pilot": ("annogov pilot examples/pilot/pilot.yaml --format json",),
    "history": (
        "annogov history add examples/delivery.csv --program 'Street scenes' --provider 'Northwind Labeling' "
        "--guideline-version 3 --delivered 2026-11-30",
        "annogov history show --program 'Street scenes' --by category",
    ),
    "gold": (
        "annogov gold import examples/pilot/gold-set.csv --program 'Street scenes' --gold main "
        "--labels vehicle,pedestrian,cyclist,traffic_sign,animal,e_scooter_rider",
        "annogov gold show --program 'Street scenes' --gold main --minimum 50",
    ),
}
"""Command lines shown under each command's help and in docs/cli.md; a test parses every one."""


def summary(name: str) -> str:
    """The one-line help of command `name`, shared by the top-level help and the command's own parser."""
    return COMMANDS[name].summary
