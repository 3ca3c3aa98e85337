"""A program's steering-committee report assembled from what the store holds.

`program_report(store, program)` gathers each part (scorecard from the stored scores, the latest
switching-cost result or the newest scenario, the newest taxonomy with its mapping, the latest SLA
check, the latest contract audit per vendor) into a `ReportInput`, and says which parts are
missing and where to produce them. `report_bytes` renders the PDF or the workbook. Annotators
appear as pseudonymous codes unless `annotator_names=True`, which needs `roles.ANNOTATOR_IDS` (the one
rule for real annotator ids, as in the vendor history and saved SLA checks).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from annogov.services.scoring import load_program_rubric, sheet_from_records
from annogov.services.sla_store import DETAIL_KEY, SLA_CHECK
from annogov.services.switching_docs import CONTRACT_CHECK, SWITCHING_CHECK, analyse_taxonomy_document
from annogov.store import ProgramRecord, Store
from annogov.store.channel import ChannelRepository
from annogov.store.channel_models import CalibrationEntryRow, GuidelineDocumentRow
from annogov.store.evaluation_round import EvaluationRoundRepository, round_payload
from governance.channel.channel_report import calibration_sections, guideline_history_section
from governance.reports import (
    ReportInput,
    ScorecardPayload,
    Section,
    SlaPayload,
    SwitchingPayload,
    TaxonomyPayload,
    build_pdf,
    build_xlsx,
)
from governance.reports.model import DEFAULT_TITLE
from governance.reports.sections import audit_sections, round_sections
from governance.roles import ANNOTATOR_IDS, Permission, Role, User, require
from ingest import InputError
from migration import scenario_from_dict, switching_cost
from scorecard.card import score_sheet
from scorecard.panel_agreement import agreement_payload, panel_agreement
from scorecard.rubric import Rubric
from scorecard.smaa import smaa_of_scorecard
from scorecard.weight_space import WeightSpace

Format = Literal["pdf", "xlsx"]
MIME: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportPart(BaseModel):
    """One part of the report: present (with where it came from) or missing (with a hint)."""

    model_config = ConfigDict(frozen=True)

    key: str
    title: str
    present: bool
    detail: str
    page: str
    hint: str


class ProgramReport(BaseModel):
    """The assembled input (None when no part is present) and the state of every part."""

    report: ReportInput | None
    parts: list[ReportPart]

    def missing(self) -> list[ReportPart]:
        """Parts the report will not hold."""
        return [p for p in self.parts if not p.present]


def _when(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def scorecard_part(store: Store, program_id: int, as_of: dt.date | None) -> tuple[ScorecardPayload | None, str]:
    """The stored scores scored with the program's rubric, evaluators' rows kept as evidence."""
    providers = store.list_providers(program_id)
    evaluations = store.list_evaluations(program_id)
    if not providers or not any(e.score is not None for e in evaluations):
        return None, "no scores entered yet"
    rubric, _ = load_program_rubric(store, program_id)
    sheet = sheet_from_records(rubric, providers, evaluations).sheet
    result = score_sheet(sheet, as_of=as_of)
    payload = result.to_payload() | {"evaluations": sheet.evaluation_rows()}
    payload |= decision_parts(payload, rubric)
    evaluators = len({e.evaluator for e in evaluations})
    return ScorecardPayload.model_validate(payload), f"{len(providers)} providers, {evaluators} evaluators"


def decision_parts(payload: dict[str, Any], rubric: Rubric) -> dict[str, Any]:
    """Where the weights came from, SMAA over the program's weight space (uniform when none is
    stated) and the panel's agreement, as the score command adds them."""
    smaa = smaa_of_scorecard(payload, rubric.weight_space or WeightSpace(), source="the rubric's weight_space")
    return {"weights_provenance": rubric.weights_provenance, "smaa": smaa.to_payload(),
            "panel_agreement": agreement_payload(panel_agreement(payload, list(payload["weights"])))}


def switching_part(store: Store, program_id: int) -> tuple[SwitchingPayload | None, str]:
    """The latest saved switching-cost result, else the newest saved scenario simulated now."""
    saved = store.list_check_results(program_id, SWITCHING_CHECK, limit=1)
    if saved:
        record = saved[0]
        return SwitchingPayload.model_validate(
            record.payload
        ), f"result for {record.label or 'a scenario'}, {_when(record.created_at)}"
    scenarios = store.list_documents("scenario", program_id)
    if not scenarios:
        return None, "no scenario saved yet"
    doc = max(scenarios, key=lambda d: (d.updated_at, d.id))
    scenario = scenario_from_dict(doc.data, f"scenario {doc.name!r}")
    return SwitchingPayload.model_validate(
        switching_cost(scenario).to_payload()
    ), f"scenario {doc.name} (simulated now)"


def taxonomy_part(store: Store, program_id: int) -> tuple[TaxonomyPayload | None, str]:
    """The newest saved taxonomy, classified with its mapping document when there is one."""
    docs = store.list_documents("taxonomy", program_id)
    if not docs:
        return None, "no taxonomy saved yet"
    doc = max(docs, key=lambda d: (d.updated_at, d.id))
    mapping = store.get_document("mapping", program_id, doc.name)
    result = analyse_taxonomy_document(doc.data, None if mapping is None else mapping.data.get("rows", []))
    return TaxonomyPayload.model_validate(result.to_payload()), f"taxonomy {doc.name}"


def sla_part(store: Store, program_id: int) -> tuple[SlaPayload | None, str]:
    """The latest saved SLA check (the full report kept for the page is left out)."""
    saved = store.list_check_results(program_id, SLA_CHECK, limit=1)
    if not saved:
        return None, "no delivery checked yet"
    record = saved[0]
    payload = {k: v for k, v in record.payload.items() if k != DETAIL_KEY}
    return SlaPayload.model_validate(payload), f"check of {record.label or 'a delivery'}, {_when(record.created_at)}"


def audit_part(store: Store, program_id: int) -> tuple[list[Section], str]:
    """The latest saved contract audit per vendor, as report sections."""
    latest: dict[str, dict[str, Any]] = {}
    for record in store.list_check_results(program_id, CONTRACT_CHECK, limit=200):  # newest first
        latest.setdefault(record.label, record.payload)
    if not latest:
        return [], "no contract audited yet"
    sections = [s for payload in latest.values() for s in audit_sections(payload)]
    return sections, f"{len(latest)} vendor{'s' if len(latest) != 1 else ''}: {', '.join(sorted(latest))}"


REPORT_USER = User(user_id="report", name="annogov report", role=Role.PROGRAM_MANAGER)
"""Who reads the channel for a report (its aggregate summary, no annotator's rows), once the
acting user has been checked for EXPORT_REPORTS."""


def channel_part(store: Store, program: ProgramRecord, now: dt.datetime) -> tuple[list[Section], str]:
    """The calibration-log summary and every guideline's version history, as report sections."""
    with store.transaction() as session:
        repo = ChannelRepository(session)
        entries = repo.list_entries(REPORT_USER, program.name, now)
        docs = [
            repo.get_guideline(REPORT_USER, doc_id) for doc_id, _ in repo.list_guidelines(REPORT_USER, program.name)
        ]
    if not entries and not docs:
        return [], "no calibration flags or guidelines yet"
    raw = calibration_sections(entries, now) if entries else []
    raw += [guideline_history_section(doc) for doc in docs]
    sections = [Section.model_validate(item) for item in raw]
    return sections, f"{len(entries)} log entries, {len(docs)} guideline{'s' if len(docs) != 1 else ''}"


def round_part(store: Store, program_id: int) -> tuple[list[Section], str]:
    """The latest closed evaluation round: consensus beside moderation, and agreement."""
    with store.transaction() as session:
        repo = EvaluationRoundRepository(session)
        closed = [r for r in repo.list_rounds(REPORT_USER, program_id) if r.status == "closed"]
        if not closed:
            return [], "no closed evaluation round yet"
        latest = closed[-1]
        payload = round_payload(repo.results(REPORT_USER, latest.round_id),
                                repo.agreement(REPORT_USER, latest.round_id))
    return round_sections(payload), f"round {latest.name}, closed {latest.closed_at:%Y-%m-%d}"


def history_part(store: Store, program: ProgramRecord) -> tuple[list[Section], str]:
    """Every provider's stored deliveries as the vendor-history sections."""
    from annogov.store.measured import list_deliveries
    from governance.quality.vendors.history import history_sections

    deliveries = list_deliveries(store, REPORT_USER, program.id)
    if not deliveries:
        return [], "no stored deliveries yet"
    providers = len({d.provider for d in deliveries})
    sections = [Section.model_validate(item) for item in history_sections(deliveries)]
    return sections, f"{len(deliveries)} deliveries of {providers} provider{'s' if providers != 1 else ''}"


PARTS: tuple[tuple[str, str, str, str], ...] = (
    ("scorecard", "Provider scorecard", "app_pages/scorecard.py", "score providers on the Providers & scorecard page"),
    ("round", "Evaluation round", "app_pages/evaluation_round.py", "close a round on the Evaluation round page"),
    ("switching", "Switching cost", "app_pages/switching.py", "save a scenario or a result on the Switching cost page"),
    ("taxonomy", "Taxonomy mapping", "app_pages/switching.py", "upload a taxonomy on the Switching cost page"),
    ("sla", "SLA check", "app_pages/sla.py", "check a delivery on the SLA check page"),
    ("audits", "Contract audits", "app_pages/contract.py", "audit a contract on the Contract audit page"),
    (
        "channel",
        "Calibration log and guidelines",
        "app_pages/calibration.py",
        "flag tasks and rule on them on the Calibration log page",
    ),
    ("history", "Vendor history", "app_pages/history.py", "record deliveries on the Vendor history page"),
)


def program_report(
    store: Store,
    program: ProgramRecord,
    *,
    created: dt.date | None = None,
    title: str = DEFAULT_TITLE,
    annotator_names: bool = False,
) -> ProgramReport:
    """Every part the store holds for the program as one ReportInput, and what is missing.

    A part whose stored data can no longer be used (e.g. an invalid scenario) is reported as
    missing with the reason, so one bad part never hides the others.
    """
    require(store.actor, Permission.EXPORT_REPORTS)
    if annotator_names:
        require(store.actor, ANNOTATOR_IDS)
    loaders: dict[str, Callable[[], tuple[Any, str]]] = {
        "scorecard": lambda: scorecard_part(store, program.id, created),
        "round": lambda: round_part(store, program.id),
        "switching": lambda: switching_part(store, program.id),
        "taxonomy": lambda: taxonomy_part(store, program.id),
        "sla": lambda: sla_part(store, program.id),
        "audits": lambda: audit_part(store, program.id),
        "channel": lambda: channel_part(store, program, dt.datetime.now(dt.UTC)),
        "history": lambda: history_part(store, program),
    }
    found: dict[str, Any] = {}
    parts: list[ReportPart] = []
    for key, part_title, page, hint in PARTS:
        try:
            value, detail = loaders[key]()
        except (InputError, ValueError) as exc:
            value, detail = None, f"stored data cannot be used: {str(exc).splitlines()[0]}"
        present = bool(value)
        found[key] = value if present else None
        parts.append(ReportPart(key=key, title=part_title, present=present, detail=detail, page=page, hint=hint))
    if not any(found.values()):
        return ProgramReport(report=None, parts=parts)
    report = ReportInput(
        title=title,
        program=program.name,
        created=created or dt.date.today(),
        scorecard=found["scorecard"],
        switching=found["switching"],
        taxonomy=found["taxonomy"],
        sla=found["sla"],
        sections=[s for part in ("round", "audits", "channel", "history") for s in (found[part] or [])],
    )
    coded = report if annotator_names else store.pseudonymise_report(program.id, report)
    return ProgramReport(report=coded, parts=parts)


def report_bytes(report: ReportInput, fmt: Format) -> bytes:
    """The PDF or the workbook of an assembled report (same inputs and date, same bytes); a report
    too large for its format is refused by the builders' `reports.size.check_size`, as on the page."""
    builder = build_pdf if fmt == "pdf" else build_xlsx
    return builder(report, created=report.created)


def program_report_bytes(
    store: Store,
    program: ProgramRecord,
    fmt: Format,
    *,
    created: dt.date | None = None,
    title: str = DEFAULT_TITLE,
    annotator_names: bool = False,
) -> bytes:
    """Assemble and render in one call; ValueError when the program has nothing to report."""
    assembled = program_report(
        store, program, created=created, title=title.strip() or DEFAULT_TITLE, annotator_names=annotator_names
    )
    if assembled.report is None:
        raise ValueError("nothing to report yet: " + "; ".join(p.hint for p in assembled.parts))
    return report_bytes(assembled.report, fmt)


def report_filename(program: ProgramRecord, fmt: Format, created: dt.date | None = None) -> str:
    """e.g. `annogov-demo-street-scene-object-labels-2026-11-26.pdf`."""
    slug = re.sub(r"[^a-z0-9]+", "-", program.name.lower()).strip("-")[:60].rstrip("-") or "program"
    return f"annogov-{slug}-{(created or dt.date.today()).isoformat()}.{fmt}"


def has_report_data(store: Store, program: ProgramRecord) -> bool:
    """Cheap check (queries only) whether any part could be reported, the calibration log included.

    Pages call it on every rerun, so the one-row queries come first and the row-loading ones last.
    """
    if any(
        store.list_check_results(program.id, kind, limit=1) for kind in (SLA_CHECK, SWITCHING_CHECK, CONTRACT_CHECK)
    ):
        return True
    with store.transaction() as session:
        if any(
            session.scalar(select(row.program).where(row.program == program.name).limit(1)) is not None
            for row in (CalibrationEntryRow, GuidelineDocumentRow)
        ):
            return True
    if any(e.score is not None for e in store.list_evaluations(program.id)):
        return True
    return bool(store.list_documents("scenario", program.id) or store.list_documents("taxonomy", program.id))
