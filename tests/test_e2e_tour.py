"""End to end: every page of the app opens in a real browser, for an annotator and for a program
manager, with no exception shown; the pages the other tests do not photograph get a screenshot."""

from __future__ import annotations

import pytest

from annogov.services.demo_channel import DEMO_USERS
from tests import e2e

pytestmark = pytest.mark.skipif(e2e.skip_reason() is not None, reason=str(e2e.skip_reason()))

ANNOTATOR, MANAGER = DEMO_USERS[0], DEMO_USERS[5]
SHOTS = {
    "Guidelines": "guidelines",
    "Weekly reflection": "reflection",
    "Channel insights": "insights",
    "People and roles": "people",
}


def _visit_all(page, who: str, shot: set[str]) -> list[str]:  # type: ignore[no-untyped-def]
    nav = page.locator('[data-testid="stSidebarNav"] a')
    titles = [t.strip().splitlines()[-1].strip() for t in nav.all_inner_texts()]  # drop the icon name
    for i, title in enumerate(titles):
        nav.nth(i).click()
        e2e.wait_idle(page)
        main = page.locator('[data-testid="stMain"]')
        assert page.locator('[data-testid="stException"]').count() == 0, f"{who}: {title} shows an exception"
        assert "Traceback" not in main.inner_text(), f"{who}: {title} shows a traceback"
        if title in SHOTS and title not in shot:
            e2e.screenshot(page, SHOTS[title])
            shot.add(title)
    return titles


def test_every_page_opens_for_an_annotator_and_a_program_manager(live_app: e2e.AppServer, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 1800})  # type: ignore[attr-defined]
    page.goto(live_app.url)
    e2e.wait_idle(page)
    e2e.act_as(page, ANNOTATOR.name)
    shot: set[str] = set()
    annotator_pages = _visit_all(page, "annotator", shot)
    e2e.act_as(page, MANAGER.name)
    manager_pages = _visit_all(page, "manager", shot)
    assert "Weekly reflection" in annotator_pages and "People and roles" not in annotator_pages
    assert {"Providers & scorecard", "SLA check", "Reports", "People and roles"} <= set(manager_pages)
