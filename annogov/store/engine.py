"""Where the database is and how to connect: SQLite file by default, PostgreSQL by URL."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_FILENAME = "annogov.sqlite3"


def database_url(environ: dict[str, str] | None = None) -> str:
    """The URL to use: ANNOGOV_DATABASE_URL, else a SQLite file in ANNOGOV_DATA_DIR (./data)."""
    env = os.environ if environ is None else environ
    url = (env.get("ANNOGOV_DATABASE_URL") or "").strip()
    if url:
        return normalise_url(url)
    data_dir = Path(env.get("ANNOGOV_DATA_DIR") or "data")
    return f"sqlite:///{(data_dir / DEFAULT_FILENAME).resolve()}"


def normalise_url(url: str) -> str:
    """Give a bare postgresql:// URL the pure-Python pg8000 driver (psycopg is not a dependency)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+pg8000")
    return parsed.render_as_string(hide_password=False)


def describe_url(url: str, *, short: bool = False) -> str:
    """A password-free description of the database; `short` leaves out the SQLite file's folder."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ":memory:"
        return f"SQLite file {Path(path).name if short else path}"
    host = parsed.host or "local socket"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.get_backend_name()} database {parsed.database or ''} on {host}{port}"


def make_engine(url: str) -> Engine:
    """An engine with the settings annogov relies on (SQLite: foreign keys, WAL, busy timeout)."""
    url = normalise_url(url)
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if parsed.database and parsed.database != ":memory:":
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    kwargs["pool_pre_ping"] = True
    return create_engine(url, **kwargs)
