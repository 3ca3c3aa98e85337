"""Ramp schedules as data: weekly floors from a start date (issue 13)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from streamlit.testing.v1 import AppTest

from annogov.cli import main
from annogov.services import sla_store
from annogov.store import Store, database_url
from contracts.profile_files import load_profile, read_questionnaire
from contracts.questionnaire import write_questionnaire
from contracts.sla_term_files import load_term_set, write_term_set_xlsx
from contracts.sla_terms import RampSchedule, RampStep, Remedy, SlaTerm, SlaTermSet, format_ramp_steps, parse_ramp_steps
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import DeliveryCounts, count_delivery
from governance.quality.sla.sla_check import check_counts
from ingest import InputError

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_ramp_floor_by_contract_week() -> None:
    """Week 1 is the start date's calendar week; a step holds until the next; then the commitment."""
    ramp = RampSchedule(start=date(2026, 3, 4), steps=[RampStep(week=1, floor=5000), RampStep(week=3, floor=12000)])
    assert ramp.first_monday == date(2026, 3, 2)
    assert ramp.week_of(date(2026, 2, 23)) == 0
    assert ramp.week_of(date(2026, 3, 2)) == 1
    assert ramp.week_of(date(2026, 3, 16)) == 3
    assert [ramp.floor(w, 20000) for w in (0, 1, 2, 3, 4)] == [None, 5000, 5000, 12000, 20000]
    assert ramp.floor(4, None) == 12000


def test_weeks_before_first_step_have_no_floor() -> None:
    ramp = RampSchedule(start=date(2026, 3, 2), steps=[RampStep(week=3, floor=100)])
    assert [ramp.floor(w, 200) for w in (1, 2, 3, 4)] == [0, 0, 100, 200]


def test_term_set_carries_ramp() -> None:
    terms = SlaTermSet.model_validate(
        {
            "committed_weekly_volume": 20000,
            "ramp": {"start": "2026-03-02", "steps": [{"week": 6, "floor": 20000}]},
            "terms": [],
        }
    )
    assert terms.ramp is not None and terms.ramp.steps == [RampStep(week=6, floor=20000)]
    assert SlaTermSet(terms=[]).ramp is None


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([{"week": 0, "floor": 10}], "greater than or equal to 1"),
        ([{"week": 2, "floor": 10}, {"week": 2, "floor": 20}], "strictly increase"),
        ([{"week": 3, "floor": 10}, {"week": 1, "floor": 20}], "strictly increase"),
        ([{"week": 1, "floor": -1}], "greater than or equal to 0"),
        ([], "at least 1"),
    ],
)
def test_bad_ramp_refused(steps: list[dict[str, int]], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RampSchedule.model_validate({"start": "2026-03-02", "steps": steps})


def _delivery(tmp_path: Path, per_day: dict[date, int]) -> DeliveryCounts:
    """A delivery with the given number of annotations submitted on each day."""
    rows, k = [], 0
    for day, n in sorted(per_day.items()):
        for _ in range(n):
            rows.append(f"i{k},a,x,c,{day.isoformat()}T10:00")
            k += 1
    path = tmp_path / "d.csv"
    path.write_text("item_id,annotator_id,label,category,submitted_at\n" + "\n".join(rows) + "\n")
    return count_delivery(open_delivery(path), ["x"])


def _term(threshold: float) -> SlaTerm:
    return SlaTerm(
        id="volume",
        metric="weekly_throughput",
        threshold=threshold,
        min_sample=1,
        remedy=Remedy(kind="fixed_per_breach", amount=1000),
    )


def test_280_a_week_against_200_owes_nothing_with_partial_weeks(tmp_path: Path) -> None:
    """Friday 2026-03-06 to Tuesday 2026-03-24 at 40 a day (280 a week), the period stated to end
    that Tuesday: the partial first week (Fri-Sun, 120) needs 200 x 3/7 = 85.71 and the last
    (Mon-Tue, 80) 200 x 2/7 = 57.14."""
    days = {date(2026, 3, 6) + timedelta(days=i): 40 for i in range(19)}
    counts = _delivery(tmp_path, days)
    terms = SlaTermSet(committed_weekly_volume=200, period_end=date(2026, 3, 24), terms=[_term(200)])
    report = check_counts(terms, counts)
    (volume,) = report.terms
    assert volume.status == "pass" and report.credits == 0
    assert [(w.annotations, w.days, w.required, w.meets) for w in report.weekly] == [
        (120, 3, 85.71, True),
        (280, 7, 200.0, True),
        (280, 7, 200.0, True),
        (80, 2, 57.14, True),
    ]
    assert any("days covered / 7" in n for n in volume.notes)
    shortfall = _delivery(tmp_path, {**days, date(2026, 3, 24): 10})  # last week 50 < 57.14
    (short,) = check_counts(terms, shortfall).terms
    assert short.status == "fail" and short.remedy is not None and short.remedy.breaches == 1
    assert short.evidence[0].note == "partial week: 200 x 2/7 = 57.14"


def test_ramp_floors_per_contract_week(tmp_path: Path) -> None:
    """Start Monday 2026-03-02; floors 50 (weeks 1-2), 100 (weeks 3-5), 200 from week 6 on; the
    term's threshold (200) applies after week 6. Only week 7 (190 < 200) is a breach; without the
    ramp every week below 200 would be."""
    weekly = [60, 60, 120, 120, 150, 200, 189]
    per_day = {date(2026, 3, 2) + timedelta(weeks=i): n for i, n in enumerate(weekly)}
    per_day[date(2026, 4, 19)] = 1  # the last submission on Sunday of week 7: no partial week
    counts = _delivery(tmp_path, per_day)
    ramp = RampSchedule(
        start=date(2026, 3, 2),
        steps=[RampStep(week=1, floor=50), RampStep(week=3, floor=100), RampStep(week=6, floor=200)],
    )
    terms = SlaTermSet(committed_weekly_volume=200, ramp=ramp, terms=[_term(200)])
    report = check_counts(terms, counts)
    assert [w.annotations for w in report.weekly] == [60, 60, 120, 120, 150, 200, 190]
    assert [w.committed for w in report.weekly] == [50, 50, 100, 100, 100, 200, 200]
    assert [w.contract_week for w in report.weekly] == [1, 2, 3, 4, 5, 6, 7]
    (volume,) = report.terms
    assert volume.status == "fail" and volume.value == 190 and report.credits == 1000
    assert volume.evidence[0].group == "2026-04-13" and volume.evidence[0].note == "contract week 7; floor 200"
    assert any("week 6: 200" in n for n in volume.notes)
    no_ramp = check_counts(SlaTermSet(terms=[_term(200)]), counts)
    assert no_ramp.credits == 6000


def test_weeks_before_the_ramp_start_have_no_floor(tmp_path: Path) -> None:
    """Data from Monday 2026-02-23; the ramp starts Thursday 2026-03-05 at 70 a week: the week of
    02-23 is not checked and the week of 03-02 needs 70 x 4/7 = 40 (it has 46)."""
    counts = _delivery(tmp_path, {date(2026, 2, 23): 5, date(2026, 3, 6): 45, date(2026, 3, 8): 1})
    ramp = RampSchedule(start=date(2026, 3, 5), steps=[RampStep(week=1, floor=70)])
    report = check_counts(SlaTermSet(ramp=ramp, terms=[_term(70)]), counts)
    assert [(w.committed, w.days, w.meets) for w in report.weekly] == [(None, 0, None), (70, 4, True)]
    assert report.weekly[1].annotations == 46 and report.weekly[1].required == 40.0
    (volume,) = report.terms
    assert volume.status == "pass" and volume.n == 1


def test_a_week_at_exactly_its_floor_passes(tmp_path: Path) -> None:
    counts = _delivery(tmp_path, {date(2026, 3, 2): 100, date(2026, 3, 8): 100})
    (volume,) = check_counts(SlaTermSet(terms=[_term(200)]), counts).terms
    assert volume.status == "pass" and volume.value == 200


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    extra=st.lists(st.integers(0, 5), min_size=1, max_size=25),
    floor=st.integers(1, 70),
)
def test_keeping_the_daily_pace_never_owes_a_credit(tmp_path: Path, start: date, extra: list[int], floor: int) -> None:
    """Whatever days the delivery starts and ends on, a vendor delivering at least floor/7 every
    day meets every (prorated) week and owes nothing."""
    pace = -(-floor // 7)
    counts = _delivery(tmp_path, {start + timedelta(days=i): pace + e for i, e in enumerate(extra)})
    end = start + timedelta(days=len(extra) - 1)
    report = check_counts(SlaTermSet(period_end=end, terms=[_term(floor)]), counts)
    assert report.terms[0].status == "pass" and report.credits == 0


def _last_week(tmp_path: Path, per_day: dict[date, int], end: date | None) -> tuple[object, ...]:
    """The last week's (annotations, days, required, meets), the term's status and credits."""
    terms = SlaTermSet(committed_weekly_volume=200, period_end=end, terms=[_term(200)])
    report = check_counts(terms, _delivery(tmp_path, per_day))
    last = report.weekly[-1]
    return last.week_start, last.annotations, last.days, last.required, last.meets, report.terms[0].status


def test_the_last_week_is_prorated_to_the_stated_period_end_not_the_last_row(tmp_path: Path) -> None:
    """Three whole weeks at 40 a day from Monday 2026-03-02, then 40 on Monday and Tuesday 03-23/24
    (80) and nothing after: the vendor stopping on Tuesday does not shrink its floor. A period
    ending Friday 03-27 needs 200 x 5/7 = 142.86 (fail), Sunday 03-29 200 (fail), no period end
    stated 200 (fail); ending Tuesday it needs 200 x 2/7 = 57.14 (pass)."""
    days = {date(2026, 3, 2) + timedelta(days=i): 40 for i in range(23)}
    assert _last_week(tmp_path, days, date(2026, 3, 27)) == ("2026-03-23", 80, 5, 142.86, False, "fail")
    assert _last_week(tmp_path, days, date(2026, 3, 29)) == ("2026-03-23", 80, 7, 200.0, False, "fail")
    assert _last_week(tmp_path, days, None) == ("2026-03-23", 80, 7, 200.0, False, "fail")
    assert _last_week(tmp_path, days, date(2026, 3, 24)) == ("2026-03-23", 80, 2, 57.14, True, "pass")
    front_loaded = {**days, date(2026, 3, 23): 140, date(2026, 3, 24): 140}  # 280 on Monday-Tuesday
    assert _last_week(tmp_path, front_loaded, date(2026, 3, 27)) == ("2026-03-23", 280, 5, 142.86, True, "pass")
    assert _last_week(tmp_path, front_loaded, None) == ("2026-03-23", 280, 7, 200.0, True, "pass")


def test_weeks_up_to_the_period_end_count_after_the_vendor_stops(tmp_path: Path) -> None:
    """Deliveries stop Sunday 03-08 but the period runs to Wednesday 03-18: the empty week of 03-09
    owes 200 and the week of 03-16 200 x 3/7 = 85.71; weeks after the period end have no floor."""
    days = {date(2026, 3, 2) + timedelta(days=i): 40 for i in range(7)}
    terms = SlaTermSet(committed_weekly_volume=200, period_end=date(2026, 3, 18), terms=[_term(200)])
    report = check_counts(terms, _delivery(tmp_path, days))
    assert [(w.week_start, w.annotations, w.required, w.meets) for w in report.weekly] == [
        ("2026-03-02", 280, 200.0, True), ("2026-03-09", 0, 200.0, False), ("2026-03-16", 0, 85.71, False),
    ]  # fmt: skip
    (volume,) = report.terms
    assert volume.status == "fail" and volume.remedy is not None and volume.remedy.breaches == 2
    assert any("period ends 2026-03-18" in n for n in volume.notes)
    early = check_counts(terms.model_copy(update={"period_end": date(2026, 3, 4)}), _delivery(tmp_path, days))
    assert [(w.days, w.required) for w in early.weekly] == [(3, 85.71)]


def test_period_end_from_terms_files_and_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """period_end reads from YAML and the terms workbook (a date cell) and --period-end overrides it."""
    terms = SlaTermSet(committed_weekly_volume=200, period_end=date(2026, 3, 27), terms=[_term(200)])
    book = tmp_path / "terms.xlsx"
    book.write_bytes(write_term_set_xlsx(terms))
    assert load_term_set(book).period_end == date(2026, 3, 27)
    yaml_terms = tmp_path / "terms.yaml"
    yaml_terms.write_text(
        "period_end: 2026-03-27\ncommitted_weekly_volume: 200\n"
        "terms:\n  - {id: v, metric: weekly_throughput, threshold: 200, min_sample: 1}\n"
    )
    assert load_term_set(yaml_terms).period_end == date(2026, 3, 27)
    path = tmp_path / "d.csv"
    rows = [f"i{d}-{k},a,x,c,2026-03-{d:02d}T09:00" for d in range(2, 25) for k in range(40)]
    path.write_text("item_id,annotator_id,label,category,submitted_at\n" + "\n".join(rows) + "\n")
    argv = ["sla-check", "--contract", str(yaml_terms), "--delivery", str(path), "--format", "json"]
    assert main(argv) == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["weekly"][-1]["required"] == 142.86
    assert payload["terms"][0]["evidence"][0]["note"] == "partial week: 200 x 5/7 = 142.86"
    assert main([*argv, "--period-end", "2026-03-24"]) == 0
    assert json.loads(capsys.readouterr().out)["weekly"][-1]["required"] == 57.14
    with pytest.raises(SystemExit) as usage:
        main([*argv, "--period-end", "24 March"])
    assert usage.value.code == 2 and "not a date (YYYY-MM-DD)" in capsys.readouterr().err


def test_ramp_in_yaml_json_and_bad_ramp_located(tmp_path: Path) -> None:
    good = tmp_path / "terms.yaml"
    good.write_text(
        "committed_weekly_volume: 20000\nramp:\n  start: 2026-03-02\n  steps:\n"
        "    - {week: 1, floor: 5000}\n    - {week: 6, floor: 20000}\n"
        "terms:\n  - {metric: weekly_throughput, threshold: 20000}\n"
    )
    terms = load_term_set(good)
    assert terms.ramp is not None and [s.week for s in terms.ramp.steps] == [1, 6]
    as_json = tmp_path / "terms.json"
    as_json.write_text(terms.model_dump_json())
    assert load_term_set(as_json) == terms
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "ramp:\n  start: 2026-03-02\n  steps:\n    - {week: 3, floor: 5000}\n    - {week: 2, floor: 9000}\nterms: []\n"
    )
    with pytest.raises(InputError) as caught:
        load_term_set(bad)
    (problem,) = caught.value.problems
    assert problem.location.column == "ramp.steps" and problem.location.row == 4
    assert "strictly increase" in problem.message
    before = tmp_path / "before.yaml"
    before.write_text("ramp:\n  start: 2026-03-02\n  steps:\n    - {week: 0, floor: 5000}\nterms: []\n")
    with pytest.raises(InputError) as caught:
        load_term_set(before)
    assert caught.value.problems[0].location.column == "ramp.steps[0].week"


def test_cli_bad_ramp_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("ramp:\n  start: 2026-03-02\n  steps:\n    - {week: 0, floor: 5000}\nterms: []\n")
    delivery = tmp_path / "d.csv"
    delivery.write_text("item_id,annotator_id,label\ni1,a,x\n")
    assert main(["sla-check", "--terms", str(bad), str(delivery)]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "ramp.steps[0].week" in err


def _terms_book(path: Path, contract_rows: list[tuple[str, object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Terms"
    ws.append(["id", "metric", "threshold", "min_sample"])
    ws.append(["volume", "weekly_throughput", 20000, 1])
    contract = wb.create_sheet("Contract")
    for row in contract_rows:
        contract.append(list(row))
    wb.save(path)
    return path


def test_ramp_in_the_xlsx_terms_sheet(tmp_path: Path) -> None:
    book = _terms_book(
        tmp_path / "t.xlsx",
        [
            ("committed_weekly_volume", 20000),
            ("ramp_start", date(2026, 3, 2)),
            ("ramp_steps", "1: 5,000; week 6: 20000"),
        ],
    )
    terms = load_term_set(book)
    assert terms.ramp == RampSchedule(
        start=date(2026, 3, 2), steps=[RampStep(week=1, floor=5000), RampStep(week=6, floor=20000)]
    )
    assert parse_ramp_steps("1: 5,000, 6: 20,000") == [{"week": 1, "floor": 5000}, {"week": 6, "floor": 20000}]
    assert format_ramp_steps(terms.ramp.steps) == "1: 5000; 6: 20000"
    bad = _terms_book(
        tmp_path / "b.xlsx", [("name", "x"), ("ramp_start", "2026-03-02"), ("ramp_steps", "6: 100; 2: 50")]
    )
    with pytest.raises(InputError) as caught:
        load_term_set(bad)
    (problem,) = caught.value.problems
    assert (problem.location.sheet, problem.location.row) == ("Contract", 3)
    assert "strictly increase" in problem.message
    half = _terms_book(tmp_path / "h.xlsx", [("ramp_steps", "1: 100")])
    with pytest.raises(InputError, match="both a start date and its steps"):
        load_term_set(half)
    words = _terms_book(tmp_path / "w.xlsx", [("ramp_start", "2026-03-02"), ("ramp_steps", "six: lots")])
    with pytest.raises(InputError) as caught:
        load_term_set(words)
    assert caught.value.problems[0].location.row == 2 and "week: floor" in caught.value.problems[0].message


def test_ramp_rows_of_the_questionnaire_round_trip(tmp_path: Path) -> None:
    profile = load_profile(EXAMPLES / "contract-profile.yaml")
    assert profile.sla is not None
    ramp = RampSchedule(start=date(2026, 3, 4), steps=[RampStep(week=1, floor=5000), RampStep(week=6, floor=20000)])
    profile = profile.model_copy(update={"sla": profile.sla.model_copy(update={"ramp": ramp})})
    path = tmp_path / "q.xlsx"
    path.write_bytes(write_questionnaire(profile))
    back = read_questionnaire(path)
    assert back.sla is not None and back.sla.ramp == ramp
    wb = openpyxl.load_workbook(path)
    ws = wb["Profile"]
    row = next(r for r in ws.iter_rows(min_row=3) if r[1].value == "sla.ramp.steps")
    assert row[3].value == "1: 5000; 6: 20000"
    row[3].value = "1: 5000; 0: 100"
    wb.save(path)
    with pytest.raises(InputError) as caught:
        read_questionnaire(path)
    (problem,) = caught.value.problems
    assert problem.location.sheet == "Profile" and problem.location.row == row[3].row
    assert "strictly increase" in problem.message or "greater than or equal to 1" in problem.message


def test_app_terms_form_keeps_the_ramp() -> None:
    """The SLA page's settings (ramp start and steps cells) become the term set's ramp."""
    rows = [{"metric": "weekly_throughput", "threshold": 200.0, "min_sample": 1}]
    terms = sla_store.terms_from_rows(rows, {"ramp_start": date(2026, 3, 2), "ramp_steps": "1: 50; 3: 100"})
    assert terms.ramp is not None and [s.floor for s in terms.ramp.steps] == [50, 100]
    assert sla_store.terms_from_rows(rows, {"ramp_start": None, "ramp_steps": None}).ramp is None
    assert sla_store.terms_from_rows(rows, {"period_end": date(2026, 3, 27)}).period_end == date(2026, 3, 27)
    with pytest.raises(InputError) as caught:
        sla_store.terms_from_rows(rows, {"ramp_start": date(2026, 3, 2), "ramp_steps": "3: 100; 3: 50"})
    assert caught.value.problems[0].location.column == "ramp.steps"


def test_app_sla_page_shows_saves_and_refuses_a_ramp(open_app: Callable[..., AppTest], tmp_path: Path) -> None:
    """Uploaded ramp -> the form's ramp fields -> Save keeps it; non-increasing steps are refused."""
    program_id = Store(database_url()).create_program("Ramp").id
    terms_file = tmp_path / "ramp.yaml"
    terms_file.write_text(
        "name: Ramp SLA\nramp:\n  start: 2026-03-04\n  steps:\n    - {week: 1, floor: 50}\n"
        "    - {week: 3, floor: 100}\nterms:\n  - {id: volume, metric: weekly_throughput, threshold: 200}\n"
    )
    at = open_app("app_pages/sla.py")
    at.file_uploader(key="sla_terms_file").set_value((terms_file.name, terms_file.read_bytes(), "text/plain"))
    at = at.run()
    assert not at.exception and not at.error
    [steps] = [t for t in at.text_input if t.label.startswith("Ramp steps")]
    assert steps.value == "1: 50; 3: 100"
    [start] = [d for d in at.date_input if d.label == "Ramp start"]
    assert start.value == date(2026, 3, 4)
    at = next(b for b in at.button if b.label == "Save terms").click().run()
    assert not at.error
    saved, _ = sla_store.load_terms(Store(database_url()), program_id)
    assert saved.ramp == RampSchedule(
        start=date(2026, 3, 4), steps=[RampStep(week=1, floor=50), RampStep(week=3, floor=100)]
    )
    [steps] = [t for t in at.text_input if t.label.startswith("Ramp steps")]
    steps.set_value("3: 100; 2: 50")
    at = next(b for b in at.button if b.label == "Save terms").click().run()
    assert not at.exception
    assert any("ramp.steps" in e.value and "strictly increase" in e.value for e in at.error)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    per_day=st.lists(st.integers(0, 6), min_size=2, max_size=20),
    start_offset=st.integers(0, 6),
    seed=st.integers(0, 2**32 - 1),
    batch=st.integers(1, 7),
)
def test_weekly_check_ignores_row_order_ids_and_batches(
    tmp_path: Path, per_day: list[int], start_offset: int, seed: int, batch: int
) -> None:
    """Shuffled rows, renamed items and annotators, and small read batches give the same weeks,
    floors, statuses and credits (the first and last submission day are kept across batches)."""
    import random

    first = date(2026, 3, 2) + timedelta(days=start_offset)
    rows = [
        (f"i{d}-{k}", "a", (first + timedelta(days=d)).isoformat()) for d, n in enumerate(per_day) for k in range(n)
    ] or [("i0", "a", first.isoformat())]
    ramp = RampSchedule(start=date(2026, 3, 4), steps=[RampStep(week=1, floor=10), RampStep(week=2, floor=20)])
    terms = SlaTermSet(ramp=ramp, committed_weekly_volume=25, terms=[_term(25)])

    def report(rows: list[tuple[str, str, str]], batch_rows: int) -> tuple[object, ...]:
        path = tmp_path / "d.csv"
        body = "\n".join(f"{i},{a},x,c,{d}T09:00" for i, a, d in rows)
        path.write_text("item_id,annotator_id,label,category,submitted_at\n" + body + "\n")
        r = check_counts(terms, count_delivery(open_delivery(path, batch_rows=batch_rows), ["x"]))
        (t,) = r.terms
        return (r.weekly, t.status, t.value, t.remedy, sorted((e.group, e.status, e.note) for e in t.evidence))

    expected = report(rows, 1000)
    shuffled = rows[:]
    random.Random(seed).shuffle(shuffled)
    renamed = [(f"x{hash(i) % 10**9}-{n}", "zz", d) for n, (i, _, d) in enumerate(shuffled)]
    assert report(renamed, batch) == expected


def test_terms_workbook_round_trip_with_a_ramp(tmp_path: Path) -> None:
    """write_term_set_xlsx writes what load_term_set reads back, ramp included."""
    terms = load_term_set(EXAMPLES / "sla-terms.yaml").model_copy(
        update={
            "ramp": RampSchedule(
                start=date(2026, 3, 4), steps=[RampStep(week=1, floor=50), RampStep(week=6, floor=120)]
            )
        }
    )
    path = tmp_path / "terms.xlsx"
    path.write_bytes(write_term_set_xlsx(terms))
    assert load_term_set(path) == terms
    plain = load_term_set(EXAMPLES / "sla-terms.yaml")
    path.write_bytes(write_term_set_xlsx(plain))
    assert load_term_set(path) == plain


def test_terms_workbook_with_formula_like_text_reads_back_unchanged() -> None:
    """The SLA page's terms download makes '=...' text inert with a quote; reading it back drops the
    quote again, so the name and label set (and every decision on them) are what was saved."""
    from contracts.sla_term_files import load_term_set, write_term_set_xlsx
    from contracts.sla_terms import default_term_set

    saved = default_term_set().model_copy(update={"name": "=HYPERLINK(1)", "label_set": ["=a", "-b", "c"]})
    back = load_term_set("terms.xlsx", data=write_term_set_xlsx(saved))
    assert back.name == "=HYPERLINK(1)" and back.label_set == ["=a", "-b", "c"]
    assert back.model_dump() == saved.model_dump()


def test_ramp_step_with_a_huge_number_is_refused_in_plain_words() -> None:
    from contracts.sla_terms import parse_ramp_steps

    for cell in ("1: " + "9" * 5000, "9" * 5000 + ": 10", "1: " + "9" * 400 + ".0"):
        with pytest.raises(ValueError, match="digits"):
            parse_ramp_steps(cell)
    assert parse_ramp_steps("week 6: 20,000.0") == [{"week": 6, "floor": 20000}]
