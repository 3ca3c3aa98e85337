"""End to end in a real browser: an annotator files a flag with an image and sets the task aside;
an engineer opens it, sees the image, and resolves it with a ruling."""

from __future__ import annotations

from pathlib import Path

import pytest

from annogov.services.demo_channel import DEMO_USERS
from annogov.store import Store
from annogov.store.channel import ChannelRepository
from annogov.store.models import utcnow
from tests import e2e
from tests.channel_support import png

pytestmark = pytest.mark.skipif(e2e.skip_reason() is not None, reason=str(e2e.skip_reason()))
PROGRAM = "Demo: street-scene object labels"


def _open_log(page) -> None:  # type: ignore[no-untyped-def]
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Calibration log").click()
    e2e.wait_idle(page)


def test_annotator_flags_with_image_and_engineer_resolves(
    tmp_path: Path, live_app: e2e.AppServer, browser: object
) -> None:
    from playwright.sync_api import expect

    image = tmp_path / "tram-or-bus.png"
    image.write_bytes(png(16, 12))
    data = tmp_path / "data"  # where the live_app fixture keeps its database
    amara, engineer = DEMO_USERS[0], DEMO_USERS[4]
    page = browser.new_page(viewport={"width": 1400, "height": 1600})  # type: ignore[attr-defined]
    page.goto(live_app.url)
    e2e.wait_idle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_contain_text("Demo mode")
    e2e.act_as(page, amara.name)
    _open_log(page)
    main = page.locator('[data-testid="stMain"]')
    expect(main.get_by_role("heading", name="Calibration log")).to_be_visible()
    main.get_by_label("Task id").fill("img-2001")
    main.get_by_label("What is unclear?").fill(
        "Frame shows a tram in the <b>bus lane</b> & a bus behind it: vehicle or not?")
    main.locator('input[type="file"]').set_input_files(str(image))
    expect(main.get_by_text("tram-or-bus.png")).to_be_visible()
    main.get_by_text("Set the task aside until this is clarified").click()
    main.get_by_role("button", name="Submit flag").click()
    e2e.wait_idle(page)
    expect(main.get_by_text("Flag on task img-2001 recorded and the task set aside."))\
        .to_be_visible()
    e2e.screenshot(page, "calibration-annotator")

    e2e.act_as(page, engineer.name)
    _open_log(page)
    page.get_by_role("combobox", name="Open entry").click()
    page.get_by_role("option", name="img-2001", exact=False).click()
    e2e.wait_idle(page)
    expect(main.locator('[data-testid="stImage"] img')).to_have_count(1)
    expect(main.get_by_role("paragraph").filter(
        has_text="<b>bus lane</b> & a bus behind it")).to_be_visible()
    main.get_by_role("textbox", name="Ruling", exact=True).fill(
        "A tram is a vehicle, on rails or in a lane: label it vehicle.")
    main.get_by_role("button", name="Resolve with this ruling").click()
    e2e.wait_idle(page)
    expect(main.get_by_text("Entry resolved.")).to_be_visible()
    expect(main.get_by_text("Ruling: A tram is a vehicle")).to_be_visible()
    e2e.screenshot(page, "calibration-engineer")
    assert not page.locator('[data-testid="stException"]').count()
    store = Store(f"sqlite:///{data / 'annogov.sqlite3'}")
    with store.transaction() as s:
        [entry] = [e for e in ChannelRepository(s).list_entries(engineer, PROGRAM, utcnow())
                   if e.task_id == "img-2001"]
    store.close()
    assert entry.author_id == amara.user_id and entry.set_aside
    assert entry.ruling is not None and entry.ruling.decided_by == engineer.user_id
    assert [a.filename for a in entry.attachments] == ["tram-or-bus.png"]
