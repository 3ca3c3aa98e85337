"""Who is using the app and which pages their role opens (not a page).

The page list is built from `PAGES` and the one permission table in `governance.roles`: a page a
role may not open is left out of the navigation and cannot be reached; the store checks again.
With `st.login` configured ([auth] in secrets) identity is the logged-in e-mail, mapped to a role
by the user table (`annogov users add`, the People and roles page; logins listed in
ANNOGOV_PROGRAM_MANAGERS become program managers on first login); before login, and for a login
nobody registered, only the login page exists. Without [auth] the app is a demo: it starts as the
demo program manager, says so, and lets the visitor pick another demo person.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from annogov.store import ChannelRepository, Store
from app_pages import ui
from governance.roles import OPERATOR, ROLE_TITLES, Permission, Role, User, can_any

T = TypeVar("T")
_P = Permission

USER_KEY = "channel_user_id"
FORM_ROUNDS_KEY = "channel_form_rounds"
LOGIN_PAGE = ("annogov", "app_pages/login.py", "Log in", ":material/login:")
CHANNEL = "Annotators' channel"

# (section, script, title, icon, any of these permissions opens it); a role's first page is its default.
PAGES: list[tuple[str, str, str, str, tuple[Permission, ...]]] = [
    ("Program", "app_pages/program.py", "Program", ":material/folder_open:", (_P.VIEW_PROGRAM_DATA,)),
    ("Evaluate", "app_pages/scorecard.py", "Providers & scorecard", ":material/leaderboard:", (_P.VIEW_PROGRAM_DATA,)),
    ("Evaluate", "app_pages/evaluation_round.py", "Evaluation round", ":material/how_to_vote:",
     (_P.SCORE_OWN, _P.RUN_EVALUATION_ROUNDS)),
    ("Switching", "app_pages/switching.py", "Switching cost", ":material/swap_horiz:", (_P.VIEW_PROGRAM_DATA,)),
    ("Contracts", "app_pages/contract.py", "Contract audit", ":material/gavel:", (_P.VIEW_PROGRAM_DATA,)),
    ("Delivery", "app_pages/sla.py", "SLA check", ":material/rule:", (_P.VIEW_PROGRAM_DATA,)),
    ("Delivery", "app_pages/pilot.py", "Pilot", ":material/compare_arrows:", (_P.VIEW_PROGRAM_DATA,)),
    ("Delivery", "app_pages/history.py", "Vendor history", ":material/timeline:", (_P.VIEW_INSIGHTS,)),
    ("Reports", "app_pages/reports.py", "Reports", ":material/summarize:", (_P.EXPORT_REPORTS,)),
    (CHANNEL, "app_pages/calibration.py", "Calibration log", ":material/flag:", (_P.FLAG_TASK, _P.VIEW_ALL_FLAGS)),
    (CHANNEL, "app_pages/guidelines.py", "Guidelines", ":material/menu_book:", (_P.READ_GUIDELINES,)),
    (CHANNEL, "app_pages/reflection.py", "Weekly reflection", ":material/self_improvement:", (_P.WRITE_REFLECTION,)),
    (CHANNEL, "app_pages/my_figures.py", "My figures", ":material/monitoring:", (_P.VIEW_OWN_FIGURES,)),
    (CHANNEL, "app_pages/insights.py", "Channel insights", ":material/insights:", (_P.VIEW_INSIGHTS,)),
    ("Admin", "app_pages/people.py", "People and roles", ":material/group:", (_P.MANAGE_USERS,)),
]


def pages_for(user: User | None) -> list[tuple[str, str, str, str]]:
    """(section, script, title, icon) of the pages this user may open; nobody gets the login page."""
    if user is None:
        return [LOGIN_PAGE]
    return [(sec, script, title, icon) for sec, script, title, icon, needs in PAGES if can_any(user, needs)]


def auth_configured() -> bool:
    """Whether an OIDC login is configured for `st.login`."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def role_title(role: Role) -> str:
    """A role as people say it."""
    return ROLE_TITLES[role]


DEMO_MANAGER = User(user_id="demo-manager", name="Demo program manager", role=Role.PROGRAM_MANAGER)
"""Who a demo acts as while nobody is registered (the demo data, when seeded, brings its people)."""


def _login_user(store: Store) -> User | None:
    st.session_state["login_email"] = ""
    if not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "")
    st.session_state["login_email"] = email
    managers = {m.strip().lower() for m in os.environ.get("ANNOGOV_PROGRAM_MANAGERS", "").split(",") if m.strip()}
    with store.transaction() as s:
        repo = ChannelRepository(s)
        user = repo.get_user(email, demo=False) if email else None
        if user is None and email and email.lower() in managers:
            user = User(user_id=email, name=str(st.user.get("name") or email), role=Role.PROGRAM_MANAGER)
            repo.save_user(user, user)  # the operator named this login a manager (environment)
    with st.sidebar:
        if user is not None:
            st.caption(f"Signed in as {ui.md(user.name)} ({role_title(user.role)})")
            st.button("Log out", on_click=st.logout, icon=":material/logout:")
    return user


def _demo_user(store: Store) -> User:
    with store.transaction() as s:
        repo = ChannelRepository(s)
        users = repo.demo_users() or repo.list_users(OPERATOR) or [DEMO_MANAGER]  # no login: act as anyone
    with st.sidebar:
        by_id = {u.user_id: u for u in users}
        if st.session_state.get(USER_KEY) not in by_id:  # a demo starts as the program manager
            first = next((u for u in users if u.role == Role.PROGRAM_MANAGER), users[0])
            st.session_state[USER_KEY] = first.user_id
        st.warning(
            "**Demo mode.** No login is configured, so whoever opens this app may act as any "
            "demo person. Configure [auth] in secrets.toml before real use.",
            icon=":material/science:",
        )
        st.selectbox(
            "Acting as (demo mode)",
            list(by_id),
            key=USER_KEY,
            format_func=lambda uid: f"{by_id[uid].name} — {role_title(by_id[uid].role)}",
            help="Each person's role decides the pages and what they may change.",
        )
    return by_id[st.session_state[USER_KEY]]


def current_user(store: Store) -> User | None:
    """The person using this tab, from st.login or the demo user picker (None: nobody yet)."""
    user = _login_user(store) if auth_configured() else _demo_user(store)
    st.session_state["channel_user"] = user
    return user


def acting_user() -> User | None:
    """The user this run identified (set by app.py before the page runs)."""
    user = st.session_state.get("channel_user")
    return user if isinstance(user, User) else None


def user_for_page() -> User:
    """The current user inside a page script; stops the page when nobody is identified."""
    user = acting_user()
    if user is None:
        st.info("Log in (or pick a demo person in the sidebar) first.")
        st.stop()
    assert user is not None
    return user


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
