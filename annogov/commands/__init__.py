"""One module per `annogov` sub-command; each exposes `register(subparsers)`.

A command's handler returns its exit code: 0 success, 1 a "checked and failed" verdict.
Bad input is raised as `ingest.InputError` and becomes exit code 2 in `annogov.cli`.
"""

COMMAND_MODULES: tuple[str, ...] = (
    "annogov.commands.score",
    "annogov.commands.contract_audit",
    "annogov.commands.taxonomy",
    "annogov.commands.switching_cost",
    "annogov.commands.db",
    "annogov.commands.report",
    "annogov.commands.agreement",
    "annogov.commands.sla_check",
    "annogov.commands.qa_sample",
    "annogov.commands.guidelines",
    "annogov.commands.channel",
)
