"""Roles and permissions of the annotators' channel."""

from __future__ import annotations

import pytest

from governance.roles import (
    ROLE_PERMISSIONS,
    Permission,
    PermissionDenied,
    Role,
    User,
    can,
    can_see_flag,
    require,
    require_own_or,
)
from tests.channel_support import ANA, BEN, ENGINEER, MANAGER, REVIEWER


def test_every_role_has_a_permission_set_and_reading_guidelines_is_universal() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert all(Permission.READ_GUIDELINES in p for p in ROLE_PERMISSIONS.values())


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        (ANA, {Permission.FLAG_TASK, Permission.WRITE_REFLECTION}),
        (REVIEWER, {Permission.FLAG_TASK, Permission.VIEW_ALL_FLAGS, Permission.REPLY_ANY,
                    Permission.VIEW_INSIGHTS, Permission.READ_SHARED_INSIGHTS}),
        (ENGINEER, {Permission.VIEW_ALL_FLAGS, Permission.REPLY_ANY, Permission.RESOLVE,
                    Permission.PROMOTE, Permission.EDIT_GUIDELINES, Permission.VIEW_INSIGHTS,
                    Permission.READ_SHARED_INSIGHTS}),
        (MANAGER, {Permission.VIEW_ALL_FLAGS, Permission.REPLY_ANY, Permission.RESOLVE,
                   Permission.PROMOTE, Permission.EDIT_GUIDELINES, Permission.VIEW_INSIGHTS,
                   Permission.READ_SHARED_INSIGHTS, Permission.MANAGE_USERS}),
    ],
)
def test_permission_matrix(user: User, allowed: set[Permission]) -> None:
    granted = {p for p in Permission if can(user, p)} - {Permission.READ_GUIDELINES}
    assert granted == allowed
    for p in set(Permission) - allowed - {Permission.READ_GUIDELINES}:
        with pytest.raises(PermissionDenied, match=user.user_id):
            require(user, p)


def test_annotators_see_only_their_own_flags() -> None:
    assert can_see_flag(ANA, ANA.user_id) and not can_see_flag(ANA, BEN.user_id)
    assert can_see_flag(REVIEWER, ANA.user_id) and can_see_flag(ENGINEER, BEN.user_id)
    require_own_or(ANA, ANA.user_id, Permission.RESOLVE, "x")
    with pytest.raises(PermissionDenied, match="may not access entry 7"):
        require_own_or(ANA, BEN.user_id, Permission.RESOLVE, "entry 7")


def test_user_data_id_defaults_to_login_id() -> None:
    assert ANA.data_id == "w-ana"
    assert User(user_id="z@x", name="Z", role=Role.ANNOTATOR).data_id == "z@x"
    with pytest.raises(ValueError):
        User(user_id="", name="Z", role="annotator")
    with pytest.raises(ValueError):
        User(user_id="z", name="Z", role="admin")
