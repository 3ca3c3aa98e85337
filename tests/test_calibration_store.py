"""The channel persisted: the full loop through the repository on SQLite and PostgreSQL, and the
permission checks applied to what is read from the database."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from annogov.store import ConcurrentEditError, DuplicateError, NotFoundError, Store
from annogov.store.channel import ChannelRepository
from governance.channel import calibration as cal
from governance.channel import guidelines as gl
from governance.channel import reflection as rf
from governance.channel.attachments import MAX_ATTACHMENT_BYTES, AttachmentError
from governance.channel.guideline_bundle import history_bundle, read_bundle
from governance.roles import PermissionDenied
from tests.channel_support import ANA, BEN, CHO, ENGINEER, MANAGER, REVIEWER, VOCAB, at, png

PROGRAM = "lidar-2026"


@pytest.fixture
def store(db_url: str):
    s = Store(db_url)
    with s.transaction() as session:
        repo = ChannelRepository(session)
        for user in (MANAGER, ANA, BEN, CHO, REVIEWER, ENGINEER):
            repo.save_user(None if user is MANAGER else MANAGER, user, demo=True)
        repo.set_vocabulary(MANAGER, VOCAB, at(-40))
        repo.create_guideline(MANAGER, gl.new_document(
            "lidar-guide", "Lidar guide", PROGRAM, MANAGER, at(-30),
            rulings=[gl.AddRuling(title="Cyclists", text="Riding a bicycle: cyclist.")]))
    yield s
    s.close()


def test_full_loop_persists_across_sessions(store: Store) -> None:
    image = png()
    with store.transaction() as s:
        e = ChannelRepository(s).flag_task(
            ANA, program=PROGRAM, task_id="T-42", category="pedestrian", now=at(1),
            description="Pushing a bicycle <b>across</b> & waiting", tags=["ambiguous class"],
            free_tags=["bicycle pushed"], images=[("frame.png", image)])
    with store.transaction() as s:
        repo = ChannelRepository(s)
        repo.set_aside(ANA, e.entry_id, at(1, 1))
        assert [h.task_id for h in repo.held_tasks(ENGINEER, PROGRAM)] == ["T-42"]
        first = repo.reply(ENGINEER, e.entry_id, "Both feet down?", at(1, 2)).replies[0]
        repo.reply(ANA, e.entry_id, "Yes", at(1, 3), parent_id=first.reply_id)
        repo.resolve(ENGINEER, e.entry_id, "Walking beside a bicycle: pedestrian.", at(2))
    with store.transaction() as s:
        promo = ChannelRepository(s).promote(ENGINEER, e.entry_id, "lidar-guide",
                                             "Pushing a bicycle", at(2, 1))
    assert promo.returned_task_ids == ["T-42"]
    with store.transaction() as s:
        repo = ChannelRepository(s)
        stored = repo.get_entry(ENGINEER, e.entry_id)
        assert stored.status is cal.EntryStatus.PROMOTED and not stored.set_aside
        assert stored.guideline == cal.GuidelineLink(doc_id="lidar-guide", version=2,
                                                     ruling_number=2)
        assert [d for d, _ in cal.thread(stored)] == [0, 1]
        assert stored.description == "Pushing a bicycle <b>across</b> & waiting"
        assert stored.created_at == at(1) and stored.returned_at == at(2, 1)
        assert repo.held_tasks(ENGINEER, PROGRAM) == []
        doc = repo.get_guideline(ANA, "lidar-guide")
        assert doc.current.version == 2 and doc.current.settles_entry_ids == (e.entry_id,)
        assert doc == promo.document
        att, data = repo.attachment_bytes(ENGINEER, stored.attachments[0].sha256)
        assert data == image and att.filename == "frame.png"

        delivered = pd.DataFrame({"task_id": ["T-42", "T-42", "T-42"],
                                  "annotator_id": ["w-ana", "w-ben", "w-cho"],
                                  "label": ["cyclist", "pedestrian", "pedestrian"],
                                  "week": ["2026-W47"] * 3, "category": ["pedestrian"] * 3})
        picks = rf.select_week_tasks(ANA, delivered, "2026-W47",
                                     entries=repo.list_entries(ANA, PROGRAM, at(4)))
        note = rf.write_reflection(ANA, "2026-W47", picks, at(4), most_challenging=["T-42"],
                                   insight="Crossings make riders dismount", share_insight=True)
        repo.save_reflection(ANA, PROGRAM, note)
    metrics = pd.DataFrame({"category": ["pedestrian", "pedestrian"],
                            "week": ["2026-W46", "2026-W47"],
                            "metric": ["krippendorff_alpha"] * 2, "value": [0.82, 0.61]})
    with store.transaction() as s:
        repo = ChannelRepository(s)
        assert repo.get_reflection(ANA, note.reflection_id) == note
        assert note.entry_ids == (e.entry_id,)
        found = repo.engineer_insights(ENGINEER, PROGRAM, at(5), metrics)
        assert [c.entry_ids for c in found.metric_coincidences] == [[e.entry_id]]
        assert found.shared_insights[0].insight == "Crossings make riders dismount"
        summary = repo.summary(MANAGER, PROGRAM, at(5))
        assert (summary.total, summary.promoted, summary.guideline_versions_from_log) == (1, 1, [2])


def test_one_annotator_cannot_read_anothers_reflection_or_flags(store: Store) -> None:
    picks = [rf.TaskPick(task_id="T1", category=None, label="car", gold_label=None,
                         other_labels={}, reasons=[rf.PickReason.SAMPLED], entry_ids=[])]
    private = rf.write_reflection(ANA, "2026-W47", picks, at(4), comment="hard week",
                                  insight="only for me")
    with store.transaction() as s:
        repo = ChannelRepository(s)
        repo.save_reflection(ANA, PROGRAM, private)
        flag = repo.flag_task(ANA, program=PROGRAM, task_id="T1", description="?", now=at(1),
                              images=[("a.png", png(3, 3))])
    with store.transaction() as s:
        repo = ChannelRepository(s)
        for other in (BEN, CHO, ENGINEER, REVIEWER, MANAGER):
            with pytest.raises(PermissionDenied):
                repo.get_reflection(other, private.reflection_id)
        assert repo.my_reflections(BEN, PROGRAM) == []
        assert repo.my_reflection_for(BEN, PROGRAM, "2026-W47") is None
        assert repo.shared_insights(ENGINEER, PROGRAM) == []
        with pytest.raises(PermissionDenied):
            repo.shared_insights(BEN, PROGRAM)
        with pytest.raises(PermissionDenied):
            repo.save_reflection(BEN, PROGRAM, private.model_copy(update={"comment": "edited"}))
        hijack = private.model_copy(update={"author_id": BEN.user_id, "comment": "mine now"})
        with pytest.raises(PermissionDenied):
            repo.save_reflection(BEN, PROGRAM, hijack)
        assert repo.list_entries(BEN, PROGRAM, at(5)) == []
        assert [x.entry_id for x in repo.list_entries(REVIEWER, PROGRAM, at(5))] == [
            flag.entry_id]
        with pytest.raises(PermissionDenied):
            repo.get_entry(BEN, flag.entry_id)
        with pytest.raises(NotFoundError):
            repo.attachment_bytes(BEN, flag.attachments[0].sha256)
        with pytest.raises(PermissionDenied):
            repo.reply(BEN, flag.entry_id, "peek", at(2))
    with store.transaction() as s:
        assert ChannelRepository(s).get_reflection(ANA, private.reflection_id).comment == (
            "hard week")


def test_attachments_are_stored_once_per_hash_and_limits_hold(store: Store) -> None:
    image = png()
    with store.transaction() as s:
        repo = ChannelRepository(s)
        a = repo.flag_task(ANA, program=PROGRAM, task_id="T1", description="x", now=at(1),
                           images=[("one.png", image)])
        b = repo.flag_task(BEN, program=PROGRAM, task_id="T2", description="y", now=at(1),
                           images=[("two.png", image)])
        assert a.attachments[0].sha256 == b.attachments[0].sha256
        assert s.scalar(sa.text("SELECT COUNT(*) FROM channel_attachment_blobs")) == 1
        assert repo.attachment_bytes(BEN, b.attachments[0].sha256)[0].filename == "two.png"
    with pytest.raises(AttachmentError), store.transaction() as s:
        ChannelRepository(s).flag_task(
            ANA, program=PROGRAM, task_id="T3", description="z", now=at(1),
            images=[("big.png", png(payload=b"x" * MAX_ATTACHMENT_BYTES))])
    with pytest.raises(ValueError, match="vocabulary"), store.transaction() as s:
        ChannelRepository(s).flag_task(ANA, program=PROGRAM, task_id="T3", description="z",
                                       now=at(1), tags=["not-a-tag"])
    with store.transaction() as s:
        assert s.scalar(sa.text("SELECT COUNT(*) FROM calibration_entries")) == 2


def test_two_editors_cannot_both_make_version_2(store: Store) -> None:
    change = [gl.AddRuling(title="Dogs", text="Label dogs as animal.")]
    with store.transaction() as s:
        doc = ChannelRepository(s).get_guideline(ENGINEER, "lidar-guide")
    stale = gl.revise(doc, ENGINEER, at(1), "first", change)
    with store.transaction() as s:
        ChannelRepository(s).revise_guideline(MANAGER, "lidar-guide", "second", change, at(2))
    with pytest.raises(ConcurrentEditError), store.transaction() as s:
        ChannelRepository(s)._append_versions(doc, stale)
    with store.transaction() as s:
        repo = ChannelRepository(s)
        assert repo.get_guideline(ANA, "lidar-guide").current.reason == "second"
        with pytest.raises(PermissionDenied):
            repo.revise_guideline(ANA, "lidar-guide", "x", change, at(3))


def test_a_successor_imports_the_bundle(store: Store, tmp_path) -> None:
    with store.transaction() as s:
        repo = ChannelRepository(s)
        repo.revise_guideline(ENGINEER, "lidar-guide", "clarify",
                              [gl.AmendRuling(number=1, text="Riding or pedalling: cyclist.")],
                              at(3))
        bundle = history_bundle(repo.get_guideline(ENGINEER, "lidar-guide"))
    successor = Store(f"sqlite:///{tmp_path / 'successor.sqlite3'}")
    with successor.transaction() as s:
        repo = ChannelRepository(s)
        repo.save_user(None, MANAGER)
        repo.create_guideline(MANAGER, read_bundle(bundle))
        with pytest.raises(DuplicateError):
            repo.create_guideline(MANAGER, read_bundle(bundle))
    with successor.transaction() as s:
        doc = ChannelRepository(s).get_guideline(MANAGER, "lidar-guide")
        assert [v.reason for v in doc.versions] == ["First version", "clarify"]
    successor.close()


def test_roles_are_managed_by_program_managers_only(store: Store) -> None:
    with store.transaction() as s:
        repo = ChannelRepository(s)
        with pytest.raises(PermissionDenied):
            repo.save_user(ENGINEER, ANA.model_copy(update={"role": "program_manager"}))
        with pytest.raises(PermissionDenied):
            repo.save_user(None, ANA)
        assert repo.get_user(ANA.user_id) == ANA
        assert {u.user_id for u in repo.demo_users()} == {
            u.user_id for u in (MANAGER, ANA, BEN, CHO, REVIEWER, ENGINEER)}


def test_annotators_edit_only_their_own_flags(store: Store) -> None:
    with store.transaction() as s:
        repo = ChannelRepository(s)
        flag = repo.flag_task(ANA, program=PROGRAM, task_id="T1", description="first", now=at(1))
        with pytest.raises(PermissionDenied):
            repo.edit_flag(BEN, flag.entry_id, description="not mine")
        with pytest.raises(PermissionDenied):
            repo.edit_flag(ENGINEER, flag.entry_id, description="rewording it")
        repo.edit_flag(ANA, flag.entry_id, description="second", tags=["night"])
    with store.transaction() as s:
        stored = ChannelRepository(s).get_entry(ANA, flag.entry_id)
        assert (stored.description, stored.tags) == ("second", ("night",))
