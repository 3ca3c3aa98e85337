"""The tables, as SQLAlchemy 2 typed mappings; the schema is built by `migrations`, not here."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    func,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DIMENSION_KEYS: tuple[str, ...] = (
    "workforce",
    "security",
    "quality_sla",
    "ai_throughput",
    "commercial",
)


def utcnow() -> datetime:
    """Timezone-aware now in UTC; every timestamp in the store is UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC, hands back aware UTC datetimes on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base for every annogov table (other modules add theirs to it)."""

    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Program(Base):
    """A procurement program: everything else belongs to one."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProgramSecret(Base):
    """A program's secret key for pseudonymous annotator codes; never part of a record or page."""

    __tablename__ = "program_secrets"

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"), primary_key=True)
    codes_key: Mapped[str] = mapped_column(String(64))


class Provider(Base):
    """An annotation provider evaluated within a program."""

    __tablename__ = "providers"
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_providers_program_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Evaluation(Base):
    """One evaluator's score for one provider on one dimension (and optionally one criterion)."""

    __tablename__ = "evaluations"
    __table_args__ = (Index("ix_evaluations_program", "program_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    evaluator: Mapped[str] = mapped_column(String(200))
    dimension: Mapped[str] = mapped_column(String(40))
    criterion: Mapped[str | None] = mapped_column(String(200), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    kpis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


# Unique per key even when criterion is NULL (NULLs never collide in a plain unique index).
Index(
    "uq_evaluations_key",
    Evaluation.provider_id,
    Evaluation.evaluator,
    Evaluation.dimension,
    func.coalesce(Evaluation.criterion, ""),
    unique=True,
)


class ScoreAudit(Base):
    """Who changed an evaluation's score, when, from what to what, and why."""

    __tablename__ = "score_audit"
    __table_args__ = (Index("ix_score_audit_provider", "provider_id", "changed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"))
    evaluator: Mapped[str] = mapped_column(String(200))
    dimension: Mapped[str] = mapped_column(String(40))
    criterion: Mapped[str | None] = mapped_column(String(200), nullable=True)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    old_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    new_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")


class _Document:
    """Columns shared by the named JSON documents of a program (rubric, scenarios, terms...)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class Rubric(_Document, Base):
    """A program's rubric (dimensions, criteria, weights) as the scorecard's JSON."""

    __tablename__ = "rubrics"
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_rubrics_program_name"),)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    __mapper_args__ = {"version_id_col": _Document.version}


class Scenario(_Document, Base):
    """A switching-cost scenario as the migration model's JSON."""

    __tablename__ = "scenarios"
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_scenarios_program_name"),)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    __mapper_args__ = {"version_id_col": _Document.version}


class Taxonomy(_Document, Base):
    """A label taxonomy (old or new provider's) as JSON."""

    __tablename__ = "taxonomies"
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_taxonomies_program_name"),)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    __mapper_args__ = {"version_id_col": _Document.version}


class TaxonomyMapping(_Document, Base):
    """A mapping between two taxonomies as JSON."""

    __tablename__ = "taxonomy_mappings"
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_taxonomy_mappings_program_name"),)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    __mapper_args__ = {"version_id_col": _Document.version}


class SlaTermSet(_Document, Base):
    """A set of SLA terms as the contracts package's JSON."""

    __tablename__ = "sla_term_sets"
    __table_args__ = (UniqueConstraint("program_id", "name", name="uq_sla_term_sets_program_name"),)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    __mapper_args__ = {"version_id_col": _Document.version}


class CheckResult(Base):
    """The outcome of a check (an SLA check of a delivery, a contract audit...) as JSON."""

    __tablename__ = "check_results"
    __table_args__ = (Index("ix_check_results_program_kind", "program_id", "kind", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("measured_deliveries.id", ondelete="SET NULL"), nullable=True, default=None
    )


DOCUMENT_MODELS: dict[str, Any] = {
    "rubric": Rubric,
    "scenario": Scenario,
    "taxonomy": Taxonomy,
    "mapping": TaxonomyMapping,
    "sla_terms": SlaTermSet,
}
