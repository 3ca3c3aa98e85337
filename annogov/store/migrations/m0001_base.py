"""Base tables: programs, providers, evaluations with audit, named JSON documents, check results."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
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
    UniqueConstraint,
    func,
)


def _tables() -> MetaData:
    meta = MetaData()
    ts = DateTime(timezone=True)

    def program_fk() -> Column[int]:
        return Column("program_id", Integer, ForeignKey("programs.id", ondelete="CASCADE"), nullable=False)

    Table(
        "programs",
        meta,
        Column("id", Integer, primary_key=True),
        Column("name", String(200), nullable=False, unique=True),
        Column("description", Text, nullable=False),
        Column("is_demo", Boolean, nullable=False),
        Column("created_at", ts, nullable=False),
    )
    Table(
        "providers",
        meta,
        Column("id", Integer, primary_key=True),
        program_fk(),
        Column("name", String(200), nullable=False),
        Column("notes", Text, nullable=False),
        Column("created_at", ts, nullable=False),
        UniqueConstraint("program_id", "name", name="uq_providers_program_name"),
    )
    evaluations = Table(
        "evaluations",
        meta,
        Column("id", Integer, primary_key=True),
        program_fk(),
        Column("provider_id", Integer, ForeignKey("providers.id", ondelete="CASCADE"), nullable=False),
        Column("evaluator", String(200), nullable=False),
        Column("dimension", String(40), nullable=False),
        Column("criterion", String(200), nullable=True),
        Column("score", Float, nullable=True),
        Column("comment", Text, nullable=False),
        Column("kpis", JSON, nullable=False),
        Column("updated_at", ts, nullable=False),
        Column("version", Integer, nullable=False),
        Index("ix_evaluations_program", "program_id"),
    )
    Index(
        "uq_evaluations_key",
        evaluations.c.provider_id,
        evaluations.c.evaluator,
        evaluations.c.dimension,
        func.coalesce(evaluations.c.criterion, ""),
        unique=True,
    )
    Table(
        "score_audit",
        meta,
        Column("id", Integer, primary_key=True),
        Column(
            "evaluation_id",
            Integer,
            ForeignKey("evaluations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        program_fk(),
        Column("provider_id", Integer, ForeignKey("providers.id", ondelete="CASCADE"), nullable=False),
        Column("evaluator", String(200), nullable=False),
        Column("dimension", String(40), nullable=False),
        Column("criterion", String(200), nullable=True),
        Column("changed_by", String(200), nullable=False),
        Column("changed_at", ts, nullable=False),
        Column("old_score", Float, nullable=True),
        Column("new_score", Float, nullable=True),
        Column("comment", Text, nullable=False),
        Index("ix_score_audit_provider", "provider_id", "changed_at"),
    )
    for name in ("rubrics", "scenarios", "taxonomies", "taxonomy_mappings", "sla_term_sets"):
        Table(
            name,
            meta,
            Column("id", Integer, primary_key=True),
            program_fk(),
            Column("name", String(200), nullable=False),
            Column("data", JSON, nullable=False),
            Column("created_at", ts, nullable=False),
            Column("updated_at", ts, nullable=False),
            Column("version", Integer, nullable=False),
            UniqueConstraint("program_id", "name", name=f"uq_{name}_program_name"),
        )
    Table(
        "check_results",
        meta,
        Column("id", Integer, primary_key=True),
        program_fk(),
        Column("kind", String(40), nullable=False),
        Column("label", String(200), nullable=False),
        Column("payload", JSON, nullable=False),
        Column("created_at", ts, nullable=False),
        Index("ix_check_results_program_kind", "program_id", "kind", "created_at"),
    )
    return meta


def upgrade(conn: Connection) -> None:
    """Create the base tables."""
    _tables().create_all(conn)
