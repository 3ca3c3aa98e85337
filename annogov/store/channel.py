"""Persistence of the annotators' channel, with the permission checks applied at every read/write.

`ChannelRepository(session)` works inside a caller's transaction (e.g. `Store.transaction()`);
every method takes the acting `User`, and annotators' reads are narrowed in SQL to their own rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annogov.store.channel_models import (
    AttachmentBlob,
    CalibrationAttachmentRow,
    CalibrationEntryRow,
    CalibrationReplyRow,
    ChannelUser,
    GuidelineDocumentRow,
    GuidelineVersionRow,
    ReflectionRow,
    TagVocabularyRow,
)
from annogov.store.errors import ConcurrentEditError, DuplicateError, NotFoundError
from governance.channel import calibration as cal
from governance.channel import guidelines as gl
from governance.channel import insights as ins
from governance.channel import reflection as rf
from governance.channel.attachments import MAX_ATTACHMENTS, Attachment, AttachmentError, make_attachment
from governance.channel.calibration_queries import (
    CalibrationSummary,
    HeldTask,
    calibration_summary,
    filter_entries,
    held_tasks,
)
from governance.roles import Permission, PermissionDenied, Role, User, can, require


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


def _user(row: ChannelUser) -> User:
    return User(user_id=row.user_id, name=row.name, role=Role(row.role), annotator_id=row.annotator_id)


def _reflection(row: ReflectionRow) -> rf.Reflection:
    return rf.Reflection(
        reflection_id=row.reflection_id, author_id=row.author_id, author_name=row.author_name,
        week=row.week, shown_task_ids=tuple(row.shown_task_ids),
        most_challenging=tuple(row.most_challenging), tags=tuple(row.tags), comment=row.comment,
        insight=row.insight, share_insight=row.share_insight, entry_ids=tuple(row.entry_ids),
        created_at=row.created_at, updated_at=row.updated_at,
    )


class ChannelRepository:
    """The channel's data in one session; every call checks what the acting user may do."""

    def __init__(self, session: Session) -> None:
        self.s = session

    # users ---------------------------------------------------------------------------------

    def save_user(self, actor: User | None, user: User, *, demo: bool = False) -> User:
        """Add or update a person's role; needs a program manager unless no user exists yet."""
        first = self.s.scalar(select(ChannelUser.user_id).limit(1)) is None
        if not (first and actor is None):
            if actor is None:
                raise PermissionDenied("only a program manager may change roles")
            require(actor, Permission.MANAGE_USERS)
        row = self.s.get(ChannelUser, user.user_id)
        if row is None:
            row = ChannelUser(user_id=user.user_id, is_demo=demo)
            self.s.add(row)
        elif row.role == Role.PROGRAM_MANAGER.value and user.role != Role.PROGRAM_MANAGER:
            self._keep_a_manager(user.user_id)
        if row.role != user.role.value:
            row.granted_by = actor.user_id if actor is not None else "(first user)"
        row.name, row.role, row.annotator_id = user.name, user.role.value, user.annotator_id
        self.s.flush()
        return user

    def granted_by(self) -> dict[str, str]:
        """Login -> who gave them their current role (empty for roles granted before it was kept)."""
        return {r.user_id: r.granted_by for r in self.s.scalars(select(ChannelUser))}

    def remove_user(self, actor: User, user_id: str) -> None:
        """Take a person's access away (program managers); the last program manager stays."""
        require(actor, Permission.MANAGE_USERS)
        row = self.s.get(ChannelUser, user_id)
        if row is None:
            raise NotFoundError(f"nobody with the login {user_id!r} is registered")
        if row.role == Role.PROGRAM_MANAGER.value:
            self._keep_a_manager(user_id)
        self.s.delete(row)
        self.s.flush()

    def _keep_a_manager(self, leaving: str) -> None:
        others = select(ChannelUser.user_id).where(
            ChannelUser.role == Role.PROGRAM_MANAGER.value, ChannelUser.user_id != leaving
        )
        if self.s.scalar(others.limit(1)) is None:
            raise PermissionDenied(f"{leaving} is the last program manager; name another one first")

    def get_user(self, user_id: str, *, demo: bool = True) -> User | None:
        """The person with this login id, if known; `demo=False` ignores the seeded demo people
        (a real login never becomes one of them)."""
        row = self.s.get(ChannelUser, user_id)
        return None if row is None or (row.is_demo and not demo) else _user(row)

    def list_users(self) -> list[User]:
        """Everyone the channel knows, by role then name."""
        rows = self.s.scalars(select(ChannelUser).order_by(ChannelUser.role, ChannelUser.name))
        return [_user(r) for r in rows]

    def demo_users(self) -> list[User]:
        """The users seeded for demo mode."""
        rows = self.s.scalars(select(ChannelUser).where(ChannelUser.is_demo.is_(True))
                              .order_by(ChannelUser.role, ChannelUser.name))
        return [_user(r) for r in rows]

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

    # guidelines ----------------------------------------------------------------------------

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

    # reflections ---------------------------------------------------------------------------

    def save_reflection(self, actor: User, program: str,
                        reflection: rf.Reflection) -> rf.Reflection:
        """Insert or update the actor's own reflection; nobody may write another's."""
        require(actor, Permission.WRITE_REFLECTION)
        if reflection.author_id != actor.user_id:
            raise PermissionDenied(f"{actor.user_id} may not write another person's reflection")
        row = self.s.get(ReflectionRow, reflection.reflection_id)
        if row is None:
            clash = self.s.scalar(select(ReflectionRow.reflection_id).where(
                ReflectionRow.program == program, ReflectionRow.author_id == actor.user_id,
                ReflectionRow.week == reflection.week))
            if clash is not None:
                raise DuplicateError(f"{actor.user_id} already has a reflection for "
                                     f"{reflection.week}; edit that one")
            row = ReflectionRow(reflection_id=reflection.reflection_id, program=program,
                                author_id=actor.user_id, created_at=reflection.created_at)
            self.s.add(row)
        elif row.author_id != actor.user_id:
            raise PermissionDenied(f"{actor.user_id} may not write another person's reflection")
        row.author_name, row.week = reflection.author_name, reflection.week
        row.shown_task_ids = list(reflection.shown_task_ids)
        row.most_challenging = list(reflection.most_challenging)
        row.tags, row.comment = list(reflection.tags), reflection.comment
        row.insight, row.share_insight = reflection.insight, reflection.share_insight
        row.entry_ids, row.updated_at = list(reflection.entry_ids), reflection.updated_at
        self.s.flush()
        return reflection

    def get_reflection(self, viewer: User,
                       reflection_id: str) -> rf.Reflection | rf.SharedInsight:
        """The whole reflection for its author, the shared insight for engineers, else refused."""
        row = self.s.get(ReflectionRow, reflection_id)
        if row is None:
            raise NotFoundError(f"no reflection {reflection_id}")
        return rf.read_reflection(_reflection(row), viewer)

    def my_reflections(self, viewer: User, program: str) -> list[rf.Reflection]:
        """The viewer's own reflections, newest week first."""
        rows = self.s.scalars(select(ReflectionRow).where(
            ReflectionRow.program == program, ReflectionRow.author_id == viewer.user_id)
            .order_by(ReflectionRow.week.desc())).all()
        return [_reflection(r) for r in rows]

    def my_reflection_for(self, viewer: User, program: str, week: str) -> rf.Reflection | None:
        """The viewer's reflection of one week, if written."""
        row = self.s.scalar(select(ReflectionRow).where(
            ReflectionRow.program == program, ReflectionRow.author_id == viewer.user_id,
            ReflectionRow.week == week))
        return None if row is None else _reflection(row)

    def shared_insights(self, viewer: User, program: str) -> list[rf.SharedInsight]:
        """Insights their authors chose to share (reviewers, engineers, managers)."""
        require(viewer, Permission.READ_SHARED_INSIGHTS)
        return rf.shared_insights(self._sharing_reflections(program), viewer)

    def _sharing_reflections(self, program: str) -> list[rf.Reflection]:
        rows = self.s.scalars(select(ReflectionRow).where(
            ReflectionRow.program == program, ReflectionRow.share_insight.is_(True)))
        return [_reflection(r) for r in rows]

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
