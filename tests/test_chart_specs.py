"""The same charts in the app and the PDF: each is drawn from one spec (`chart_data`), so both read
the same numbers in the same order, under the same title and one-line caption."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from streamlit.testing.v1 import AppTest

from annogov.services.demo import seed_demo
from annogov.services.reporting import program_report, report_bytes, scorecard_part, switching_part
from annogov.store import Store, database_url
from app_pages import charts as app_charts
from governance.reports import chart_data, charts
from governance.reports.model import ConfusionMatrix
from tests.report_helpers import pdf_text

CONFUSION = ConfusionMatrix(labels=["pedestrian", "vehicle", "cyclist"], matrix=[[19, 0, 1], [1, 15, 2], [0, 0, 6]])


def _strings(drawing: Drawing) -> list[str]:
    return [s.text for s in drawing.contents if isinstance(s, String)]


@pytest.fixture
def demo_store(tmp_path: Path) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    seed_demo(store)
    return store


def test_scorecard_chart_reads_the_same_points_in_app_and_pdf(demo_store: Store) -> None:
    [program] = demo_store.list_programs()
    card, _ = scorecard_part(demo_store, program.id, None)
    assert card is not None
    spec = chart_data.scorecard_chart(card)
    assert spec is not None and len(spec.rows) == 4
    totals = [sum(spec.points[s][r] for s in range(len(spec.series))) for r in range(len(spec.rows))]
    ranked = [p for p in card.ranked() if p.complete]
    assert spec.rows == [p.name for p in ranked]
    assert totals == pytest.approx([p.total for p in ranked])
    [bars] = [c for c in charts.scorecard_chart(spec, 480, "Helvetica").contents if isinstance(c, HorizontalBarChart)]
    assert [list(s) for s in bars.data] == spec.points
    frame = app_charts.stacked_frame(spec)
    for s, name in enumerate(spec.series):
        shown = frame[frame["series"] == name].sort_values("order")
        assert list(shown["row"]) == spec.rows and list(shown["points"]) == spec.points[s]
    layered = app_charts.stacked_chart(spec).to_dict()
    assert [layer["mark"]["type"] for layer in layered["layer"]] == ["bar", "rule"]
    app_colours = layered["layer"][0]["encoding"]["color"]["scale"]["range"]
    pdf_colours = ["#" + bars.bars[i].fillColor.hexval()[2:] for i in range(len(spec.series))]
    assert app_colours == pdf_colours  # each dimension in the same colour


def test_tornado_reads_the_same_totals_in_app_and_pdf(demo_store: Store) -> None:
    [program] = demo_store.list_programs()
    sw, _ = switching_part(demo_store, program.id)
    assert sw is not None
    spec = chart_data.tornado_chart(sw)
    assert spec is not None and spec.bars
    assert [b.label for b in spec.bars] == [b.label for b in sorted(spec.bars, key=lambda b: -b.swing)]
    assert all(min(b.at_low, b.at_high) <= spec.base + 0.01 and spec.base - 0.01 <= max(b.at_low, b.at_high)
               for b in spec.bars)
    labels = [t for t in _strings(charts.tornado_chart(spec, 500, "Helvetica")) if t in {b.label for b in spec.bars}]
    assert labels == [b.label for b in spec.bars if len(b.label) <= 52]
    frame = app_charts.range_frame(spec)
    low, high = (frame[frame["side"] == side] for side in app_charts.RANGE_SIDES)
    assert list(low["label"]) == list(high["label"]) == [b.label for b in spec.bars]
    assert list(low["total"]) == [b.at_low for b in spec.bars] and list(high["total"]) == [b.at_high for b in spec.bars]
    assert set(frame["from"]) == {spec.base}


def test_confusion_map_reads_the_same_cells_in_app_and_pdf() -> None:
    spec = chart_data.confusion_chart(CONFUSION)
    drawing = charts.confusion_heatmap(spec, 480, "Helvetica")
    cells = [c for c in drawing.contents if isinstance(c, Rect)]
    assert len(cells) == 9
    written = sorted(float(t) for t in _strings(drawing) if t.replace(".", "").isdigit())
    assert written == sorted(float(c) for row in spec.counts for c in row if c)
    frame = app_charts.confusion_frame(spec)
    assert list(frame["count"]) == [c for row in spec.counts for c in row]
    assert list(frame["share"]) == pytest.approx([s for row in spec.shares for s in row])


def _captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_app_and_pdf_carry_the_same_titles_and_captions(
    open_app: Callable[..., AppTest], tmp_path: Path
) -> None:
    at = open_app("app_pages/scorecard.py", demo=True)
    assert not at.exception, [e.value for e in at.exception]
    store = Store(database_url())
    [program] = store.list_programs()
    card, _ = scorecard_part(store, program.id, None)
    sw, _ = switching_part(store, program.id)
    assert card is not None and sw is not None
    stacked, tornado = chart_data.scorecard_chart(card), chart_data.tornado_chart(sw)
    assert stacked is not None and tornado is not None
    assert stacked.caption in _captions(at) and stacked.title in [s.value for s in at.subheader]

    at.switch_page("app_pages/switching.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown: list[Any] = _captions(at)
    app_tornado = next((c for c in shown if c.startswith("Each bar spans the total")), None)
    assert app_tornado == tornado.caption

    report = program_report(store, program, created=dt.date(2026, 11, 26)).report
    assert report is not None
    pdf = tmp_path / "demo.pdf"
    pdf.write_bytes(report_bytes(report, "pdf"))
    text = pdf_text(pdf)
    for spec in (stacked, tornado):
        assert spec.title in text and spec.caption in text, spec.title
    store.close()


def test_sla_term_charts_read_the_same_values_in_app_and_pdf() -> None:
    from contracts.sla_term_files import load_term_set
    from governance.quality.sla.sla_check import check_delivery
    from governance.reports.model import SlaPayload
    from governance.reports.sla_sections import metric_value_text, sla_report_payload
    from tests.report_helpers import ROOT

    ex = ROOT / "examples"
    sla = SlaPayload.model_validate(sla_report_payload(check_delivery(load_term_set(ex / "sla-terms.yaml"),
                                                                      ex / "delivery.csv")))
    specs = chart_data.term_charts(sla)
    assert specs and any(s.kind == "percent" for s in specs)
    for spec in specs:
        texts = _strings(charts.term_chart(spec, 480, "Helvetica"))
        assert spec.target is not None and f"target {spec.value_text(spec.target)}" in texts
        if spec.kind == "percent":  # as the terms table and the caption print it
            assert spec.value_text(spec.target) == metric_value_text("accuracy", spec.target)
            assert metric_value_text("accuracy", spec.target) in spec.caption
        for b in spec.bars:
            if b.value is not None:
                assert any(t.startswith(spec.value_text(b.value)) for t in texts), (spec.title, b.group)
        frame = app_charts.term_frame(spec)
        assert list(frame["value"]) == [b.value for b in spec.bars if b.value is not None]
