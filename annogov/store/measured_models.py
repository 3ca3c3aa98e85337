"""Tables of measured quality: deliveries checked for a provider, and the program's versioned gold sets.

Registered on the shared `Base`; the schema itself is built by migration `0270_measured_deliveries`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from annogov.store.models import Base, utcnow


class MeasuredDelivery(Base):
    """One delivery's measures (`governance.quality.vendors.history.DeliveryMeasures`), for a provider, a program and
    the guideline version it was labelled under."""

    __tablename__ = "measured_deliveries"
    __table_args__ = (Index("ix_measured_deliveries_program_provider", "program_id", "provider_id", "delivered_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    delivered_on: Mapped[str] = mapped_column(String(10))
    guideline_version: Mapped[str] = mapped_column(String(100))
    file: Mapped[str] = mapped_column(String(500))
    measures: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GoldSetVersion(Base):
    """One version of a named gold set of a program (`governance.quality.vendors.goldset.GoldSet` as JSON)."""

    __tablename__ = "gold_set_versions"
    __table_args__ = (UniqueConstraint("program_id", "name", "version", name="uq_gold_set_versions"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(500))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
