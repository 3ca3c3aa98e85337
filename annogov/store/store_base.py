"""The store's connection, acting user and transactions, and the name and row helpers its parts share."""

from __future__ import annotations

import contextvars
import copy
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from annogov.store import migrations
from annogov.store.engine import database_url, describe_url, make_engine, normalise_url
from annogov.store.errors import ConcurrentEditError, DuplicateError, NotFoundError
from governance.roles import OPERATOR, User


class StoreBase:
    """One database and the acting user; each public method of a part runs in `transaction()`."""

    actor: User | None

    def __init__(self, url: str | None = None, *, upgrade: bool = True, actor: User | None = OPERATOR) -> None:
        self.actor = actor
        self.url = normalise_url(url) if url else database_url()
        self.engine: Engine = make_engine(self.url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._active: contextvars.ContextVar[Session | None] = contextvars.ContextVar(
            f"annogov_store_{id(self)}", default=None
        )
        if upgrade:
            migrations.upgrade(self.engine)

    def as_user(self, user: User | None) -> Self:
        """This store (same engine and transactions) acting as `user`; None may do nothing."""
        view = copy.copy(self)
        view.actor = user
        return view

    @property
    def actor_id(self) -> str:
        """The acting login, as recorded on every saved change."""
        return self.actor.user_id if self.actor is not None else ""

    def describe(self, *, short: bool = False) -> str:
        """Where the data lives, without any password."""
        return describe_url(self.url, short=short)

    def schema_version(self) -> list[str]:
        """Ids of the schema migrations applied to this database."""
        return migrations.applied(self.engine)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction; nested calls (and store methods called inside) join the outer one."""
        current = self._active.get()
        if current is not None:
            yield current
            return
        session = self._sessions()
        token = self._active.set(session)
        try:
            with session.begin():
                yield session
        except StaleDataError as exc:
            table = re.search(r"table '(\w+)'", str(exc))  # SQLAlchemy names the table, not the record
            raise ConcurrentEditError([f"a row of {table.group(1)}" if table else "a record"]) from exc
        finally:
            self._active.reset(token)
            session.close()


def _normal_name(name: str) -> str:
    """A name as it is stored: outer blanks dropped, inner runs of whitespace made one space."""
    return " ".join(str(name).split())


def _clean_name(name: str, what: str) -> str:
    cleaned = _normal_name(name)
    if not cleaned:
        raise ValueError(f"the {what} needs a name")
    if len(cleaned) > 200:
        raise ValueError(f"the {what} name is longer than 200 characters")
    return cleaned


def _get(session: Session, model: type[Any], key: int, what: str) -> Any:
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(f"{what} {key} does not exist (it may have been deleted)")
    return row


def _flush(session: Session, duplicate_message: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        raise DuplicateError(duplicate_message) from exc
