"""The audit's newer checks, from profiles and from draft text: the accuracy spec, remedies that
fall on workers, residency, deletion, export controls, subprocessors and a proportionate handover."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from annogov.services.linking import contract_policy
from contracts.audit import audit_profile
from contracts.audit_checks import has_method, transition_days_needed
from contracts.drafts import propose
from contracts.evidence import gate_triggers
from contracts.profile import ContractProfile
from contracts.text_extract import Passage
from tests.test_contract_audit import complete, with_changes

AS_OF = date(2026, 11, 26)


def _codes(profile: ContractProfile) -> list[str]:
    return [f.code for f in audit_profile(profile, AS_OF).findings]


def _draft(*paragraphs: str) -> ContractProfile:
    passages = [Passage(text=p, paragraph=i) for i, p in enumerate(paragraphs, start=1)]
    return propose(passages, source="inline.txt", vendor="Acme").profile


# -- worker protection (issue 14) -----------------------------------------------------------------

PENALISING_DRAFT = (
    "1. The Client owns all labelled data and may export it at any time in COCO JSON.",
    "2. Label accuracy of 98% is measured against the gold set on a random sample.",
    "3. Annotators whose accuracy falls below 95% will have their pay reduced for that week.",
    "4. Annotators who fail a quality audit must complete retraining in their own time without pay.",
    "5. Rejected items are corrected by the original annotator without additional pay.",
    "6. Fees are charged per label; each breach of the accuracy level earns the Client a service credit of 5% of "
    "the monthly fee.",
)


def test_draft_with_deduction_and_unpaid_retraining_gets_a_worker_protection_red_flag() -> None:
    review = propose([Passage(text=p, paragraph=i) for i, p in enumerate(PENALISING_DRAFT, 1)], vendor="Acme")
    found = [p for p in review.proposals if p.field == "commercial.worker_penalties"]
    assert [p.location for p in found] == ["paragraph 3", "paragraph 4", "paragraph 5"]
    assert set(review.profile.commercial.worker_penalties) == {"pay deduction", "unpaid retraining", "unpaid rework"}
    audit = audit_profile(review.profile, AS_OF)
    finding = next(f for f in audit.findings if f.clause == "worker_protection")
    assert finding.code == "worker_protection.penalties_on_workers"
    assert finding.red_flag and finding.severity == "high" and finding.status == "missing"
    assert "pay deduction" in finding.reason and "unpaid retraining" in finding.reason
    assert "service credits" in finding.ask and "never on its workers" in finding.ask
    # a service credit on the SLA is the vendor's remedy, so per-unit pricing is not flagged
    assert "pricing_model.per_unit_no_penalty" not in {f.code for f in audit.findings}
    gates = [(g.dimension, g.effect, g.cap, g.finding) for g in gate_triggers(audit, contract_policy())]
    assert ("commercial", "cap_dimension", 3, "worker_protection.penalties_on_workers") in gates


@pytest.mark.parametrize("answer", ["none", "None.", "n/a", "no", ["none"]])
def test_worker_penalties_answered_none_are_no_penalty(answer: object) -> None:
    """A questionnaire or profile answering 'none' is no penalty, not a red flag naming 'none'."""
    profile = with_changes({"commercial": {"worker_penalties": answer}})
    assert profile.commercial.worker_penalties == []
    assert "worker_protection.penalties_on_workers" not in _codes(profile)


def test_a_protection_clause_clears_the_check_and_a_denied_penalty_is_a_protection() -> None:
    profile = _draft("The Vendor shall not deduct any quality shortfall from annotators' pay.")
    assert profile.commercial.remedies_on_vendor is True
    assert profile.commercial.worker_penalties == []
    statuses = {c.clause: c.status for c in audit_profile(profile, AS_OF).clauses}
    assert statuses["worker_protection"] == "present"


def test_no_ask_in_the_audit_suggests_a_remedy_on_workers() -> None:
    silent = with_changes({"commercial": {"quality_penalties": None, "remedies_on_vendor": None}})
    asks = " ".join(f.ask for f in audit_profile(silent, AS_OF).findings)
    assert "free rework" not in asks
    assert "service credits from the vendor" in asks
    assert [f.code for f in audit_profile(silent, AS_OF).findings if f.clause == "worker_protection"] == [
        "worker_protection.missing"
    ]


# -- the accuracy spec ----------------------------------------------------------------------------


def test_weak_accuracy_spec_from_the_issue() -> None:
    profile = _draft(
        "Label accuracy of 99.5% is measured on a stratified random sample of 5% of each category.",
        "The gold set is the property of the Vendor.",
    )
    assert profile.quality.qa_rate_per_category == 0.05
    codes = _codes(profile)
    assert {"accuracy_spec.aggregate_only", "accuracy_spec.qa_rate_low", "accuracy_spec.gold_set_owner"} <= set(codes)


@pytest.mark.parametrize("method", ["tbd", "TBD.", "to be agreed", " ", None])
def test_tbd_is_not_a_method(method: str | None) -> None:
    assert not has_method(method)
    profile = with_changes({"quality": {"accuracy_method": method}})
    assert "quality_metrics.accuracy_without_method" in _codes(profile)


def test_a_draft_that_says_tbd_gets_the_red_flag() -> None:
    profile = _draft("The Vendor commits to 99% accuracy, measured by a method tbd.")
    assert profile.quality.accuracy_method == "tbd"
    assert "quality_metrics.accuracy_without_method" in _codes(profile)


@pytest.mark.parametrize("rate, flagged", [(0.05, True), (0.099, True), (0.10, False), (0.2, False)])
def test_qa_rate_per_category_line_is_ten_percent(rate: float, flagged: bool) -> None:
    codes = _codes(with_changes({"quality": {"qa_rate_per_category": rate}}))
    assert ("accuracy_spec.qa_rate_low" in codes) is flagged


# -- transition -----------------------------------------------------------------------------------


def test_data_only_handover_within_five_days_is_weak() -> None:
    profile = _draft(
        "On exit the Vendor hands over only the labelled data within five days.",
        "The expected volume is 50,000 labelled items per month.",
    )
    assert profile.transition.timeline_days == 5
    audit = audit_profile(profile, AS_OF)
    codes = {f.code for f in audit.findings}
    assert {"transition.artefacts", "transition.short_timeline", "transition.no_wind_down"} <= codes
    artefacts = next(f for f in audit.findings if f.code == "transition.artefacts")
    for name in ("guidelines", "gold set", "edge-case log", "calibration log"):
        assert name in artefacts.reason


def test_handover_artefacts_written_in_other_words_are_recognised() -> None:
    """'labeled data' (US spelling), 'gold standard set', 'edge case log', 'calibration records' name
    the required artefacts (the reader's words for them); only a missing one is reported."""
    written = ["Labeled data", "guidelines", "gold standard set", "edge case log", "calibration records"]
    assert "transition.artefacts" not in _codes(with_changes({"transition": {"handover_artefacts": written}}))
    audit = audit_profile(with_changes({"transition": {"handover_artefacts": written[:-1]}}), AS_OF)
    [found] = [f for f in audit.findings if f.code == "transition.artefacts"]
    assert "leaves out calibration log:" in found.reason


@pytest.mark.parametrize(
    "volume, days, short",
    [(None, 30, False), (None, 29, True), (99_999, 30, False), (100_000, 59, True), (100_000, 60, False),
     (600_000, 60, True), (600_000, 90, False)],
)  # fmt: skip
def test_timeline_is_proportionate_to_volume(volume: int | None, days: int, short: bool) -> None:
    profile = with_changes({"transition": {"timeline_days": days}, "commercial": {"monthly_volume": volume}})
    assert ("transition.short_timeline" in _codes(profile)) is short
    assert transition_days_needed(volume) <= days or short


# -- security and compliance ----------------------------------------------------------------------


def test_residency_deletion_export_controls_and_subprocessors_from_a_draft() -> None:
    profile = _draft(
        "All Client data is stored and processed in the EU only.",
        "On termination the Vendor shall delete all Client data within 30 days.",
        "The Vendor lists its subprocessors in Annex C.",
    )
    assert profile.security.data_residency == ["EU"]
    codes = set(_codes(profile))
    expected = {
        "data_residency.no_jurisdiction",
        "deletion.unconfirmed",
        "export_controls.missing",
        "subprocessors.terms",
    }
    assert expected <= codes


def test_complete_new_fields_give_no_findings() -> None:
    assert _codes(ContractProfile.model_validate(complete())) == []


# -- ramp schedule (SlaTermSet.ramp) ----------------------------------------------------------------


def test_a_ramp_schedule_is_proposed_and_needs_a_start_to_enter_the_profile() -> None:
    from contracts.confirm import confirm

    text = (
        "Starting on 2027-01-11, the Vendor will ramp to 2,000 labelled images per week in week 1, 5,000 per "
        "week by week 3 and 8,000 per week from week 6."
    )
    profile = _draft(text)
    assert profile.sla is not None and profile.sla.ramp is not None
    assert [(s.week, s.floor) for s in profile.sla.ramp.steps] == [(1, 2000), (3, 5000), (6, 8000)]
    assert profile.sla.ramp.start == date(2027, 1, 11)
    assert [t.threshold for t in profile.sla.terms if t.metric == "weekly_throughput"] == [8000]

    undated = propose([Passage(text="From week 5 the Supplier delivers at least 10,000 annotations per week.",
                               paragraph=1)], vendor="Acme")
    [ramp] = [p for p in undated.proposals if p.field == "sla.ramp"]
    assert ramp.value["start"] is None and "no start date" in (ramp.note or "")
    assert undated.profile.sla is not None and undated.profile.sla.ramp is None
    index = undated.proposals.index(ramp)
    done = confirm(
        undated,
        {index: ("edit", "{start: 2027-03-01, steps: [{week: 5, floor: 10000}]}")},
        by_id="u1",
        by_name="Pat",
        at=datetime(2026, 12, 4, tzinfo=UTC),
    )
    assert done.profile.sla is not None and done.profile.sla.ramp is not None
    assert done.profile.sla.ramp.start == date(2027, 3, 1)


def test_a_ramp_schedule_counts_as_the_ramp_term() -> None:
    sla = complete()["sla"]
    sla["terms"] = [t for t in sla["terms"] if t["metric"] != "weekly_throughput"]
    without = with_changes({"sla": sla})
    assert "sla_terms.weak" in _codes(without)
    sla["ramp"] = {"start": "2027-01-11", "steps": [{"week": 1, "floor": 2000}, {"week": 4, "floor": 8000}]}
    assert "sla_terms.weak" not in _codes(with_changes({"sla": sla}))
