"""Insights for engineers: recurring tags, tasks flagged by several, metric joins, blockers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from governance.channel import calibration as cal
from governance.channel import insights as ins
from governance.channel import reflection as rf
from ingest import InputError
from tests.channel_support import ANA, BEN, CHO, ENGINEER, REVIEWER, VOCAB, at


def _flag(user, task, day, category=None, tags=(), set_aside=False, free=()):
    return cal.flag_task(user, program="lidar-2026", task_id=task, description="?",
                         vocabulary=VOCAB, now=at(day), category=category, tags=tags,
                         free_tags=free, set_aside=set_aside)


def test_recurring_tags_count_people_not_flags() -> None:
    entries = [_flag(ANA, "T1", 0, tags=["night"]), _flag(ANA, "T2", 0, tags=["night"]),
               _flag(BEN, "T3", 1, "car", tags=["night", "occlusion"]),
               _flag(CHO, "T4", 1, free=["glare"])]
    shared = rf.SharedInsight(reflection_id="r", author_id=BEN.user_id, author_name="Ben",
                              week="2026-W47", insight="sun glare at dusk", tags=("glare",),
                              task_ids=(), entry_ids=())
    found = ins.recurring_tags(entries, [shared])
    assert [(r.tag, r.people, r.flags, r.shared_insights) for r in found] == [
        ("night", 2, 3, 0), ("glare", 2, 1, 1)]
    assert found[0].categories == ["car"]
    assert [r.tag for r in ins.recurring_tags(entries, min_people=1)] == [
        "night", "glare", "occlusion"]


def test_tasks_flagged_by_several_people() -> None:
    entries = [_flag(ANA, "T1", 0), _flag(ANA, "T1", 1), _flag(BEN, "T2", 0),
               _flag(BEN, "T1", 2, tags=["occlusion"]), _flag(CHO, "T1", 3)]
    found = ins.tasks_flagged_by_several(entries)
    assert [(c.task_id, c.people, len(c.entry_ids)) for c in found] == [("T1", 3, 4)]
    assert found[0].first_flagged == at(0) and found[0].tags == ["occlusion"]


def _metrics() -> pd.DataFrame:
    return pd.DataFrame({
        "category": ["car", "car", "bike", "bike", None, None],
        "week": ["2026-W46", "2026-W47", "2026-W46", "2026-W47", "2026-W46", "2026-W47"],
        "metric": ["alpha", "alpha", "accuracy", "accuracy", "alpha", "alpha"],
        "value": [0.80, 0.79, 0.97, 0.91, 0.85, float("nan")],
    })


def test_flags_join_low_or_falling_metrics_in_the_same_category_and_week() -> None:
    entries = [_flag(ANA, "T1", 1, "car"), _flag(BEN, "T2", 2, "bike"),
               _flag(CHO, "T3", -3, "bike"), _flag(CHO, "T4", 2)]
    found = ins.flags_with_low_metrics(entries, _metrics(), thresholds={"alpha": 0.8},
                                       min_drop=0.05)
    summary = [(c.category, c.week, c.metric, c.flags) for c in found]
    assert summary == [("bike", "2026-W47", "accuracy", 1), ("car", "2026-W47", "alpha", 1)]
    bike, car = found
    assert bike.drop == pytest.approx(0.06) and bike.previous_value == 0.97
    assert bike.entry_ids == [entries[1].entry_id]
    assert car.reasons == ["alpha 0.790 is under the threshold 0.800"] and car.drop is not None
    wide = ins.flags_with_low_metrics(entries, _metrics(), thresholds={"alpha": 0.9})
    program_wide = [c for c in wide if c.category is None]
    assert [(c.week, c.flags) for c in program_wide] == [("2026-W46", 1)]
    assert all(not math.isnan(c.value) for c in wide), "an undefined value is never 'low'"


def test_metric_table_problems_are_located() -> None:
    bad = pd.DataFrame({"category": ["a", "a"], "week": ["2026-W47", "W47"],
                        "metric": ["alpha", ""], "value": ["0.5", "high"]})
    with pytest.raises(InputError) as err:
        ins.flags_with_low_metrics([], bad, source="weekly.csv")
    text = str(err.value)
    assert "weekly.csv, row 3, column 'week'" in text
    assert "weekly.csv, row 3, column 'value': not a number: 'high'" in text
    assert "weekly.csv, row 3, column 'metric': empty" in text
    with pytest.raises(InputError, match="column 'value': required column is missing"):
        ins.validate_metrics(pd.DataFrame({"category": [], "week": [], "metric": []}))
    with pytest.raises(InputError, match="m.csv, column 'value': more than one column has this name"):
        ins.read_metrics("m.csv", b"category,week,metric,value,Value (%)\na,2026-W47,alpha,0.5,50\n")
    twice = pd.DataFrame({"category": ["a", " a", None, None], "week": ["2026-W47"] * 4,
                          "metric": ["alpha"] * 4, "value": [0.5, 0.6, 0.7, ""]})
    with pytest.raises(InputError) as err:
        ins.validate_metrics(twice, "weekly.csv")
    assert [str(p.location) for p in err.value.problems] == ["weekly.csv, row 3", "weekly.csv, row 5"]
    ok = ins.read_metrics("m.csv", b"Weekly metrics\ncategory,week,metric,value\n,2026-W47,alpha,\n")
    assert ok["category"].isna().all() and ok["value"].isna().all() and ok["week"].tolist() == ["2026-W47"]


def test_blocking_questions_oldest_first() -> None:
    a = _flag(ANA, "T1", 3, set_aside=True)
    b = cal.resolve(_flag(BEN, "T2", 1, set_aside=True), ENGINEER, "r", at(4))
    c = _flag(CHO, "T3", 0)
    found = ins.blocking_questions([a, b, c], at(10))
    assert [(q.task_id, q.age_days) for q in found] == [("T2", 9.0), ("T1", 7.0)]
    assert found[0].waiting_for.startswith("promotion") and found[1].waiting_for == "a ruling"


def test_engineer_insights_bundle_is_json_ready() -> None:
    entries = [_flag(ANA, "T1", 1, "car", tags=["night"]), _flag(BEN, "T1", 1, "car")]
    out = ins.engineer_insights(REVIEWER, entries, [], at(5), _metrics(),
                                thresholds={"alpha": 0.8})
    payload = out.model_dump(mode="json")
    assert payload["tasks_flagged_by_several"][0]["task_id"] == "T1"
    assert payload["metric_coincidences"][0]["people"] == 2
