"""Annotators' channel: calibration log, attachment blobs, guidelines, reflections, users."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)


def _tables() -> MetaData:
    meta = MetaData()
    ts = DateTime(timezone=True)
    Table(
        "channel_users", meta,
        Column("user_id", String(200), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("role", String(40), nullable=False),
        Column("annotator_id", String(200), nullable=True),
        Column("is_demo", Boolean, nullable=False),
        Column("created_at", ts, nullable=False),
    )
    Table(
        "channel_tag_vocabularies", meta,
        Column("program", String(200), primary_key=True),
        Column("tags", JSON, nullable=False),
        Column("updated_at", ts, nullable=False),
    )
    Table(
        "channel_attachment_blobs", meta,
        Column("sha256", String(64), primary_key=True),
        Column("media_type", String(100), nullable=False),
        Column("size", Integer, nullable=False),
        Column("data", LargeBinary, nullable=False),
        Column("created_at", ts, nullable=False),
    )
    Table(
        "calibration_entries", meta,
        Column("entry_id", String(64), primary_key=True),
        Column("program", String(200), nullable=False),
        Column("task_id", String(200), nullable=False),
        Column("author_id", String(200), nullable=False),
        Column("author_name", String(200), nullable=False),
        Column("created_at", ts, nullable=False),
        Column("category", String(200), nullable=True),
        Column("tags", JSON, nullable=False),
        Column("free_tags", JSON, nullable=False),
        Column("description", Text, nullable=False),
        Column("set_aside", Boolean, nullable=False),
        Column("set_aside_at", ts, nullable=True),
        Column("returned_at", ts, nullable=True),
        Column("status", String(20), nullable=False),
        Column("ruling_text", Text, nullable=True),
        Column("ruling_by", String(200), nullable=True),
        Column("ruling_at", ts, nullable=True),
        Column("guideline_doc_id", String(100), nullable=True),
        Column("guideline_version", Integer, nullable=True),
        Column("guideline_ruling_number", Integer, nullable=True),
        Column("version", Integer, nullable=False),
        Index("ix_calibration_entries_program_created", "program", "created_at"),
        Index("ix_calibration_entries_author", "author_id"),
        Index("ix_calibration_entries_task", "program", "task_id"),
    )
    Table(
        "calibration_replies", meta,
        Column("reply_id", String(64), primary_key=True),
        Column("entry_id", String(64),
               ForeignKey("calibration_entries.entry_id", ondelete="CASCADE"), nullable=False),
        Column("parent_id", String(64), nullable=True),
        Column("author_id", String(200), nullable=False),
        Column("author_name", String(200), nullable=False),
        Column("body", Text, nullable=False),
        Column("created_at", ts, nullable=False),
        Index("ix_calibration_replies_entry", "entry_id", "created_at"),
    )
    Table(
        "calibration_attachments", meta,
        Column("entry_id", String(64),
               ForeignKey("calibration_entries.entry_id", ondelete="CASCADE"), primary_key=True),
        Column("sha256", String(64), ForeignKey("channel_attachment_blobs.sha256"),
               primary_key=True),
        Column("position", Integer, nullable=False),
        Column("filename", String(200), nullable=False),
        Column("media_type", String(100), nullable=False),
        Column("size", Integer, nullable=False),
    )
    Table(
        "guideline_documents", meta,
        Column("doc_id", String(100), primary_key=True),
        Column("program", String(200), nullable=False),
        Column("title", String(200), nullable=False),
        Column("created_at", ts, nullable=False),
        Index("ix_guideline_documents_program", "program"),
    )
    Table(
        "guideline_versions", meta,
        Column("doc_id", String(100),
               ForeignKey("guideline_documents.doc_id", ondelete="CASCADE"), primary_key=True),
        Column("version", Integer, primary_key=True, autoincrement=False),
        Column("author_id", String(200), nullable=False),
        Column("author_name", String(200), nullable=False),
        Column("created_at", ts, nullable=False),
        Column("reason", Text, nullable=False),
        Column("rulings", JSON, nullable=False),
        Column("settles_entry_ids", JSON, nullable=False),
    )
    Table(
        "reflections", meta,
        Column("reflection_id", String(64), primary_key=True),
        Column("program", String(200), nullable=False),
        Column("author_id", String(200), nullable=False),
        Column("author_name", String(200), nullable=False),
        Column("week", String(10), nullable=False),
        Column("shown_task_ids", JSON, nullable=False),
        Column("most_challenging", JSON, nullable=False),
        Column("tags", JSON, nullable=False),
        Column("comment", Text, nullable=False),
        Column("insight", Text, nullable=True),
        Column("share_insight", Boolean, nullable=False),
        Column("entry_ids", JSON, nullable=False),
        Column("created_at", ts, nullable=False),
        Column("updated_at", ts, nullable=False),
        UniqueConstraint("program", "author_id", "week", name="uq_reflections_program_author_week"),
        Index("ix_reflections_program_week", "program", "week"),
    )
    return meta


def upgrade(conn: Connection) -> None:
    """Create the channel's tables."""
    _tables().create_all(conn)
