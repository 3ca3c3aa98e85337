"""Who may do what in annogov: one table of roles -> permissions, checked where the data is.

The store (`annogov.store.Store`, `ChannelRepository`) calls `require` on every operation, the
app builds its page list from the same table, so a hidden page is never the only check.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Role(StrEnum):
    """The roles of an annotation program, buyer side and vendor side."""

    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    ML_ENGINEER = "ml_engineer"
    PROGRAM_MANAGER = "program_manager"
    VIEWER = "viewer"


ROLE_TITLES: dict[Role, str] = {
    Role.ANNOTATOR: "annotator",
    Role.REVIEWER: "reviewer / evaluator",
    Role.ML_ENGINEER: "ML engineer",
    Role.PROGRAM_MANAGER: "program manager / procurement lead",
    Role.VIEWER: "read-only viewer",
}


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
    OPEN_PROGRAMS = "open_programs"
    VIEW_PROGRAM_DATA = "view_program_data"
    MANAGE_PROGRAMS = "manage_programs"
    SCORE_OWN = "score_own"
    SCORE_ANY = "score_any"
    EDIT_WEIGHTS = "edit_weights"
    RUN_EVALUATION_ROUNDS = "run_evaluation_rounds"
    MODERATE_SCORES = "moderate_scores"
    EDIT_SWITCHING = "edit_switching"
    EDIT_TERMS = "edit_terms"
    RUN_SLA_CHECK = "run_sla_check"
    AUDIT_CONTRACTS = "audit_contracts"
    VIEW_ANNOTATOR_FIGURES = "view_annotator_figures"
    VIEW_OWN_FIGURES = "view_own_figures"
    EXPORT_REPORTS = "export_reports"


_P = Permission
_CHANNEL_STAFF = {_P.VIEW_ALL_FLAGS, _P.REPLY_ANY, _P.READ_GUIDELINES, _P.VIEW_INSIGHTS,
                  _P.READ_SHARED_INSIGHTS}
_BUYER_READ = {_P.OPEN_PROGRAMS, _P.VIEW_PROGRAM_DATA, _P.EXPORT_REPORTS}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ANNOTATOR: frozenset(
        {_P.FLAG_TASK, _P.READ_GUIDELINES, _P.WRITE_REFLECTION, _P.OPEN_PROGRAMS, _P.VIEW_OWN_FIGURES}
    ),
    Role.REVIEWER: frozenset(
        _CHANNEL_STAFF | _BUYER_READ | {_P.FLAG_TASK, _P.SCORE_OWN, _P.VIEW_ANNOTATOR_FIGURES}
    ),
    Role.ML_ENGINEER: frozenset(
        _CHANNEL_STAFF | _BUYER_READ
        | {_P.RESOLVE, _P.PROMOTE, _P.EDIT_GUIDELINES, _P.SCORE_OWN, _P.EDIT_SWITCHING,
           _P.RUN_SLA_CHECK, _P.VIEW_ANNOTATOR_FIGURES}
    ),
    Role.PROGRAM_MANAGER: frozenset(
        _CHANNEL_STAFF | _BUYER_READ
        | {_P.RESOLVE, _P.PROMOTE, _P.EDIT_GUIDELINES, _P.MANAGE_USERS, _P.MANAGE_PROGRAMS,
           _P.SCORE_OWN, _P.SCORE_ANY, _P.EDIT_WEIGHTS, _P.RUN_EVALUATION_ROUNDS, _P.MODERATE_SCORES,
           _P.EDIT_SWITCHING, _P.EDIT_TERMS,
           _P.RUN_SLA_CHECK, _P.AUDIT_CONTRACTS, _P.VIEW_ANNOTATOR_FIGURES}
    ),
    Role.VIEWER: frozenset(_BUYER_READ | {_P.READ_GUIDELINES}),
}
"""The one permission table: the store, the channel and the app's page list all read it."""


class User(BaseModel):
    """A person acting in annogov: a stable id (login e-mail or subject), a name and a role.

    `annotator_id` is the id the person carries in data: the annotator id in deliveries, or the
    evaluator name under which a reviewer scores providers.
    """

    model_config = ConfigDict(frozen=True)

    user_id: str = Field(min_length=1, max_length=200)
    name: str = Field(min_length=1, max_length=200)
    role: Role
    annotator_id: str | None = Field(default=None, max_length=200)

    @property
    def data_id(self) -> str:
        """The id this person carries in delivered data (defaults to `user_id`)."""
        return self.annotator_id or self.user_id

    def owns_evaluator(self, evaluator: str) -> bool:
        """Whether scores under this evaluator name are this person's own."""
        return evaluator in {self.user_id, self.name, self.data_id}


OPERATOR = User(user_id="operator", name="annogov operator (command line)", role=Role.PROGRAM_MANAGER)
"""Who acts for the command line and for a `Store()` opened without a user: whoever can run
annogov against the database already holds its URL or file, so the operator is a program manager."""


class PermissionDenied(PermissionError):
    """The acting user may not do this; the message says who, what and why."""


def can(user: User | None, permission: Permission) -> bool:
    """Whether the user's role grants the permission (nobody logged in: nothing)."""
    return user is not None and permission in ROLE_PERMISSIONS[user.role]


def can_any(user: User | None, permissions: Iterable[Permission]) -> bool:
    """Whether the user's role grants at least one of the permissions."""
    return any(can(user, p) for p in permissions)


def require(user: User | None, permission: Permission) -> None:
    """Raise PermissionDenied unless the user's role grants the permission."""
    if user is None:
        raise PermissionDenied(f"log in first: nobody may {permission.value.replace('_', ' ')}")
    if not can(user, permission):
        raise PermissionDenied(
            f"{user.user_id} ({user.role.value}) may not {permission.value.replace('_', ' ')}"
        )


ANNOTATOR_IDS = Permission.VIEW_ANNOTATOR_FIGURES
"""The one rule for real annotator ids, wherever figures per annotator appear (SLA checks, vendor
history, reports, CLI and app): reviewers, ML engineers and program managers may see them; everyone
else gets pseudonymous codes (`governance.privacy`). History still shows codes unless asked."""


def may_see_annotator_ids(user: User | None) -> bool:
    """Whether the user may see real annotator ids instead of pseudonymous codes (`ANNOTATOR_IDS`)."""
    return can(user, ANNOTATOR_IDS)


def can_see_flag(user: User, author_id: str) -> bool:
    """Annotators see their own flags only; reviewers, engineers and managers see all."""
    return author_id == user.user_id or can(user, Permission.VIEW_ALL_FLAGS)


def require_own_or(user: User, owner_id: str, permission: Permission, what: str) -> None:
    """Allow the owner, or anyone whose role grants `permission`; otherwise PermissionDenied."""
    if owner_id != user.user_id and not can(user, permission):
        raise PermissionDenied(f"{user.user_id} ({user.role.value}) may not access {what}")
