"""The channel's guidelines in the store: documents with every version, append-only, a version
added concurrently refused. Mixed into `ChannelRepository` (annogov.store.channel)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annogov.store.channel_models import GuidelineDocumentRow, GuidelineVersionRow
from annogov.store.errors import ConcurrentEditError, DuplicateError, NotFoundError
from governance.channel import guidelines as gl
from governance.roles import Permission, User, require


class ChannelGuidelines:
    """Storing and revising guideline documents; reads need READ_GUIDELINES, writes EDIT_GUIDELINES."""

    s: Session

    def create_guideline(self, actor: User, doc: gl.GuidelineDocument) -> gl.GuidelineDocument:
        """Store a new document with all its versions (e.g. `new_document` or an imported
        bundle); DuplicateError if the id is taken."""
        require(actor, Permission.EDIT_GUIDELINES)
        if self.s.get(GuidelineDocumentRow, doc.doc_id) is not None:
            raise DuplicateError(f"a guideline with id {doc.doc_id!r} already exists")
        self.s.add(GuidelineDocumentRow(doc_id=doc.doc_id, program=doc.program, title=doc.title,
                                        created_at=doc.versions[0].created_at))
        self.s.flush()
        self._add_versions(doc, doc.versions)
        return doc

    def _add_versions(self, doc: gl.GuidelineDocument,
                      versions: Iterable[gl.GuidelineVersion]) -> None:
        for v in versions:
            self.s.add(GuidelineVersionRow(
                doc_id=doc.doc_id, version=v.version, author_id=v.author_id,
                author_name=v.author_name, created_at=v.created_at, reason=v.reason,
                rulings=[r.model_dump(mode="json") for r in v.rulings],
                settles_entry_ids=list(v.settles_entry_ids)))
        try:
            self.s.flush()
        except IntegrityError as exc:
            raise ConcurrentEditError(
                [f"guideline {doc.doc_id} gained a version while this change was made"]) from exc

    def _append_versions(self, old: gl.GuidelineDocument, new: gl.GuidelineDocument) -> None:
        self._add_versions(new, new.versions[len(old.versions):])

    def get_guideline(self, viewer: User, doc_id: str) -> gl.GuidelineDocument:
        """A document with its whole history."""
        require(viewer, Permission.READ_GUIDELINES)
        row = self.s.get(GuidelineDocumentRow, doc_id)
        if row is None:
            raise NotFoundError(f"no guideline {doc_id!r}")
        versions = self.s.scalars(select(GuidelineVersionRow)
                                  .where(GuidelineVersionRow.doc_id == doc_id)
                                  .order_by(GuidelineVersionRow.version)).all()
        return gl.GuidelineDocument(
            doc_id=row.doc_id, title=row.title, program=row.program,
            versions=tuple(gl.GuidelineVersion(
                version=v.version, rulings=tuple(gl.GuidelineRuling.model_validate(r)
                                                 for r in v.rulings),
                author_id=v.author_id, author_name=v.author_name, created_at=v.created_at,
                reason=v.reason, settles_entry_ids=tuple(v.settles_entry_ids))
                for v in versions))

    def list_guidelines(self, viewer: User, program: str) -> list[tuple[str, str]]:
        """(doc_id, title) of the program's guidelines."""
        require(viewer, Permission.READ_GUIDELINES)
        rows = self.s.execute(select(GuidelineDocumentRow.doc_id, GuidelineDocumentRow.title)
                              .where(GuidelineDocumentRow.program == program)
                              .order_by(GuidelineDocumentRow.title))
        return [(r[0], r[1]) for r in rows]

    def revise_guideline(
        self, actor: User, doc_id: str, reason: str,
        changes: Sequence[gl.AddRuling | gl.AmendRuling | gl.RetireRuling], now: datetime,
    ) -> gl.GuidelineDocument:
        """Apply changes as a new version (append-only)."""
        doc = self.get_guideline(actor, doc_id)
        new = gl.revise(doc, actor, now, reason, changes)
        self._append_versions(doc, new)
        return new
