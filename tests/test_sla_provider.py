"""A saved SLA check belongs to a provider, a program and a guideline version, and is that provider's
delivery in the vendor history: one record, the same figures, located errors that save nothing, old
checks without a provider still loading, and `annogov sla-check --save`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from annogov.cli import main
from annogov.services import sla_store
from annogov.store import Store, make_engine, migrations
from annogov.store.measured import list_deliveries
from contracts.sla_term_files import load_term_set
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import DeliveryCounts, count_delivery
from governance.quality.sla.sla_check import check_counts
from governance.quality.sla.sla_report import SlaReport
from governance.quality.vendors.history import measure_delivery, provider_history
from governance.roles import OPERATOR, PermissionDenied, Role, User
from ingest import InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
TERMS = load_term_set(EXAMPLES / "sla-terms.yaml")
REVIEWER = User(user_id="rev", name="Rev", role=Role.REVIEWER)
ENGINEER = User(user_id="eve", name="Eve", role=Role.ML_ENGINEER)


def _checked() -> tuple[DeliveryCounts, SlaReport]:
    counts = count_delivery(open_delivery(EXAMPLES / "delivery.csv"), TERMS.label_set)
    return counts, check_counts(TERMS, counts)


@pytest.fixture
def store(db_url: str) -> Store:
    s = Store(db_url)
    program = s.create_program("Street scenes")
    s.add_provider(program.id, "Acme")
    s.add_provider(program.id, "Blue Heron")
    return s


def test_a_check_saved_for_a_provider_is_its_delivery_in_history_with_the_same_figures(store: Store) -> None:
    program = store.find_program("Street scenes")
    assert program is not None
    counts, report = _checked()
    delivery = sla_store.delivery_of(counts, "Acme", "v2", date(2026, 11, 30))
    saved = sla_store.save_check(store.as_user(ENGINEER), program.id, report, delivery)
    assert (saved.provider, saved.guideline_version, saved.delivered_on, saved.created_by) == (
        "Acme",
        "v2",
        "2026-11-30",
        "eve",
    )
    [listed] = store.list_check_results(program.id, sla_store.SLA_CHECK)
    assert listed == saved
    [stored] = list_deliveries(store, OPERATOR, program.id, reveal=True)
    assert (stored.id, stored.provider, stored.label, stored.guideline_version) == (
        saved.delivery_id,
        "Acme",
        "delivery.csv",
        "v2",
    )
    assert stored.measures == measure_delivery(counts)
    # one delivery, one set of figures: the check's defect rate (1 failed of 60 QA-reviewed) and on-time
    # share (375 of 400) are the history's
    terms = {t.id: t for t in report.terms}
    [point] = provider_history([stored]).points
    assert terms["defect-rate"].value == point.defect_rate == pytest.approx(1 / 60)
    assert terms["on-time"].value == point.on_time == pytest.approx(375 / 400)
    assert (point.reviewed, point.timed) == (60, 400)


@pytest.mark.parametrize(
    ("provider", "version", "message", "column"),
    [
        ("Nobody", "v2", "unknown provider 'Nobody'; the program has 'Acme', 'Blue Heron'", "provider"),
        ("Acme", "  ", "the guideline version is blank", "guideline_version"),
    ],
)
def test_an_unknown_provider_or_blank_version_is_located_and_saves_nothing(
    store: Store, provider: str, version: str, message: str, column: str
) -> None:
    program = store.find_program("Street scenes")
    assert program is not None
    counts, report = _checked()
    delivery = sla_store.delivery_of(counts, provider, version, date(2026, 11, 30))
    with pytest.raises(InputError) as err:
        sla_store.save_check(store, program.id, report, delivery)
    [problem] = err.value.problems
    assert (problem.location.file, problem.location.column) == ("delivery.csv", column)
    assert message in problem.message
    assert store.list_check_results(program.id) == [] and list_deliveries(store, OPERATOR, program.id) == []


def test_only_those_who_run_sla_checks_save_one_for_a_provider(store: Store) -> None:
    program = store.find_program("Street scenes")
    assert program is not None
    counts, report = _checked()
    delivery = sla_store.delivery_of(counts, "Acme", "v2", date(2026, 11, 30))
    with pytest.raises(PermissionDenied):
        sla_store.save_check(store.as_user(REVIEWER), program.id, report, delivery)
    assert list_deliveries(store, OPERATOR, program.id) == []


def test_checks_saved_before_migration_0300_load_without_a_provider(db_url: str) -> None:
    engine = make_engine(db_url)
    before = [m.id for m in migrations.available() if m.id < "0300"]
    migrations.upgrade(engine, target=before[-1])
    _, report = _checked()
    payload = sla_store.check_payload(report)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO programs (id, name, description, is_demo, created_at) "
                "VALUES (1, 'Legacy', '', false, '2025-01-02 03:04:05')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO check_results (program_id, kind, label, payload, created_at, created_by) "
                "VALUES (1, 'sla_check', 'old.csv', :p, '2025-01-02 03:04:05', 'pm')"
            ),
            {"p": json.dumps(payload)},
        )
    engine.dispose()
    store = Store(db_url)
    [old] = store.list_check_results(1, sla_store.SLA_CHECK)
    assert (old.label, old.provider, old.guideline_version, old.delivery_id) == ("old.csv", None, None, None)
    assert sla_store.report_of(old) == report
    assert list_deliveries(store, OPERATOR, 1) == []  # it names no provider: not in any history
    store.close()


def test_sla_check_save_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    s = Store(url)
    s.add_provider(s.create_program("P").id, "Acme")
    s.close()
    check = ["sla-check", str(EXAMPLES / "delivery.csv"), "--terms", str(EXAMPLES / "sla-terms.yaml")]
    db = ["--database", url, "--program", "P"]
    assert main([*check, "--save", *db, "--provider", "Nobody", "--guideline-version", "v1"]) == 2
    assert "column 'provider': unknown provider 'Nobody'; the program has 'Acme'" in capsys.readouterr().err
    assert main([*check, "--save", *db, "--provider", "Acme"]) == 2
    assert "column '--guideline-version': --save needs --guideline-version" in capsys.readouterr().err
    assert main([*check, "--provider", "Acme"]) == 2
    assert "--provider only apply with --save" in capsys.readouterr().err
    assert (
        main([*check, "--save", *db, "--provider", "Acme", "--guideline-version", "v1", "--delivered", "30.11."]) == 2
    )
    capsys.readouterr()
    s = Store(url)
    assert s.list_check_results(1) == []
    s.close()
    code = main([*check, "--save", *db, "--provider", "Acme", "--guideline-version", "v1", "--delivered", "2026-11-30"])
    assert code in (0, 1)
    assert "for Acme in 'P' (delivered 2026-11-30, guidelines v1)" in capsys.readouterr().err
    assert main(["history", "show", *db]) == 0
    out = capsys.readouterr().out
    assert "Acme" in out and "delivery.csv" in out and "2026-11-30" in out and "1.7%" in out


def test_the_same_delivery_checked_again_stays_one_point_in_history(store: Store) -> None:
    program = store.find_program("Street scenes")
    assert program is not None
    counts, report = _checked()
    delivery = sla_store.delivery_of(counts, "Acme", "v2", date(2026, 11, 30))
    first = sla_store.save_check(store, program.id, report, delivery)
    again = sla_store.save_check(store, program.id, report, delivery)  # e.g. after the terms were revised
    assert first.id != again.id and first.delivery_id == again.delivery_id
    assert len(store.list_check_results(program.id)) == 2
    assert [d.id for d in list_deliveries(store, OPERATOR, program.id)] == [first.delivery_id]
    # another date, version or provider is another delivery
    other = sla_store.save_check(store, program.id, report, delivery.model_copy(update={"guideline_version": "v3"}))
    assert other.delivery_id != first.delivery_id
    assert len(list_deliveries(store, OPERATOR, program.id)) == 2
