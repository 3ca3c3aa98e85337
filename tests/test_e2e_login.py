"""End to end with a real OIDC login: a logged-out visitor gets only the login page, the first
program manager is registered with `annogov users add`, logs in through an OpenID Connect provider
stub on 127.0.0.1 and gets the buyer's pages; a login nobody registered is turned away."""

from __future__ import annotations

from pathlib import Path

import pytest

from annogov.cli import main
from tests import e2e, pg
from tests.oidc_stub import OidcStub

pytestmark = pytest.mark.skipif(e2e.skip_reason() is not None, reason=str(e2e.skip_reason()))


def _nav(page) -> list[str]:  # type: ignore[no-untyped-def]
    links = page.locator('[data-testid="stSidebarNav"] a')
    return [t.strip().splitlines()[-1].strip() for t in links.all_inner_texts()]


def _log_in(page, app_url: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(app_url)
    e2e.wait_idle(page)
    page.get_by_role("button", name="Log in").click()  # -> stub -> /oauth2callback -> the app
    page.wait_for_url(f"{app_url}/**", timeout=60_000)
    e2e.wait_idle(page)


def test_logged_out_sees_only_login_then_a_registered_manager_logs_in(tmp_path: Path, browser: object) -> None:
    from playwright.sync_api import expect

    database = f"sqlite:///{tmp_path / 'annogov.sqlite3'}"
    assert main(["users", "--database", database, "add", "boss@buyer.example", "--role", "program_manager"]) == 0
    app_port, idp_port = pg.free_port(), pg.free_port()
    stub = OidcStub(idp_port)
    run_dir = tmp_path / "run"
    (run_dir / ".streamlit").mkdir(parents=True)
    (run_dir / ".streamlit" / "secrets.toml").write_text(
        stub.secrets_toml(f"http://127.0.0.1:{app_port}/oauth2callback"), encoding="utf-8"
    )
    env = {"ANNOGOV_DATABASE_URL": database, "ANNOGOV_DEMO": "1", "ANNOGOV_DATA_DIR": str(tmp_path)}
    server = e2e.start_app(env, app_port, tmp_path / "streamlit.log", cwd=run_dir)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        page.goto(server.url)
        e2e.wait_idle(page)
        main_area = page.locator('[data-testid="stMain"]')
        expect(main_area.get_by_role("heading", name="annogov")).to_be_visible()
        expect(page.get_by_role("button", name="Log in")).to_be_visible()
        assert _nav(page) == []  # one page only: no navigation at all
        e2e.screenshot(page, "login")
        for path in ("/scorecard", "/reports", "/people"):  # typed addresses lead nowhere else
            page.goto(server.url + path)
            e2e.wait_idle(page)
            text = page.locator('[data-testid="stApp"]').inner_text()
            assert "Log in" in text and "Kestrel" not in text and "Providers & scorecard" not in text, path

        stub.email = "boss@buyer.example"
        _log_in(page, server.url)
        expect(page.get_by_text("Signed in as boss@buyer.example")).to_be_visible()
        titles = _nav(page)
        assert {"Program", "Providers & scorecard", "Reports", "People and roles"} <= set(titles), titles
        assert "Weekly reflection" not in titles and "Log in" not in titles
        e2e.screenshot(page, "logged-in-manager")

        page.get_by_role("button", name="Log out").click()
        e2e.wait_idle(page)
        stub.email = "stranger@elsewhere.example"
        _log_in(page, server.url)
        expect(page.get_by_text("nobody has given this login a role")).to_be_visible()
        assert _nav(page) == []
    finally:
        server.stop()
        stub.stop()
