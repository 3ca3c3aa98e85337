"""End to end in a real browser: open the demo program, create one, restart, find it again."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests import e2e, pg

pytestmark = pytest.mark.skipif(e2e.skip_reason() is not None, reason=str(e2e.skip_reason()))


def test_demo_program_then_create_one_and_restart(tmp_path: Path, browser: object) -> None:
    from playwright.sync_api import expect

    env = {"ANNOGOV_DATA_DIR": str(tmp_path / "data"), "ANNOGOV_DEMO": "1"}
    env["ANNOGOV_DATABASE_URL"] = ""
    port = pg.free_port()
    server = e2e.start_app(env, port, tmp_path / "streamlit.log")
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1300})  # type: ignore[attr-defined]
        page.goto(server.url)
        e2e.wait_idle(page)
        main = page.locator('[data-testid="stMain"]')
        expect(main.get_by_role("heading", name="Program", exact=True)).to_be_visible()
        picker = page.get_by_role("combobox", name="Current program")
        expect(picker).to_have_value(re.compile(r"^Demo: street-scene object labels"))
        metrics = page.locator('[data-testid="stMetric"]')
        expect(metrics).to_have_count(3)
        expect(metrics.nth(0)).to_contain_text("4")
        expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Demo program")
        e2e.screenshot(page, "program")

        page.get_by_label("Name").fill("Retail search relevance 2027")
        page.get_by_role("button", name="Create program").click()
        e2e.wait_idle(page)
        expect(main.get_by_text("created and selected")).to_be_visible()
        expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Retail search relevance 2027")
        expect(picker).to_have_value("Retail search relevance 2027")
        assert not page.locator('[data-testid="stException"]').count()
    finally:
        server.stop()

    server = e2e.start_app(env, port, tmp_path / "streamlit-2.log")
    try:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.goto(server.url)
        e2e.wait_idle(page)
        page.get_by_role("combobox", name="Current program").click()
        options = page.get_by_role("option")
        expect(options).to_have_count(2)
        expect(options.filter(has_text="Retail search relevance 2027")).to_have_count(1)
    finally:
        server.stop()


def test_live_app_fixture_serves_the_demo(live_app: e2e.AppServer, browser: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(live_app.url)
    e2e.wait_idle(page)
    expect(page.get_by_role("combobox", name="Current program")).to_have_value(re.compile("^Demo: "))
    assert page.locator('[data-testid="stException"]').count() == 0
def _top_of_ranking(page: object) -> str:
    line = page.locator('[data-testid="stMarkdownContainer"]', has_text="Top of the ranking:")  # type: ignore[attr-defined]
    text: str = line.inner_text()
    return text


def _set_weight(page: object, label: str, value: int) -> None:
    field = page.get_by_role("spinbutton", name=label, exact=True)  # type: ignore[attr-defined]
    field.fill(str(value))
    field.press("Enter")
    e2e.wait_idle(page)


def test_scorecard_upload_change_a_weight_and_see_the_ranking_change(live_app: e2e.AppServer, browser: object) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 2400})  # type: ignore[attr-defined]
    page.goto(live_app.url)
    e2e.wait_idle(page)
    # open the demo program's scorecard
    page.get_by_role("link", name="Providers & scorecard").click()
    e2e.wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="Providers & scorecard")).to_be_visible()
    expect(main.get_by_text("Top of the ranking:")).to_be_visible()
    expect(main.get_by_text("Evaluators differ by").first).to_be_visible()
    e2e.screenshot(page, "scorecard")

    # upload a vendor spreadsheet and import it into the program
    page.get_by_role("tab", name="Import").click()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        str(e2e.ROOT / "examples" / "scorecard-wide.xlsx")
    )
    e2e.wait_idle(page)
    expect(main.get_by_text("Read 4 provider(s) and 3 evaluator(s)")).to_be_visible()
    expect(main.get_by_text("Also use the weights in the sheet's headers")).to_be_visible()
    e2e.screenshot(page, "scorecard-import")
    page.get_by_role("button", name=re.compile(r"^Import into ")).click()
    e2e.wait_idle(page)
    expect(main.get_by_text(re.compile(r"Imported 60 score\(s\) for 4 provider\(s\)"))).to_be_visible()

    # move weight from security to AI-assisted throughput: the ranking changes
    page.get_by_role("tab", name="Ranking & weights").click()
    before = _top_of_ranking(page)
    assert "Northwind Labeling" in before  # the imported providers are ranked with the demo's
    _set_weight(page, "Security & compliance (%)", 5)
    expect(main.get_by_text("The weights add up to 85, not 100")).to_be_visible()
    expect(main.get_by_text("Top of the ranking:")).to_have_count(0)
    _set_weight(page, "AI-assisted throughput (%)", 30)
    expect(main.get_by_text("Not saved yet")).to_be_visible()
    after = _top_of_ranking(page)
    assert after != before, (before, after)
    e2e.screenshot(page, "scorecard-weights")
    page.get_by_role("button", name="Save weights").click()
    e2e.wait_idle(page)
    expect(main.get_by_text("Weights saved")).to_be_visible()

    # the score editor, for the README
    page.get_by_role("tab", name="Edit scores").click()
    expect(main.locator('[data-testid="stDataFrame"] >> visible=true').first).to_be_visible()
    e2e.screenshot(page, "scorecard-edit")

    assert not page.locator('[data-testid="stException"]').count()


def test_sla_and_reports_pages_download_the_pdf(live_app: e2e.AppServer, browser: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1400, "height": 1300})
    page.goto(f"{live_app.url}/sla")
    e2e.wait_idle(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="SLA check", exact=True)).to_be_visible()
    expect(main.get_by_text("Verdict: FAIL")).to_be_visible()
    expect(main.get_by_text("Street scenes - quality SLA").first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    e2e.screenshot(page, "sla")
    main.get_by_role("heading", name="Results", exact=True).scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    e2e.screenshot(page, "sla-results")

    page.goto(f"{live_app.url}/reports")
    e2e.wait_idle(page)
    expect(main.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    button = main.get_by_role("button", name="Report (PDF)")
    expect(button).to_be_visible()
    e2e.screenshot(page, "reports")
    with page.expect_download(timeout=120_000) as info:
        button.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    assert target.suffix == ".pdf" and target.name.startswith("annogov-demo-")
    assert target.read_bytes().startswith(b"%PDF")
    assert page.locator('[data-testid="stException"]').count() == 0
