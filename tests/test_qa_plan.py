"""Sized QA plans: Cochran's textbook sizes, acceptance plans against a brute-force search,
the OC curve and verdicts, and the CLI/PDF."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from annogov.cli import main
from governance.quality.sla.qa_plan import AcceptancePlan, acceptance_plan, margin_plan, margin_sample_size

ROOT = Path(__file__).resolve().parents[1]


def test_cochran_textbook_sizes() -> None:
    """+/-5% at 95% with p = 0.5: 385 for a large population, 278 for N = 1000."""
    assert margin_sample_size(10**9, 0.05, 0.95) == 385
    assert margin_sample_size(1000, 0.05, 0.95) == 278
    assert margin_sample_size(5, 0.05, 0.95) == 5 and margin_sample_size(0, 0.05, 0.95) == 0
    with pytest.raises(ValueError, match="margin"):
        margin_sample_size(10, 0.0, 0.95)


@settings(max_examples=25, deadline=None)
@given(
    aql=st.sampled_from([0.005, 0.01, 0.02, 0.04]),
    gap=st.sampled_from([2.5, 4.0, 6.0, 10.0]),
    alpha=st.sampled_from([0.05, 0.10]),
    beta=st.sampled_from([0.05, 0.10, 0.20]),
)
def test_acceptance_plan_is_the_smallest_meeting_both_risks(aql: float, gap: float, alpha: float, beta: float) -> None:
    ltpd = min(aql * gap, 0.5)
    plan = acceptance_plan(aql, ltpd, alpha, beta)
    assert plan.actual_producer_risk <= alpha + 1e-12 and plan.actual_consumer_risk <= beta + 1e-12
    n = np.arange(1, plan.n)[:, None]
    c = np.arange(0, plan.n)[None, :]
    ok = (c <= n) & (stats.binom.cdf(c, n, aql) >= 1 - alpha) & (stats.binom.cdf(c, n, ltpd) <= beta)
    assert not ok.any()  # no smaller n works with any c


def _plan_by_scanning_c(aql: float, ltpd: float, alpha: float, beta: float) -> tuple[int, int]:
    """The reference: for c = 0, 1, ... the least n meeting the consumer's risk, the first c whose
    n also meets the producer's (the implementation before the vectorised scan over n)."""
    for c in range(0, 10_000):
        n = c + 1
        while stats.binom.cdf(c, n, ltpd) > beta:
            n += 1
        if stats.binom.cdf(c, n, aql) >= 1 - alpha:
            return n, c
    raise AssertionError("no plan")


@settings(max_examples=40, deadline=None)
@given(
    aql=st.floats(0.002, 0.2),
    gap=st.floats(2.5, 8.0),
    alpha=st.sampled_from([0.01, 0.05, 0.10]),
    beta=st.sampled_from([0.01, 0.05, 0.10, 0.20]),
)
def test_acceptance_plan_equals_the_scan_over_c(aql: float, gap: float, alpha: float, beta: float) -> None:
    ltpd = min(aql * gap, 0.9)
    plan = acceptance_plan(aql, ltpd, alpha, beta)
    assert (plan.n, plan.c) == _plan_by_scanning_c(aql, ltpd, alpha, beta)


def test_an_impossible_plan_is_refused_not_searched_for_a_minute() -> None:
    """AQL 0.500 against LTPD 0.501 needs more than the item limit: refused with the reason (the scan
    over c took about a minute to say so)."""
    with pytest.raises(ValueError, match="no plan with at most"):
        acceptance_plan(0.5, 0.501)
    plan = acceptance_plan(0.5, 0.505)
    assert (plan.n, plan.c) == (85721, 43101)


def test_oc_curve_and_verdicts() -> None:
    plan = AcceptancePlan(aql=0.01, ltpd=0.06, n=89, c=2)
    curve = plan.oc_curve()
    assert curve[0] == (0.0, 1.0) and all(a >= b for (_, a), (_, b) in zip(curve, curve[1:], strict=False))
    assert plan.verdict(89, 2) == "accept" and plan.verdict(40, 3) == "reject" and plan.verdict(40, 0) == "incomplete"
    assert plan.verdict(30, 1, lot_size=30) == "accept"
    with pytest.raises(ValueError):
        AcceptancePlan(aql=0.06, ltpd=0.01, n=1, c=0)


def test_margin_plan_reports_reviewed_rates() -> None:
    rows = margin_plan({"a": (1000, 200, 10), "b": (50, 0, 0)}, 0.05)
    assert rows[0].sample == 278 and rows[0].defect_rate == 0.05 and rows[0].margin_met
    assert rows[1].sample == 45 and rows[1].defect_rate is None


def test_cli_plans_and_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    delivery = str(ROOT / "examples" / "delivery.csv")
    assert main(["qa-sample", delivery, "--plan", "margin", "--margin", "0.1", "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert {r["category"] for r in payload["categories"]} >= {"urban_day", "highway"}
    pdf = tmp_path / "plan.pdf"
    argv = ["qa-sample", delivery, "--plan", "acceptance", "--aql", "0.01", "--ltpd", "0.08", "--format", "json"]
    assert main([*argv, "--out", str(pdf)]) in (0, 1)
    payload = json.loads(capsys.readouterr().out)
    assert (payload["n"], payload["c"]) == (acceptance_plan(0.01, 0.08).n, acceptance_plan(0.01, 0.08).c)
    assert payload["oc_curve"][0]["p_accept"] == 1.0 and pdf.read_bytes().startswith(b"%PDF")
    assert main(["qa-sample", delivery, "--plan", "acceptance"]) == 2
    assert main(["qa-sample", delivery]) == 2


def test_sla_page_shows_the_plan_and_its_oc_curve(open_app: Any) -> None:
    from annogov.store import Store, database_url

    Store(database_url()).create_program("Street scenes")
    at = open_app("app_pages/sla.py")
    assert not at.exception
    at.number_input(key="sla_ltpd").set_value(0.08).run()
    expected = acceptance_plan(0.01, 0.08)
    assert any(f"n = {expected.n}**" in m.value and f"c = {expected.c}**" in m.value for m in at.markdown)
    at.number_input(key="sla_ltpd").set_value(0.005).run()
    assert any("rejectable quality level" in e.value for e in at.error)
