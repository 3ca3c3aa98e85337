"""Evaluations gain an `evidence` column: what the evaluator's score rests on (link, document)."""

from __future__ import annotations

from sqlalchemy import Connection, text


def upgrade(conn: Connection) -> None:
    """Add evaluations.evidence, empty for rows that existed before."""
    conn.execute(text("ALTER TABLE evaluations ADD COLUMN evidence TEXT NOT NULL DEFAULT ''"))
