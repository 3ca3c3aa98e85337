"""Label order: the contract's label set, else numeric order, else ordered and weighted metrics are
refused; published ordinal examples give their published values whatever order the rows come in."""

from __future__ import annotations

import json
import random
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.tests.test_inter_rater import anxiety

from annogov.cli import main
from contracts.sla_terms import SlaTerm, SlaTermSet
from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import count_delivery
from governance.quality.reading.label_order import natural_key
from governance.quality.sla.sla_check import check_delivery
from governance.quality.sla.sla_stats import agreement
from ingest import InputError

NAN = np.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers x 12
# units, values 1-5, missing data. Published: nominal .743, ordinal .815, interval .849, ratio .797.
K2011 = np.array([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
])


# Hayes & Krippendorff (2007), "Answering the call for a standard reliability measure for coding
# data", the evaluation data: 40 units (rows) x 5 observers, values 0-3, None = not coded.
# Published: ordinal alpha 0.7598 (interval 0.7574, nominal 0.4765).
HK2007 = [
    (1, 1, 2, None, 2),
    (1, 1, 0, 1, None),
    (2, 3, 3, 3, None),
    (None, 0, 0, None, 0),
    (0, 0, 0, None, 0),
    (0, 0, 0, None, 0),
    (1, 0, 2, None, 1),
    (1, None, 2, 0, None),
    (2, 2, 2, None, 2),
    (2, 1, 1, 1, None),
    (None, 1, 0, 0, None),
    (0, 0, 0, 0, None),
    (1, 2, 2, 2, None),
    (3, 3, 2, 2, 3),
    (1, 1, 1, None, 1),
    (1, 1, 1, None, 1),
    (2, 1, 2, None, 2),
    (1, 2, 3, 3, None),
    (1, 1, 0, 1, None),
    (0, 0, 0, None, 0),
    (0, 0, 1, 1, None),
    (0, 0, None, 0, 0),
    (2, 3, 3, 3, None),
    (0, 0, 0, 0, None),
    (1, 2, None, 2, 2),
    (0, 1, 1, 1, None),
    (0, 0, 0, 1, 0),
    (1, 2, 1, 2, None),
    (1, 1, 2, 2, None),
    (1, 1, 2, None, 2),
    (1, 1, 0, None, 0),
    (2, 1, 2, 1, None),
    (2, 2, None, 2, 2),
    (3, 2, 2, 2, None),
    (2, 2, 2, None, 2),
    (2, 2, 3, None, 2),
    (2, 2, 2, None, 2),
    (2, 2, None, 1, 2),
    (2, 2, 2, 2, None),
    (1, 1, 1, None, 1),
]


def _rows_of(matrix: np.ndarray) -> list[tuple[str, str, str]]:
    return [(f"u{u}", f"obs{o}", str(int(matrix[o, u])))
            for o in range(matrix.shape[0]) for u in range(matrix.shape[1]) if not np.isnan(matrix[o, u])]


def _csv(path: Path, rows: list[tuple[str, ...]], header: str = "item_id,annotator_id,label") -> Path:
    path.write_text(header + "\n" + "".join(",".join(r) + "\n" for r in rows))
    return path


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize(("level", "published"), [("nominal", 0.743), ("ordinal", 0.815),
                                                   ("interval", 0.849), ("ratio", 0.797)])
def test_krippendorff_2011_example_in_any_row_order(tmp_path: Path, seed: int, level: str,
                                                    published: float) -> None:
    rows = _rows_of(K2011)
    random.Random(seed).shuffle(rows)  # first appearance is no longer 1, 2, 3, 4, 5
    counts = count_delivery(open_delivery(_csv(tmp_path / "k.csv", rows)))
    assert counts.labels == ["1", "2", "3", "4", "5"] and counts.label_order == "numeric"
    est = agreement(counts, "krippendorff_alpha", level=level, ci=False)
    oracle = krippendorff.alpha(reliability_data=K2011, level_of_measurement=level)
    assert est.value == pytest.approx(oracle, abs=1e-12)
    assert round(est.value, 3) == published


@pytest.mark.parametrize("order", ["unit", "observer", "label descending", "shuffled"])
def test_hayes_krippendorff_2007_ordinal_alpha_in_any_row_order(tmp_path: Path, order: str) -> None:
    rows = [(f"unit{u + 1}", f"obs{o + 1}", str(v)) for u, row in enumerate(HK2007)
            for o, v in enumerate(row) if v is not None]
    if order == "observer":
        rows.sort(key=lambda r: (r[1], int(r[0][4:])))
    elif order == "label descending":  # first appearance would be 3, 2, 1, 0
        rows.sort(key=lambda r: -int(r[2]))
    elif order == "shuffled":
        random.Random(7).shuffle(rows)
    path = _csv(tmp_path / "hk.csv", rows)
    terms = SlaTermSet(terms=[SlaTerm(metric="krippendorff_alpha", level="ordinal", threshold=0.7, min_sample=20)])
    report = check_delivery(terms, path)
    matrix = np.array([[np.nan if v is None else v for v in row] for row in HK2007], float).T
    oracle = krippendorff.alpha(reliability_data=matrix, level_of_measurement="ordinal")
    assert report.terms[0].value == pytest.approx(oracle, abs=1e-12)
    assert round(report.terms[0].value or 0, 4) == 0.7598 and report.verdict == "pass"
    interval = agreement(count_delivery(open_delivery(path)), "krippendorff_alpha", level="interval", ci=False)
    assert round(interval.value or 0, 4) == 0.7574


def test_ordinal_verdict_does_not_flip_with_sorting(tmp_path: Path) -> None:
    terms = SlaTermSet(terms=[SlaTerm(metric="krippendorff_alpha", level="ordinal", threshold=0.8,
                                      min_sample=5)])
    rows = _rows_of(K2011)
    seen = set()
    for key in (None, lambda r: r[2], lambda r: r[2][::-1] + r[0], lambda r: (-int(r[2]), r[1])):
        ordered = rows if key is None else sorted(rows, key=key)  # type: ignore[arg-type]
        report = check_delivery(terms, _csv(tmp_path / "k.csv", ordered))
        seen.add((report.verdict, round(report.terms[0].value or 0, 12)))
    assert seen == {("pass", round(0.8153875037548814, 12))}


def test_statsmodels_anxiety_weighted_kappa_matches_r_irr(tmp_path: Path) -> None:
    """statsmodels' inter_rater data (R irr `anxiety`), raters 2 and 3: irr kappa2 gives 0.1459075
    with "equal" (linear) and 0.2520325 with "squared" (quadratic) weights."""
    rows = [(f"s{i}", f"r{r}", str(int(anxiety[i, r]))) for i in range(20) for r in (1, 2)]
    random.Random(5).shuffle(rows)
    counts = count_delivery(open_delivery(_csv(tmp_path / "a.csv", rows)))
    assert counts.label_order == "numeric"
    for weights, published in (("linear", 0.1459075), ("quadratic", 0.2520325), ("none", -0.006289308)):
        est = agreement(counts, "cohen_kappa", weights=weights, ci=False)
        assert est.value == pytest.approx(published, abs=1e-6)
        sk = cohen_kappa_score(anxiety[:, 1], anxiety[:, 2], weights=None if weights == "none" else weights)
        assert est.value == pytest.approx(sk, abs=1e-12)


def test_text_labels_without_an_order_refuse_ordered_metrics(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    rows = [(f"i{i}", f"r{a}", ["low", "mid", "high"][(i + a * (i % 3 == 0)) % 3])
            for i in range(30) for a in range(2)]
    path = _csv(tmp_path / "t.csv", rows)
    counts = count_delivery(open_delivery(path))
    assert counts.label_order == "unordered" and counts.labels == ["high", "low", "mid"]
    with pytest.raises(InputError, match="--labels") as err:
        agreement(counts, "cohen_kappa", weights="linear")
    assert err.value.problems[0].location.column == "label"
    with pytest.raises(InputError):
        agreement(counts, "krippendorff_alpha", level="ordinal")
    assert agreement(counts, "cohen_kappa").value is not None  # nominal needs no order
    assert main(["agreement", str(path), "--metric", "cohen", "--weighting", "linear"]) == 2
    assert "t.csv, column 'label'" in capsys.readouterr().err
    # stated order: the weights use it (low < mid < high), as scikit-learn does with `labels`
    code = main(["agreement", str(path), "--metric", "cohen", "--weighting", "linear", "--labels",
                 "low,mid,high", "--format", "json"])
    assert code == 0
    out = capsys.readouterr().out
    a = [r[2] for r in rows if r[1] == "r0"]
    b = [r[2] for r in rows if r[1] == "r1"]
    expected = cohen_kappa_score(a, b, labels=["low", "mid", "high"], weights="linear")
    assert f'"value": {expected}'[:20] in out
    terms = tmp_path / "terms.yaml"
    terms.write_text("terms:\n  - {metric: cohen_kappa, weights: linear, threshold: 0.5}\n")
    assert main(["sla-check", "--terms", str(terms), str(path)]) == 2
    assert "--labels" in capsys.readouterr().err
    code = main(["sla-check", "--terms", str(terms), str(path), "--labels", "low,mid,high"])
    assert code in (0, 1)


def test_options_a_metric_does_not_apply_are_refused(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """Weights belong to the kappa family (Fleiss' included, Gwet's weighted form), levels to
    Krippendorff's alpha; anything else exits 2, and the JSON never echoes an unused option."""
    rows = [(f"i{i}", f"r{a}", str(1 + (i * (a + 1)) % 4)) for i in range(20) for a in range(3)]
    path = _csv(tmp_path / "n.csv", rows)
    assert main(["agreement", str(path), "--metric", "percent", "--weighting", "quadratic"]) == 2
    assert "percent_agreement takes no weights" in capsys.readouterr().err
    assert main(["agreement", str(path), "--metric", "cohen", "--level", "ordinal"]) == 2
    assert "Krippendorff" in capsys.readouterr().err
    assert main(["agreement", str(path), "--metric", "conger", "--missing", "gwet"]) == 2
    assert "conger_kappa has no missing-ratings convention" in capsys.readouterr().err
    assert main(["agreement", str(path), "--metric", "kappa", "--weighting", "linear"]) == 2  # 3 annotators
    assert "name the multi-rater coefficient" in capsys.readouterr().err
    # weighted Fleiss is Gwet's (chance-corrected framework): the weights are applied and named
    assert main(["agreement", str(path), "--metric", "fleiss", "--weighting", "quadratic", "--format", "json"]) == 0
    weighted = json.loads(capsys.readouterr().out)
    assert main(["agreement", str(path), "--metric", "fleiss", "--format", "json"]) == 0
    plain = json.loads(capsys.readouterr().out)
    assert (weighted["weights"], plain["weights"]) == ("quadratic", "none")
    assert weighted["value"] != plain["value"]
    assert main(["agreement", str(path), "--metric", "fleiss", "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert '"weights": "none"' in out and '"level": null' in out  # Fleiss is in the weighted family
    with pytest.raises(ValueError, match="percent_agreement takes no weights"):
        SlaTerm(metric="percent_agreement", weights="quadratic", threshold=0.8)
    with pytest.raises(ValueError, match="Krippendorff's alpha only"):
        SlaTerm(metric="kappa", level="ordinal", threshold=0.8)
    terms = tmp_path / "terms.yaml"
    terms.write_text("terms:\n  - metric: percent_agreement\n    weights: quadratic\n    threshold: 0.8\n")
    assert main(["sla-check", "--terms", str(terms), str(path)]) == 2
    assert "terms.yaml, row 2" in capsys.readouterr().err


def test_reordered_labels_keep_gold_and_pairs_right(tmp_path: Path) -> None:
    """Labels first seen as 3, 1, 2 are recoded to 1, 2, 3 everywhere: the confusion matrix, the
    per-class scores and Cohen's kappa agree with scikit-learn on the raw rows."""
    a = ["3", "1", "2", "3", "2", "1", "3", "3", "2", "1"]
    b = ["3", "1", "1", "3", "2", "2", "2", "3", "2", "1"]
    gold = ["3", "1", "2", "2", "2", "1", "3", "3", "1", "1"]
    rows = [(f"i{i}", ann, lab, gold[i]) for i in range(10) for ann, lab in (("x", a[i]), ("y", b[i]))]
    path = tmp_path / "g.csv"
    path.write_text("item_id,annotator_id,label,gold_label\n" + "".join(",".join(r) + "\n" for r in rows))
    terms = SlaTermSet(terms=[SlaTerm(metric="cohen_kappa", weights="linear", threshold=0.1, min_sample=5)])
    report = check_delivery(terms, path)
    assert report.confusion.labels == ["1", "2", "3"]
    from sklearn.metrics import confusion_matrix, f1_score

    expected = confusion_matrix(gold + gold, a + b, labels=["1", "2", "3"])
    assert report.confusion.matrix == expected.tolist()
    f1 = f1_score(gold + gold, a + b, labels=["1", "2", "3"], average=None)
    assert [c.f1 for c in report.confusion.classes] == pytest.approx(list(f1))
    assert report.terms[0].value == pytest.approx(cohen_kappa_score(a, b, weights="linear"))


def test_long_row_api_refuses_options_and_unordered_text_too() -> None:
    from governance.quality.stats.agreement import agreement as rows_agreement

    items, who = ["i1", "i1", "i2", "i2", "i3", "i3"], ["a", "b"] * 3
    labels = ["low", "high", "mid", "mid", "high", "high"]
    with pytest.raises(ValueError, match="fleiss takes no weights"):
        rows_agreement(items, who, labels, metric="fleiss", weights="quadratic")
    with pytest.raises(ValueError, match="Krippendorff"):
        rows_agreement(items, who, labels, metric="cohen", level="ordinal")
    with pytest.raises(ValueError, match="pass label_set in order"):
        rows_agreement(items, who, labels, metric="cohen", weights="linear")
    stated = rows_agreement(items, who, labels, metric="cohen", weights="linear", label_set=["low", "mid", "high"],
                            ci="none")
    expected = cohen_kappa_score(["low", "mid", "high"], ["high", "mid", "high"], weights="linear",
                                 labels=["low", "mid", "high"])
    assert stated.overall.value == pytest.approx(expected)
    numeric = rows_agreement(items, who, ["1", "3", "2", "2", "3", "3"], metric="cohen", weights="linear", ci="none")
    assert numeric.overall.value == pytest.approx(expected)  # 1 < 2 < 3 without a label set


def test_names_equal_as_numbers_sort_by_text_whatever_came_first() -> None:
    # 'b1' and 'b01' (or 'w-7' and 'w-07') have the same natural key parts; the order of batches,
    # categories and annotator rows must still not depend on which one a file names first
    names = ["b01", "b1", "b2", "b10", "B1"]
    assert sorted(names, key=natural_key) == sorted(reversed(names), key=natural_key)
    assert sorted(names, key=natural_key) == ["B1", "b01", "b1", "b2", "b10"]
