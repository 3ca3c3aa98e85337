"""Who did it: documents, check results and role grants record the acting login; score changes keep a note."""

from __future__ import annotations

from sqlalchemy import Connection, text

_DOCUMENT_TABLES = ("rubrics", "scenarios", "taxonomies", "taxonomy_mappings", "sla_term_sets")


def upgrade(conn: Connection) -> None:
    """Add updated_by / created_by / granted_by (empty for rows saved before logins were recorded) and
    score_audit.note."""
    for table in _DOCUMENT_TABLES:
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN updated_by VARCHAR(200) NOT NULL DEFAULT ''"))
    conn.execute(text("ALTER TABLE check_results ADD COLUMN created_by VARCHAR(200) NOT NULL DEFAULT ''"))
    conn.execute(text("ALTER TABLE score_audit ADD COLUMN note TEXT NOT NULL DEFAULT ''"))
    conn.execute(text("ALTER TABLE channel_users ADD COLUMN granted_by VARCHAR(200) NOT NULL DEFAULT ''"))
