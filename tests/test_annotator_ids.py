"""One rule for real annotator ids (`roles.ANNOTATOR_IDS`, in the one permission table): the SLA checks
the store hands out, the vendor history, the program report and the commands all follow it, and changing
the table changes them together."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from annogov.cli import main
from annogov.services.reporting import program_report
from annogov.store import Store
from annogov.store.measured import list_deliveries, record_delivery
from governance.quality.vendors.history import DeliveryMeasures, Tally
from governance.roles import (
    ANNOTATOR_IDS,
    OPERATOR,
    ROLE_PERMISSIONS,
    PermissionDenied,
    Role,
    User,
    can,
    may_see_annotator_ids,
)

ROWS = [
    {"annotator": "ann-01", "annotations": 100, "gold_annotations": 10, "accuracy": 0.9, "reviewed": 20,
     "defect_rate": 0.05},
    {"annotator": "ann-02", "annotations": 300, "gold_annotations": 30, "accuracy": 0.7, "reviewed": 20,
     "defect_rate": 0.15},
]
PAYLOAD = {"verdict": "fail", "categories": [{"title": "Annotators", "rows": ROWS}], "detail": {"annotators": ROWS}}
USERS = {role: User(user_id=f"{role.value}@x", name=role.value, role=role) for role in Role}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'ids.sqlite3'}")
    program = s.create_program("P")
    s.add_provider(program.id, "Acme")
    s.add_check_result(program.id, "sla_check", PAYLOAD, label="week 48")
    t = Tally(rows=10, gold=10, correct=9)
    m = DeliveryMeasures(file="d.csv", items=10, annotations=10, kappa_method="cohen_kappa", overall=t,
                         categories={}, annotators={"ann-01": t})
    record_delivery(s, OPERATOR, program.id, "Acme", m, delivered_on=date(2026, 11, 30), guideline_version="v1")
    return s


def _sees(store: Store, user: User) -> dict[str, bool | None]:
    """Whether each place shows real ids to the user (None: the user may not read that place at all)."""
    acting = store.as_user(user)
    seen: dict[str, bool | None] = {}
    try:
        seen["sla checks"] = "ann-01" in str(acting.list_check_results(1)[0].payload)
    except PermissionDenied:
        seen["sla checks"] = None
    try:  # history shows codes unless ids are asked for, and asking needs the one rule
        seen["history"] = "ann-01" in str(list_deliveries(acting, user, 1, reveal=True))
    except PermissionDenied:
        try:
            seen["history"] = "ann-01" in str(list_deliveries(acting, user, 1))
        except PermissionDenied:
            seen["history"] = None
    try:
        report = program_report(acting, acting.get_program(1), annotator_names=True).report
        seen["report"] = report is not None
    except PermissionDenied:
        seen["report"] = None
    return seen


@pytest.mark.parametrize("role", list(Role))
def test_every_place_follows_the_one_rule(store: Store, role: Role) -> None:
    user = USERS[role]
    allowed = may_see_annotator_ids(user)
    assert allowed == can(user, ANNOTATOR_IDS)
    seen = _sees(store, user)
    assert {v for v in seen.values() if v is not None} <= {allowed}, seen


def test_taking_the_permission_from_reviewers_in_the_table_hides_ids_everywhere(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    reviewer = USERS[Role.REVIEWER]
    assert _sees(store, reviewer) == {"sla checks": True, "history": True, "report": True}
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.REVIEWER, ROLE_PERMISSIONS[Role.REVIEWER] - {ANNOTATOR_IDS})
    assert _sees(store, reviewer) == {"sla checks": False, "history": False, "report": None}
    with pytest.raises(PermissionDenied):  # asking a report with names is refused, not silently coded
        program_report(store.as_user(reviewer), store.get_program(1), annotator_names=True)
    report = program_report(store.as_user(reviewer), store.get_program(1)).report
    assert report is not None and "ann-01" not in report.model_dump_json()


def test_the_command_line_reveals_under_the_same_rule(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = ["--database", f"sqlite:///{tmp_path / 'ids.sqlite3'}", "--program", "P"]
    assert main(["history", "show", *db, "--by", "annotator"]) == 0
    assert "ann-01" not in capsys.readouterr().out  # codes by default
    assert main(["history", "show", *db, "--by", "annotator", "--reveal"]) == 0
    assert "ann-01" in capsys.readouterr().out
    without = ROLE_PERMISSIONS[Role.PROGRAM_MANAGER] - {ANNOTATOR_IDS}
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.PROGRAM_MANAGER, without)  # the operator is a program manager
    assert main(["history", "show", *db, "--by", "annotator", "--reveal"]) == 2
    assert "may not see real annotator ids" in capsys.readouterr().err
