"""The demo seeds a working channel: roles, a guideline with history, flags in every state."""

from __future__ import annotations

from pathlib import Path

import pytest

from annogov.services.demo import seed_demo
from annogov.services.demo_channel import DEMO_BUYER_USERS, DEMO_USERS, GUIDE_ID
from annogov.store import Store
from annogov.store.channel import ChannelRepository
from annogov.store.models import utcnow
from governance.channel.calibration import EntryStatus
from governance.roles import PermissionDenied


def test_demo_channel(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    program = seed_demo(store)
    amara, bao, _chloe, reviewer, engineer, manager = DEMO_USERS
    now = utcnow()
    with store.transaction() as s:
        repo = ChannelRepository(s)
        assert {u.user_id for u in repo.demo_users()} == {u.user_id for u in (*DEMO_USERS, *DEMO_BUYER_USERS)}
        doc = repo.get_guideline(amara, GUIDE_ID)
        assert doc.current.version == 2 and doc.current.ruling(4).title == "Pushing a bicycle"
        log = repo.list_entries(engineer, program.name, now)
        assert sorted(e.status.value for e in log) == [
            "open", "open", "open", "open", "promoted"]
        assert [h.task_id for h in repo.held_tasks(engineer, program.name)] == [
            "img-0587", "img-0633"]
        assert {e.author_id for e in repo.list_entries(bao, program.name, now)} == {bao.user_id}
        found = repo.engineer_insights(reviewer, program.name, now)
        assert [c.task_id for c in found.tasks_flagged_by_several] == ["img-0587"]
        assert [q.task_id for q in found.blocking_questions] == ["img-0587", "img-0633"]
        assert len(found.shared_insights) == 1
        [mine] = repo.my_reflections(amara, program.name)
        with pytest.raises(PermissionDenied):
            repo.get_reflection(bao, mine.reflection_id)
        summary = repo.summary(manager, program.name, now)
        assert summary.promoted == 1 and summary.tasks_set_aside == 2
        assert all(e.status is not EntryStatus.RESOLVED for e in log)
    store.close()
