"""Persistence of the annotators' channel, with the permission checks applied at every read/write.

`ChannelRepository(session)` works inside a caller's transaction (e.g. `Store.transaction()`);
every method takes the acting `User`, and annotators' reads are narrowed in SQL to their own rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from annogov.store.channel_guidelines import ChannelGuidelines
from annogov.store.channel_models import (
    AttachmentBlob,
    CalibrationAttachmentRow,
    CalibrationEntryRow,
    CalibrationReplyRow,
    TagVocabularyRow,
)
from annogov.store.channel_reflections import ChannelReflections
from annogov.store.channel_users import ChannelUsers
from annogov.store.errors import NotFoundError
from governance.channel import calibration as cal
from governance.channel import insights as ins
from governance.channel.attachments import MAX_ATTACHMENTS, Attachment, AttachmentError, make_attachment
from governance.channel.calibration_queries import (
    CalibrationSummary,
    HeldTask,
    calibration_summary,
    filter_entries,
    held_tasks,
)
from governance.roles import Permission, User, can, require


def _entry(row: CalibrationEntryRow, replies: Sequence[CalibrationReplyRow],
           attachments: Sequence[CalibrationAttachmentRow]) -> cal.CalibrationEntry:
    ruling = None
    if row.ruling_text is not None and row.ruling_by and row.ruling_at:
        ruling = cal.Ruling(text=row.ruling_text, decided_by=row.ruling_by,
                            decided_at=row.ruling_at)
    link = None
    if row.guideline_doc_id and row.guideline_version and row.guideline_ruling_number:
        link = cal.GuidelineLink(doc_id=row.guideline_doc_id, version=row.guideline_version,
                                 ruling_number=row.guideline_ruling_number)
    return cal.CalibrationEntry(
        entry_id=row.entry_id, program=row.program, task_id=row.task_id,
        author_id=row.author_id, author_name=row.author_name, created_at=row.created_at,
        category=row.category, tags=tuple(row.tags), free_tags=tuple(row.free_tags),
        description=row.description,
        attachments=tuple(
            Attachment(sha256=a.sha256, filename=a.filename, media_type=a.media_type,
                       size=a.size)
            for a in sorted(attachments, key=lambda a: a.position)),
        set_aside=row.set_aside, set_aside_at=row.set_aside_at, returned_at=row.returned_at,
        status=cal.EntryStatus(row.status),
        replies=tuple(
            cal.Reply(reply_id=r.reply_id, author_id=r.author_id, author_name=r.author_name,
                      body=r.body, created_at=r.created_at, parent_id=r.parent_id)
            for r in sorted(replies, key=lambda r: (r.created_at, r.reply_id))),
        ruling=ruling, guideline=link,
    )


def _copy_entry(row: CalibrationEntryRow, e: cal.CalibrationEntry) -> None:
    row.category, row.tags, row.free_tags = e.category, list(e.tags), list(e.free_tags)
    row.description, row.set_aside = e.description, e.set_aside
    row.set_aside_at, row.returned_at, row.status = e.set_aside_at, e.returned_at, e.status.value
    row.ruling_text = e.ruling.text if e.ruling else None
    row.ruling_by = e.ruling.decided_by if e.ruling else None
    row.ruling_at = e.ruling.decided_at if e.ruling else None
    row.guideline_doc_id = e.guideline.doc_id if e.guideline else None
    row.guideline_version = e.guideline.version if e.guideline else None
    row.guideline_ruling_number = e.guideline.ruling_number if e.guideline else None


class ChannelRepository(ChannelUsers, ChannelGuidelines, ChannelReflections):
    """The channel's data in one session; every call checks what the acting user may do. This class
    holds the vocabulary, attachments, calibration log and insights; people, guidelines and
    reflections come from `ChannelUsers`, `ChannelGuidelines` and `ChannelReflections`."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # vocabulary ----------------------------------------------------------------------------

    def set_vocabulary(self, actor: User, vocabulary: cal.TagVocabulary, now: datetime) -> None:
        """Replace a program's tag vocabulary (engineers and managers)."""
        require(actor, Permission.EDIT_GUIDELINES)
        row = self.s.get(TagVocabularyRow, vocabulary.program)
        if row is None:
            row = TagVocabularyRow(program=vocabulary.program, tags=[])
            self.s.add(row)
        row.tags, row.updated_at = list(vocabulary.tags), now
        self.s.flush()

    def vocabulary(self, program: str) -> cal.TagVocabulary:
        """The program's tag vocabulary (empty if none was set)."""
        row = self.s.get(TagVocabularyRow, program)
        return cal.TagVocabulary(program=program, tags=tuple(row.tags) if row else ())

    # attachments ---------------------------------------------------------------------------

    def _store_blob(self, data: bytes, filename: str) -> Attachment:
        att = make_attachment(data, filename)
        if self.s.get(AttachmentBlob, att.sha256) is None:
            self.s.add(AttachmentBlob(sha256=att.sha256, media_type=att.media_type,
                                      size=att.size, data=data))
        return att

    def attachment_bytes(self, viewer: User, sha256: str) -> tuple[Attachment, bytes]:
        """An attachment's bytes, for a viewer who may see at least one entry that carries it."""
        query = (select(CalibrationAttachmentRow, CalibrationEntryRow.author_id)
                 .join(CalibrationEntryRow,
                       CalibrationEntryRow.entry_id == CalibrationAttachmentRow.entry_id)
                 .where(CalibrationAttachmentRow.sha256 == sha256))
        if not can(viewer, Permission.VIEW_ALL_FLAGS):
            query = query.where(CalibrationEntryRow.author_id == viewer.user_id)
        found = self.s.execute(query.limit(1)).first()
        blob = self.s.get(AttachmentBlob, sha256)
        if found is None or blob is None:
            raise NotFoundError(f"no attachment {sha256[:12]} visible to {viewer.user_id}")
        link = found[0]
        att = Attachment(sha256=sha256, filename=link.filename, media_type=blob.media_type,
                         size=blob.size)
        return att, blob.data

    # calibration log -----------------------------------------------------------------------

    def _load(self, rows: Sequence[CalibrationEntryRow]) -> list[cal.CalibrationEntry]:
        ids = [r.entry_id for r in rows]
        if not ids:
            return []
        replies: dict[str, list[CalibrationReplyRow]] = {}
        for r in self.s.scalars(select(CalibrationReplyRow)
                                .where(CalibrationReplyRow.entry_id.in_(ids))):
            replies.setdefault(r.entry_id, []).append(r)
        atts: dict[str, list[CalibrationAttachmentRow]] = {}
        for a in self.s.scalars(select(CalibrationAttachmentRow)
                                .where(CalibrationAttachmentRow.entry_id.in_(ids))):
            atts.setdefault(a.entry_id, []).append(a)
        return [_entry(r, replies.get(r.entry_id, []), atts.get(r.entry_id, [])) for r in rows]

    def _row(self, entry_id: str) -> CalibrationEntryRow:
        row = self.s.get(CalibrationEntryRow, entry_id)
        if row is None:
            raise NotFoundError(f"no calibration entry {entry_id}")
        return row

    def _save(self, before: cal.CalibrationEntry, after: cal.CalibrationEntry) -> None:
        row = self._row(after.entry_id)
        _copy_entry(row, after)
        known = {r.reply_id for r in before.replies}
        for reply in after.replies:
            if reply.reply_id not in known:
                self.s.add(CalibrationReplyRow(
                    reply_id=reply.reply_id, entry_id=after.entry_id, parent_id=reply.parent_id,
                    author_id=reply.author_id, author_name=reply.author_name, body=reply.body,
                    created_at=reply.created_at))
        self.s.flush()

    def flag_task(
        self,
        author: User,
        *,
        program: str,
        task_id: str,
        description: str,
        now: datetime,
        tags: Iterable[str] = (),
        free_tags: Iterable[str] = (),
        category: str | None = None,
        images: Sequence[tuple[str, bytes]] = (),
        set_aside: bool = False,
    ) -> cal.CalibrationEntry:
        """Record a flag; images are (filename, bytes), checked, hashed and stored once each."""
        require(author, Permission.FLAG_TASK)
        if len(images) > MAX_ATTACHMENTS:
            raise AttachmentError(f"at most {MAX_ATTACHMENTS} attachments per flag")
        attachments = [self._store_blob(data, name) for name, data in images]
        entry = cal.flag_task(
            author, program=program, task_id=task_id, description=description,
            vocabulary=self.vocabulary(program), now=now, tags=tags, free_tags=free_tags,
            category=category, attachments=attachments, set_aside=set_aside)
        row = CalibrationEntryRow(entry_id=entry.entry_id, program=entry.program,
                                  task_id=entry.task_id, author_id=entry.author_id,
                                  author_name=entry.author_name, created_at=entry.created_at)
        _copy_entry(row, entry)
        self.s.add(row)
        self.s.flush()
        for i, a in enumerate(entry.attachments):
            self.s.add(CalibrationAttachmentRow(entry_id=entry.entry_id, sha256=a.sha256,
                                                position=i, filename=a.filename,
                                                media_type=a.media_type, size=a.size))
        self.s.flush()
        return entry

    def get_entry(self, viewer: User, entry_id: str) -> cal.CalibrationEntry:
        """One entry, if the viewer may see it (PermissionDenied otherwise)."""
        [entry] = self._load([self._row(entry_id)])
        cal.require_visible(entry, viewer)
        return entry

    def list_entries(
        self,
        viewer: User,
        program: str,
        now: datetime,
        *,
        tags: Iterable[str] = (),
        statuses: Iterable[cal.EntryStatus | str] = (),
        min_age_days: float | None = None,
        max_age_days: float | None = None,
        task_id: str | None = None,
        set_aside_only: bool = False,
        oldest_first: bool = False,
    ) -> list[cal.CalibrationEntry]:
        """The log as the viewer may see it; annotators' rows are narrowed in the query."""
        query = select(CalibrationEntryRow).where(CalibrationEntryRow.program == program)
        if not can(viewer, Permission.VIEW_ALL_FLAGS):
            query = query.where(CalibrationEntryRow.author_id == viewer.user_id)
        if task_id is not None:
            query = query.where(CalibrationEntryRow.task_id == task_id)
        rows = self.s.scalars(query).all()
        return filter_entries(
            self._load(rows), viewer, now, tags=tags, statuses=statuses,
            min_age_days=min_age_days, max_age_days=max_age_days, task_id=task_id,
            set_aside_only=set_aside_only, oldest_first=oldest_first)

    def edit_flag(
        self,
        actor: User,
        entry_id: str,
        *,
        description: str | None = None,
        tags: Iterable[str] | None = None,
        free_tags: Iterable[str] | None = None,
        category: str | None = None,
    ) -> cal.CalibrationEntry:
        """The author corrects their own open flag."""
        before = self.get_entry(actor, entry_id)
        after = cal.edit_flag(before, actor, self.vocabulary(before.program),
                              description=description, tags=tags, free_tags=free_tags,
                              category=category)
        self._save(before, after)
        return after

    def set_aside(self, actor: User, entry_id: str, now: datetime) -> cal.CalibrationEntry:
        """Hold the entry's task out of the queue."""
        before = self.get_entry(actor, entry_id)
        after = cal.set_task_aside(before, actor, now)
        self._save(before, after)
        return after

    def release(self, actor: User, entry_id: str, now: datetime) -> cal.CalibrationEntry:
        """Return the entry's task to the queue without a guideline change."""
        before = self.get_entry(actor, entry_id)
        after = cal.release_task(before, actor, now)
        self._save(before, after)
        return after

    def reply(self, actor: User, entry_id: str, body: str, now: datetime,
              parent_id: str | None = None) -> cal.CalibrationEntry:
        """Add a message to the entry's thread."""
        before = self.get_entry(actor, entry_id)
        after = cal.add_reply(before, actor, body, now, parent_id=parent_id)
        self._save(before, after)
        return after

    def resolve(self, actor: User, entry_id: str, ruling: str,
                now: datetime) -> cal.CalibrationEntry:
        """Settle the entry with a ruling."""
        before = self.get_entry(actor, entry_id)
        after = cal.resolve(before, actor, ruling, now)
        self._save(before, after)
        return after

    def promote(
        self,
        actor: User,
        entry_id: str,
        doc_id: str,
        title: str,
        now: datetime,
        *,
        reason: str | None = None,
        amends: int | None = None,
        related_ids: Sequence[str] = (),
    ) -> cal.Promotion:
        """Write the ruling into a new guideline version and release the set-aside tasks."""
        before = self.get_entry(actor, entry_id)
        related = [self.get_entry(actor, i) for i in related_ids if i != entry_id]
        doc = self.get_guideline(actor, doc_id)
        promo = cal.promote(before, doc, actor, now, title, reason=reason, amends=amends,
                            related=related)
        self._append_versions(doc, promo.document)
        for old, new in zip([before, *related], promo.entries, strict=True):
            self._save(old, new)
        return promo

    def held_tasks(self, viewer: User, program: str) -> list[HeldTask]:
        """Tasks currently out of the queue (annotators: only those they set aside)."""
        query = select(CalibrationEntryRow).where(CalibrationEntryRow.program == program,
                                                  CalibrationEntryRow.set_aside.is_(True))
        if not can(viewer, Permission.VIEW_ALL_FLAGS):
            query = query.where(CalibrationEntryRow.author_id == viewer.user_id)
        return held_tasks(self._load(self.s.scalars(query).all()))

    def summary(self, viewer: User, program: str, now: datetime) -> CalibrationSummary:
        """Counts for the steering-committee reports (reviewers, engineers, managers)."""
        require(viewer, Permission.VIEW_ALL_FLAGS)
        return calibration_summary(self.list_entries(viewer, program, now), now)

    # insights ------------------------------------------------------------------------------

    def engineer_insights(
        self,
        viewer: User,
        program: str,
        now: datetime,
        metrics: pd.DataFrame | None = None,
        *,
        thresholds: Mapping[str, float] | None = None,
        min_drop: float = ins.DEFAULT_MIN_DROP,
        min_people: int = 2,
    ) -> ins.EngineerInsights:
        """Recurring tags, multiply-flagged tasks, metric coincidences and blocking questions."""
        require(viewer, Permission.VIEW_INSIGHTS)
        entries = self.list_entries(viewer, program, now, oldest_first=True)
        return ins.engineer_insights(viewer, entries, self._sharing_reflections(program), now,
                                     metrics, thresholds=thresholds, min_drop=min_drop,
                                     min_people=min_people)
