"""One module per `annogov` sub-command; each exposes `register(subparsers)`.

A command's handler returns its exit code: 0 success, 1 a "checked and failed" verdict.
Bad input is raised as `ingest.InputError` and becomes exit code 2 in `annogov.cli`.
"""

COMMAND_MODULES: dict[str, str] = {
    "score": "annogov.commands.score",
    "contract-audit": "annogov.commands.contract_audit",
    "taxonomy": "annogov.commands.taxonomy",
    "switching-cost": "annogov.commands.switching_cost",
    "db": "annogov.commands.db",
    "report": "annogov.commands.report",
    "agreement": "annogov.commands.agreement",
    "annotators": "annogov.commands.annotators",
    "consensus": "annogov.commands.consensus",
    "boxes": "annogov.commands.boxes",
    "sla-check": "annogov.commands.sla_check",
    "qa-sample": "annogov.commands.qa_sample",
    "guidelines": "annogov.commands.guidelines",
    "channel": "annogov.commands.channel",
    "users": "annogov.commands.users",
    "weights": "annogov.commands.weights",
    "pilot": "annogov.commands.pilot",
    "history": "annogov.commands.history",
    "gold": "annogov.commands.gold",
}
"""Command name -> module. Only the invoked command's module is imported (each pulls in its own
domain packages), so `annogov score` does not pay for pyarrow, reportlab or SQLAlchemy."""
