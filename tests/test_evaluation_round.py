"""The evaluation round in the store: declare before seeing providers, sealed individual scores,
lock, close, consensus by the stated rule, moderation kept beside the original with who and why;
every call checked against the acting user. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from annogov.store import Store
from annogov.store.evaluation_round import EvaluationRoundRepository, round_payload
from governance.roles import ROLE_PERMISSIONS, Permission, PermissionDenied, Role, User
from scorecard.dimensions import DIMENSION_KEYS
from scorecard.evaluation_round import RoundError

NOW = datetime(2026, 12, 4, 12, tzinfo=UTC)
PM = User(user_id="pm@x", name="Pat Manager", role=Role.PROGRAM_MANAGER)
ANA = User(user_id="ana@x", name="Ana", role=Role.REVIEWER)
BEN = User(user_id="ben@x", name="Ben", role=Role.ML_ENGINEER)
EVE = User(user_id="eve@x", name="Eve", role=Role.REVIEWER)  # not on the panel


@pytest.fixture
def run(db_url: str) -> Iterator[Callable[..., Any]]:
    """Call a repository method in its own transaction, as the app and CLI do."""
    store = Store(db_url)
    program = store.create_program("Tender")
    for name in ("Acme", "Borealis", "Cobalt"):
        store.add_provider(program.id, name)

    def call(method: str, *args: Any, **kwargs: Any) -> Any:
        with store.transaction() as session:
            return getattr(EvaluationRoundRepository(session), method)(*args, **kwargs)

    call.program_id = program.id  # type: ignore[attr-defined]
    yield call
    store.close()


def _open(run: Callable[..., Any], rule: str = "mean") -> int:
    info = run("create_round", PM, run.program_id, "Q1 tender", rule, [ANA, BEN], NOW)  # type: ignore[attr-defined]
    assert info.status == "open" and info.providers == ("Acme", "Borealis", "Cobalt")
    return int(info.round_id)


def _score_all(run: Callable[..., Any], rid: int, who: User, base: float, skip: str | None = None) -> None:
    for i, provider in enumerate(("Acme", "Borealis", "Cobalt")):
        if provider == skip:
            continue
        for j, dim in enumerate(DIMENSION_KEYS):
            run("score", who, rid, provider, dim, min(5.0, base + (i + j) % 3), "", NOW)


def test_the_whole_round(run: Callable[..., Any]) -> None:
    rid = _open(run)
    # nobody sees the providers before declaring
    with pytest.raises(PermissionDenied, match="declare"):
        run("providers", ANA, rid)
    with pytest.raises(PermissionDenied, match="declare"):
        run("score", ANA, rid, "Acme", "workforce", 3, "", NOW)
    run("declare", ANA, rid, ["Cobalt"], "I advised Cobalt in 2025", NOW)
    assert run("providers", ANA, rid) == [("Acme", False), ("Borealis", False), ("Cobalt", True)]
    with pytest.raises(RoundError, match="cannot be changed"):
        run("declare", ANA, rid, [], "", NOW)
    with pytest.raises(PermissionDenied, match="conflict of interest with Cobalt"):
        run("score", ANA, rid, "Cobalt", "workforce", 4, "", NOW)
    run("declare", BEN, rid, [], "no conflicts", NOW)
    _score_all(run, rid, ANA, 2.0, skip="Cobalt")
    _score_all(run, rid, BEN, 3.0)
    # sealed: each sees only their own, nobody sees results while open (not even the manager)
    assert all(k[0] != "Cobalt" for k in run("my_scores", ANA, rid))
    assert len(run("my_scores", BEN, rid)) == 15
    for viewer in (ANA, BEN, PM):
        with pytest.raises(PermissionDenied, match="sealed"):
            run("results", viewer, rid)
    # closing waits for everyone who scored to lock
    with pytest.raises(RoundError, match="Ana, Ben"):
        run("close_round", PM, rid, NOW)
    run("lock", ANA, rid, NOW)
    with pytest.raises(RoundError, match="locked"):
        run("score", ANA, rid, "Acme", "workforce", 5, "", NOW)
    run("lock", BEN, rid, NOW)
    closed = run("close_round", PM, rid, NOW)
    assert closed.status == "closed" and closed.closed_by == PM.user_id
    with pytest.raises(RoundError, match="closed"):
        run("score", BEN, rid, "Acme", "workforce", 1, "", NOW)

    result = run("results", ANA, rid)
    cells = {(c.provider, c.dimension): c for c in result.cells}
    acme = cells[("Acme", "workforce")]
    assert acme.individual == {"Ana": 2.0, "Ben": 3.0} and acme.consensus == 2.5
    assert set(cells[("Cobalt", "workforce")].individual) == {"Ben"}  # Ana's conflict kept her out

    with pytest.raises(RoundError, match="reason"):
        run("moderate", PM, rid, "Acme", "workforce", 3, "  ", NOW)
    with pytest.raises(PermissionDenied, match="may not"):
        run("moderate", BEN, rid, "Acme", "workforce", 3, "mine", NOW)
    moderated = run("moderate", PM, rid, "Acme", "workforce", 3.0, "site visit showed a stable team", NOW)
    assert moderated.consensus == 2.5 and moderated.final == 3.0
    assert moderated.moderation.by == PM.user_id and "site visit" in moderated.moderation.reason
    after = run("results", BEN, rid)
    assert after.final_scores()["Acme"]["workforce"] == 3.0
    payload = round_payload(after, run("agreement", PM, rid))
    cell = next(c for c in payload["cells"] if c["provider"] == "Acme" and c["dimension"] == "workforce")
    assert (cell["consensus"], cell["moderated"], cell["moderated_by"]) == (2.5, 3.0, PM.user_id)
    assert len(payload["agreement"]) == 5


def test_who_may_do_what(run: Callable[..., Any]) -> None:
    with pytest.raises(PermissionDenied, match="may not"):
        run("create_round", ANA, run.program_id, "mine", "mean", [ANA], NOW)  # type: ignore[attr-defined]
    rid = _open(run)
    with pytest.raises(PermissionDenied, match="not on the panel"):
        run("declare", EVE, rid, [], "", NOW)
    with pytest.raises(PermissionDenied, match="not on the panel"):
        run("info", EVE, rid)
    with pytest.raises(PermissionDenied, match="may not"):
        run("close_round", ANA, rid, NOW)
    assert [r.round_id for r in run("list_rounds", ANA, run.program_id)] == [rid]  # type: ignore[attr-defined]
    assert run("list_rounds", EVE, run.program_id) == []  # type: ignore[attr-defined]
    assert run("providers", PM, rid) == [("Acme", False), ("Borealis", False), ("Cobalt", False)]


def test_median_rule_and_bad_scores(run: Callable[..., Any]) -> None:
    info = run("create_round", PM, run.program_id, "median round", "median",  # type: ignore[attr-defined]
               [ANA, BEN, User(user_id="cy@x", name="Cy", role=Role.REVIEWER)], NOW)
    rid = info.round_id
    cy = User(user_id="cy@x", name="Cy", role=Role.REVIEWER)
    for who, score in ((ANA, 1.0), (BEN, 4.0), (cy, 5.0)):
        run("declare", who, rid, [], "", NOW)
        run("score", who, rid, "Acme", "security", score, "", NOW)
        run("lock", who, rid, NOW)
    run("close_round", PM, rid, NOW)
    cell = next(c for c in run("results", PM, rid).cells if c.provider == "Acme" and c.dimension == "security")
    assert cell.consensus == 4.0


def test_out_of_scale_and_unknown_dimension(run: Callable[..., Any]) -> None:
    rid = _open(run)
    run("declare", ANA, rid, [], "", NOW)
    with pytest.raises(RoundError, match="runs from 1 to 5"):
        run("score", ANA, rid, "Acme", "security", 7, "", NOW)
    with pytest.raises(RoundError, match="unknown dimension"):
        run("score", ANA, rid, "Acme", "price", 3, "", NOW)
    with pytest.raises(RoundError, match="not evaluated"):
        run("score", ANA, rid, "Zeta", "security", 3, "", NOW)


def test_the_round_follows_the_one_permission_table(run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """Running, moderating and sitting on a panel are permissions in `governance.roles`, read at
    each call like the Store's: grant one to another role and the round follows."""
    pid = run.program_id  # type: ignore[attr-defined]
    viewer = User(user_id="vic@x", name="Vic", role=Role.VIEWER)
    with pytest.raises(PermissionDenied, match="Vic .*may not score"):  # no SCORE_OWN: not a panel member
        run("create_round", PM, pid, "r", "mean", [ANA, viewer], NOW)
    later = run("create_round", PM, pid, "later", "mean", [ANA], NOW).round_id
    assert Permission.RUN_EVALUATION_ROUNDS in ROLE_PERMISSIONS[Role.PROGRAM_MANAGER]
    assert not any(Permission.MODERATE_SCORES in ROLE_PERMISSIONS[r] for r in Role if r != Role.PROGRAM_MANAGER)
    granted = ROLE_PERMISSIONS[Role.ML_ENGINEER] | {Permission.RUN_EVALUATION_ROUNDS}
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.ML_ENGINEER, granted)
    rid = run("create_round", BEN, pid, "run by an engineer", "mean", [ANA], NOW).round_id
    assert run("info", BEN, rid).created_by == BEN.user_id  # sees the round without sitting on it
    assert [r.round_id for r in run("list_rounds", BEN, pid)] == [later, rid]
    with pytest.raises(PermissionDenied, match="ben@x .*may not moderate scores"):
        run("moderate", BEN, rid, "Acme", "workforce", 3.0, "why", NOW)
    run("close_round", BEN, rid, NOW)
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.REVIEWER, ROLE_PERMISSIONS[Role.REVIEWER] - {Permission.SCORE_OWN})
    with pytest.raises(PermissionDenied, match="may not score own"):
        run("declare", ANA, later, [], "none", NOW)



def test_a_round_scores_the_dimensions_of_the_programs_rubric(run: Callable[..., Any]) -> None:
    """A rubric with an extra dimension (worker welfare) is scored, summarised and agreed on in the
    round; a round opened with the five refuses it."""
    pid = run.program_id  # type: ignore[attr-defined]
    six = (*DIMENSION_KEYS, "worker_welfare")
    info = run("create_round", PM, pid, "with welfare", "median", [ANA, BEN], NOW, dimensions=six)
    assert info.dimensions == six
    rid = info.round_id
    for who, base in ((ANA, 2.0), (BEN, 4.0)):
        run("declare", who, rid, [], "none", NOW)
        for provider in ("Acme", "Borealis", "Cobalt"):
            for dim in six:
                run("score", who, rid, provider, dim, base, "", NOW)
        run("lock", who, rid, NOW)
    run("close_round", PM, rid, NOW)
    result = run("results", PM, rid)
    welfare = [c for c in result.cells if c.dimension == "worker_welfare"]
    assert [(c.provider, c.consensus) for c in welfare] == [("Acme", 3.0), ("Borealis", 3.0), ("Cobalt", 3.0)]
    assert run("moderate", PM, rid, "Acme", "worker_welfare", 4.0, "site visit", NOW).final == 4.0
    assert [a.dimension for a in run("agreement", PM, rid)] == list(six)
    five = _open(run)
    assert run("info", PM, five).dimensions == DIMENSION_KEYS
    run("declare", ANA, five, [], "none", NOW)
    with pytest.raises(RoundError, match="worker_welfare"):
        run("score", ANA, five, "Acme", "worker_welfare", 3.0, "", NOW)
