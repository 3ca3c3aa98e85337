"""Evaluation rounds: panel, conflict declarations, sealed individual scores, moderations."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

NEW = ("eval_rounds", "eval_round_panel", "eval_round_scores", "eval_round_moderations")


def _tables() -> MetaData:
    meta = MetaData()
    ts = DateTime(timezone=True)
    Table("programs", meta, Column("id", Integer, primary_key=True))  # exists since 0001_base
    Table(
        "eval_rounds", meta,
        Column("id", Integer, primary_key=True),
        Column("program_id", Integer, ForeignKey("programs.id", ondelete="CASCADE"), nullable=False),
        Column("name", String(200), nullable=False),
        Column("rule", String(20), nullable=False),
        Column("status", String(20), nullable=False),
        Column("providers", JSON, nullable=False),
        Column("created_by", String(200), nullable=False),
        Column("created_at", ts, nullable=False),
        Column("closed_by", String(200), nullable=True),
        Column("closed_at", ts, nullable=True),
        Column("version", Integer, nullable=False),
        Index("ix_eval_rounds_program", "program_id"),
    )
    Table(
        "eval_round_panel", meta,
        Column("round_id", Integer, ForeignKey("eval_rounds.id", ondelete="CASCADE"), primary_key=True),
        Column("user_id", String(200), primary_key=True),
        Column("name", String(200), nullable=False),
        Column("declared_at", ts, nullable=True),
        Column("declaration", Text, nullable=False),
        Column("conflicts", JSON, nullable=False),
        Column("locked_at", ts, nullable=True),
    )
    Table(
        "eval_round_scores", meta,
        Column("round_id", Integer, ForeignKey("eval_rounds.id", ondelete="CASCADE"), primary_key=True),
        Column("user_id", String(200), primary_key=True),
        Column("provider", String(200), primary_key=True),
        Column("dimension", String(40), primary_key=True),
        Column("score", Float, nullable=False),
        Column("comment", Text, nullable=False),
        Column("updated_at", ts, nullable=False),
    )
    Table(
        "eval_round_moderations", meta,
        Column("round_id", Integer, ForeignKey("eval_rounds.id", ondelete="CASCADE"), primary_key=True),
        Column("provider", String(200), primary_key=True),
        Column("dimension", String(40), primary_key=True),
        Column("consensus", Float, nullable=True),
        Column("score", Float, nullable=False),
        Column("moderated_by", String(200), nullable=False),
        Column("reason", Text, nullable=False),
        Column("moderated_at", ts, nullable=False),
    )
    return meta


def upgrade(conn: Connection) -> None:
    """Create the evaluation round's tables."""
    meta = _tables()
    meta.create_all(conn, tables=[meta.tables[name] for name in NEW])
