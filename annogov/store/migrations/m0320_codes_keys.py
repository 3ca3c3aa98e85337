"""Each program keeps a secret key for its pseudonymous annotator codes (table program_secrets)."""

from __future__ import annotations

from sqlalchemy import Column, Connection, ForeignKey, Integer, MetaData, String, Table


def upgrade(conn: Connection) -> None:
    """Create program_secrets; keys are made on first use, so existing programs need no backfill."""
    meta = MetaData()
    Table("programs", meta, Column("id", Integer, primary_key=True))
    Table(
        "program_secrets",
        meta,
        Column("program_id", Integer, ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True),
        Column("codes_key", String(64), nullable=False),
    )
    meta.tables["program_secrets"].create(conn)
