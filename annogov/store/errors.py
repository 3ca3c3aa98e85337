"""Errors the store raises for callers to show, not to crash on."""

from __future__ import annotations


class StoreError(Exception):
    """Base class for store errors; the message is fit to show to a user."""


class NotFoundError(StoreError, LookupError):
    """A program, provider or document that was asked for does not exist."""


class DuplicateError(StoreError):
    """A name that must be unique within its program is already taken."""


class ConcurrentEditError(StoreError):
    """Someone saved the same record after this caller loaded it; nothing was saved.

    `conflicts` names each record that changed underneath, so the second tab can say which.
    """

    def __init__(self, conflicts: list[str]) -> None:
        self.conflicts = conflicts
        listed = "; ".join(conflicts[:10]) + ("; ..." if len(conflicts) > 10 else "")
        super().__init__(
            "Someone else saved a change to the same record after you loaded it, so nothing was "
            f"saved. Reload to see their version, then apply your edit again. Changed: {listed}"
        )


class SchemaError(StoreError):
    """The database's schema cannot be used by this version of annogov."""
