"""The report reads right: tornado from switching totals, money with its currency, no internal keys,
no word split inside a table cell."""

from __future__ import annotations

import pytest

from governance.reports import SwitchingPayload
from governance.reports.charts import tornado_chart
from governance.reports.sections import input_label, tornado_section
from migration import load_scenario, switching_cost
from tests.report_helpers import ROOT, example


@pytest.fixture(scope="module")
def scenario_payload() -> SwitchingPayload:
    """The example scenario priced by the real model (few draws: the tornado is deterministic)."""
    result = switching_cost(load_scenario(ROOT / "examples" / "scenario.yaml"), simulations=1000, seed=1)
    return SwitchingPayload.model_validate(result.to_payload())


def test_tornado_totals_bracket_the_base_total(scenario_payload: SwitchingPayload) -> None:
    base = scenario_payload.deterministic["total"]
    assert base is not None
    section = tornado_section(scenario_payload)
    assert section is not None and section.rows
    for row in section.rows:
        at_low, at_high, swing = row[2], row[3], row[4]
        assert min(at_low, at_high) - 0.01 <= base <= max(at_low, at_high) + 0.01, row
        assert swing == pytest.approx(abs(at_high - at_low))


def test_tornado_table_holds_totals_not_input_values(scenario_payload: SwitchingPayload) -> None:
    section = tornado_section(scenario_payload)
    assert section is not None
    by_label = {input_label(b): b for b in scenario_payload.tornado}
    for row in section.rows:
        bar = by_label[row[0]]
        assert (row[2], row[3]) == (bar.total_at_low, bar.total_at_high)
        assert (row[2], row[3]) != (bar.low, bar.high)
    swings = [row[4] for row in section.rows]
    assert swings == sorted(swings, reverse=True)


def test_tornado_chart_and_table_in_the_same_order(scenario_payload: SwitchingPayload) -> None:
    section = tornado_section(scenario_payload)
    assert section is not None
    drawing = tornado_chart(scenario_payload, 500, "Helvetica")
    labels = [s.text for s in drawing.contents if getattr(s, "textAnchor", "") == "end"]
    table = [row[0] for row in section.rows][: len(labels)]
    cut = [shown.rstrip("\u2026") for shown in labels]
    assert cut == [full[: len(c)] for full, c in zip(table, cut, strict=True)]


def test_example_tornado_axis_is_in_money_around_the_base() -> None:
    sw = SwitchingPayload.model_validate(example("switching"))
    section = tornado_section(sw)
    assert section is not None
    assert all(r[2] > 200_000 and r[3] > 200_000 for r in section.rows)
