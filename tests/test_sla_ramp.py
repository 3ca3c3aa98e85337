"""Ramp schedules as data: weekly floors from a start date (issue 13)."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from contracts.sla_terms import RampSchedule, RampStep, SlaTermSet


def test_ramp_floor_by_contract_week() -> None:
    """Week 1 is the start date's calendar week; a step holds until the next; then the commitment."""
    ramp = RampSchedule(start=date(2026, 3, 4), steps=[RampStep(week=1, floor=5000), RampStep(week=3, floor=12000)])
    assert ramp.first_monday == date(2026, 3, 2)
    assert ramp.week_of(date(2026, 2, 23)) == 0
    assert ramp.week_of(date(2026, 3, 2)) == 1
    assert ramp.week_of(date(2026, 3, 16)) == 3
    assert [ramp.floor(w, 20000) for w in (0, 1, 2, 3, 4)] == [None, 5000, 5000, 12000, 20000]
    assert ramp.floor(4, None) == 12000


def test_weeks_before_first_step_have_no_floor() -> None:
    ramp = RampSchedule(start=date(2026, 3, 2), steps=[RampStep(week=3, floor=100)])
    assert [ramp.floor(w, 200) for w in (1, 2, 3, 4)] == [0, 0, 100, 200]


def test_term_set_carries_ramp() -> None:
    terms = SlaTermSet.model_validate(
        {
            "committed_weekly_volume": 20000,
            "ramp": {"start": "2026-03-02", "steps": [{"week": 6, "floor": 20000}]},
            "terms": [],
        }
    )
    assert terms.ramp is not None and terms.ramp.steps == [RampStep(week=6, floor=20000)]
    assert SlaTermSet(terms=[]).ramp is None


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([{"week": 0, "floor": 10}], "greater than or equal to 1"),
        ([{"week": 2, "floor": 10}, {"week": 2, "floor": 20}], "strictly increase"),
        ([{"week": 3, "floor": 10}, {"week": 1, "floor": 20}], "strictly increase"),
        ([{"week": 1, "floor": -1}], "greater than or equal to 0"),
        ([], "at least 1"),
    ],
)
def test_bad_ramp_refused(steps: list[dict[str, int]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RampSchedule.model_validate({"start": "2026-03-02", "steps": steps})
