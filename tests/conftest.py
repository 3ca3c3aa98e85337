"""Shared fixtures: `db_url` runs a test against SQLite and a real PostgreSQL server."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from tests import e2e, pg


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg.PgServer]:
    """One PostgreSQL server for the whole session; skipped (saying why) if not installed."""
    if pg.find_bin_dir() is None:
        pytest.skip("PostgreSQL not installed (Debian package `postgresql`; `make test` installs it as root)")
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


@pytest.fixture
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright; skipped, saying why, when unavailable.

    Per test: Playwright's sync API holds an event loop that AppTest tests must not run inside.
    """
    reason = e2e.skip_reason()
    if reason is not None:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = e2e.launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[e2e.AppServer]:
    """`streamlit run app.py` on a free loopback port, a fresh SQLite file, the demo seeded."""
    env = {"ANNOGOV_DATA_DIR": str(tmp_path / "data"), "ANNOGOV_DEMO": "1", "ANNOGOV_DATABASE_URL": ""}
    server = e2e.start_app(env, pg.free_port(), tmp_path / "streamlit.log")
    yield server
    server.stop()
