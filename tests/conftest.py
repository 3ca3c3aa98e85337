"""Shared fixtures: `db_url` runs a test against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from tests import pg


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    """One PostgreSQL server for the whole session; skipped (saying why) if not installed."""
    if pg.find_bin_dir() is None:
        pytest.skip(
            "PostgreSQL not installed (Debian package `postgresql`; `make test` installs it "
            "as root)"
        )
    server = pg.start_server()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: pg.PgServer) -> str:
    """The server's `annogov` database, emptied for this test."""
    engine = sa.create_engine(pg_server.url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()
    return pg_server.url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL, once for SQLite (a file) and once for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'annogov.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def app_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at a fresh SQLite file and switch demo seeding off; returns the data dir."""
    data = tmp_path / "data"
    monkeypatch.setenv("ANNOGOV_DATA_DIR", str(data))
    monkeypatch.delenv("ANNOGOV_DATABASE_URL", raising=False)
    monkeypatch.setenv("ANNOGOV_DEMO", "0")
    return data


@pytest.fixture
def open_app(app_env: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Start the app in AppTest on a fresh SQLite file, optionally with the demo and on a page.

    `open_app("app_pages/scorecard.py", demo=True)` returns the AppTest after the page has run.
    Each call is a new tab of a freshly started server (resource and data caches cleared).
    """
    import streamlit as st

    root = Path(__file__).resolve().parents[1]
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))

    def _open(page: str | None = None, *, demo: bool = False, timeout: float = 60) -> AppTest:
        monkeypatch.setenv("ANNOGOV_DEMO", "1" if demo else "0")
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(root / "app.py"), default_timeout=timeout).run()
        if page is not None:
            at.switch_page(page).run()
        return at

    return _open
