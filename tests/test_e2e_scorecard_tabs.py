"""In a real browser: saving scores keeps the scorecard page on the tab the user was on, and the
Reports page shows the decision as the PDF's first page states it (its screenshot is the README's)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annogov.store import Store
from tests import e2e

pytestmark = pytest.mark.skipif(e2e.skip_reason() is not None, reason=str(e2e.skip_reason()))


def _selected_tab(page: Any) -> str:
    text: str = page.locator('[role="tab"][aria-selected="true"]').first.inner_text()
    return text.strip()


def test_saving_scores_keeps_the_edit_tab(live_app: e2e.AppServer, browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1300})
    page.goto(f"{live_app.url}/scorecard")
    e2e.wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    page.get_by_role("tab", name="Edit scores").click()
    e2e.wait_idle(page)
    assert _selected_tab(page) == "Edit scores"
    grid = main.locator('[data-testid="stDataFrame"] >> visible=true').first
    expect(grid).to_be_visible()
    box = grid.bounding_box()
    assert box is not None
    # the first data row's first cell, then two columns right to the score; typing opens its editor
    grid.click(position={"x": 20, "y": 35 + 17})
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(200)
    page.keyboard.type("1")
    page.wait_for_timeout(500)  # the cell's editor opens on the keystroke
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)
    e2e.wait_idle(page)  # the edit reruns the page
    main.get_by_role("button", name="Save scores").click()
    e2e.wait_idle(page)
    expect(main.get_by_text("Saved 1 change(s)")).to_be_visible()
    assert _selected_tab(page) == "Edit scores"  # not back on the first tab
    assert not page.locator('[data-testid="stException"]').count()
    e2e.screenshot(page, "scorecard-saved")

    store = Store(f"sqlite:///{tmp_path / 'data' / 'annogov.sqlite3'}")
    [program] = store.list_programs()
    change = store.score_history(program.id)[0]  # newest first
    assert (change.evaluator, change.dimension, change.new_score) == ("J. Varga (ML lead)", "workforce", 1.0)
    assert change.old_score != 1.0
    store.close()



def test_reports_page_states_the_decision(live_app: e2e.AppServer, browser: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 3000})  # the app scrolls inside: a tall window
    page.goto(f"{live_app.url}/reports")
    e2e.wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    heading = main.get_by_role("heading", name="The decision, as the report's first page states it")
    expect(heading).to_be_visible()
    expect(main.get_by_text("Award the work to Northwind Labeling").first).to_be_visible()
    assert not page.locator('[data-testid="stException"]').count()
    top = heading.bounding_box()
    content = main.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    assert top is not None and content is not None
    e2e.screenshot(page, "decision", clip={"x": content["x"], "y": top["y"] - 16, "width": content["width"],
                                           "height": content["y"] + content["height"] - top["y"] + 16})
