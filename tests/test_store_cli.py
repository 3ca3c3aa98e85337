"""`annogov db`: status and upgrade of the schema, and the demo program, on both databases."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from annogov.cli import main
from annogov.services.demo import DEMO_PROGRAM_NAME
from annogov.store import Store, make_engine, migrations


def test_status_upgrade_status(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "--database", db_url, "status"]) == 1
    out = capsys.readouterr().out
    assert out.count("pending") == len(migrations.available()) + 1
    assert main(["db", "--database", db_url, "upgrade"]) == 0
    assert "applied 0001_base, 0002_evaluation_evidence" in capsys.readouterr().err
    assert main(["db", "--database", db_url, "status"]) == 0
    assert "schema is up to date" in capsys.readouterr().out
    assert main(["db", "--database", db_url, "upgrade"]) == 0
    assert capsys.readouterr().err.strip() == "schema is up to date"


def test_upgrade_refuses_a_newer_database(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    Store(db_url).close()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(
            migrations.schema_migrations.insert().values(id="9000_later", applied_at=sa.func.now())
        )
    engine.dispose()
    assert main(["db", "--database", db_url, "upgrade"]) == 2
    assert "newer annogov" in capsys.readouterr().err
    assert main(["db", "--database", db_url, "status"]) == 1
    assert "unknown (newer annogov)" in capsys.readouterr().out
    assert main(["db", "--database", db_url, "demo"]) == 2
    assert "newer annogov" in capsys.readouterr().err
    # any command that opens the store says the same, without a traceback
    assert main(["channel", "log", "--database", db_url, "--program", "Demo"]) == 2
    assert "newer annogov" in capsys.readouterr().err


def test_demo_is_added_once(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    store = Store(db_url)
    store.create_program("Existing work")
    assert main(["db", "--database", db_url, "demo"]) == 0
    assert "seeded" in capsys.readouterr().err
    assert main(["db", "--database", db_url, "demo"]) == 0
    assert "already present" in capsys.readouterr().err
    assert [p.name for p in store.list_programs()] == [DEMO_PROGRAM_NAME, "Existing work"]
    store.close()
