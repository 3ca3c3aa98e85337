"""SLA evaluation: statuses, verdict, credits, evidence, target realism, and coefficients that
match scikit-learn and statsmodels on the streamed count tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss

from contracts.sla_term_files import load_term_set
from contracts.sla_terms import SlaTerm, SlaTermSet, default_term_set
from governance.quality.reading.delivery import open_delivery, read_delivery_table
from governance.quality.reading.delivery_counts import DeliveryCounts, count_delivery
from governance.quality.sla.sla_check import check_counts, check_delivery
from governance.quality.sla.sla_stats import agreement, annotators_in, resolve_metric

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
LABELS = ["a", "b", "c", "d"]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    header = list(rows[0])
    path.write_text("\n".join([",".join(header)] + [
        ",".join("" if r.get(h) is None else str(r[h]) for h in header) for r in rows]) + "\n")
    return path


def _random_delivery(tmp_path: Path, annotators: int, items: int = 300, seed: int = 0,
                     noise: float = 0.3) -> Path:
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(items):
        truth = rng.integers(0, 3)  # label 'd' is allowed but never used
        for a in range(annotators):
            lab = truth if rng.random() > noise else rng.integers(0, 3)
            rows.append({"item_id": f"i{i}", "annotator_id": f"r{a}", "label": LABELS[lab],
                         "category": f"c{i % 3}", "task_type": "complex" if i % 2 else "simple"})
    return _write(tmp_path / "d.csv", rows)


def test_example_shows_every_status() -> None:
    report = check_delivery(load_term_set(EXAMPLES / "sla-terms.yaml"), EXAMPLES / "delivery.csv")
    statuses = {t.id: t.status for t in report.terms}
    assert set(statuses.values()) == {"pass", "fail", "inconclusive"}
    assert report.verdict == "fail"
    # credits: 5% of 48,000 for kappa-complex + one 500 coverage breach
    assert report.credits == pytest.approx(2900.0)
    coverage = next(t for t in report.terms if t.metric == "qa_coverage")
    assert coverage.status == "fail" and coverage.evidence[0].group == "construction_zone"
    assert coverage.evidence[0].note == "0 reviewed of 34, 4 required"
    defect = next(t for t in report.terms if t.metric == "defect_rate")
    assert defect.status == "inconclusive" and "below the minimum" in (defect.reason or "")
    accuracy = next(t for t in report.terms if t.metric == "accuracy")
    assert any("target realism" in n and "construction_zone" in n for n in accuracy.notes)
    payload = report.to_payload()
    assert list(payload)[:3] == ["verdict", "credits", "terms"]
    assert list(payload["terms"][0])[:10] == ["metric", "scope", "status", "value", "ci", "threshold",
                                              "comparator", "n", "evidence", "remedy"]


def test_kappa_is_cohen_for_two_and_matches_sklearn(tmp_path: Path) -> None:
    path = _random_delivery(tmp_path, annotators=2)
    counts = count_delivery(open_delivery(path), LABELS)
    assert resolve_metric(counts, "kappa") == "cohen_kappa"
    table = read_delivery_table(open_delivery(path)).to_pandas()
    wide = table.pivot(index="item_id", columns="annotator_id", values="label")
    for weights, sk in (("none", None), ("linear", "linear"), ("quadratic", "quadratic")):
        est = agreement(counts, "kappa", weights=weights)
        expected = cohen_kappa_score(wide["r0"], wide["r1"], labels=LABELS, weights=sk)
        assert est.value == pytest.approx(expected, abs=1e-12)
        assert est.ci is not None and est.ci[0] < est.value < est.ci[1]


def test_kappa_is_fleiss_for_more_and_matches_statsmodels(tmp_path: Path) -> None:
    path = _random_delivery(tmp_path, annotators=4, seed=3)
    counts = count_delivery(open_delivery(path), LABELS)
    assert resolve_metric(counts, "kappa") == "fleiss_kappa"
    table = read_delivery_table(open_delivery(path)).to_pandas()
    wide = table.pivot(index="item_id", columns="annotator_id", values="label")
    codes = wide.apply(lambda col: col.map({v: i for i, v in enumerate(LABELS)}))
    cat_table, _ = aggregate_raters(codes.to_numpy(), n_cat=len(LABELS))
    assert agreement(counts, "kappa").value == pytest.approx(sm_fleiss(cat_table), abs=1e-12)
    # per-group coefficient equals the coefficient on that group's rows alone
    simple = agreement(counts, "kappa", counts.item_task_type == counts.task_types.index("simple"))
    sub = table[table["task_type"] == "simple"].pivot(index="item_id", columns="annotator_id",
                                                      values="label")
    sub_codes = sub.apply(lambda col: col.map({v: i for i, v in enumerate(LABELS)}))
    assert simple.value == pytest.approx(
        sm_fleiss(aggregate_raters(sub_codes.to_numpy(), n_cat=4)[0]), abs=1e-12)


def test_annotators_in_a_selection_counted_block_by_block() -> None:
    """Blocks of items, a selection whose second annotator sits in the last block, more than 64
    annotators (two mask words): the count, and Cohen only for exactly two, match a plain count."""
    rng = np.random.default_rng(5)
    n, n_ann = 100_000, 70
    who = rng.integers(0, n_ann, n)
    mask = np.zeros((n, 2), np.uint64)
    mask[np.arange(n), who >> 6] = np.left_shift(np.uint64(1), (who & 63).astype(np.uint64))
    counts = DeliveryCounts(file="x", item_annotators=mask)
    two = np.zeros(n, bool)
    two[np.flatnonzero(who == 3)[:5]] = True
    two[np.flatnonzero(who == 66)[-5:]] = True
    for items in (two, who < 2, (who % 7 == 0) & (np.arange(n) > n - 40_000), rng.random(n) < 0.3, None):
        expected = len(set(who.tolist() if items is None else who[items].tolist()))
        assert annotators_in(counts, items) == expected
        assert (resolve_metric(counts, "kappa", items) == "cohen_kappa") == (expected == 2)


def test_undefined_statistic_makes_the_term_inconclusive(tmp_path: Path) -> None:
    rows = [{"item_id": f"i{i}", "annotator_id": f"r{a}", "label": "a"}
            for i in range(80) for a in range(2)]
    counts = count_delivery(open_delivery(_write(tmp_path / "d.csv", rows)), LABELS)
    terms = SlaTermSet(terms=[SlaTerm(metric="kappa", threshold=0.8, min_sample=10),
                              SlaTerm(metric="percent_agreement", threshold=0.9, min_sample=10)])
    report = check_counts(terms, counts)
    kappa, percent = report.terms
    assert kappa.status == "inconclusive" and kappa.value is None
    assert "one category" in (kappa.reason or "")
    assert percent.status == "pass" and percent.value == 1.0
    assert report.verdict == "inconclusive"


def test_default_terms_on_a_delivery_without_qa_columns(tmp_path: Path) -> None:
    path = _random_delivery(tmp_path, annotators=2, noise=0.02, seed=9)
    report = check_delivery(default_term_set(), path)
    by_id = {t.id: t for t in report.terms}
    assert by_id["kappa-simple"].status == "pass"
    assert by_id["defect-rate"].status == "inconclusive"
    assert "qa_result" in (by_id["defect-rate"].reason or "")
    assert by_id["qa-coverage"].status == "fail"  # nothing reviewed in any category
    assert {e.group for e in by_id["qa-coverage"].evidence} == {"c0", "c1", "c2"}


def test_each_category_counts_breaches_and_caps_credits(tmp_path: Path) -> None:
    path = _random_delivery(tmp_path, annotators=2, seed=4)
    terms = SlaTermSet(period_fee=10_000, total_credit_cap=1_000, terms=[
        SlaTerm(metric="percent_agreement", scope="each category", threshold=0.99, min_sample=5,
                remedy={"kind": "fixed_per_breach", "amount": 400}),
        SlaTerm(metric="kappa", scope="task_type:complex", threshold=0.99, min_sample=5,
                remedy={"kind": "percent_of_fee", "amount": 5})])
    report = check_delivery(terms, path)
    each, kappa = report.terms
    assert each.status == "fail" and each.remedy is not None and each.remedy.breaches == 3
    assert each.remedy.amount == 1200
    assert kappa.remedy is not None and kappa.remedy.amount == 500
    assert report.credits == 1000  # total cap
    assert [e.status for e in each.evidence] == ["fail"] * 3
    values = [e.value for e in each.evidence]
    assert values == sorted(values)  # worst first


def test_drift_flags_a_drop_between_batches(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    rows = []
    for i in range(200):
        batch = "b1" if i < 100 else "b2"
        truth = rng.integers(0, 3)
        for a in range(2):
            noise = 0.05 if batch == "b1" else 0.5
            lab = truth if rng.random() > noise else (truth + 1) % 3
            rows.append({"item_id": f"i{i}", "annotator_id": f"r{a}", "label": LABELS[lab],
                         "batch": batch})
    counts = count_delivery(open_delivery(_write(tmp_path / "d.csv", rows)), LABELS)
    report = check_counts(default_term_set(), counts)
    assert report.drift.by == "batch" and [p.period for p in report.drift.periods] == ["b1", "b2"]
    drops = [d for d in report.drift.drops if d.metric == "percent_agreement"]
    assert len(drops) == 1 and drops[0].period == "b2" and drops[0].change < -0.05


def test_streamed_tables_give_the_same_estimates_as_long_rows(tmp_path: Path) -> None:
    from governance.quality.stats.agreement import agreement as long_agreement

    path = _random_delivery(tmp_path, annotators=3, seed=11)
    counts = count_delivery(open_delivery(path, batch_rows=100), LABELS)
    table = read_delivery_table(open_delivery(path)).to_pandas()
    for ours, theirs in (("fleiss_kappa", "fleiss"), ("percent_agreement", "percent"),
                         ("krippendorff_alpha", "krippendorff")):
        mine = agreement(counts, ours, seed=4)
        ref = long_agreement(table["item_id"], table["annotator_id"], table["label"],
                             metric=theirs, label_set=LABELS, seed=4).overall  # type: ignore[arg-type]
        assert mine.value == pytest.approx(ref.value, abs=1e-12)
        assert mine.ci == pytest.approx(ref.ci, abs=1e-12)
