"""Schema versioning: fresh and upgraded databases match the models; old files upgrade in place."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from annogov.store import Base, SchemaError, Store, make_engine, migrations


def _index_names(engine: sa.Engine, table: str) -> list[str]:
    """Index names straight from the catalogue (expression indexes are not reflected)."""
    if engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE tablename = :t"
    with engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(sa.text(query), {"t": table}))


def _shape(engine: sa.Engine) -> dict[str, dict[str, object]]:
    inspector = sa.inspect(engine)
    shape: dict[str, dict[str, object]] = {}
    for table in inspector.get_table_names():
        if table == "schema_migrations":
            continue
        shape[table] = {
            "columns": {c["name"]: c["nullable"] for c in inspector.get_columns(table)},
            "indexes": _index_names(engine, table),
            "fks": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"])
                for f in inspector.get_foreign_keys(table)
            ),
        }
    return shape


def _model_shape() -> dict[str, dict[str, object]]:
    import annogov.store

    for info in pkgutil.iter_modules(annogov.store.__path__):  # every module's tables on Base
        importlib.import_module(f"annogov.store.{info.name}")
    shape: dict[str, dict[str, object]] = {}
    for table in Base.metadata.sorted_tables:
        shape[table.name] = {
            "columns": {c.name: c.nullable for c in table.columns},
            "indexes": sorted(str(i.name) for i in table.indexes),
            "fks": sorted(((fk.parent.name,), fk.column.table.name) for fk in table.foreign_keys),
        }
    return shape


def test_migrations_build_exactly_what_the_models_describe(db_url: str) -> None:
    store = Store(db_url)
    assert store.schema_version() == [m.id for m in migrations.available()]
    actual = _shape(store.engine)
    expected = _model_shape()
    assert sorted(actual) == sorted(expected)
    for table in expected:
        assert actual[table]["columns"] == expected[table]["columns"], table
        assert actual[table]["fks"] == expected[table]["fks"], table
        assert set(expected[table]["indexes"]) <= set(actual[table]["indexes"]), table  # type: ignore[arg-type]
    store.close()


def test_opening_again_applies_nothing(db_url: str) -> None:
    Store(db_url).close()
    engine = make_engine(db_url)
    assert migrations.upgrade(engine) == []
    engine.dispose()


def test_old_version_database_is_upgraded_keeping_its_data(db_url: str) -> None:
    engine = make_engine(db_url)
    assert migrations.upgrade(engine, target="0001_base") == ["0001_base"]
    assert "evidence" not in {c["name"] for c in sa.inspect(engine).get_columns("evaluations")}
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO programs (id, name, description, is_demo, created_at) "
                "VALUES (1, 'Legacy program', '', false, :t)"
            ),
            {"t": "2025-01-02 03:04:05"},
        )
        conn.execute(
            sa.text(
                "INSERT INTO providers (id, program_id, name, notes, created_at) "
                "VALUES (1, 1, 'Old vendor', '', :t)"
            ),
            {"t": "2025-01-02 03:04:05"},
        )
        conn.execute(
            sa.text(
                "INSERT INTO evaluations (id, program_id, provider_id, evaluator, dimension,"
                " criterion, score, comment, kpis, updated_at, version) VALUES "
                "(1, 1, 1, 'Ana', 'security', NULL, 3.5, 'kept', '{}', :t, 4)"
            ),
            {"t": "2025-01-02 03:04:05"},
        )
    engine.dispose()

    store = Store(db_url)
    assert store.schema_version()[-1] == migrations.head()
    [row] = store.list_evaluations(1)
    assert (row.score, row.comment, row.version, row.evidence) == (3.5, "kept", 4, "")
    assert store.get_program(1).name == "Legacy program"
    store.close()


def test_sqlite_file_from_an_old_version_upgrades_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrations.upgrade(engine, target="0001_base")
    engine.dispose()
    assert path.exists()
    Store(f"sqlite:///{path}").close()
    engine = make_engine(f"sqlite:///{path}")
    assert migrations.applied(engine) == [m.id for m in migrations.available()]
    engine.dispose()


def test_database_from_a_newer_annogov_is_refused(db_url: str) -> None:
    Store(db_url).close()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            migrations.schema_migrations.insert().values(
                id="9999_from_the_future", applied_at=sa.func.now()
            )
        )
    with pytest.raises(SchemaError, match="newer annogov"):
        migrations.upgrade(engine)
    engine.dispose()


def test_migration_ids_are_ordered_and_unique() -> None:
    ids = [m.id for m in migrations.available()]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert ids[0] == "0001_base"
    assert all(m.doc for m in migrations.available())


def test_upgrade_stops_at_target_when_another_process_applied_it(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: the target was applied since this process looked; nothing beyond it is run."""
    engine = make_engine(pg_url)
    migrations.upgrade(engine, target="0002_evaluation_evidence")
    monkeypatch.setattr(migrations, "applied", lambda _engine: ["0001_base"])  # a stale view
    assert migrations.upgrade(engine, target="0002_evaluation_evidence") == []
    monkeypatch.undo()
    assert migrations.applied(engine) == ["0001_base", "0002_evaluation_evidence"]
    engine.dispose()
