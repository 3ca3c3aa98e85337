"""The whole channel loop through the domain functions: flag, set aside, reply, rule, promote to
guideline v2, task back in the queue, a reflection that references the flag, and an insight that
joins the flag with an agreement drop."""

from __future__ import annotations

import pandas as pd
import pytest

from governance.channel import calibration as cal
from governance.channel import guidelines as gl
from governance.channel import insights, reflection
from governance.channel.attachments import make_attachment
from governance.channel.calibration_queries import held_tasks
from governance.roles import PermissionDenied
from tests.channel_support import ANA, BEN, ENGINEER, VOCAB, at, png


def test_full_loop_from_flag_to_insight() -> None:
    doc = gl.new_document(
        "lidar-guide", "Lidar labelling guide", "lidar-2026", ENGINEER, at(-30),
        rulings=[gl.AddRuling(title="Cyclists", text="A person riding a bicycle is a cyclist.")],
    )
    image = make_attachment(png(), "frame 0042.png")
    entry = cal.flag_task(
        ANA, program="lidar-2026", task_id="T-42", category="pedestrian",
        description="Person pushing a bicycle: pedestrian or cyclist?", vocabulary=VOCAB,
        tags=["ambiguous class"], free_tags=["bicycle pushed"], attachments=[image], now=at(1),
    )
    assert entry.status is cal.EntryStatus.OPEN and not entry.set_aside
    entry = cal.set_task_aside(entry, ANA, at(1, 1))
    assert [h.task_id for h in held_tasks([entry])] == ["T-42"]

    entry = cal.add_reply(entry, ENGINEER, "Are both feet on the ground?", at(1, 3))
    entry = cal.add_reply(entry, ANA, "Yes, walking beside it.", at(1, 4),
                          parent_id=entry.replies[0].reply_id)
    assert [d for d, _ in cal.thread(entry)] == [0, 1]

    with pytest.raises(PermissionDenied):
        cal.resolve(entry, ANA, "my own answer", at(2))
    entry = cal.resolve(entry, ENGINEER, "Walking beside a bicycle: pedestrian.", at(2))
    assert entry.status is cal.EntryStatus.RESOLVED
    assert held_tasks([entry]), "a ruling alone does not release the task"

    promo = cal.promote(entry, doc, ENGINEER, at(2, 2), title="Pushing a bicycle")
    doc, entry = promo.document, promo.entries[0]
    assert doc.current.version == 2
    assert doc.current.ruling(2).text == "Walking beside a bicycle: pedestrian."
    assert doc.current.ruling(2).source_entry_id == entry.entry_id
    assert doc.current.settles_entry_ids == (entry.entry_id,)
    assert entry.guideline == cal.GuidelineLink(doc_id="lidar-guide", version=2, ruling_number=2)
    assert entry.status is cal.EntryStatus.PROMOTED
    assert promo.returned_task_ids == ["T-42"]
    assert held_tasks([entry]) == [] and entry.returned_at == at(2, 2)
    diff = gl.diff_versions(doc, 1, 2)
    assert [r.number for r in diff.added] == [2] and diff.unchanged == [1]

    delivered = pd.DataFrame({
        "task_id": ["T-42", "T-42", "T-42", "T-43", "T-43"],
        "annotator_id": ["w-ana", "w-ben", "w-cho", "w-ana", "w-ben"],
        "label": ["cyclist", "pedestrian", "pedestrian", "car", "car"],
        "week": ["2026-W47"] * 5,
        "category": ["pedestrian"] * 3 + ["vehicle"] * 2,
    })
    picks = reflection.select_week_tasks(ANA, delivered, "2026-W47", entries=[entry])
    assert picks[0].task_id == "T-42"
    assert picks[0].reasons == [reflection.PickReason.DISAGREED_WITH_OTHERS,
                                reflection.PickReason.FLAGGED]
    assert picks[0].entry_ids == [entry.entry_id]
    note = reflection.write_reflection(
        ANA, "2026-W47", picks, at(4), most_challenging=["T-42"], tags=["ambiguous class"],
        comment="Bicycles again.", insight="Riders dismount at crossings a lot in this set.",
        share_insight=True,
    )
    assert note.entry_ids == (entry.entry_id,)
    with pytest.raises(PermissionDenied):
        reflection.read_reflection(note, BEN)

    metrics = pd.DataFrame({
        "category": ["pedestrian", "pedestrian", "vehicle", "vehicle"],
        "week": ["2026-W46", "2026-W47", "2026-W46", "2026-W47"],
        "metric": ["krippendorff_alpha"] * 4,
        "value": [0.82, 0.61, 0.90, 0.89],
    })
    found = insights.engineer_insights(ENGINEER, [entry], [note], at(5), metrics)
    assert len(found.metric_coincidences) == 1
    hit = found.metric_coincidences[0]
    assert (hit.category, hit.week, hit.metric) == ("pedestrian", "2026-W47", "krippendorff_alpha")
    assert hit.drop == pytest.approx(0.21) and hit.entry_ids == [entry.entry_id]
    assert found.shared_insights[0].entry_ids == (entry.entry_id,)
    assert found.blocking_questions == []
    with pytest.raises(PermissionDenied):
        insights.engineer_insights(ANA, [entry], [note], at(5), metrics)
