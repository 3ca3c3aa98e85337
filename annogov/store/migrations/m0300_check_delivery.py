"""SLA checks belong to a provider: a check result may point at the measured delivery it recorded."""

from __future__ import annotations

from sqlalchemy import Connection, text


def upgrade(conn: Connection) -> None:
    """Add check_results.delivery_id; NULL for checks saved before (they name no provider and stay out
    of the vendor history, but load and report as before)."""
    conn.execute(
        text(
            "ALTER TABLE check_results ADD COLUMN delivery_id INTEGER "
            "REFERENCES measured_deliveries(id) ON DELETE SET NULL"
        )
    )
