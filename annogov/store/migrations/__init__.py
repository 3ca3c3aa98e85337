"""Schema versioning: ordered migration modules, applied once each and recorded by id.

A migration is a module here named `mNNNN_<what>.py` with `upgrade(conn)`; modules run in name
order, each in its own transaction together with the row that records it in `schema_migrations`.
Recording ids (not one number) lets branches add migrations independently. Migrations hold frozen
table definitions: never edit an applied one, add a new one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, Connection, DateTime, Engine, MetaData, String, Table, select, text
from sqlalchemy.exc import SQLAlchemyError

from annogov.store.errors import SchemaError

_meta = MetaData()
schema_migrations = Table(
    "schema_migrations",
    _meta,
    Column("id", String(100), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Migration:
    """One step of the schema: its id (the module name without the `m`) and what it does."""

    id: str
    upgrade: Callable[[Connection], None]
    doc: str


def available() -> list[Migration]:
    """Every migration shipped with this code, in the order it must run."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        if not (info.name.startswith("m") and info.name[1:5].isdigit()):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        doc = next(iter((module.__doc__ or "").strip().splitlines()), "")
        found.append(Migration(info.name[1:], module.upgrade, doc))
    return sorted(found, key=lambda m: m.id)


def applied(engine: Engine) -> list[str]:
    """Ids of the migrations already applied to this database, in applied order."""
    with engine.connect() as conn:
        if not engine.dialect.has_table(conn, "schema_migrations"):
            return []
        rows = conn.execute(select(schema_migrations.c.id).order_by(schema_migrations.c.applied_at))
        return [r[0] for r in rows]


def upgrade(engine: Engine, target: str | None = None) -> list[str]:
    """Apply pending migrations (up to and including `target`); returns the ids applied now."""
    steps = available()
    known = {m.id for m in steps}
    if target is not None and target not in known:
        raise SchemaError(f"unknown schema migration {target!r}")
    done = set(applied(engine))
    unknown = sorted(done - known)
    if unknown:
        raise SchemaError(
            "this database was written by a newer annogov (it has schema migrations "
            f"{', '.join(unknown)} that this version does not know); upgrade annogov to open it"
        )
    with engine.begin() as conn:
        _meta.create_all(conn, checkfirst=True)
    ran: list[str] = []
    for step in steps:
        if step.id not in done and _apply(engine, step):
            ran.append(step.id)
        if step.id == target:
            break
    return ran


def _apply(engine: Engine, step: Migration) -> bool:
    """Run one migration with its record in one transaction; False if another process just did.

    SQLite's Python driver commits DDL as it runs unless a transaction was begun explicitly, so
    there the connection opens its own `BEGIN IMMEDIATE` (which also serialises two upgraders);
    PostgreSQL's DDL is transactional and an advisory lock serialises upgraders.
    """
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        sqlite = conn.dialect.name == "sqlite"
        saved = getattr(driver, "isolation_level", None)
        if sqlite:
            conn.commit()
            driver.isolation_level = None  # type: ignore[union-attr]
        try:
            if sqlite:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.execute(text("SELECT pg_advisory_xact_lock(7405510)"))
            again = conn.execute(select(schema_migrations.c.id).where(schema_migrations.c.id == step.id)).first()
            if again is not None:
                conn.rollback()
                return False
            try:
                step.upgrade(conn)
            except SQLAlchemyError as exc:
                conn.rollback()
                raise SchemaError(
                    f"schema migration {step.id} ({step.doc or 'no description'}) could not be applied and "
                    f"nothing of it was kept: {exc.orig if hasattr(exc, 'orig') else exc}"
                ) from None
            conn.execute(schema_migrations.insert().values(id=step.id, applied_at=datetime.now(UTC)))
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
        finally:
            if sqlite:
                driver.isolation_level = saved  # type: ignore[union-attr]
    return True


def head() -> str:
    """Id of the newest migration this code knows."""
    return available()[-1].id
