"""Weekly reflection: own tasks only, disagreements first, private to its author, never scored."""

from __future__ import annotations

import pandas as pd
import pytest

from governance.channel import calibration as cal
from governance.channel import reflection as rf
from governance.roles import PermissionDenied
from ingest import InputError
from tests.channel_support import ANA, BEN, CHO, ENGINEER, MANAGER, REVIEWER, VOCAB, at

WEEK = "2026-W47"


def _delivered() -> pd.DataFrame:
    rows = [
        ("T1", "w-ana", "car", "car"), ("T1", "w-ben", "car", "car"),
        ("T2", "w-ana", "van", "truck"), ("T2", "w-ben", "van", "truck"),
        ("T3", "w-ana", "bus", None), ("T3", "w-ben", "tram", None), ("T3", "w-cho", "tram", None),
        ("T4", "w-ana", "car", None), ("T4", "w-ben", "car", None), ("T4", "w-cho", "van", None),
        ("T5", "w-ana", "car", None),
        ("T6", "w-ana", "bike", None), ("T6", "w-ben", "moped", None),
        ("T9", "w-ben", "car", "car"),
    ]
    frame = pd.DataFrame(rows, columns=["task_id", "annotator", "label", "gold"])
    frame["submitted_at"] = "2026-11-17T10:00:00Z"
    frame.loc[frame["task_id"] == "T5", "submitted_at"] = "2026-11-10T10:00:00Z"
    return frame


def test_selection_puts_disagreements_first_and_only_shows_own_tasks() -> None:
    flag = cal.flag_task(ANA, program="lidar-2026", task_id="T1", description="?",
                         vocabulary=VOCAB, now=at(1))
    someone_else = cal.flag_task(BEN, program="lidar-2026", task_id="T4", description="?",
                                 vocabulary=VOCAB, now=at(1))
    picks = rf.select_week_tasks(ANA, _delivered(), WEEK, entries=[flag, someone_else])
    order = [p.task_id for p in picks]
    assert order[0] == "T2" and set(order[1:3]) == {"T3", "T6"} and order[3] == "T1"
    by_task = {p.task_id: p for p in picks}
    assert set(by_task) == {"T1", "T2", "T3", "T4", "T6"}, "T5 is last week, T9 is Ben's"
    assert by_task["T2"].reasons == [rf.PickReason.DISAGREED_WITH_GOLD]
    assert by_task["T3"].reasons == [rf.PickReason.DISAGREED_WITH_OTHERS]
    assert by_task["T3"].other_labels == {"tram": 2}
    assert by_task["T6"].reasons == [rf.PickReason.DISAGREED_WITH_OTHERS]
    assert by_task["T4"].reasons == [rf.PickReason.SAMPLED] and by_task["T4"].entry_ids == []
    assert by_task["T1"].entry_ids == [flag.entry_id]
    dumped = " ".join(p.model_dump_json() for p in picks)
    assert "w-ben" not in dumped and "w-cho" not in dumped, "other annotators stay anonymous"
    assert len(rf.select_week_tasks(ANA, _delivered(), WEEK, limit=2)) == 2
    assert rf.select_week_tasks(ANA, _delivered(), "2026-W40") == []


def test_sampled_order_is_stable_for_a_seed() -> None:
    frame = pd.DataFrame({"task_id": [f"S{i}" for i in range(30)], "annotator_id": "w-ana",
                          "label": "x", "week": WEEK})
    a = [p.task_id for p in rf.select_week_tasks(ANA, frame, WEEK, limit=5, seed=1)]
    b = [p.task_id for p in rf.select_week_tasks(ANA, frame, WEEK, limit=5, seed=1)]
    c = [p.task_id for p in rf.select_week_tasks(ANA, frame, WEEK, limit=5, seed=2)]
    assert a == b and len(set(a)) == 5 and a != c


def test_bad_delivered_data_names_columns_and_rows() -> None:
    with pytest.raises(InputError) as err:
        rf.select_week_tasks(ANA, pd.DataFrame({"task": [1]}), WEEK, source="week.csv")
    text = str(err.value)
    assert "week.csv, column 'task_id'" in text and "column 'label'" in text
    assert "'week' (2026-W48) or 'submitted_at'" in text
    frame = pd.DataFrame({"task_id": ["a", "b"], "annotator_id": "w-ana", "label": "x",
                          "submitted_at": ["2026-11-17", "next tuesday"]})
    with pytest.raises(InputError, match="week.csv, row 3, column 'submitted_at': not a date/time"):
        rf.select_week_tasks(ANA, frame, WEEK, source="week.csv")
    weeks = frame.drop(columns="submitted_at").assign(week=[WEEK, "Week 47"])
    with pytest.raises(InputError, match="row 3, column 'week': not an ISO week like 2026-W48: 'Week 47'"):
        rf.select_week_tasks(ANA, weeks, WEEK, source="week.csv")
    with pytest.raises(ValueError, match="ISO week"):
        rf.select_week_tasks(ANA, frame, "week 47")
    with pytest.raises(PermissionDenied):
        rf.select_week_tasks(ENGINEER, frame, WEEK)


def _note(**kw) -> rf.Reflection:
    picks = rf.select_week_tasks(ANA, _delivered(), WEEK)
    kw.setdefault("most_challenging", ["T3"])
    return rf.write_reflection(ANA, WEEK, picks, at(4), tags=["Night", "night"],
                               comment="Trams vs buses", **kw)


def test_reflection_content_and_its_author_only_edits() -> None:
    note = _note(insight="  ", share_insight=True)
    assert note.tags == ("night",) and note.insight is None and not note.share_insight
    with pytest.raises(ValueError, match="not among the tasks shown this week: T9"):
        _note(most_challenging=["T9"])
    edited = rf.edit_reflection(note, ANA, at(5), insight="Tram livery looks like buses",
                                share_insight=True)
    assert edited.share_insight and edited.updated_at == at(5) and edited.created_at == at(4)
    for other in (BEN, ENGINEER, MANAGER):
        with pytest.raises(PermissionDenied):
            rf.edit_reflection(note, other, at(5), comment="changed")


def test_one_annotator_cannot_read_another_annotators_reflection() -> None:
    private = _note(insight="Keep this to myself", share_insight=False)
    shared = _note(insight="Tram livery looks like buses", share_insight=True)
    for note in (private, shared):
        assert rf.read_reflection(note, ANA) == note
        for other in (BEN, CHO):
            with pytest.raises(PermissionDenied, match="may not read reflection"):
                rf.read_reflection(note, other)
        assert rf.own_reflections([note], BEN) == []
    with pytest.raises(PermissionDenied):
        rf.read_reflection(private, ENGINEER)
    view = rf.read_reflection(shared, ENGINEER)
    assert isinstance(view, rf.SharedInsight)
    assert view.insight == "Tram livery looks like buses" and not hasattr(view, "comment")
    assert [v.reflection_id for v in rf.shared_insights([private, shared], REVIEWER)] == [
        shared.reflection_id]
    with pytest.raises(PermissionDenied):
        rf.shared_insights([shared], BEN)


def test_reflections_carry_no_score_or_rank() -> None:
    fields = set(rf.Reflection.model_fields) | set(rf.SharedInsight.model_fields)
    assert not {f for f in fields if any(w in f for w in ("score", "rank", "rating", "grade"))}


def test_read_delivered_from_the_example_file_and_blank_cells(tmp_path) -> None:
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples/channel/delivered-week.csv"
    picks = rf.select_week_tasks(ANA.model_copy(update={"annotator_id": "w-ana"}),
                                 rf.read_delivered(example), WEEK)
    first = picks[0]
    assert (first.task_id, first.gold_label, first.other_labels) == (
        "T-1042", "pedestrian", {"pedestrian": 2})
    assert first.reasons == [rf.PickReason.DISAGREED_WITH_GOLD,
                             rf.PickReason.DISAGREED_WITH_OTHERS]
    assert all(p.gold_label != "" for p in picks), "a blank gold cell means no gold"
    bad = tmp_path / "week.csv"
    bad.write_text("Export of week 47\n\ntask_id,annotator,label,week\nT1,w-ana,,2026-W47\n"
                   "T2,,car,2026-W47\n")
    with pytest.raises(InputError) as err:
        rf.select_week_tasks(ANA, rf.read_delivered(bad), WEEK, source="week.csv")
    assert "week.csv, row 4, column 'label': empty" in str(err.value)
    assert "week.csv, row 5, column 'annotator_id': empty" in str(err.value)
    with pytest.raises(InputError, match="week.csv, column 'label': more than one column has this name"):
        rf.read_delivered("week.csv", b"task_id,annotator,label,week,Label (final),note,note\n"
                                      b"T1,w-ana,car,2026-W47,bus,a,b\n")
