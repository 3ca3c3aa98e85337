"""Turnaround, weekly volume and drift per week; categories missing from a delivery's rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from contracts.sla_terms import SlaTerm, SlaTermSet
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery, week_start
from governance.quality.sla.drift import drift
from governance.quality.sla.sla_check import check_counts
from governance.quality.sla.timeliness import on_time_rate, weekly_volume


def _csv(path: Path, rows: list[str]) -> Path:
    path.write_text("item_id,annotator_id,label,category,submitted_at,due_at,qa_result\n"
                    + "\n".join(rows) + "\n")
    return path


def test_on_time_and_weekly_volume_with_an_empty_week(tmp_path: Path) -> None:
    rows = []
    # week of Mon 2026-03-02: 4 annotations, one late; nothing in the week of 03-09;
    # week of 03-16: 2 annotations on time
    for i, (sub, due) in enumerate([("2026-03-02T10:00", "2026-03-03T00:00"),
                                    ("2026-03-03T10:00", "2026-03-03T00:00"),
                                    ("2026-03-04T10:00", "2026-03-05T00:00"),
                                    ("2026-03-08T23:59", "2026-03-09T00:00"),
                                    ("2026-03-16T00:00", "2026-03-20T00:00"),
                                    ("2026-03-17T08:00", "2026-03-20T00:00")]):
        rows.append(f"i{i // 2},a{i % 2},x,c,{sub},{due},")
    counts = count_delivery(open_delivery(_csv(tmp_path / "d.csv", rows)), ["x", "y"])
    r = on_time_rate(counts)
    assert (r.numerator, r.denominator) == (5, 6)
    weeks = weekly_volume(counts, committed=3, period_end=date(2026, 3, 17))
    # the period is stated to end Tuesday 03-17: the last week is partial (Mon-Tue), needs 3 x 2/7, and 2 meet that
    assert [(w.week_start, w.annotations, w.days, w.meets) for w in weeks] == [
        ("2026-03-02", 4, 7, True), ("2026-03-09", 0, 7, False), ("2026-03-16", 2, 2, True)]
    assert weeks[1].shortfall == 3 and weeks[2].required == round(6 / 7, 2)
    assert week_start(0) == "1969-12-29"  # a Monday
    terms = SlaTermSet(period_end=date(2026, 3, 17),
                       terms=[SlaTerm(metric="weekly_throughput", threshold=3, min_sample=1,
                                      remedy={"kind": "fixed_per_breach", "amount": 100}),
                              SlaTerm(metric="on_time_rate", threshold=0.8, min_sample=5)])
    volume, on_time = check_counts(terms, counts).terms
    assert volume.status == "fail" and volume.value == 0 and volume.remedy is not None
    assert volume.remedy.breaches == 1 and volume.remedy.amount == 100
    assert on_time.status == "pass" and on_time.n == 6


def test_no_due_dates_is_inconclusive_not_zero(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("item_id,annotator_id,label\ni1,a,x\ni1,b,x\n")
    counts = count_delivery(open_delivery(path), ["x"])
    terms = SlaTermSet(terms=[SlaTerm(metric="on_time_rate", threshold=0.9, min_sample=1),
                              SlaTerm(metric="weekly_throughput", threshold=1, min_sample=1)])
    on_time, volume = check_counts(terms, counts).terms
    assert on_time.status == "inconclusive" and on_time.value is None
    assert "due_at" in (on_time.reason or "")
    assert volume.status == "inconclusive" and "submitted_at" in (volume.reason or "")


def test_drift_per_week_flags_a_rise_in_defects(tmp_path: Path) -> None:
    rows = []
    for i in range(40):
        week2 = i >= 20
        day = "2026-03-10" if week2 else "2026-03-03"
        qa = "fail" if week2 and i % 3 == 0 else "pass"
        rows.append(f"i{i},a,x,c,{day}T10:00,{day}T18:00,{qa}")
        rows.append(f"i{i},b,x,c,{day}T11:00,{day}T18:00,")
    counts = count_delivery(open_delivery(_csv(tmp_path / "d.csv", rows)), ["x", "y"])
    report = drift(counts, "week", threshold=0.1)
    assert [p.period for p in report.periods] == ["2026-03-02", "2026-03-09"]
    assert [p.items for p in report.periods] == [20, 20]
    assert [d.metric for d in report.drops] == ["defect_rate"] * 3  # overall, category c, annotator a
    assert [(d.group_kind, d.group) for d in report.drops] == [("overall", "all"), ("category", "c"),
                                                               ("annotator", "a")]
    assert report.drops[0].current == 7 / 20
    # 0/20 -> 7/20, pooled 7/40: z = 0.35 / sqrt(0.175 * 0.825 * (1/20 + 1/20))
    assert report.drops[0].z == pytest.approx(0.35 / (0.175 * 0.825 * 0.1) ** 0.5)


def test_each_category_term_includes_rows_without_a_category(tmp_path: Path) -> None:
    rows = [f"i{i},a,x,{'c' if i < 10 else ''},,,{'pass' if i < 2 else ''}" for i in range(14)]
    counts = count_delivery(open_delivery(_csv(tmp_path / "d.csv", rows)), ["x"])
    terms = SlaTermSet(terms=[SlaTerm(metric="qa_coverage", scope="each category",
                                      threshold=0.1, min_sample=1)])
    term = check_counts(terms, counts).terms[0]
    groups = {e.group: e.status for e in term.evidence}
    assert groups == {"c": "pass", "(no category)": "fail"}
