"""End to end in a real browser: the demo's Switching cost and Contract audit pages render results."""

from __future__ import annotations

import pytest

from tests import e2e

pytestmark = pytest.mark.skipif(e2e.skip_reason() is not None, reason=str(e2e.skip_reason()))


def test_switching_and_contract_pages_in_a_browser(live_app: e2e.AppServer, browser: object) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1300})  # type: ignore[attr-defined]
    page.goto(live_app.url)
    e2e.wait_idle(page)
    page.get_by_role("link", name="Switching cost").click()
    e2e.wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="Switching cost", exact=True)).to_be_visible()
    metrics = page.locator('[data-testid="stMetric"]')
    expect(metrics.filter(has_text="Total P50")).to_have_count(1)
    expect(metrics.filter(has_text="Total P50")).to_contain_text("EUR")
    expect(page.locator('[data-testid="stVegaLiteChart"]').first).to_be_visible()
    assert not page.locator('[data-testid="stException"]').count()
    e2e.screenshot(page, "switching-cost")

    page.get_by_role("tab", name="Taxonomy").click()
    e2e.wait_idle(page)
    expect(main.get_by_text("Items to re-annotate (split classes)")).to_be_visible()
    e2e.screenshot(page, "switching-taxonomy")

    page.get_by_role("link", name="Contract audit").click()
    e2e.wait_idle(page)
    expect(main.get_by_role("heading", name="Contract audit", exact=True)).to_be_visible()
    expect(metrics.filter(has_text="Lock-in risk")).to_have_count(1)
    assert not page.locator('[data-testid="stException"]').count()
    e2e.screenshot(page, "contract-audit")
