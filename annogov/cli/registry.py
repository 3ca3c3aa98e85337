"""One module per `annogov` sub-command; each exposes `register(subparsers)`.

A command's handler returns its exit code: 0 success, 1 a "checked and failed" verdict.
Bad input is raised as `ingest.InputError` and becomes exit code 2 in `annogov.cli`.
"""

COMMAND_MODULES: dict[str, str] = {
    "score": "annogov.cli.score",
    "contract-audit": "annogov.cli.contract_audit",
    "taxonomy": "annogov.cli.taxonomy",
    "switching-cost": "annogov.cli.switching_cost",
    "db": "annogov.cli.db",
    "report": "annogov.cli.report",
    "agreement": "annogov.cli.agreement",
    "annotators": "annogov.cli.annotators",
    "consensus": "annogov.cli.consensus",
    "boxes": "annogov.cli.boxes",
    "sla-check": "annogov.cli.sla_check",
    "qa-sample": "annogov.cli.qa_sample",
    "guidelines": "annogov.cli.guidelines",
    "channel": "annogov.cli.channel",
    "users": "annogov.cli.users",
    "weights": "annogov.cli.weights",
    "pilot": "annogov.cli.pilot",
    "history": "annogov.cli.history",
    "gold": "annogov.cli.gold",
}
"""Command name -> module. Only the invoked command's module is imported (each pulls in its own
domain packages), so `annogov score` does not pay for pyarrow, reportlab or SQLAlchemy."""
