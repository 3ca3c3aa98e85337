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


_P = Permission
_BUYER = {_P.OPEN_PROGRAMS, _P.VIEW_PROGRAM_DATA, _P.EXPORT_REPORTS}
VIEWER = User(user_id="vic@buyer.example", name="Vic", role=Role.VIEWER)


@pytest.mark.parametrize(
    ("user", "allowed"),
    [
        (ANA, {_P.FLAG_TASK, _P.WRITE_REFLECTION, _P.OPEN_PROGRAMS, _P.VIEW_OWN_FIGURES}),
        (REVIEWER, _BUYER | {_P.FLAG_TASK, _P.VIEW_ALL_FLAGS, _P.REPLY_ANY, _P.VIEW_INSIGHTS,
                             _P.READ_SHARED_INSIGHTS, _P.SCORE_OWN, _P.VIEW_ANNOTATOR_FIGURES}),
        (ENGINEER, _BUYER | {_P.VIEW_ALL_FLAGS, _P.REPLY_ANY, _P.RESOLVE, _P.PROMOTE,
                             _P.EDIT_GUIDELINES, _P.VIEW_INSIGHTS, _P.READ_SHARED_INSIGHTS,
                             _P.SCORE_OWN, _P.EDIT_SWITCHING, _P.RUN_SLA_CHECK,
                             _P.VIEW_ANNOTATOR_FIGURES}),
        (MANAGER, set(Permission) - {_P.FLAG_TASK, _P.WRITE_REFLECTION, _P.VIEW_OWN_FIGURES,
                                     _P.READ_GUIDELINES}),
        (VIEWER, _BUYER),
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


def test_nobody_logged_in_may_do_nothing() -> None:
    assert not any(can(None, p) for p in Permission)
    with pytest.raises(PermissionDenied, match="log in first"):
        require(None, Permission.OPEN_PROGRAMS)


def test_an_evaluator_owns_scores_under_their_login_name_or_data_id() -> None:
    evaluator = User(user_id="ms@buyer.example", name="M. Santos", role=Role.REVIEWER,
                     annotator_id="M. Santos (security)")
    assert evaluator.owns_evaluator("M. Santos (security)") and evaluator.owns_evaluator("M. Santos")
    assert not evaluator.owns_evaluator("J. Varga (ML lead)")


def test_user_data_id_defaults_to_login_id() -> None:
    assert ANA.data_id == "w-ana"
    assert User(user_id="z@x", name="Z", role=Role.ANNOTATOR).data_id == "z@x"
    with pytest.raises(ValueError):
        User(user_id="", name="Z", role="annotator")
    with pytest.raises(ValueError):
        User(user_id="z", name="Z", role="admin")
