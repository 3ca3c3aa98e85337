"""The store's named JSON documents (rubrics, contracts, scenarios): versioned save, read, list, delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from annogov.store.access import DOCUMENT_PERMISSIONS, by_kind, requires
from annogov.store.errors import ConcurrentEditError, NotFoundError
from annogov.store.models import (
    DOCUMENT_MODELS,
    Program,
    utcnow,
)
from annogov.store.records import (
    DocumentKind,
    DocumentRecord,
)
from annogov.store.store_base import StoreBase, _clean_name, _get, _normal_name
from governance.roles import Permission

_P = Permission


class StoreDocuments(StoreBase):
    """Named documents of a program, one table per kind (`DOCUMENT_MODELS`)."""

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
