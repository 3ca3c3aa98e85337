"""Calibration log: tags, attachments, set-aside, threads, rulings, promotion, filters, summary."""

from __future__ import annotations

import hashlib

import pytest

from governance.channel import calibration as cal
from governance.channel import guidelines as gl
from governance.channel.attachments import MAX_ATTACHMENT_BYTES, AttachmentError, make_attachment
from governance.channel.calibration_queries import CalibrationSummary, calibration_summary, filter_entries
from governance.roles import PermissionDenied
from tests.channel_support import ANA, BEN, ENGINEER, MANAGER, REVIEWER, VOCAB, at, png


def _flag(user=ANA, task="T-1", when=0.0, **kw) -> cal.CalibrationEntry:
    kw.setdefault("description", "Unclear object at the kerb")
    return cal.flag_task(user, program="lidar-2026", task_id=task, vocabulary=VOCAB,
                         now=at(when), **kw)


def test_tags_come_from_the_vocabulary_plus_free_tags() -> None:
    e = _flag(tags=["Occlusion", " sensor   glitch "], free_tags=["NIGHT", "Rain drops", ""])
    assert e.tags == ("occlusion", "sensor glitch", "night")
    assert e.free_tags == ("rain drops",)
    with pytest.raises(ValueError, match="not in the lidar-2026 tag vocabulary: fog"):
        _flag(tags=["fog"])


def test_attachment_is_addressed_by_hash_and_size_limited() -> None:
    data = png()
    att = make_attachment(data, "../../etc/C:\\shots\\frame.png")
    assert att.sha256 == hashlib.sha256(data).hexdigest()
    assert (att.filename, att.media_type, att.size) == ("frame.png", "image/png", len(data))
    with pytest.raises(AttachmentError, match="over the limit of 100 bytes"):
        make_attachment(png(payload=b"x" * 200), "big.png", max_bytes=100)
    with pytest.raises(AttachmentError, match="over the limit"):
        make_attachment(b"\xff\xd8\xff" + b"0" * MAX_ATTACHMENT_BYTES, "huge.jpg")
    with pytest.raises(AttachmentError, match="not a PNG, JPEG, GIF or WebP"):
        make_attachment(b"<html><script>alert(1)</script>", "looks.png")
    with pytest.raises(AttachmentError, match="empty"):
        make_attachment(b"", "x.png")
    same = _flag(attachments=[att, att])
    assert len(same.attachments) == 1


def test_only_annotators_and_reviewers_flag_tasks() -> None:
    assert _flag(user=REVIEWER).author_id == REVIEWER.user_id
    with pytest.raises(PermissionDenied):
        _flag(user=ENGINEER)


def test_set_aside_and_release_belong_to_the_author_or_an_engineer() -> None:
    e = _flag(set_aside=True)
    assert e.set_aside and e.set_aside_at == at(0)
    with pytest.raises(PermissionDenied):
        cal.release_task(e, BEN, at(1))
    back = cal.release_task(e, ENGINEER, at(1))
    assert not back.set_aside and back.returned_at == at(1)
    again = cal.set_task_aside(back, ANA, at(2))
    assert again.set_aside and again.returned_at is None


def test_threaded_replies_and_who_may_reply() -> None:
    e = _flag()
    e = cal.add_reply(e, REVIEWER, "Which frame?", at(0, 1))
    first = e.replies[0].reply_id
    e = cal.add_reply(e, ANA, "Frame 12", at(0, 2), parent_id=first)
    e = cal.add_reply(e, ENGINEER, "Looking.", at(0, 3))
    e = cal.add_reply(e, REVIEWER, "Thanks", at(0, 4), parent_id=e.replies[1].reply_id)
    assert [(d, r.body) for d, r in cal.thread(e)] == [
        (0, "Which frame?"), (1, "Frame 12"), (2, "Thanks"), (0, "Looking.")]
    with pytest.raises(PermissionDenied):
        cal.add_reply(e, BEN, "me too", at(1))
    with pytest.raises(ValueError, match="no reply nope"):
        cal.add_reply(e, ENGINEER, "x", at(1), parent_id="nope")


def test_rulings_and_promotion_rules() -> None:
    doc = gl.new_document("g", "Guide", "lidar-2026", MANAGER, at(-1))
    e = _flag(set_aside=True)
    with pytest.raises(PermissionDenied):
        cal.resolve(e, REVIEWER, "ruling", at(1))
    with pytest.raises(ValueError, match="needs a ruling"):
        cal.promote(e, doc, ENGINEER, at(1), title="t")
    ruled = cal.resolve(e, ENGINEER, "First answer", at(1))
    ruled = cal.resolve(ruled, MANAGER, "Better answer", at(1, 1))
    assert ruled.ruling is not None and ruled.ruling.decided_by == MANAGER.user_id
    dup = _flag(user=BEN, task="T-1", when=0.5, set_aside=True)
    other_task = _flag(user=BEN, task="T-9", when=0.6, set_aside=True)
    elsewhere = cal.flag_task(BEN, program="radar", task_id="T-1", description="?", now=at(0),
                              vocabulary=cal.TagVocabulary(program="radar", tags=()))
    with pytest.raises(ValueError, match="related entry .* is for 'radar'"):
        cal.promote(ruled, doc, ENGINEER, at(2), title="t", related=[dup, elsewhere])
    promo = cal.promote(ruled, doc, ENGINEER, at(2), title="Kerb objects",
                        related=[dup, other_task])
    assert promo.document.current.version == 2 and promo.ruling_number == 1
    assert promo.returned_task_ids == ["T-1", "T-9"]
    assert all(p.guideline and p.guideline.version == 2 for p in promo.entries)
    assert {p.ruling.text for p in promo.entries if p.ruling} == {"Better answer"}
    with pytest.raises(ValueError, match="already"):
        cal.resolve(promo.entries[0], ENGINEER, "again", at(3))
    with pytest.raises(ValueError, match="lidar-2026"):
        cal.promote(ruled, gl.new_document("h", "H", "other", MANAGER, at(-1)), ENGINEER,
                    at(2), title="t")


def test_promotion_can_amend_an_existing_ruling() -> None:
    doc = gl.new_document("g", "Guide", "lidar-2026", MANAGER, at(-1),
                          rulings=[gl.AddRuling(title="Kerbs", text="old text")])
    ruled = cal.resolve(_flag(), ENGINEER, "new text", at(1))
    promo = cal.promote(ruled, doc, ENGINEER, at(2), title="Kerbs and bollards", amends=1)
    assert promo.document.current.ruling(1).text == "new text"
    assert promo.entries[0].guideline == cal.GuidelineLink(doc_id="g", version=2, ruling_number=1)
    assert [c.number for c in gl.diff_versions(promo.document, 1, 2).changed] == [1]


def test_filters_respect_visibility_tags_status_and_age() -> None:
    entries = [
        _flag(task="A", when=0, tags=["occlusion"]),
        _flag(task="B", when=5, tags=["occlusion", "night"]),
        _flag(user=BEN, task="C", when=1, tags=["night"]),
    ]
    entries[1] = cal.resolve(entries[1], ENGINEER, "r", at(6))
    now = at(10)
    ids = lambda es: [e.task_id for e in es]  # noqa: E731
    assert ids(filter_entries(entries, ANA, now)) == ["B", "A"]
    assert ids(filter_entries(entries, BEN, now)) == ["C"]
    assert ids(filter_entries(entries, ENGINEER, now, oldest_first=True)) == ["A", "C", "B"]
    assert ids(filter_entries(entries, ENGINEER, now, tags=["NIGHT"])) == ["B", "C"]
    assert ids(filter_entries(entries, ENGINEER, now, tags=["night", "occlusion"])) == ["B"]
    assert ids(filter_entries(entries, ENGINEER, now, statuses=["open"])) == ["C", "A"]
    assert ids(filter_entries(entries, ENGINEER, now, min_age_days=7)) == ["C", "A"]
    assert ids(filter_entries(entries, ENGINEER, now, max_age_days=7)) == ["B"]
    with pytest.raises(PermissionDenied):
        cal.require_visible(entries[2], ANA)
    with pytest.raises(PermissionDenied):
        cal.add_reply(entries[2], ANA, "peek", now)


def test_summary_counts_without_any_per_person_figure() -> None:
    doc = gl.new_document("g", "Guide", "lidar-2026", MANAGER, at(-1))
    a = _flag(task="A", when=0, tags=["occlusion"], set_aside=True)
    b = cal.resolve(_flag(task="B", when=1, tags=["occlusion", "night"]), ENGINEER, "r", at(3))
    c = cal.promote(cal.resolve(_flag(task="C", when=2), ENGINEER, "r", at(3)), doc, ENGINEER,
                    at(4), title="t").entries[0]
    s = calibration_summary([a, b, c], at(10))
    assert (s.total, s.open, s.resolved, s.promoted, s.tasks_set_aside) == (3, 1, 1, 1, 1)
    assert s.oldest_open_age_days == 10.0
    assert s.median_days_to_ruling == 1.5
    assert s.top_tags == [("occlusion", 2), ("night", 1)]
    assert s.guideline_versions_from_log == [2]
    assert not any("author" in f or "annotator" in f for f in CalibrationSummary.model_fields)
    empty = calibration_summary([], at(0))
    assert empty.median_days_to_ruling is None and empty.median_days_to_ruling_reason


def test_only_the_author_edits_an_open_flag() -> None:
    e = _flag(tags=["occlusion"], free_tags=["rain"])
    edited = cal.edit_flag(e, ANA, VOCAB, description="  Bollard or pedestrian? ",
                           tags=["night"], category="pedestrian")
    assert (edited.description, edited.tags, edited.free_tags, edited.category) == (
        "Bollard or pedestrian?", ("night",), ("rain",), "pedestrian")
    for other in (BEN, REVIEWER, ENGINEER, MANAGER):
        with pytest.raises(PermissionDenied, match="may not edit the flag of another person"):
            cal.edit_flag(e, other, VOCAB, description="rewritten")
    with pytest.raises(ValueError, match="tag vocabulary"):
        cal.edit_flag(e, ANA, VOCAB, tags=["fog"])
    with pytest.raises(ValueError, match="at least 1 character"):
        cal.edit_flag(e, ANA, VOCAB, description="   ")
    ruled = cal.resolve(e, ENGINEER, "r", at(1))
    with pytest.raises(ValueError, match="already has a ruling"):
        cal.edit_flag(ruled, ANA, VOCAB, description="changed my mind")
