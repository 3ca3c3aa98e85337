"""Annotators' weekly reflections in the store: only the author writes or reads their own; others
see only the insights their authors chose to share. Mixed into `ChannelRepository`
(annogov.store.channel)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from annogov.store.channel_models import ReflectionRow
from annogov.store.errors import DuplicateError, NotFoundError
from governance.channel import reflection as rf
from governance.roles import Permission, PermissionDenied, User, require


def _reflection(row: ReflectionRow) -> rf.Reflection:
    return rf.Reflection(
        reflection_id=row.reflection_id, author_id=row.author_id, author_name=row.author_name,
        week=row.week, shown_task_ids=tuple(row.shown_task_ids),
        most_challenging=tuple(row.most_challenging), tags=tuple(row.tags), comment=row.comment,
        insight=row.insight, share_insight=row.share_insight, entry_ids=tuple(row.entry_ids),
        created_at=row.created_at, updated_at=row.updated_at,
    )


class ChannelReflections:
    """Reflections narrowed to their author; shared insights for reviewers, engineers and managers."""

    s: Session

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
