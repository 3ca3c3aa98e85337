"""The channel's people: who has which role, granted by whom; the last program manager cannot be
removed. Mixed into `ChannelRepository` (annogov.store.channel), which owns the session."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from annogov.store.channel_models import ChannelUser
from annogov.store.errors import NotFoundError
from governance.roles import Permission, PermissionDenied, Role, User, can, require


def _user(row: ChannelUser) -> User:
    return User(user_id=row.user_id, name=row.name, role=Role(row.role), annotator_id=row.annotator_id)


class ChannelUsers:
    """Registering people and their roles; every change checked against the acting user."""

    s: Session

    def save_user(self, actor: User | None, user: User, *, demo: bool = False) -> User:
        """Add or update a person's role; needs a program manager unless no user exists yet."""
        first = self.s.scalar(select(ChannelUser.user_id).limit(1)) is None
        if not (first and actor is None):
            if actor is None:
                raise PermissionDenied("only a program manager may change roles")
            require(actor, Permission.MANAGE_USERS)
        row = self.s.get(ChannelUser, user.user_id)
        if row is None:
            row = ChannelUser(user_id=user.user_id, is_demo=demo)
            self.s.add(row)
        elif row.role == Role.PROGRAM_MANAGER.value and user.role != Role.PROGRAM_MANAGER:
            self._keep_a_manager(user.user_id)
        if row.role != user.role.value:
            row.granted_by = actor.user_id if actor is not None else "(first user)"
        row.name, row.role, row.annotator_id = user.name, user.role.value, user.annotator_id
        self.s.flush()
        return user

    def granted_by(self, actor: User) -> dict[str, str]:
        """Login -> who gave them their current role (empty for roles granted before it was kept);
        program managers only."""
        require(actor, Permission.MANAGE_USERS)
        return {r.user_id: r.granted_by for r in self.s.scalars(select(ChannelUser))}

    def remove_user(self, actor: User, user_id: str) -> None:
        """Take a person's access away (program managers); the last program manager stays."""
        require(actor, Permission.MANAGE_USERS)
        row = self.s.get(ChannelUser, user_id)
        if row is None:
            raise NotFoundError(f"nobody with the login {user_id!r} is registered")
        if row.role == Role.PROGRAM_MANAGER.value:
            self._keep_a_manager(user_id)
        self.s.delete(row)
        self.s.flush()

    def _keep_a_manager(self, leaving: str) -> None:
        others = select(ChannelUser.user_id).where(
            ChannelUser.role == Role.PROGRAM_MANAGER.value, ChannelUser.user_id != leaving
        )
        if self.s.scalar(others.limit(1)) is None:
            raise PermissionDenied(f"{leaving} is the last program manager; name another one first")

    def get_user(self, user_id: str, *, demo: bool = True) -> User | None:
        """The person with this login id, if known; `demo=False` ignores the seeded demo people
        (a real login never becomes one of them). The one lookup without an actor: it is how a
        login becomes an actor, and it answers only for the id asked about."""
        row = self.s.get(ChannelUser, user_id)
        return None if row is None or (row.is_demo and not demo) else _user(row)

    def list_users(self, actor: User) -> list[User]:
        """Everyone the channel knows, by role then name: for program managers and whoever picks an
        evaluation panel."""
        if not can(actor, Permission.RUN_EVALUATION_ROUNDS):
            require(actor, Permission.MANAGE_USERS)
        rows = self.s.scalars(select(ChannelUser).order_by(ChannelUser.role, ChannelUser.name))
        return [_user(r) for r in rows]

    def demo_users(self) -> list[User]:
        """The users seeded for demo mode."""
        rows = self.s.scalars(select(ChannelUser).where(ChannelUser.is_demo.is_(True))
                              .order_by(ChannelUser.role, ChannelUser.name))
        return [_user(r) for r in rows]
