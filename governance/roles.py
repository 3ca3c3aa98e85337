"""Who may do what in the annotators' channel; checked inside the functions, not only in the UI."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    """The four roles of an annotation program."""

    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    ML_ENGINEER = "ml_engineer"
    PROGRAM_MANAGER = "program_manager"


class Permission(StrEnum):
    """One capability; roles are sets of these."""

    FLAG_TASK = "flag_task"
    VIEW_ALL_FLAGS = "view_all_flags"
    REPLY_ANY = "reply_any"
    RESOLVE = "resolve"
    PROMOTE = "promote"
    EDIT_GUIDELINES = "edit_guidelines"
    READ_GUIDELINES = "read_guidelines"
    WRITE_REFLECTION = "write_reflection"
    READ_SHARED_INSIGHTS = "read_shared_insights"
    VIEW_INSIGHTS = "view_insights"
    MANAGE_USERS = "manage_users"


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ANNOTATOR: frozenset({_P.FLAG_TASK, _P.READ_GUIDELINES, _P.WRITE_REFLECTION}),
    Role.REVIEWER: frozenset(
        {_P.FLAG_TASK, _P.VIEW_ALL_FLAGS, _P.REPLY_ANY, _P.READ_GUIDELINES, _P.VIEW_INSIGHTS,
         _P.READ_SHARED_INSIGHTS}
    ),
    Role.ML_ENGINEER: frozenset(
        {_P.VIEW_ALL_FLAGS, _P.REPLY_ANY, _P.RESOLVE, _P.PROMOTE, _P.EDIT_GUIDELINES,
         _P.READ_GUIDELINES, _P.VIEW_INSIGHTS, _P.READ_SHARED_INSIGHTS}
    ),
    Role.PROGRAM_MANAGER: frozenset(
        {_P.VIEW_ALL_FLAGS, _P.REPLY_ANY, _P.RESOLVE, _P.PROMOTE, _P.EDIT_GUIDELINES,
         _P.READ_GUIDELINES, _P.VIEW_INSIGHTS, _P.READ_SHARED_INSIGHTS, _P.MANAGE_USERS}
    ),
}


class User(BaseModel):
    """A person acting in the channel: a stable id (login e-mail or subject), a name and a role."""

    model_config = ConfigDict(frozen=True)

    user_id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    role: Role
    annotator_id: str | None = Field(default=None, max_length=200)

    @property
    def data_id(self) -> str:
        """The id this person carries in delivered data (defaults to `user_id`)."""
        return self.annotator_id or self.user_id


class PermissionDenied(PermissionError):
    """The acting user may not do this; the message says who, what and why."""


def can(user: User, permission: Permission) -> bool:
    """Whether the user's role grants the permission."""
    return permission in ROLE_PERMISSIONS[user.role]


def require(user: User, permission: Permission) -> None:
    """Raise PermissionDenied unless the user's role grants the permission."""
    if not can(user, permission):
        raise PermissionDenied(
            f"{user.user_id} ({user.role.value}) may not {permission.value.replace('_', ' ')}"
        )


def can_see_flag(user: User, author_id: str) -> bool:
    """Annotators see their own flags only; reviewers, engineers and managers see all."""
    return author_id == user.user_id or can(user, Permission.VIEW_ALL_FLAGS)


def require_own_or(user: User, owner_id: str, permission: Permission, what: str) -> None:
    """Allow the owner, or anyone whose role grants `permission`; otherwise PermissionDenied."""
    if owner_id != user.user_id and not can(user, permission):
        raise PermissionDenied(f"{user.user_id} ({user.role.value}) may not access {what}")
