"""The stated rules that turn measurements into suggested scores, with hand-computed values."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from scipy.stats import fisher_exact

from governance.quality.reading.delivery import open_delivery
from governance.quality.stats.paired import DROP_METHOD, rate_drop
from governance.quality.vendors.prelabel import prelabel_evidence
from ingest import InputError
from scorecard.measured import suggest_ai_score, suggest_quality_score


@pytest.mark.parametrize(
    ("kappa", "defects", "accuracy", "expected"),
    [
        (0.80, 0.01, {"a": 0.97, "b": 0.95}, 5),  # the rubric's 5 anchor, exactly at the bounds
        (0.85, 0.004, {"a": 0.99}, 5),
        (0.79, 0.004, {"a": 0.99}, 4),  # kappa just under 0.80
        (0.90, 0.011, {"a": 0.99}, 4),  # defects just over 1%
        (0.65, 0.03, {"a": 0.99}, 3),  # the 3 anchor: agreement measured, defects a few percent
        (0.90, 0.005, {"common": 0.98, "rare": 0.60}, 1),  # a rare category cannot hide behind the average
        (0.50, 0.20, {"a": 0.80}, 1),  # defects over 10% earn 1
        (None, 0.02, {}, 4),  # only defects measured
    ],
)
def test_quality_rule_by_hand(kappa: float | None, defects: float | None, accuracy: dict, expected: int) -> None:
    s = suggest_quality_score(kappa, defects, accuracy, source="d.csv")
    assert s.score == expected
    assert s.source == "d.csv" and "kappa >= 0.80 -> 5" in s.rule


def test_quality_rule_names_the_weakest_category() -> None:
    s = suggest_quality_score(0.9, 0.0, {"billing": 0.96, "fraud": 0.86, "legal": 0.91}, source="x")
    part = next(p for p in s.parts if p.measure == "category_accuracy")
    assert part.score == 3 and "fraud" in part.reason and s.score == 3


def test_quality_rule_without_measures() -> None:
    s = suggest_quality_score(None, None, {"a": None}, source="x")
    assert s.score is None and all(p.score is None for p in s.parts)


def test_ai_rule() -> None:
    assert suggest_ai_score(0.01, 0.9, source="x", parts=[]).score == 2
    assert suggest_ai_score(0.2, None, source="x", parts=[]).score == 4
    assert suggest_ai_score(None, None, source="x", parts=[]).score is None


def _delivery(path: Path, rows: list[tuple[str, str, str, str, str]]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["item_id", "annotator_id", "label", "gold_label", "qa_result", "prelabelled"])
        for i, (label, gold, qa, pre, ann) in enumerate(rows):
            w.writerow([f"i{i}", ann, label, gold, qa, pre])
    return path


def test_prelabel_evidence_by_hand(tmp_path: Path) -> None:
    # pre-labelled: 20 gold rows, 12 right; human-only: 20 gold rows, 19 right
    rows = [("a" if i < 12 else "b", "a", "", "yes", "x") for i in range(20)]
    rows += [("a" if i < 19 else "b", "a", "", "no", "y") for i in range(20)]
    # QA: pre-labelled 3 of 10 failed, human-only 1 of 10 failed
    rows += [("a", "", "fail" if i < 3 else "pass", "yes", "x") for i in range(10)]
    rows += [("a", "", "fail" if i < 1 else "pass", "no", "y") for i in range(10)]
    e = prelabel_evidence(open_delivery(_delivery(tmp_path / "d.csv", rows)))
    assert (e.prelabelled.gold, e.prelabelled.right, e.human_only.gold, e.human_only.right) == (20, 12, 20, 19)
    assert (e.prelabelled.reviewed, e.prelabelled.corrected, e.human_only.corrected) == (10, 3, 1)
    # 8 and 1 wrong: under 10 failures per group the normal approximation is not used; Fisher's exact test:
    # X = right among the 20 pre-labelled, hypergeometric (40 items, 31 right, 20 drawn), X >= 11, so
    # P(X <= 12) = (C(31,11) C(9,9) + C(31,12) C(9,8)) / C(40,20) = 0.0098280
    assert e.accuracy_drop.z is None and e.accuracy_drop.method.startswith("one-sided Fisher exact")
    assert e.accuracy_drop.p_value == pytest.approx(
        (math.comb(31, 11) + math.comb(31, 12) * 9) / math.comb(40, 20), rel=1e-12
    )
    assert e.accuracy_drop.p_value == pytest.approx(0.0098280, abs=1e-7)
    assert e.accuracy_drop.p_value == pytest.approx(fisher_exact([[12, 8], [19, 1]], alternative="less").pvalue)
    # 10 reviewed per group is the minimum: QA 7/10 passed vs 9/10, Fisher P(X <= 7) of (20, 16, 10)
    assert e.correction_rise.p_value == pytest.approx(
        sum(math.comb(16, x) * math.comb(4, 10 - x) for x in (6, 7)) / math.comb(20, 10), rel=1e-12
    )
    assert e.suggestion.score == 2 and e.suggestion.source == "d.csv"


def test_prelabel_below_the_minimum_sample_says_too_few_items(tmp_path: Path) -> None:
    # 9 pre-labelled gold items (all wrong) against 30 human-only (all right): no verdict from 9 items
    rows = [("b", "a", "", "yes", "x") for _ in range(9)] + [("a", "a", "", "no", "y") for _ in range(30)]
    e = prelabel_evidence(open_delivery(_delivery(tmp_path / "d.csv", rows)))
    assert e.accuracy_drop.p_value is None and e.accuracy_drop.reason is not None
    assert "too few items: 9 and 30, each group needs at least 10" in e.accuracy_drop.reason
    part = next(p for p in e.suggestion.parts if p.measure == "accuracy_prelabelled_vs_human")
    assert "too few items" in part.reason and "no verdict" in part.reason
    assert e.suggestion.score is None  # neither comparison had enough items


def test_the_z_test_needs_ten_successes_and_ten_failures_per_group() -> None:
    # 80/100 vs 60/100: every cell >= 10, z-test: pooled 0.7, se = sqrt(0.7 * 0.3 * 0.02) = 0.0648074,
    # z = 0.2 / se = 3.08607, p = 0.0010137
    t = rate_drop(80, 100, 60, 100)
    assert t.method == DROP_METHOD and t.z == pytest.approx(3.08607, abs=1e-5)
    assert t.p_value == pytest.approx(0.0010137, abs=1e-6)
    # 95/100 vs 85/100: 5 failures before, under the rule: Fisher's exact test
    f = rate_drop(95, 100, 85, 100)
    assert f.z is None and f.p_value == pytest.approx(fisher_exact([[85, 15], [95, 5]], alternative="less").pvalue)
    assert rate_drop(9, 9, 9, 9).reason is not None and rate_drop(10, 10, 10, 10).reason is None


def test_prelabel_bad_flag_is_located(tmp_path: Path) -> None:
    path = _delivery(tmp_path / "d.csv", [("a", "a", "", "yes", "x"), ("a", "a", "", "maybe", "x")])
    with pytest.raises(InputError) as err:
        prelabel_evidence(open_delivery(path))
    (p,) = err.value.problems
    assert (p.location.row, p.location.column) == (3, "prelabelled")


def test_a_rate_over_too_few_observations_is_not_scored() -> None:
    # one wrong gold item in a category with 2 gold items (50%) would alone have earned 1
    s = suggest_quality_score(
        0.9, 0.0, {"common": 0.97, "rare": 0.5}, source="x", reviewed=200, category_gold={"common": 120, "rare": 2}
    )
    part = next(p for p in s.parts if p.measure == "category_accuracy")
    assert s.score == 5 and part.value == 0.97 and "rare" in part.reason and "fewer than 10" in part.reason
    # 1 failed of 3 reviewed (33%) is not a defect rate to score on
    s = suggest_quality_score(0.9, 1 / 3, {"a": 0.97}, source="x", reviewed=3, category_gold={"a": 50})
    part = next(p for p in s.parts if p.measure == "defect_rate")
    assert s.score == 5 and part.score is None and "too few" in part.reason
    # at the minimum the rate counts
    s = suggest_quality_score(0.9, 0.1, {"a": 0.7}, source="x", reviewed=10, category_gold={"a": 10})
    assert s.score == 1
    only_few = suggest_quality_score(None, None, {"a": 0.0}, source="x", category_gold={"a": 1})
    assert only_few.score is None


def _edge_delivery(path: Path) -> Path:
    """Two annotators on 10 items, (yes, yes) 3, (yes, no) 1, (no, yes) 2, (no, no) 4: Cohen's kappa
    is exactly (0.7 - 0.5) / (1 - 0.5) = 0.4, which floating point computes as 0.3999999999999999."""
    rows = ["item_id,annotator_id,label"]
    pairs = [("y", "y")] * 3 + [("y", "n")] + [("n", "y")] * 2 + [("n", "n")] * 4
    for i, (first, second) in enumerate(pairs):
        rows += [f"i{i},a1,{first}", f"i{i},a2,{second}"]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_value_exactly_on_a_threshold_meets_it(tmp_path: Path) -> None:
    from contracts.sla_terms import SlaTerm
    from governance.quality.reading.delivery_counts import count_delivery
    from governance.quality.sla.sla_stats import agreement

    kappa = agreement(count_delivery(open_delivery(_edge_delivery(tmp_path / "d.csv")), ["n", "y"]), "cohen_kappa",
                      ci=False).value
    assert kappa == pytest.approx(0.4, abs=1e-12)
    part = suggest_quality_score(kappa, None, {}, source="d.csv").parts[0]
    assert part.score == 2 and "0.400 earns 2" in part.reason  # was 1 beside 'kappa 0.400'
    assert SlaTerm(metric="kappa", threshold=0.4).holds(kappa)  # sla-check said FAIL 0.4 against >= 0.4
    assert not SlaTerm(metric="kappa", threshold=0.4).holds(0.4 - 1e-6)


def test_a_stored_delivery_gives_the_same_ai_evidence_as_its_file(tmp_path: Path) -> None:
    from governance.quality.reading.delivery_counts import count_delivery
    from governance.quality.vendors.history import StoredDelivery, measure_delivery, measured_suggestions
    from governance.quality.vendors.prelabel import marked_prelabel

    rows = [("a" if i < 12 else "b", "a", "", "yes", "x") for i in range(20)]
    rows += [("a" if i < 19 else "b", "a", "", "no", "y") for i in range(20)]
    source = open_delivery(_delivery(tmp_path / "d.csv", rows))
    m = measure_delivery(count_delivery(source, ["a", "b"]), prelabel=marked_prelabel(source))
    stored = StoredDelivery(id=7, provider="Acme", label="wk 48", delivered_on="2026-11-27", guideline_version="v1",
                            measures=m)
    ai = measured_suggestions([stored])["Acme"]["ai_throughput"]
    direct = prelabel_evidence(source).suggestion
    assert (ai.score, ai.parts) == (direct.score, direct.parts) == (2, direct.parts)
    assert ai.source == "wk 48 (delivery 7, 2026-11-27)"
    plain = tmp_path / "plain.csv"
    plain.write_text("item_id,annotator_id,label\ni1,x,a\n")
    assert marked_prelabel(open_delivery(plain)) is None  # nothing marked: no AI evidence stored
