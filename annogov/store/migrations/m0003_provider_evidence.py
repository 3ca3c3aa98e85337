"""Providers gain `evidence` JSON: KPI values, red flags and evaluators' general comments."""

from __future__ import annotations

from sqlalchemy import Connection, text


def upgrade(conn: Connection) -> None:
    """Add providers.evidence, an empty object for providers that existed before."""
    conn.execute(text("ALTER TABLE providers ADD COLUMN evidence JSON NOT NULL DEFAULT '{}'"))
