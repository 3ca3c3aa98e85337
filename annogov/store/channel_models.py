"""Tables of the annotators' channel: calibration log, attachments, guidelines, reflections, users.

Registered on the shared `Base`; the schema itself is built by migration `0100_channel`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from annogov.store.models import Base, utcnow


class ChannelUser(Base):
    """A person known to the channel and the role annogov gives them."""

    __tablename__ = "channel_users"

    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(40))
    annotator_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by: Mapped[str] = mapped_column(String(200), default="")


class TagVocabularyRow(Base):
    """A program's tag vocabulary."""

    __tablename__ = "channel_tag_vocabularies"

    program: Mapped[str] = mapped_column(String(200), primary_key=True)
    tags: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttachmentBlob(Base):
    """Attachment bytes, stored once per content hash."""

    __tablename__ = "channel_attachment_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CalibrationEntryRow(Base):
    """One flag in the calibration log, with its ruling and guideline link."""

    __tablename__ = "calibration_entries"
    __table_args__ = (
        Index("ix_calibration_entries_program_created", "program", "created_at"),
        Index("ix_calibration_entries_author", "author_id"),
        Index("ix_calibration_entries_task", "program", "task_id"),
    )

    entry_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    program: Mapped[str] = mapped_column(String(200))
    task_id: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column()
    category: Mapped[str | None] = mapped_column(String(200), nullable=True)
    tags: Mapped[list[str]] = mapped_column(JSON)
    free_tags: Mapped[list[str]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    set_aside: Mapped[bool] = mapped_column(Boolean)
    set_aside_at: Mapped[datetime | None] = mapped_column(nullable=True)
    returned_at: Mapped[datetime | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    ruling_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    ruling_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    ruling_at: Mapped[datetime | None] = mapped_column(nullable=True)
    guideline_doc_id: Mapped[str | None] = mapped_column(String(100), nullable=True)
    guideline_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    guideline_ruling_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int] = mapped_column(Integer)

    __mapper_args__ = {"version_id_col": version}


class CalibrationReplyRow(Base):
    """One message in an entry's thread."""

    __tablename__ = "calibration_replies"
    __table_args__ = (Index("ix_calibration_replies_entry", "entry_id", "created_at"),)

    reply_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entry_id: Mapped[str] = mapped_column(
        ForeignKey("calibration_entries.entry_id", ondelete="CASCADE"))
    parent_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    author_id: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column()


class CalibrationAttachmentRow(Base):
    """An attachment of an entry: a reference to a blob plus the name it was uploaded under."""

    __tablename__ = "calibration_attachments"

    entry_id: Mapped[str] = mapped_column(
        ForeignKey("calibration_entries.entry_id", ondelete="CASCADE"), primary_key=True)
    sha256: Mapped[str] = mapped_column(
        ForeignKey("channel_attachment_blobs.sha256"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)


class GuidelineDocumentRow(Base):
    """A guideline document; its content lives in append-only versions."""

    __tablename__ = "guideline_documents"
    __table_args__ = (Index("ix_guideline_documents_program", "program"),)

    doc_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    program: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GuidelineVersionRow(Base):
    """One version of a guideline: its rulings and who made it, when and why."""

    __tablename__ = "guideline_versions"

    doc_id: Mapped[str] = mapped_column(
        ForeignKey("guideline_documents.doc_id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    author_id: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column()
    reason: Mapped[str] = mapped_column(Text)
    rulings: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    settles_entry_ids: Mapped[list[str]] = mapped_column(JSON)


class ReflectionRow(Base):
    """An annotator's weekly reflection; read only by its author (enforced by the repository)."""

    __tablename__ = "reflections"
    __table_args__ = (
        UniqueConstraint("program", "author_id", "week", name="uq_reflections_program_author_week"),
        Index("ix_reflections_program_week", "program", "week"),
    )

    reflection_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    program: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[str] = mapped_column(String(200))
    author_name: Mapped[str] = mapped_column(String(200))
    week: Mapped[str] = mapped_column(String(10))
    shown_task_ids: Mapped[list[str]] = mapped_column(JSON)
    most_challenging: Mapped[list[str]] = mapped_column(JSON)
    tags: Mapped[list[str]] = mapped_column(JSON)
    comment: Mapped[str] = mapped_column(Text)
    insight: Mapped[str | None] = mapped_column(Text, nullable=True)
    share_insight: Mapped[bool] = mapped_column(Boolean)
    entry_ids: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column()
