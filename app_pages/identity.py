"""Who is using the app, which channel pages they get, and helpers those pages share (not a page).

With `st.login` configured ([auth] in secrets) identity is the logged-in e-mail, mapped to a role
by the channel's user table (logins listed in ANNOGOV_PROGRAM_MANAGERS are registered as program
managers on first login); otherwise the app is in demo mode and the person picks a demo user.
A page left out of the navigation for a role cannot be reached; pages and the repository check
permissions again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from annogov.store import Store
from annogov.store.channel import ChannelRepository
from governance.roles import Permission, Role, User, can

T = TypeVar("T")

USER_KEY = "channel_user_id"
FORM_ROUNDS_KEY = "channel_form_rounds"


def auth_configured() -> bool:
    """Whether an OIDC login is configured for `st.login`."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _login_user(store: Store) -> User | None:
    if not st.user.is_logged_in:
        with st.sidebar:
            st.button("Log in", on_click=st.login, icon=":material/login:")
        return None
    email = str(st.user.get("email") or "")
    managers = {m.strip().lower() for m in os.environ.get("ANNOGOV_PROGRAM_MANAGERS", "").split(",")}
    with store.transaction() as s:
        repo = ChannelRepository(s)
        user = repo.get_user(email)
        if user is None and email and email.lower() in managers:
            user = User(user_id=email, name=str(st.user.get("name") or email), role=Role.PROGRAM_MANAGER)
            repo.save_user(user, user)  # the operator named this login a manager
    with st.sidebar:
        if user is None:
            st.warning(f"{email} is not registered for the annotators' channel; ask a program manager to add you.")
        else:
            st.caption(f"Signed in as {user.name} ({user.role.value.replace('_', ' ')})")
        st.button("Log out", on_click=st.logout, icon=":material/logout:")
    return user


def _demo_user(store: Store) -> User | None:
    with store.transaction() as s:
        repo = ChannelRepository(s)
        users = repo.demo_users() or repo.list_users()
    with st.sidebar:
        if not users:
            st.caption("No channel users yet: the demo seeds some.")
            return None
        by_id = {u.user_id: u for u in users}
        if st.session_state.get(USER_KEY) not in by_id:
            st.session_state[USER_KEY] = users[0].user_id
        st.selectbox(
            "Acting as (demo mode)",
            list(by_id),
            key=USER_KEY,
            format_func=lambda uid: by_id[uid].name,
            help="No login is configured, so anyone can pick a demo user. Configure "
            "[auth] in secrets.toml to use st.login instead.",
        )
        st.caption(":orange-badge[Demo mode] identity is picked, not logged in")
    return by_id[st.session_state[USER_KEY]]


def current_user(store: Store) -> User | None:
    """The person using this tab, from st.login or the demo user picker."""
    user = _login_user(store) if auth_configured() else _demo_user(store)
    st.session_state["channel_user"] = user
    return user


def user_for_page() -> User:
    """The current user inside a page script; stops the page when nobody is identified."""
    user = st.session_state.get("channel_user")
    if not isinstance(user, User):
        st.info("Log in (or pick a demo user in the sidebar) to use the annotators' channel.")
        st.stop()
    assert isinstance(user, User)
    return user


def channel_pages(user: User | None) -> list[tuple[str, str, str, str]]:
    """(section, script, title, icon) of the channel pages this user's role may open."""
    if user is None:
        return []
    section = "Annotators' channel"
    pages = [(section, "app_pages/guidelines.py", "Guidelines", ":material/menu_book:")]
    if can(user, Permission.FLAG_TASK) or can(user, Permission.VIEW_ALL_FLAGS):
        pages.insert(0, (section, "app_pages/calibration.py", "Calibration log", ":material/flag:"))
    if can(user, Permission.WRITE_REFLECTION):
        pages.append((section, "app_pages/reflection.py", "Weekly reflection", ":material/self_improvement:"))
    if can(user, Permission.VIEW_INSIGHTS):
        pages.append((section, "app_pages/insights.py", "Channel insights", ":material/insights:"))
    if can(user, Permission.MANAGE_USERS):
        pages.append((section, "app_pages/people.py", "People and roles", ":material/group:"))
    return pages


def channel_call(store: Store, fn: Callable[[ChannelRepository], T]) -> T:
    """Run one channel repository call in its own transaction."""
    with store.transaction() as s:
        return fn(ChannelRepository(s))


def form_key(name: str) -> str:
    """The key of form `name` until `clear_form(name)`. Unlike `clear_on_submit`, the form keeps
    what was typed when saving fails (a refused image, a missing reason) and empties only on success."""
    rounds: dict[str, int] = st.session_state.setdefault(FORM_ROUNDS_KEY, {})
    return f"{name}_{rounds.get(name, 0)}"


def clear_form(name: str) -> None:
    """Give form `name` fresh, empty widgets from the next run on; call it once the save succeeded."""
    rounds: dict[str, int] = st.session_state.setdefault(FORM_ROUNDS_KEY, {})
    rounds[name] = rounds.get(name, 0) + 1
