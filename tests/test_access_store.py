"""The store refuses what the acting user may not do, even when called directly (no page involved)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from annogov.store import DeliveryOf, ScoreEdit, Store
from annogov.store.access import required_permission
from governance.quality.vendors.history import DeliveryMeasures, Tally
from governance.roles import OPERATOR, PermissionDenied, Role, User

PM = User(user_id="pm@buyer.example", name="Pat", role=Role.PROGRAM_MANAGER)
EVALUATOR = User(user_id="ms@buyer.example", name="M. Santos", role=Role.REVIEWER, annotator_id="Santos")
ENGINEER = User(user_id="eve@buyer.example", name="Eve", role=Role.ML_ENGINEER)
VIEWER = User(user_id="vic@buyer.example", name="Vic", role=Role.VIEWER)
ANNOTATOR = User(user_id="amara@vendor.example", name="Amara", role=Role.ANNOTATOR, annotator_id="ann-01")
INFRASTRUCTURE = {"describe", "schema_version", "close", "transaction", "as_user", "actor_id"}

ANNOTATOR_ROWS = [
    {
        "annotator": "ann-01",
        "annotations": 100,
        "gold_annotations": 10,
        "accuracy": 0.9,
        "reviewed": 20,
        "defect_rate": 0.05,
    },
    {
        "annotator": "ann-02",
        "annotations": 300,
        "gold_annotations": 30,
        "accuracy": 0.7,
        "reviewed": 20,
        "defect_rate": 0.15,
    },
]
MEASURES = DeliveryMeasures(
    file="d.csv", items=1, annotations=2, kappa_method="cohen_kappa", overall=Tally(rows=2), categories={},
    annotators={},
)
SLA_PAYLOAD = {
    "verdict": "fail",
    "categories": [{"title": "Annotators", "rows": ANNOTATOR_ROWS}],
    "detail": {"annotators": ANNOTATOR_ROWS},
}


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[tuple[Store, int, int]]:
    store = Store(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    program = store.create_program("P")
    provider = store.add_provider(program.id, "Acme")
    yield store, program.id, provider.id
    store.close()


def _edit(provider: int, evaluator: str, score: float = 3) -> ScoreEdit:
    return ScoreEdit(provider_id=provider, evaluator=evaluator, dimension="security", score=score)


def test_every_public_store_method_declares_the_permission_it_needs() -> None:
    undeclared = [
        name
        for name, member in inspect.getmembers(Store)
        if not name.startswith("_")
        and name not in INFRASTRUCTURE
        and callable(member)
        and required_permission(member) is None
    ]
    assert undeclared == [], f"add @requires(Permission...) to: {undeclared}"


OPERATIONS: dict[str, Callable[[Store, int, int], Any]] = {
    "list programs": lambda s, p, v: s.list_programs(),
    "create program": lambda s, p, v: s.create_program("Another"),
    "add provider": lambda s, p, v: s.add_provider(p, "Blue Heron"),
    "read scores": lambda s, p, v: s.list_evaluations(p),
    "save own scores": lambda s, p, v: s.save_scores(p, [_edit(v, s.actor.data_id if s.actor else "x")]),
    "save another's scores": lambda s, p, v: s.save_scores(p, [_edit(v, "J. Varga")]),
    "save weights": lambda s, p, v: s.save_document("rubric", p, "Default", {"w": 1}),
    "save scenario": lambda s, p, v: s.save_document("scenario", p, "Base", {"x": 1}),
    "save SLA terms": lambda s, p, v: s.save_document("sla_terms", p, "Contract SLA", {"t": 1}),
    "save SLA check": lambda s, p, v: s.add_check_result(p, "sla_check", SLA_PAYLOAD),
    "save SLA check for a provider": lambda s, p, v: s.add_check_result(
        p, "sla_check", SLA_PAYLOAD, delivery=DeliveryOf(
            provider="Acme", guideline_version="v1", delivered_on=date(2026, 11, 30), measures=MEASURES
        )
    ),
    "save contract audit": lambda s, p, v: s.add_check_result(p, "contract", {"a": 1}, label="Acme"),
    "read check results": lambda s, p, v: s.list_check_results(p),
    "own figures": lambda s, p, v: s.own_figures(p),
    "delete program": lambda s, p, v: s.delete_program(p),
}
ALLOWED: dict[str, set[str]] = {
    "program_manager": set(OPERATIONS) - {"own figures"},
    "reviewer": {"list programs", "read scores", "save own scores", "read check results"},
    "ml_engineer": {
        "list programs",
        "read scores",
        "save own scores",
        "save scenario",
        "save SLA check",
        "save SLA check for a provider",
        "read check results",
    },
    "viewer": {"list programs", "read scores", "read check results"},
    "annotator": {"list programs", "own figures"},
    "nobody": set(),
}


@pytest.mark.parametrize(
    "who", [PM, EVALUATOR, ENGINEER, VIEWER, ANNOTATOR, None], ids=lambda u: u.role.value if u else "nobody"
)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_each_role_may_do_exactly_what_the_table_grants(
    setup: tuple[Store, int, int], who: User | None, operation: str
) -> None:
    store, program, provider = setup
    acting = store.as_user(who)
    if operation in ALLOWED[who.role.value if who else "nobody"]:
        OPERATIONS[operation](acting, program, provider)
    else:
        with pytest.raises(PermissionDenied):
            OPERATIONS[operation](acting, program, provider)


def test_a_refused_batch_of_scores_saves_nothing(setup: tuple[Store, int, int]) -> None:
    store, program, provider = setup
    with pytest.raises(PermissionDenied, match="only their own scores, not those of J. Varga"):
        store.as_user(EVALUATOR).save_scores(program, [_edit(provider, "Santos"), _edit(provider, "J. Varga")])
    assert store.list_evaluations(program) == []


def test_the_saved_change_carries_the_acting_login_and_free_text_only_as_a_note(setup: tuple[Store, int, int]) -> None:
    store, program, provider = setup
    evaluator = store.as_user(EVALUATOR)
    evaluator.save_scores(program, [_edit(provider, "M. Santos", 2)])
    evaluator.save_scores(program, [_edit(provider, "M. Santos", 4)], note="after the site visit")
    [latest, first] = store.score_history(program)
    assert (latest.changed_by, latest.note, first.changed_by) == (
        EVALUATOR.user_id,
        "after the site visit",
        EVALUATOR.user_id,
    )
    rubric = store.as_user(PM).save_document("rubric", program, "Default", {"w": 1})
    check = store.as_user(ENGINEER).add_check_result(program, "sla_check", SLA_PAYLOAD)
    assert (rubric.updated_by, check.created_by) == (PM.user_id, ENGINEER.user_id)
    assert store.save_document("rubric", program, "Default", {"w": 2}).updated_by == OPERATOR.user_id


def test_readers_without_annotator_figures_get_codes_and_annotators_their_own_row(
    setup: tuple[Store, int, int],
) -> None:
    store, program, _ = setup
    store.add_check_result(program, "sla_check", SLA_PAYLOAD, label="week 48")
    names = {
        r["annotator"] for r in store.as_user(ENGINEER).list_check_results(program)[0].payload["detail"]["annotators"]
    }
    assert names == {"ann-01", "ann-02"}
    seen = store.as_user(VIEWER).list_check_results(program)[0].payload
    assert "ann-0" not in str(seen)
    assert {r["annotator"] for r in seen["categories"][0]["rows"]} == {"A01", "A02"}
    mine = store.as_user(ANNOTATOR).own_figures(program)
    assert mine is not None and [r.annotator for r in mine.own] == ["ann-01"]
    assert mine.n_annotators == 2 and mine.team is None  # own row + a team of two = the other's row


def test_the_team_total_an_annotator_sees_needs_three_annotators() -> None:
    """From three annotators on the team total is shown; with two, own row and team total would give
    away the other annotator's accuracy (team x 2 - own)."""
    from governance.privacy import own_figures
    from governance.quality.sla.sla_report import AnnotatorRow

    rows = [AnnotatorRow.model_validate(r) for r in ANNOTATOR_ROWS]
    assert own_figures("d.csv", rows, "ann-01").team is None
    third = rows[0].model_copy(update={"annotator": "ann-03", "accuracy": 0.5})
    team = own_figures("d.csv", [*rows, third], "ann-01").team
    assert team is not None and team.annotations == 500
    assert team.accuracy == pytest.approx((9 + 21 + 5) / 50) and team.defect_rate == pytest.approx((1 + 3 + 1) / 60)


def test_the_channel_repository_refuses_a_viewer_and_an_evaluator_what_their_roles_lack(
    setup: tuple[Store, int, int],
) -> None:
    from annogov.store.channel import ChannelRepository
    from annogov.store.models import utcnow

    store, _, _ = setup
    with store.transaction() as s:
        repo = ChannelRepository(s)
        repo.save_user(PM, PM)
        assert repo.list_guidelines(VIEWER, "P") == []  # viewers read the guidelines
        with pytest.raises(PermissionDenied, match="vic@buyer.example \\(viewer\\) may not flag task"):
            repo.flag_task(VIEWER, program="P", task_id="T-1", description="unclear", now=utcnow())
        for who in (VIEWER, EVALUATOR, ANNOTATOR):
            with pytest.raises(PermissionDenied, match="may not manage users"):
                repo.save_user(who, who.model_copy(update={"role": Role.PROGRAM_MANAGER}))
        with pytest.raises(PermissionDenied, match="last program manager"):
            repo.remove_user(PM, PM.user_id)
