"""Permission checks on store operations: the acting user rides on the Store, each public method
declares what it needs with `@requires`, and the check runs whoever calls it (page, command, test).

A new store method adopts this with one line: `@requires(Permission.X)` (or `by_kind(...)` when the
permission depends on the `kind` argument). `tests/test_access_store.py` fails on a public Store
method without one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

from governance.roles import Permission, User, require

F = TypeVar("F", bound=Callable[..., Any])
Needed = Permission | Callable[[Mapping[str, Any]], Permission]

_P = Permission
DOCUMENT_PERMISSIONS: dict[str, Permission] = {
    "rubric": _P.EDIT_WEIGHTS,
    "scenario": _P.EDIT_SWITCHING,
    "taxonomy": _P.EDIT_SWITCHING,
    "mapping": _P.EDIT_SWITCHING,
    "sla_terms": _P.EDIT_TERMS,
}
"""Who may write each kind of named document; a kind not listed needs MANAGE_PROGRAMS."""

CHECK_PERMISSIONS: dict[str, Permission] = {
    "sla_check": _P.RUN_SLA_CHECK,
    "switching_cost": _P.EDIT_SWITCHING,
    "contract": _P.AUDIT_CONTRACTS,
}
"""Who may save each kind of check result; a kind not listed needs MANAGE_PROGRAMS."""


def by_kind(
    table: Mapping[str, Permission], default: Permission = _P.MANAGE_PROGRAMS
) -> Callable[[Mapping[str, Any]], Permission]:
    """The permission for the call's `kind` argument, looked up in `table`."""
    return lambda arguments: table.get(str(arguments.get("kind")), default)


class Acting:
    """What `@requires` needs of its owner: the acting user."""

    actor: User | None


def requires(needed: Needed) -> Callable[[F], F]:
    """Decorate a store method: refuse with PermissionDenied unless the acting user may do it."""

    def decorate(method: F) -> F:
        signature = inspect.signature(method)

        @functools.wraps(method)
        def checked(self: Acting, *args: Any, **kwargs: Any) -> Any:
            if isinstance(needed, Permission):
                permission = needed
            else:
                permission = needed(signature.bind(self, *args, **kwargs).arguments)
            require(self.actor, permission)
            return method(self, *args, **kwargs)

        checked.required_permission = needed  # type: ignore[attr-defined]
        return cast(F, checked)

    return decorate


def required_permission(method: Callable[..., Any]) -> Needed | None:
    """What a decorated method declared (None: not decorated)."""
    return cast(Needed | None, getattr(method, "required_permission", None))
