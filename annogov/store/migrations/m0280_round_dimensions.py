"""Evaluation rounds remember the dimensions they score (the program rubric's, extras included)."""

from __future__ import annotations

from sqlalchemy import Connection, text


def upgrade(conn: Connection) -> None:
    """Add eval_rounds.dimensions; NULL for rounds opened before it, which scored the five."""
    conn.execute(text("ALTER TABLE eval_rounds ADD COLUMN dimensions JSON"))
