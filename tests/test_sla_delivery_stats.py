"""Hand-computed checks of the delivery statistics: F1 of a class never delivered, the realism bound
(1 + a) / 2 in the SLA check and the contract audit, and what `tier` does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from contracts.audit import audit_profile
from contracts.profile import ContractProfile
from contracts.realism import best_mean_accuracy, check_target
from contracts.sla_terms import SlaTerm, SlaTermSet
from governance.quality.sla.sla_check import check_delivery
from tests.test_contract_audit import complete


def _csv(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    path.write_text(",".join(header) + "\n" + "".join(",".join(map(str, r)) + "\n" for r in rows))
    return path


def test_f1_is_zero_for_a_gold_class_never_delivered(tmp_path: Path) -> None:
    # gold a -> a x6; gold b -> b x2, a x1; gold c -> a x4 (c is never delivered)
    pairs = [("a", "a")] * 6 + [("b", "b")] * 2 + [("b", "a")] + [("c", "a")] * 4
    rows = [[f"i{i}", "r0", lab, gold] for i, (gold, lab) in enumerate(pairs)]
    path = _csv(tmp_path / "d.csv", ["item_id", "annotator_id", "label", "gold_label"], rows)
    terms = SlaTermSet(label_set=["a", "b", "c"], terms=[SlaTerm(metric="accuracy", threshold=0.5, min_sample=1)])
    classes = {c.label: c for c in check_delivery(terms, path).confusion.classes}
    assert classes["a"].f1 == pytest.approx(2 * 6 / (6 + 11))  # support 6, predicted 11
    assert classes["b"].f1 == pytest.approx(2 * 2 / (3 + 2))
    c = classes["c"]
    assert (c.support, c.predicted, c.precision, c.recall, c.f1) == (4, 0, None, 0.0, 0.0)
    assert c.note is not None and "none delivered" in c.note and "F1 0" in c.note


def test_realism_bound_by_hand() -> None:
    assert best_mean_accuracy(0.90) == pytest.approx(0.95)
    assert not check_target("x", 0.95, 0.90).flagged  # exactly reachable
    flagged = check_target("x", 0.96, 0.88, 0.90)  # the upper end of the interval is used
    assert flagged.flagged and flagged.best_accuracy == pytest.approx(0.95)
    assert flagged.note is not None and "(1 + 0.900) / 2 = 95.0%" in flagged.note and "96.0% target" in flagged.note
    assert not check_target("x", 0.95, 0.80, 0.90).flagged


def _two_annotators_97(tmp_path: Path) -> Path:
    """200 gold items; r0 errs on items 0-5, r1 on items 6-11: each 97% accurate, agreement 188/200."""
    rows = []
    for i in range(200):
        for a in range(2):
            wrong = i in range(6 * a, 6 * a + 6)
            rows.append([f"i{i}", f"r{a}", "b" if wrong else "a", "a", f"c{i % 2}"])
    return _csv(tmp_path / "d.csv", ["item_id", "annotator_id", "label", "gold_label", "category"], rows)


def test_two_annotators_at_97_percent_are_not_told_a_95_target_is_unrealistic(tmp_path: Path) -> None:
    path = _two_annotators_97(tmp_path)
    terms = SlaTermSet(label_set=["a", "b"], terms=[SlaTerm(metric="accuracy", threshold=0.95, min_sample=30)])
    term = check_delivery(terms, path).terms[0]
    assert term.status == "pass" and term.value == pytest.approx(0.97)
    (check,) = term.realism
    assert check.agreement == pytest.approx(188 / 200)  # below the target, which proves nothing
    assert not check.flagged and not term.notes


def test_a_target_above_the_bound_is_flagged_with_the_arithmetic(tmp_path: Path) -> None:
    path = _two_annotators_97(tmp_path)
    terms = SlaTermSet(label_set=["a", "b"], terms=[
        SlaTerm(metric="accuracy", scope="each category", threshold=0.995, min_sample=30)])
    term = check_delivery(terms, path).terms[0]
    assert {c.scope for c in term.realism} == {"c0", "c1"}
    for check in term.realism:
        assert check.best_accuracy == pytest.approx((1 + check.agreement_upper) / 2)
        assert check.agreement_upper < 0.99 and check.flagged
        assert f"(1 + {check.agreement_upper:.3f}) / 2 = {check.best_accuracy:.1%}" in (check.note or "")
    assert len(term.notes) == 2


def test_contract_audit_questions_accuracy_targets_above_measured_agreement() -> None:
    raw = complete()
    raw["quality"]["accuracy_target"] = 0.99
    profile = ContractProfile.model_validate(raw)
    as_of = date(2026, 12, 1)
    assert not [f for f in audit_profile(profile, as_of).findings if f.code.endswith("accuracy_above_agreement")]
    found = [f for f in audit_profile(profile, as_of, agreement=0.90).findings
             if f.code == "sla_terms.accuracy_above_agreement"]
    assert len(found) == 1 and "(1 + 0.900) / 2 = 95.0%" in found[0].reason
    assert "at or below 95.0%" in found[0].ask
    assert not [f for f in audit_profile(profile, as_of, agreement=0.98).findings
                if f.code.endswith("accuracy_above_agreement")]  # (1 + 0.98) / 2 = 0.99: reachable


def test_contract_audit_command_takes_measured_agreement(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    from annogov.cli import main

    raw = complete()
    raw["quality"]["accuracy_target"] = 0.99
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(raw))
    main(["contract-audit", str(path), "--agreement", "0.9", "--as-of", "2026-12-01"])
    assert "sla_terms.accuracy_above_agreement" in capsys.readouterr().out
    assert main(["contract-audit", str(path), "--agreement", "1.5"]) == 2


def test_tier_critical_needs_the_whole_interval_standard_the_point(tmp_path: Path) -> None:
    # 100 gold annotations, 97 correct: point 0.97 >= 0.95, Wilson interval starts below 0.95
    rows = [[f"i{i}", "r0", "b" if i < 3 else "a", "a"] for i in range(100)]
    path = _csv(tmp_path / "d.csv", ["item_id", "annotator_id", "label", "gold_label"], rows)
    low, high = 0.91548, 0.98975  # Wilson: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    results = {}
    for tier in ("standard", "critical"):
        terms = SlaTermSet(label_set=["a", "b"], terms=[
            SlaTerm(metric="accuracy", threshold=0.95, min_sample=30, tier=tier,
                    remedy={"kind": "fixed_per_breach", "amount": 100})])
        report = check_delivery(terms, path)
        results[tier] = report
        assert report.terms[0].ci == pytest.approx((low, high), abs=1e-5)
    assert results["standard"].terms[0].status == "pass" and results["standard"].credits == 0
    critical = results["critical"].terms[0]
    assert critical.status == "fail" and results["critical"].credits == 100
    assert "whole" not in (critical.reason or "") and "does not clear 0.95" in (critical.reason or "")
    # 100 of 100 correct: the interval [0.963, 1] clears 0.95, so critical passes too
    rows = [[f"i{i}", "r0", "a", "a"] for i in range(100)]
    path = _csv(tmp_path / "d.csv", ["item_id", "annotator_id", "label", "gold_label"], rows)
    terms = SlaTermSet(label_set=["a", "b"], terms=[SlaTerm(metric="accuracy", threshold=0.95, min_sample=30,
                                                            tier="critical")])
    assert check_delivery(terms, path).terms[0].status == "pass"


def _drift_delivery(tmp_path: Path, n: int) -> Path:
    """Batches B1 and B2 of n gold items per category; in B2, r1 mislabels 20% of the 'hard' items."""
    rows = []
    for batch in ("B1", "B2"):
        for cat in ("easy", "hard"):
            for i in range(n):
                item = f"{batch}-{cat}-{i}"
                for ann in ("r0", "r1"):
                    wrong = batch == "B2" and cat == "hard" and ann == "r1" and i % 5 == 0
                    rows.append([item, ann, "b" if wrong else "a", "a", cat, batch])
    return _csv(tmp_path / "d.csv", ["item_id", "annotator_id", "label", "gold_label", "category", "batch"], rows)


def test_drift_per_category_and_annotator_only_when_the_test_says_so(tmp_path: Path) -> None:
    from governance.quality.sla.drift import proportion_test

    terms = SlaTermSet(label_set=["a", "b"], drift_threshold=0.05,
                       terms=[SlaTerm(metric="accuracy", threshold=0.5, min_sample=1)])
    report = check_delivery(terms, _drift_delivery(tmp_path, 100))
    accuracy = {(d.group_kind, d.group): d for d in report.drift.drops if d.metric == "accuracy"}
    # hard: 200/200 -> 180/200 (drop 0.10); r1: 200/200 -> 180/200; overall 400/400 -> 380/400 (0.05: not beyond)
    assert set(accuracy) == {("category", "hard"), ("annotator", "r1")}
    hard = accuracy[("category", "hard")]
    assert (hard.previous, hard.current, hard.n_previous, hard.n_current) == (1.0, 0.9, 200, 200)
    pooled = 380 / 400
    assert hard.z == pytest.approx(0.1 / (pooled * (1 - pooled) * (2 / 200)) ** 0.5)
    assert hard.z == pytest.approx(proportion_test(200, 200, 180, 200, True)[0])
    assert hard.p_value is not None and hard.p_value < 0.05
    # the same shares on 10 items per category: a 0.10 drop, but z = 1.45, p = 0.07: noise
    small = check_delivery(terms, _drift_delivery(tmp_path, 10)).drift
    assert not [d for d in small.drops if d.metric == "accuracy"] and small.not_significant >= 2
    # threshold from the terms, overridden on the command line: 0.15 hides the 0.10 drops
    strict = check_delivery(terms.model_copy(update={"drift_threshold": 0.15}), _drift_delivery(tmp_path, 100))
    assert not [d for d in strict.drift.drops if d.metric == "accuracy"] and strict.drift.threshold == 0.15
    # percent agreement in 'hard' falls from 1 to 0.8 over 100 items: Welch z = 0.2 / sqrt(s2 / 100),
    # s2 = 0.8 x 0.2 x 100 / 99 (the items' agreement shares are 1 or 0)
    (agree,) = [d for d in strict.drift.drops if d.metric == "percent_agreement"]
    assert (agree.group_kind, agree.group) == ("category", "hard")
    assert agree.z == pytest.approx(0.2 / (0.8 * 0.2 * 100 / 99 / 100) ** 0.5)
    loose = check_delivery(terms, _drift_delivery(tmp_path, 100), drift_threshold=0.01)
    assert ("overall", "all") in {(d.group_kind, d.group) for d in loose.drift.drops if d.metric == "accuracy"}


def test_drift_threshold_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from annogov.cli import main

    path = _drift_delivery(tmp_path, 100)
    terms = tmp_path / "t.yaml"
    terms.write_text("label_set: [a, b]\ndrift_threshold: 0.25\nterms:\n  - {metric: accuracy, threshold: 0.5}\n")
    main(["sla-check", "--terms", str(terms), str(path)])
    assert "Drift by batch" not in capsys.readouterr().out
    main(["sla-check", "--terms", str(terms), str(path), "--drift-threshold", "0.05"])
    out = capsys.readouterr().out
    assert "accuracy (category hard): 1.000 in B1 (n=200) -> 0.900 in B2 (n=200)" in out
    assert "accuracy (annotator r1)" in out
    assert main(["sla-check", "--terms", str(terms), str(path), "--drift-threshold", "0"]) == 2


def test_week_and_batch_tables_per_group_add_up(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    import governance.quality.reading.delivery_counts as dc
    from governance.quality.reading.delivery import open_delivery
    from governance.quality.sla.drift import drift
    from governance.quality.sla.qa import period_table

    example = Path(__file__).resolve().parents[1] / "examples" / "delivery.csv"
    joint = dc.count_delivery(open_delivery(example, batch_rows=50))
    for dim in ("category", "annotator"):
        for week, total in joint.weeks.items():
            assert (joint.week_groups[dim][week].sum(axis=0) == total).all()
        grid = joint.tables[f"batch_{dim}_period"]
        assert (grid.sum(axis=1) == period_table(joint, "batch")).all()
    monkeypatch.setattr(dc, "_GROUP_BINS", 4_000)  # one table per grouping instead of the joint one
    monkeypatch.setattr(dc, "_JOINT_BINS", 0)
    apart = dc.count_delivery(open_delivery(example, batch_rows=50))
    for dim in ("category", "annotator"):
        assert joint.week_groups[dim].keys() == apart.week_groups[dim].keys()
        for week, table in joint.week_groups[dim].items():
            assert np.array_equal(table, apart.week_groups[dim][week])
        assert np.array_equal(joint.tables[f"batch_{dim}_period"], apart.tables[f"batch_{dim}_period"])
    # a grouping too large in some batch is dropped altogether, never kept with rows missing
    monkeypatch.setattr(dc, "_GROUP_BINS", 2_000)
    small = dc.count_delivery(open_delivery(example, batch_rows=50))
    assert "batch_category_period" not in small.tables
    report = drift(small, "batch", 0.05)
    assert all(d.group_kind != "category" for d in report.drops)
    assert any("per category" in n for n in report.notes)


def test_report_from_the_json_equals_the_report_from_the_check(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`sla-check --format json` carries every table, so `report --sla` shows what the check shows."""
    from annogov.cli import main
    from annogov.cli.report import check_sla, load_sla_result

    examples = Path(__file__).resolve().parents[1] / "examples"
    main(["sla-check", "--terms", str(examples / "sla-terms.yaml"), str(examples / "delivery.csv"),
          "--format", "json"])
    saved = tmp_path / "check.json"
    saved.write_text(capsys.readouterr().out)
    from_json = load_sla_result(saved)
    direct = check_sla(examples / "sla-terms.yaml", examples / "delivery.csv")
    assert from_json.model_dump() == direct.model_dump()
    titles = [c.title for c in from_json.categories]
    assert "Per-class precision, recall and F1 against gold" in titles and "SLA notes and reasons" in titles
    assert "Drift by batch" in titles
