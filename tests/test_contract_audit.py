"""The portability audit: complete profile, each clause removed in turn, red flags, 12 months."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from annogov.services.linking import contract_policy
from contracts.audit import CLAUSES, audit_profile
from contracts.audit_security import add_months, is_stale
from contracts.evidence import gate_triggers, scorecard_evidence, suggest_scores
from contracts.profile import ContractProfile, is_open_format
from contracts.sla_terms import SlaTermSet

AS_OF = date(2026, 11, 26)
POLICY = contract_policy()  # the default rubric's consequence per finding code


def complete() -> dict[str, Any]:
    """A profile with every clause the audit checks, and nothing that raises a red flag."""
    return {
        "vendor": "Harbour Data Services",
        "data": {"buyer_owns_data": True, "export_timing": "any_time", "export_formats": ["COCO", "JSONL"]},
        "guidelines": {"delivered_as_asset": True, "versioned": True, "edge_case_rulings": True},
        "quality": {
            "agreement_metric": "Cohen's kappa",
            "agreement_target": 0.8,
            "agreement_by_task_type": True,
            "gold_set_defined": True,
            "transferable_to_successor": True,
            "accuracy_target": 0.995,
            "accuracy_method": "stratified 10% sample per category against the gold set",
            "per_category_accuracy": True,
            "qa_rate_per_category": 0.1,
            "gold_set_owner": "buyer",
        },
        "transition": {
            "clause_present": True,
            "handover_artefacts": ["labelled data", "guidelines", "gold set", "edge-case log", "calibration log"],
            "timeline_days": 60,
            "throughput_continuity": True,
            "wind_down": True,
        },
        "sla": {
            "terms": [
                {
                    "id": "kappa",
                    "metric": "cohen_kappa",
                    "scope": "task_type:complex",
                    "threshold": 0.8,
                    "remedy": {"kind": "percent_of_fee", "amount": 5},
                },
                {
                    "id": "on-time",
                    "metric": "on_time_rate",
                    "threshold": 0.95,
                    "remedy": {"kind": "percent_of_fee", "amount": 2},
                },
                {
                    "id": "ramp",
                    "metric": "weekly_throughput",
                    "threshold": 20000,
                    "remedy": {"kind": "fixed_per_breach", "amount": 1000},
                },
            ]
        },
        "commercial": {
            "pilot_available": True,
            "scale_up_multiple": 3,
            "scale_up_weeks": 3,
            "scope_change_process": True,
            "minimum_commitment_stated": True,
            "minimum_term_months": 12,
            "pricing_model": "per_unit",
            "quality_penalties": True,
            "remedies_on_vendor": True,
        },
        "security": {
            "soc2_type": "type_ii",
            "soc2_period_end": "2026-06-30",
            "iso27001_certified": True,
            "iso27001_covers_delivery_centres": True,
            "iso27001_last_audit": "2026-04-15",
            "dpa": True,
            "subprocessors_disclosed": True,
            "endpoint_controls": ["USB blocking", "no downloads"],
            "subprocessor_locations": True,
            "subprocessor_objection": True,
            "data_residency": ["EU"],
            "jurisdictions": ["Ireland"],
            "deletion_on_exit": True,
            "deletion_confirmed": True,
            "export_controls": True,
        },
    }


REMOVE: dict[str, dict[str, dict[str, Any] | None]] = {
    "data_ownership": {"data": {"buyer_owns_data": None}},
    "export_right": {"data": {"export_timing": None}},
    "export_formats": {"data": {"export_formats": []}},
    "guidelines": {"guidelines": {"delivered_as_asset": None, "versioned": None, "edge_case_rulings": None}},
    "quality_metrics": {
        "quality": {
            "agreement_metric": None,
            "agreement_target": None,
            "gold_set_defined": None,
            "transferable_to_successor": None,
        }
    },
    "transition": {
        "transition": {
            "clause_present": None,
            "handover_artefacts": [],
            "timeline_days": None,
            "throughput_continuity": None,
            "wind_down": None,
        }
    },
    "accuracy_spec": {
        "quality": {
            "accuracy_target": None,
            "accuracy_method": None,
            "per_category_accuracy": None,
            "qa_rate_per_category": None,
            "gold_set_owner": None,
        },
    },
    "worker_protection": {"commercial": {"remedies_on_vendor": None}},
    "data_residency": {"security": {"data_residency": [], "jurisdictions": []}},
    "deletion": {"security": {"deletion_on_exit": None, "deletion_confirmed": None}},
    "export_controls": {"security": {"export_controls": None}},
    "sla_terms": {"sla": None},
    "pilot": {"commercial": {"pilot_available": None}},
    "scale_up": {"commercial": {"scale_up_multiple": None, "scale_up_weeks": None}},
    "scope_change": {"commercial": {"scope_change_process": None}},
    "minimum_commitment": {"commercial": {"minimum_commitment_stated": None, "minimum_term_months": None}},
    "pricing_model": {"commercial": {"pricing_model": None}},
    "soc2": {"security": {"soc2_type": None, "soc2_period_end": None}},
    "iso27001": {
        "security": {"iso27001_certified": None, "iso27001_covers_delivery_centres": None, "iso27001_last_audit": None}
    },
    "dpa": {"security": {"dpa": None}},
    "subprocessors": {"security": {"subprocessors_disclosed": None}},
    "endpoint_controls": {"security": {"endpoint_controls": []}},
}


def with_changes(changes: dict[str, dict[str, Any] | None]) -> ContractProfile:
    raw = complete()
    for section, fields in changes.items():
        if fields is None:
            raw[section] = None
        else:
            raw[section] = {**raw[section], **fields}
    return ContractProfile.model_validate(raw)


def test_complete_profile_has_no_findings() -> None:
    audit = audit_profile(ContractProfile.model_validate(complete()), AS_OF)
    assert audit.findings == []
    assert {c.status for c in audit.clauses} == {"present"}
    assert audit.lock_in.level == "low"
    assert audit.critical_missing == []


def test_every_clause_has_a_removal_case() -> None:
    assert set(REMOVE) == {c.key for c in CLAUSES}


@pytest.mark.parametrize("clause", [c.key for c in CLAUSES])
def test_missing_clause_gives_exactly_that_finding(clause: str) -> None:
    audit = audit_profile(with_changes(REMOVE[clause]), AS_OF)
    assert [(f.clause, f.status) for f in audit.findings] == [(clause, "missing")]
    spec = next(c for c in CLAUSES if c.key == clause)
    finding = audit.findings[0]
    assert finding.severity == spec.severity_if_missing
    assert finding.reason and finding.ask
    statuses = {c.clause: c.status for c in audit.clauses}
    assert statuses.pop(clause) == "missing"
    assert set(statuses.values()) == {"present"}
    assert (audit.critical_missing == [clause]) == (spec.severity_if_missing == "critical")


def test_vendor_owning_the_data_is_critical_and_named() -> None:
    audit = audit_profile(with_changes({"data": {"buyer_owns_data": False}}), AS_OF)
    assert [f.code for f in audit.findings] == ["data_ownership.vendor_owns"]
    assert audit.critical_missing == ["data_ownership"]
    assert audit.lock_in.level == "high"


def test_proprietary_only_formats_are_a_weak_clause() -> None:
    audit = audit_profile(with_changes({"data": {"export_formats": ["Quickmark QMX"]}}), AS_OF)
    assert [(f.code, f.status, f.severity) for f in audit.findings] == [
        ("export_formats.proprietary_only", "weak", "high")
    ]
    assert audit.lock_in.level == "medium"


@pytest.mark.parametrize(
    "name, expected",
    [
        ("COCO", True),
        ("Label Studio JSON", True),
        ("json lines", True),
        ("Pascal VOC", True),
        ("YOLO", True),
        ("MS-COCO", True),
        ("Quickmark QMX", False),
        ("vendor native", False),
    ],
)
def test_open_format_names(name: str, expected: bool) -> None:
    assert is_open_format(name) is expected


def test_export_only_at_contract_end_is_weak() -> None:
    audit = audit_profile(with_changes({"data": {"export_timing": "contract_end"}}), AS_OF)
    assert [(f.clause, f.status) for f in audit.findings] == [("export_right", "weak")]
    assert audit.critical_missing == []


# -- red flags ---------------------------------------------------------------------------------


def test_soc2_type_one_only_is_a_red_flag_and_caps_security() -> None:
    audit = audit_profile(with_changes({"security": {"soc2_type": "Type I"}}), AS_OF)
    assert [f.code for f in audit.red_flags] == ["soc2.type1_only"]
    gates = gate_triggers(audit, POLICY)
    assert [(g.dimension, g.effect, g.cap) for g in gates] == [("security", "cap_dimension", 2)]
    security = next(s for s in suggest_scores(audit, gates) if s.dimension == "security")
    assert security.score <= 2


def test_per_unit_pricing_without_quality_penalty_is_a_red_flag() -> None:
    sla = complete()["sla"]
    for term in sla["terms"]:
        if term["metric"] == "cohen_kappa":
            term["remedy"] = {"kind": "none"}
    profile = with_changes({"commercial": {"quality_penalties": None}, "sla": sla})
    audit = audit_profile(profile, AS_OF)
    assert [f.code for f in audit.red_flags] == ["pricing_model.per_unit_no_penalty"]
    # an hourly managed team does not create the same incentive
    hourly = with_changes({"commercial": {"quality_penalties": None, "pricing_model": "per hour"}, "sla": sla})
    assert audit_profile(hourly, AS_OF).red_flags == []


def test_sla_credit_on_a_quality_term_counts_as_a_penalty() -> None:
    audit = audit_profile(with_changes({"commercial": {"quality_penalties": None}}), AS_OF)
    assert audit.findings == []


def test_accuracy_without_method_is_a_red_flag() -> None:
    audit = audit_profile(with_changes({"quality": {"accuracy_method": " "}}), AS_OF)
    assert [f.code for f in audit.red_flags] == ["quality_metrics.accuracy_without_method"]
    no_accuracy = with_changes({"quality": {"accuracy_method": None, "accuracy_target": None}})
    assert [f.code for f in audit_profile(no_accuracy, AS_OF).findings] == ["accuracy_spec.missing"]


def test_accuracy_term_in_the_sla_also_needs_a_method() -> None:
    sla = complete()["sla"]
    sla["terms"].append({"id": "acc", "metric": "accuracy", "threshold": 0.99})
    profile = with_changes({"quality": {"accuracy_method": None, "accuracy_target": None}, "sla": sla})
    assert [f.code for f in audit_profile(profile, AS_OF).red_flags] == ["quality_metrics.accuracy_without_method"]


def test_agreement_not_by_task_type_is_a_red_flag_unless_the_sla_scopes_it() -> None:
    sla = complete()["sla"]
    profile = with_changes({"quality": {"agreement_by_task_type": False}})
    # the SLA's kappa term is scoped to task_type:complex, so tracking by task type exists
    assert audit_profile(profile, AS_OF).findings == []
    sla["terms"][0]["scope"] = "overall"
    profile = with_changes({"quality": {"agreement_by_task_type": False}, "sla": sla})
    assert [f.code for f in audit_profile(profile, AS_OF).red_flags] == ["quality_metrics.no_agreement_by_task_type"]


# -- certification age: both sides of the 12-month line -----------------------------------------


@pytest.mark.parametrize(
    "period_end, as_of, stale",
    [
        (date(2025, 11, 26), date(2026, 11, 26), False),  # exactly 12 months: still current
        (date(2025, 11, 26), date(2026, 11, 27), True),  # one day past the line
        (date(2025, 11, 27), date(2026, 11, 26), False),  # one day inside the line
        (date(2024, 2, 29), date(2025, 2, 28), False),  # leap day: the line is Feb 28
        (date(2024, 2, 29), date(2025, 3, 1), True),
        (date(2026, 6, 30), date(2026, 11, 26), False),
        (date(2023, 1, 1), date(2026, 11, 26), True),
    ],
)
def test_soc2_staleness_around_twelve_months(period_end: date, as_of: date, stale: bool) -> None:
    assert is_stale(period_end, as_of) is stale
    profile = with_changes({"security": {"soc2_period_end": period_end.isoformat()}})
    audit = audit_profile(profile, as_of)
    codes = [f.code for f in audit.red_flags]
    assert codes == (["soc2.stale"] if stale else [])
    gates = [(g.dimension, g.effect, g.cap, g.red_flag) for g in gate_triggers(audit, POLICY)]
    assert (("security", "cap_dimension", 2, "certification_stale") in gates) is stale


@pytest.mark.parametrize("offset_days, stale", [(0, False), (1, True), (-1, False)])
def test_iso_audit_staleness_at_the_boundary(offset_days: int, stale: bool) -> None:
    last = date(2025, 8, 31)
    boundary = add_months(last, 12)
    assert boundary == date(2026, 8, 31)
    as_of = date.fromordinal(boundary.toordinal() + offset_days)
    profile = with_changes({"security": {"iso27001_last_audit": last.isoformat(), "soc2_period_end": "2026-06-30"}})
    audit = audit_profile(profile, as_of)
    assert [f.code for f in audit.red_flags] == (["iso27001.stale"] if stale else [])


def test_add_months_clamps_month_ends() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2025, 12, 15), 12) == date(2026, 12, 15)
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


# -- scorecard evidence --------------------------------------------------------------------------


def test_complete_profile_suggests_full_scores_and_no_gates() -> None:
    evidence = scorecard_evidence(audit_profile(ContractProfile.model_validate(complete()), AS_OF), POLICY)
    assert [(s.dimension, s.score) for s in evidence.suggestions] == [("security", 5), ("commercial", 5)]
    assert evidence.gates == []
    payload = evidence.to_payload()
    assert payload["suggestions"][0]["reasons"]


def test_missing_ownership_forces_material_risk_band() -> None:
    audit = audit_profile(with_changes(REMOVE["data_ownership"]), AS_OF)
    gates = gate_triggers(audit, POLICY)
    found = [(g.dimension, g.effect, g.finding) for g in gates]
    assert found == [("commercial", "knock_out", "data_ownership.missing")]
    commercial = next(s for s in suggest_scores(audit, gates) if s.dimension == "commercial")
    assert commercial.score == 2  # 5 - 3 for a missing critical clause
    assert any("data_ownership" in r for r in commercial.reasons)


def test_scores_fall_with_more_findings_and_stay_in_range() -> None:
    previous = 5
    changes: dict[str, dict[str, Any] | None] = {"security": {}}
    for clause in ("endpoint_controls", "subprocessors", "dpa", "iso27001", "soc2"):
        changes["security"] = {**(changes["security"] or {}), **(REMOVE[clause]["security"] or {})}
        audit = audit_profile(with_changes(changes), AS_OF)
        score = next(s.score for s in suggest_scores(audit, gate_triggers(audit, POLICY)) if s.dimension == "security")
        assert 1 <= score <= previous
        previous = score
    assert previous == 1
    assert ("security", "knock_out") in [(g.dimension, g.effect) for g in gate_triggers(audit, POLICY)]


def test_payload_is_json_ready_and_complete() -> None:
    profile = with_changes({"security": {"soc2_type": "type_i"}, **REMOVE["transition"]})
    payload = audit_profile(profile, AS_OF).to_payload()
    assert payload["as_of"] == "2026-11-26"
    assert payload["red_flags"] == ["soc2.type1_only"]
    assert payload["critical_missing"] == ["transition"]
    assert payload["counts"] == {"present": 20, "weak": 1, "missing": 1}
    assert {"code", "clause", "status", "severity", "reason", "ask", "red_flag", "dimension"} <= set(
        payload["findings"][0]
    )
    assert payload["lock_in"]["level"] == "high"


def test_profile_sla_is_the_sla_check_term_set() -> None:
    profile = ContractProfile.model_validate(complete())
    assert isinstance(profile.sla, SlaTermSet)
    dumped = copy.deepcopy(profile.sla.model_dump())
    assert SlaTermSet.model_validate(dumped) == profile.sla


def test_loose_spellings_are_normalised() -> None:
    raw = complete()
    raw["security"]["soc2_type"] = "SOC 2 Type 2"
    raw["commercial"]["pricing_model"] = "per label"
    raw["data"]["export_timing"] = "at any time"
    raw["data"]["export_formats"] = "COCO; JSONL"
    profile = ContractProfile.model_validate(raw)
    assert profile.security.soc2_type == "type_ii"
    assert profile.commercial.pricing_model == "per_unit"
    assert profile.data.export_timing == "any_time"
    assert profile.data.export_formats == ["COCO", "JSONL"]


def test_lock_in_counts_portability_not_measurement_red_flags() -> None:
    accuracy_only = with_changes({"quality": {"accuracy_method": None}})
    audit = audit_profile(accuracy_only, AS_OF)
    assert [f.code for f in audit.findings] == ["quality_metrics.accuracy_without_method"]
    assert audit.lock_in.level == "low"
    two_high = with_changes({"data": {"export_formats": ["QMX"]}, "transition": {"throughput_continuity": False}})
    lock_in = audit_profile(two_high, AS_OF).lock_in
    assert lock_in.level == "high"
    assert lock_in.at_risk == ["Open export formats named", "Transition and offboarding"]
    assert "Ownership of labelled data" in lock_in.portable


# -- properties over arbitrary profiles ----------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_maybe_bool = st.sampled_from([None, True, False])


@st.composite
def profiles(draw: st.DrawFn) -> ContractProfile:
    raw = complete()
    for section in ("data", "guidelines", "quality", "transition", "commercial", "security"):
        for key, value in list(raw[section].items()):
            if isinstance(value, bool):
                raw[section][key] = draw(_maybe_bool)
            elif isinstance(value, list):
                raw[section][key] = draw(st.sampled_from([value, [], ["Vendor native"]]))
            elif draw(st.booleans()):
                raw[section][key] = None
    raw["security"]["soc2_type"] = draw(st.sampled_from([None, "none", "type_i", "type_ii"]))
    raw["commercial"]["pricing_model"] = draw(
        st.sampled_from([None, "per_unit", "per_hour_managed_team", "milestone", "hybrid"])
    )
    if draw(st.booleans()):
        raw["sla"] = None
    return ContractProfile.model_validate(raw)


@settings(max_examples=60, deadline=None)
@given(profiles(), st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)))
def test_audit_invariants(profile: ContractProfile, as_of: date) -> None:
    audit = audit_profile(profile, as_of)
    assert [c.clause for c in audit.clauses] == [c.key for c in CLAUSES]
    for result in audit.clauses:
        own = [f for f in audit.findings if f.clause == result.clause]
        assert (result.status == "present") == (not own)
        assert (result.status == "missing") == any(f.status == "missing" for f in own)
    assert all(f.reason and f.ask for f in audit.findings)
    critical = {c.key for c in CLAUSES if c.severity_if_missing == "critical"}
    assert audit.critical_missing == [c.clause for c in audit.clauses if c.status == "missing" and c.clause in critical]
    evidence = scorecard_evidence(audit, POLICY)
    for suggestion in evidence.suggestions:
        caps = [
            g.cap for g in evidence.gates if g.dimension == suggestion.dimension and g.effect == "cap_dimension"
        ]
        assert 1 <= suggestion.score <= min([5, *caps])
    assert (audit.lock_in.level == "low") == (audit.lock_in.at_risk == [])
