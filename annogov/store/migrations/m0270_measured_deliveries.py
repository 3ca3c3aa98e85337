"""Measured deliveries per provider, program and guideline version; versioned gold sets."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)


def _tables() -> MetaData:
    meta = MetaData()
    ts = DateTime(timezone=True)
    Table("programs", meta, Column("id", Integer, primary_key=True))
    Table("providers", meta, Column("id", Integer, primary_key=True))
    Table(
        "measured_deliveries",
        meta,
        Column("id", Integer, primary_key=True),
        Column("program_id", Integer, ForeignKey("programs.id", ondelete="CASCADE"), nullable=False),
        Column("provider_id", Integer, ForeignKey("providers.id", ondelete="CASCADE"), nullable=False),
        Column("label", String(200), nullable=False),
        Column("delivered_on", String(10), nullable=False),
        Column("guideline_version", String(100), nullable=False),
        Column("file", String(500), nullable=False),
        Column("measures", JSON, nullable=False),
        Column("created_by", String(200), nullable=False),
        Column("created_at", ts, nullable=False),
        Index("ix_measured_deliveries_program_provider", "program_id", "provider_id", "delivered_on"),
    )
    Table(
        "gold_set_versions",
        meta,
        Column("id", Integer, primary_key=True),
        Column("program_id", Integer, ForeignKey("programs.id", ondelete="CASCADE"), nullable=False),
        Column("name", String(200), nullable=False),
        Column("version", Integer, nullable=False),
        Column("data", JSON, nullable=False),
        Column("note", String(500), nullable=False),
        Column("created_by", String(200), nullable=False),
        Column("created_at", ts, nullable=False),
        UniqueConstraint("program_id", "name", "version", name="uq_gold_set_versions"),
    )
    return meta


def upgrade(conn: Connection) -> None:
    """Create the two tables (the stub programs/providers tables only name the foreign keys' targets)."""
    meta = _tables()
    for name in ("measured_deliveries", "gold_set_versions"):
        meta.tables[name].create(conn)
