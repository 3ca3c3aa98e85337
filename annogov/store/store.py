"""The store: one object per database, each method one transaction unless one is already open."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from annogov.store.access import requires
from annogov.store.errors import ConcurrentEditError, DuplicateError, NotFoundError
from annogov.store.models import (
    DOCUMENT_MODELS,
    Evaluation,
    Program,
    Provider,
    ScoreAudit,
    utcnow,
)
from annogov.store.records import (
    AuditRecord,
    EvaluationRecord,
    ProgramRecord,
    ProviderRecord,
    ScoreEdit,
)
from annogov.store.store_base import _clean_name, _flush, _get, _normal_name
from annogov.store.store_checks import StoreChecks
from annogov.store.store_documents import StoreDocuments
from governance.roles import Permission, PermissionDenied, can
from scorecard.dimensions import DIMENSION_KEYS

RUBRIC_DOCUMENT = "Default"  # the program's rubric (annogov.services.scoring.RUBRIC_NAME)
_P = Permission


class Store(StoreDocuments, StoreChecks):
    """annogov's persistence. `Store()` opens ANNOGOV_DATABASE_URL (or the SQLite default).

    Each public method runs in its own transaction; inside `with store.transaction():` they all
    join that one transaction, so a composite change commits or rolls back as a whole.
    Each public method also declares the permission it needs (`@requires`) and refuses with
    `PermissionDenied` unless `actor` has it: `Store()` acts as `OPERATOR` (the command line),
    `store.as_user(user)` as a logged-in person, `as_user(None)` as nobody.
    """

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


def _edit_label(provider: str, edit: ScoreEdit) -> str:
    where = edit.dimension + (f"/{edit.criterion}" if edit.criterion else "")
    return f"{provider}, {edit.evaluator}, {where}"


def _rubric_dimensions(s: Session, program_id: int) -> tuple[str, ...]:
    """The dimension keys a program's scores may use: its rubric document's, else the default five."""
    model = DOCUMENT_MODELS["rubric"]
    row = s.scalar(select(model).where(model.program_id == program_id, model.name == RUBRIC_DOCUMENT))
    keys = [d.get("key") for d in (row.data or {}).get("dimensions", [])] if row is not None else []
    return tuple(k for k in keys if isinstance(k, str)) or tuple(DIMENSION_KEYS)
