"""Kill -9 at every SQL statement of every migration and during saves: nothing committed is lost,
and the database opens and upgrades afterwards; two writers of one record: the second is refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from annogov.store import ConcurrentEditError, Store, migrations
from tests.test_store_schema import _shape

ROOT = Path(__file__).resolve().parents[1]


def _worker(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "tests.kill_worker", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=120,
    )


def _empty(url: str) -> None:
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def test_kill_at_every_statement_of_every_migration(db_url: str) -> None:
    full = _worker("migrate", db_url, "0")
    assert full.returncode == 0, full.stderr
    total = int(full.stdout.split()[-1])
    assert total > 5
    reference = Store(db_url)
    expected = _shape(reference.engine)
    reference.close()
    for after in range(1, total + 1):
        _empty(db_url)
        killed = _worker("migrate", db_url, str(after))
        assert killed.returncode == -9, (after, killed.stderr)
        store = Store(db_url)  # opens and upgrades what the killed process left
        try:
            assert store.schema_version() == [m.id for m in migrations.available()], after
            assert _shape(store.engine) == expected, after
        finally:
            store.close()


def test_kill_during_saves_loses_no_committed_save(db_url: str, tmp_path: Path) -> None:
    log = tmp_path / "saved.log"
    Store(db_url).close()
    full = _worker("save", db_url, "0", str(tmp_path / "probe.log"))
    assert full.returncode == 0, full.stderr
    per_run = int(full.stdout.split()[-1])
    for after in range(3, per_run, max(1, per_run // 25)):
        killed = _worker("save", db_url, str(after), str(log))
        assert killed.returncode == -9, (after, killed.stderr)
        store = Store(db_url)
        try:
            program = store.find_program("Kill")
            assert program is not None
            for line in log.read_text().splitlines():
                name, version, i = line.split()
                doc = store.get_document("rubric", program.id, name)
                assert doc is not None and doc.version >= int(version), line
        finally:
            store.close()
    assert log.read_text().count("\n") > 0


def test_two_writers_of_one_record_second_refused_plainly(db_url: str) -> None:
    first, second = Store(db_url), Store(db_url)
    try:
        program = first.create_program("Both")
        base = first.save_document("rubric", program.id, "Default", {"v": 0}, expected_version=0)
        loaded = second.get_document("rubric", program.id, "Default")
        assert loaded is not None
        first.save_document("rubric", program.id, "Default", {"v": 1}, expected_version=base.version)
        with pytest.raises(ConcurrentEditError) as info:
            second.save_document("rubric", program.id, "Default", {"v": 2}, expected_version=loaded.version)
        assert "Traceback" not in str(info.value) and "rubric 'Default'" in str(info.value)
        final = first.get_document("rubric", program.id, "Default")
        assert final is not None and final.data == {"v": 1}
    finally:
        first.close()
        second.close()


def _race(stores: list[Store], program_id: int, name: str, version: int) -> list[object]:
    """Both stores save `name` at once from `version`; what each got ("saved" or the exception)."""
    import threading

    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def write(i: int) -> None:
        barrier.wait()
        try:
            stores[i].save_document("rubric", program_id, name, {"v": i + 1}, expected_version=version)
            outcomes[i] = "saved"
        except Exception as exc:  # recorded: anything but ConcurrentEditError fails the test
            outcomes[i] = exc

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return outcomes


def test_two_racing_writers_one_wins_the_other_is_refused_plainly(db_url: str) -> None:
    stores = [Store(db_url), Store(db_url)]
    try:
        program = stores[0].create_program("Race")
        for round_no in range(10):
            name = f"doc{round_no}"
            base = stores[0].save_document("rubric", program.id, name, {"v": 0}, expected_version=0)
            outcomes = _race(stores, program.id, name, base.version)
            assert outcomes.count("saved") == 1, outcomes
            [refused] = [o for o in outcomes if o != "saved"]
            assert isinstance(refused, ConcurrentEditError), repr(refused)
            assert "rubric" in str(refused) and "Traceback" not in str(refused)
    finally:
        for store in stores:
            store.close()
