"""The store: one object per database, each method one transaction unless one is already open."""

from __future__ import annotations

import contextvars
import copy
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from annogov.store import migrations
from annogov.store.access import CHECK_PERMISSIONS, DOCUMENT_PERMISSIONS, by_kind, requires
from annogov.store.codes import codes_key
from annogov.store.engine import database_url, describe_url, make_engine, normalise_url
from annogov.store.errors import ConcurrentEditError, DuplicateError, NotFoundError
from annogov.store.measured import insert_delivery
from annogov.store.measured_models import MeasuredDelivery
from annogov.store.models import (
    DOCUMENT_MODELS,
    CheckResult,
    Evaluation,
    Program,
    Provider,
    ScoreAudit,
    utcnow,
)
from annogov.store.records import (
    AuditRecord,
    CheckResultRecord,
    DeliveryOf,
    DocumentKind,
    DocumentRecord,
    EvaluationRecord,
    ProgramRecord,
    ProviderRecord,
    ScoreEdit,
)
from governance.privacy import (
    OwnFigures,
    annotator_rows,
    own_figures,
    pseudonymise_report,
    pseudonymise_sla_payload,
)
from governance.reports.model import ReportInput
from governance.roles import OPERATOR, Permission, PermissionDenied, User, can, may_see_annotator_ids
from scorecard.dimensions import DIMENSION_KEYS

RUBRIC_DOCUMENT = "Default"  # the program's rubric (annogov.services.scoring.RUBRIC_NAME)
_P = Permission
SLA_CHECK_KIND = "sla_check"


class Store:
    """annogov's persistence. `Store()` opens ANNOGOV_DATABASE_URL (or the SQLite default).

    Each public method runs in its own transaction; inside `with store.transaction():` they all
    join that one transaction, so a composite change commits or rolls back as a whole.
    Each public method also declares the permission it needs (`@requires`) and refuses with
    `PermissionDenied` unless `actor` has it: `Store()` acts as `OPERATOR` (the command line),
    `store.as_user(user)` as a logged-in person, `as_user(None)` as nobody.
    """

    actor: User | None

    def __init__(self, url: str | None = None, *, upgrade: bool = True, actor: User | None = OPERATOR) -> None:
        self.actor = actor
        self.url = normalise_url(url) if url else database_url()
        self.engine: Engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._active: contextvars.ContextVar[Session | None] = contextvars.ContextVar(
            f"annogov_store_{id(self)}", default=None
        )
        if upgrade:
            migrations.upgrade(self.engine)

    def as_user(self, user: User | None) -> Store:
        """This store (same engine and transactions) acting as `user`; None may do nothing."""
        view = copy.copy(self)
        view.actor = user
        return view

    @property
    def actor_id(self) -> str:
        """The acting login, as recorded on every saved change."""
        return self.actor.user_id if self.actor is not None else ""

    def describe(self, *, short: bool = False) -> str:
        """Where the data lives, without any password."""
        return describe_url(self.url, short=short)

    def schema_version(self) -> list[str]:
        """Ids of the schema migrations applied to this database."""
        return migrations.applied(self.engine)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction; nested calls (and store methods called inside) join the outer one."""
        current = self._active.get()
        if current is not None:
            yield current
            return
        session = self._sessions()
        token = self._active.set(session)
        try:
            with session.begin():
                yield session
        except StaleDataError as exc:
            table = re.search(r"table '(\w+)'", str(exc))  # SQLAlchemy names the table, not the record
            raise ConcurrentEditError([f"a row of {table.group(1)}" if table else "a record"]) from exc
        finally:
            self._active.reset(token)
            session.close()

    # programs ------------------------------------------------------------------------------

    @requires(_P.MANAGE_PROGRAMS)
    def create_program(self, name: str, description: str = "", *, demo: bool = False) -> ProgramRecord:
        """Create a program; the name must be new (DuplicateError otherwise)."""
        name = _clean_name(name, "program")
        with self.transaction() as s:
            if s.scalar(select(Program.id).where(Program.name == name)) is not None:
                raise DuplicateError(f"a program named {name!r} already exists")
            row = Program(name=name, description=description.strip(), is_demo=demo)
            s.add(row)
            _flush(s, f"a program named {name!r} already exists")
            return ProgramRecord.model_validate(row)

    @requires(_P.OPEN_PROGRAMS)
    def list_programs(self) -> list[ProgramRecord]:
        """Every program, by name."""
        with self.transaction() as s:
            rows = s.scalars(select(Program).order_by(Program.name)).all()
            return [ProgramRecord.model_validate(r) for r in rows]

    @requires(_P.OPEN_PROGRAMS)
    def get_program(self, program_id: int) -> ProgramRecord:
        """The program with this id (NotFoundError if it is gone)."""
        with self.transaction() as s:
            return ProgramRecord.model_validate(_get(s, Program, program_id, "program"))

    @requires(_P.OPEN_PROGRAMS)
    def find_program(self, name: str) -> ProgramRecord | None:
        """The program with this exact name, if any."""
        with self.transaction() as s:
            row = s.scalar(select(Program).where(Program.name == _normal_name(name)))
            return None if row is None else ProgramRecord.model_validate(row)

    @requires(_P.MANAGE_PROGRAMS)
    def delete_program(self, program_id: int) -> None:
        """Delete a program and everything that belongs to it."""
        with self.transaction() as s:
            s.delete(_get(s, Program, program_id, "program"))

    # providers -----------------------------------------------------------------------------

    @requires(_P.MANAGE_PROGRAMS)
    def add_provider(self, program_id: int, name: str, notes: str = "") -> ProviderRecord:
        """Add a provider to a program; the name must be new within the program."""
        name = _clean_name(name, "provider")
        with self.transaction() as s:
            _get(s, Program, program_id, "program")
            taken = select(Provider.id).where(Provider.program_id == program_id, Provider.name == name)
            if s.scalar(taken) is not None:
                raise DuplicateError(f"this program already has a provider named {name!r}")
            row = Provider(program_id=program_id, name=name, notes=notes.strip())
            s.add(row)
            _flush(s, f"this program already has a provider named {name!r}")
            return ProviderRecord.model_validate(row)

    @requires(_P.VIEW_PROGRAM_DATA)
    def ensure_provider(self, program_id: int, name: str) -> ProviderRecord:
        """The provider with this name in the program, created if missing (for imports)."""
        with self.transaction() as s:
            cleaned = _clean_name(name, "provider")
            row = s.scalar(select(Provider).where(Provider.program_id == program_id, Provider.name == cleaned))
            if row is not None:
                return ProviderRecord.model_validate(row)
            return self.add_provider(program_id, name)

    @requires(_P.VIEW_PROGRAM_DATA)
    def list_providers(self, program_id: int) -> list[ProviderRecord]:
        """A program's providers, by name."""
        with self.transaction() as s:
            rows = s.scalars(select(Provider).where(Provider.program_id == program_id).order_by(Provider.name)).all()
            return [ProviderRecord.model_validate(r) for r in rows]

    @requires(_P.MANAGE_PROGRAMS)
    def delete_provider(self, provider_id: int) -> None:
        """Delete a provider with its evaluations and their audit trail."""
        with self.transaction() as s:
            s.delete(_get(s, Provider, provider_id, "provider"))

    # evaluations ---------------------------------------------------------------------------

    @requires(_P.VIEW_PROGRAM_DATA)
    def list_evaluations(
        self, program_id: int, *, provider_id: int | None = None, evaluator: str | None = None
    ) -> list[EvaluationRecord]:
        """A program's evaluations, optionally for one provider or evaluator."""
        with self.transaction() as s:
            query = select(Evaluation).where(Evaluation.program_id == program_id)
            if provider_id is not None:
                query = query.where(Evaluation.provider_id == provider_id)
            if evaluator is not None:
                query = query.where(Evaluation.evaluator == evaluator)
            query = query.order_by(Evaluation.provider_id, Evaluation.evaluator, Evaluation.dimension, Evaluation.id)
            return [EvaluationRecord.model_validate(r) for r in s.scalars(query).all()]

    @requires(_P.SCORE_OWN)
    def save_scores(
        self, program_id: int, edits: Sequence[ScoreEdit], *, note: str = "", changed_by: str | None = None
    ) -> list[EvaluationRecord]:
        """Apply evaluators' edits in one transaction; each score change gets an audit row.

        Raises ConcurrentEditError (and saves nothing) if any edited row's version is no longer the
        one the editor loaded. Without SCORE_ANY the actor may edit only their own evaluator rows.
        The audit's `changed_by` is the acting login; `note` (or its older name `changed_by`) is a
        free-text remark kept beside it.
        """
        note = (note or changed_by or "").strip()[:500]
        if not can(self.actor, _P.SCORE_ANY):
            assert self.actor is not None  # @requires let a user through
            others = sorted({e.evaluator for e in edits if not self.actor.owns_evaluator(e.evaluator)})
            if others:
                raise PermissionDenied(
                    f"{self.actor.user_id} ({self.actor.role.value}) may edit only their own scores, "
                    f"not those of {', '.join(others[:5])}"
                )
        saved: list[Evaluation] = []
        conflicts: list[str] = []
        with self.transaction() as s:
            providers = {p.id: p.name for p in s.scalars(select(Provider).where(Provider.program_id == program_id))}
            dimensions = _rubric_dimensions(s, program_id)
            for edit in edits:
                if edit.provider_id not in providers:
                    raise NotFoundError(f"provider {edit.provider_id} does not belong to program {program_id}")
                if edit.dimension not in dimensions:
                    raise NotFoundError(
                        f"{edit.dimension!r} is not a dimension of this program's rubric ({', '.join(dimensions)})"
                    )
                label = _edit_label(providers[edit.provider_id], edit)
                row = s.scalar(
                    select(Evaluation).where(
                        Evaluation.provider_id == edit.provider_id,
                        Evaluation.evaluator == edit.evaluator,
                        Evaluation.dimension == edit.dimension,
                        func.coalesce(Evaluation.criterion, "") == (edit.criterion or ""),
                    )
                )
                current = 0 if row is None else row.version
                if edit.expected_version is not None and edit.expected_version != current:
                    conflicts.append(f"{label} (you loaded version {edit.expected_version}, now {current})")
                    continue
                old_score = None if row is None else row.score
                if row is None:
                    row = Evaluation(
                        program_id=program_id,
                        provider_id=edit.provider_id,
                        evaluator=edit.evaluator,
                        dimension=edit.dimension,
                        criterion=edit.criterion,
                        score=edit.score,
                        comment=edit.comment,
                        evidence=edit.evidence,
                        kpis=dict(edit.kpis or {}),
                        updated_at=utcnow(),
                    )
                    s.add(row)
                else:
                    kpis = row.kpis if edit.kpis is None else dict(edit.kpis)
                    new = (edit.score, edit.comment, edit.evidence, kpis)
                    if (row.score, row.comment, row.evidence, row.kpis) != new:
                        row.score, row.comment, row.evidence, row.kpis = new
                        row.updated_at = utcnow()
                try:
                    s.flush()
                except (StaleDataError, IntegrityError) as exc:
                    raise ConcurrentEditError([label]) from exc
                if old_score != edit.score:  # a new row has no old score: audited once it has one
                    s.add(
                        ScoreAudit(
                            evaluation_id=row.id,
                            program_id=program_id,
                            provider_id=edit.provider_id,
                            evaluator=edit.evaluator,
                            dimension=edit.dimension,
                            criterion=edit.criterion,
                            changed_by=self.actor_id,
                            note=note,
                            changed_at=row.updated_at,
                            old_score=old_score,
                            new_score=edit.score,
                            comment=edit.comment,
                        )
                    )
                saved.append(row)
            if conflicts:
                raise ConcurrentEditError(conflicts)
            s.flush()
            return [EvaluationRecord.model_validate(r) for r in saved]

    @requires(_P.VIEW_PROGRAM_DATA)
    def score_history(self, program_id: int, *, provider_id: int | None = None, limit: int = 500) -> list[AuditRecord]:
        """Score changes, newest first, optionally for one provider."""
        with self.transaction() as s:
            query = select(ScoreAudit).where(ScoreAudit.program_id == program_id)
            if provider_id is not None:
                query = query.where(ScoreAudit.provider_id == provider_id)
            query = query.order_by(ScoreAudit.changed_at.desc(), ScoreAudit.id.desc()).limit(limit)
            return [AuditRecord.model_validate(r) for r in s.scalars(query).all()]

    # named JSON documents -----------------------------------------------------------------

    @requires(by_kind(DOCUMENT_PERMISSIONS))
    def save_document(
        self,
        kind: DocumentKind,
        program_id: int,
        name: str,
        data: dict[str, Any],
        *,
        expected_version: int | None = None,
    ) -> DocumentRecord:
        """Create or replace a named document; expected_version as in ScoreEdit (0 = new)."""
        model = DOCUMENT_MODELS[kind]
        name = _clean_name(name, kind)
        with self.transaction() as s:
            _get(s, Program, program_id, "program")
            row = s.scalar(select(model).where(model.program_id == program_id, model.name == name))
            current = 0 if row is None else row.version
            if expected_version is not None and expected_version != current:
                raise ConcurrentEditError([f"{kind} {name!r} (you loaded version {expected_version}, now {current})"])
            if row is None:
                row = model(program_id=program_id, name=name, data=data, updated_by=self.actor_id)
                s.add(row)
            elif row.data != data:
                row.data = data
                row.updated_at = utcnow()
                row.updated_by = self.actor_id
            try:
                s.flush()
            except (StaleDataError, IntegrityError) as exc:
                raise ConcurrentEditError([f"{kind} {name!r}"]) from exc
            return _document(kind, row)

    @requires(_P.VIEW_PROGRAM_DATA)
    def get_document(self, kind: DocumentKind, program_id: int, name: str) -> DocumentRecord | None:
        """The named document, or None."""
        model = DOCUMENT_MODELS[kind]
        with self.transaction() as s:
            row = s.scalar(select(model).where(model.program_id == program_id, model.name == _normal_name(name)))
            return None if row is None else _document(kind, row)

    @requires(_P.VIEW_PROGRAM_DATA)
    def list_documents(self, kind: DocumentKind, program_id: int) -> list[DocumentRecord]:
        """A program's documents of one kind, by name."""
        model = DOCUMENT_MODELS[kind]
        with self.transaction() as s:
            rows = s.scalars(select(model).where(model.program_id == program_id).order_by(model.name)).all()
            return [_document(kind, r) for r in rows]

    @requires(by_kind(DOCUMENT_PERMISSIONS))
    def delete_document(self, kind: DocumentKind, program_id: int, name: str) -> None:
        """Delete a named document (NotFoundError if missing)."""
        model = DOCUMENT_MODELS[kind]
        with self.transaction() as s:
            row = s.scalar(select(model).where(model.program_id == program_id, model.name == _normal_name(name)))
            if row is None:
                raise NotFoundError(f"no {kind} named {name!r} in this program")
            s.delete(row)

    # check results ------------------------------------------------------------------------

    @requires(by_kind(CHECK_PERMISSIONS))
    def add_check_result(
        self,
        program_id: int,
        kind: str,
        payload: dict[str, Any],
        *,
        label: str = "",
        delivery: DeliveryOf | None = None,
    ) -> CheckResultRecord:
        """Keep the outcome of a check (kind e.g. "sla") with a label such as the delivery name; with
        `delivery`, the check is that provider's delivery and its measures join the vendor history in
        the same transaction (an unknown provider or a blank guideline version saves nothing)."""
        with self.transaction() as s:
            _get(s, Program, program_id, "program")
            measured = None
            if delivery is not None:
                measured, _ = insert_delivery(
                    s,
                    self.actor_id,
                    program_id,
                    delivery.provider,
                    delivery.measures,
                    delivered_on=delivery.delivered_on,
                    guideline_version=delivery.guideline_version,
                    label=delivery.label or label or None,
                )
            row = CheckResult(
                program_id=program_id,
                kind=kind,
                label=label[:200],
                payload=payload,
                created_by=self.actor_id,
                delivery_id=None if measured is None else measured.id,
            )
            s.add(row)
            s.flush()
            return _check_record(row, measured, delivery.provider if delivery else None)

    @requires(_P.VIEW_PROGRAM_DATA)
    def list_check_results(
        self, program_id: int, kind: str | None = None, *, limit: int = 100
    ) -> list[CheckResultRecord]:
        """Stored check outcomes, newest first, with the provider and guideline version of the delivery
        they recorded (None for checks saved without one); SLA checks carry annotator codes, not ids,
        for an actor who may not see annotator ids (`roles.may_see_annotator_ids`)."""
        with self.transaction() as s:
            query = (
                select(CheckResult, MeasuredDelivery, Provider.name)
                .outerjoin(MeasuredDelivery, MeasuredDelivery.id == CheckResult.delivery_id)
                .outerjoin(Provider, Provider.id == MeasuredDelivery.provider_id)
                .where(CheckResult.program_id == program_id)
            )
            if kind is not None:
                query = query.where(CheckResult.kind == kind)
            query = query.order_by(CheckResult.created_at.desc(), CheckResult.id.desc())
            records = [_check_record(r, m, name) for r, m, name in s.execute(query.limit(limit))]
            if may_see_annotator_ids(self.actor):
                return records
            key = codes_key(s, program_id)
        return [
            r.model_copy(update={"payload": pseudonymise_sla_payload(r.payload, key=key)})
            if r.kind == SLA_CHECK_KIND
            else r
            for r in records
        ]

    @requires(_P.EXPORT_REPORTS)
    def pseudonymise_report(self, program_id: int, report: ReportInput) -> ReportInput:
        """The report with annotator ids in the program's codes (the same codes as its stored checks
        and history show); the key stays in the store."""
        with self.transaction() as s:
            return pseudonymise_report(report, key=codes_key(s, program_id))

    @requires(_P.VIEW_OWN_FIGURES)
    def own_figures(self, program_id: int) -> OwnFigures | None:
        """The acting annotator's rows of the latest SLA check and the team aggregate (None: no check)."""
        assert self.actor is not None
        with self.transaction() as s:
            query = (
                select(CheckResult)
                .where(CheckResult.program_id == program_id, CheckResult.kind == SLA_CHECK_KIND)
                .order_by(CheckResult.created_at.desc(), CheckResult.id.desc())
            )
            row = s.scalars(query.limit(1)).first()
            if row is None:
                return None
            return own_figures(row.label, annotator_rows(row.payload), self.actor.data_id)


def _check_record(row: CheckResult, delivery: MeasuredDelivery | None, provider: str | None) -> CheckResultRecord:
    """A check result with the provider, guideline version and date of its delivery, if it has one."""
    record = CheckResultRecord.model_validate(row)
    if delivery is None:
        return record
    return record.model_copy(
        update={
            "provider": provider,
            "guideline_version": delivery.guideline_version,
            "delivered_on": delivery.delivered_on,
        }
    )


def _normal_name(name: str) -> str:
    """A name as it is stored: outer blanks dropped, inner runs of whitespace made one space."""
    return " ".join(str(name).split())


def _clean_name(name: str, what: str) -> str:
    cleaned = _normal_name(name)
    if not cleaned:
        raise ValueError(f"the {what} needs a name")
    if len(cleaned) > 200:
        raise ValueError(f"the {what} name is longer than 200 characters")
    return cleaned


def _get(session: Session, model: type[Any], key: int, what: str) -> Any:
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(f"{what} {key} does not exist (it may have been deleted)")
    return row


def _flush(session: Session, duplicate_message: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        raise DuplicateError(duplicate_message) from exc


def _edit_label(provider: str, edit: ScoreEdit) -> str:
    where = edit.dimension + (f"/{edit.criterion}" if edit.criterion else "")
    return f"{provider}, {edit.evaluator}, {where}"


def _rubric_dimensions(s: Session, program_id: int) -> tuple[str, ...]:
    """The dimension keys a program's scores may use: its rubric document's, else the default five."""
    model = DOCUMENT_MODELS["rubric"]
    row = s.scalar(select(model).where(model.program_id == program_id, model.name == RUBRIC_DOCUMENT))
    keys = [d.get("key") for d in (row.data or {}).get("dimensions", [])] if row is not None else []
    return tuple(k for k in keys if isinstance(k, str)) or tuple(DIMENSION_KEYS)


def _document(kind: DocumentKind, row: Any) -> DocumentRecord:
    return DocumentRecord(
        id=row.id,
        program_id=row.program_id,
        kind=kind,
        name=row.name,
        data=row.data,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )
