"""Pilot comparison: exact McNemar and Holm by hand and against statsmodels, the example pilot
checked from its files, invariance to row order and provider names, and bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annogov.cli import main
from governance.quality.stats.paired import holm, mcnemar_exact, mcnemar_p, proportion_drop
from governance.quality.vendors.pilot import load_pilot_spec, run_pilot
from ingest import InputError

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "pilot"


@pytest.mark.parametrize(
    ("b", "c", "expected"),
    [
        (1, 12, 2 * (1 + 13) / 2**13),  # 0.00341796875
        (0, 10, 2 / 2**10),
        (3, 1, 2 * (1 + 4) / 2**4),  # 0.625
        (2, 2, 1.0),  # 2 * (1 + 4 + 6) / 16 > 1, capped
        (0, 0, 1.0),
        (8, 0, 2 / 2**8),
    ],
)
def test_mcnemar_exact_by_hand(b: int, c: int, expected: float) -> None:
    assert mcnemar_p(b, c) == pytest.approx(expected, abs=1e-15)
    assert mcnemar_p(c, b) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize(
    ("n11", "b", "c", "n00"),
    # the last: a large shared gold set with many discordant items (a sum of exact big binomials
    # over 100,000 terms left the pilot command and page hanging for many minutes)
    [(10, 1, 12, 7), (5, 0, 3, 2), (40, 9, 2, 1), (3, 20, 25, 0), (1000, 99_700, 100_300, 1000)],
)
def test_mcnemar_matches_statsmodels(n11: int, b: int, c: int, n00: int) -> None:
    from statsmodels.stats.contingency_tables import mcnemar

    first = [True] * n11 + [True] * b + [False] * c + [False] * n00
    second = [True] * n11 + [False] * b + [True] * c + [False] * n00
    t = mcnemar_exact(first, second)
    assert (t.both_right, t.b, t.c, t.both_wrong) == (n11, b, c, n00)
    assert t.p_value == pytest.approx(mcnemar([[n11, b], [c, n00]], exact=True).pvalue, abs=1e-12)


def test_holm_by_hand() -> None:
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, max(0.06, 1 x 0.04) = 0.06
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm([0.5, 0.9]) == pytest.approx([1.0, 1.0])


def test_proportion_drop_by_hand_and_statsmodels() -> None:
    from statsmodels.stats.proportion import proportions_ztest

    t = proportion_drop(90, 100, 80, 100)
    # pooled 0.85; se = sqrt(0.85 * 0.15 * (1/100 + 1/100)) = 0.0504975; z = 0.10 / se = 1.98030
    assert t.z == pytest.approx(1.98030, abs=1e-5)
    assert t.p_value == pytest.approx(0.023835, abs=1e-5)
    _, p = proportions_ztest([90, 80], [100, 100], alternative="larger")
    assert t.p_value == pytest.approx(p, abs=1e-12)
    assert proportion_drop(0, 10, 0, 10).p_value is None
    assert proportion_drop(5, 0, 1, 10).p_value is None


def _right_by_item(delivery: Path, gold: dict[str, str]) -> dict[str, bool]:
    frame = pd.read_csv(delivery)
    frame = frame[frame["item_id"].isin(gold)]
    out = {}
    for item, rows in frame.groupby("item_id"):
        out[str(item)] = 2 * int((rows["label"] == gold[str(item)]).sum()) > len(rows)
    return out


def test_example_pilot_checked_from_the_files() -> None:
    spec = load_pilot_spec(EXAMPLE / "pilot.yaml")
    report = run_pilot(spec, base_dir=EXAMPLE)
    gold_frame = pd.read_csv(EXAMPLE / "gold-set.csv")
    gold_frame = gold_frame[gold_frame["qualification"] == "no"]
    gold = dict(zip(gold_frame["item_id"], gold_frame["gold_label"], strict=True))
    category = dict(zip(gold_frame["item_id"], gold_frame["category"], strict=True))
    assert report.shared_gold_items == len(gold) == 190
    right = {p.name: _right_by_item(EXAMPLE / p.delivery, gold) for p in spec.providers}
    for p in report.providers:
        for row in p.per_category:
            items = [i for i in gold if category[i] == row.category]
            assert row.items == len(items)
            assert row.right == sum(right[p.name][i] for i in items)
    north, tessellate = "Northwind Labeling", "Tessellate AI Services"
    pair = next(pr for pr in report.pairs if (pr.first, pr.second) == (north, tessellate))
    for pc in pair.categories:
        items = [i for i in gold if category[i] == pc.category]
        assert pc.b == sum(right[north][i] and not right[tessellate][i] for i in items)
        assert pc.c == sum(right[tessellate][i] and not right[north][i] for i in items)
        assert pc.p_value == pytest.approx(mcnemar_p(pc.b, pc.c))
    verdicts = {pc.category: pc.better for pc in pair.categories}
    assert verdicts["animal"] == tessellate and verdicts["e_scooter_rider"] == tessellate
    assert all(verdicts[c] is None for c in ("vehicle", "pedestrian", "cyclist", "traffic_sign"))
    by_name = {p.name: p for p in report.providers}
    # the stated rule: Tessellate's weakest category (cyclist 28/30 = 93.3%) and defects (1.4%) earn 4;
    # Northwind's animal accuracy of 18/30 = 60% earns 1 whatever its kappa
    assert by_name[tessellate].quality_suggestion.score == 4
    assert by_name[north].quality_suggestion.score == 1
    assert "'animal' at 60.0% earns 1" in by_name[north].quality_suggestion.parts[2].reason
    ai = by_name[tessellate].ai_evidence
    assert ai is not None and ai.suggestion.score == 4 and ai.suggestion.source == "tessellate-delivery.csv"
    assert by_name[north].ai_evidence is None  # no prelabelled column
    assert by_name[tessellate].cost_per_usable_label == pytest.approx(
        0.16 * by_name[tessellate].annotations / by_name[tessellate].items / (by_name[tessellate].accuracy.value or 1)
    )


def _write(path: Path, rows: list[list[str]], header: list[str]) -> None:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def _small_pilot(tmp: Path, order: list[int], names: tuple[str, str], share: bool = True) -> Path:
    labels = ["cat", "dog", "bird"]
    gold = [(f"g{i}", labels[i % 3], "rare" if i % 3 == 2 else "common") for i in range(12)]
    _write(tmp / "gold.csv", [[i, c, lab] for i, lab, c in gold], ["item_id", "category", "gold_label"])
    for n, (name, wrong) in enumerate(zip(names, ({1, 2, 5}, {2, 8}), strict=True)):
        rows = []
        for k, (item, lab, cat) in enumerate(gold):
            answer = labels[(labels.index(lab) + 1) % 3] if k in wrong else lab
            item_id = item if share else f"{item}-{n}"
            rows.append([item_id, f"a{k % 2}", answer, cat])
            rows.append([item_id, f"a{(k + 1) % 2}", lab if k % 4 else answer, cat])
        _write(tmp / f"{name}.csv", [rows[i] for i in order], ["item_id", "annotator_id", "label", "category"])
    spec = ["label_set: [cat, dog, bird]", "gold: gold.csv", "providers:"]
    for name in names:
        spec += [f"  - name: {name}", f"    delivery: {name}.csv", "    price_per_label: 0.1"]
    (tmp / "pilot.yaml").write_text("\n".join(spec) + "\n")
    return tmp / "pilot.yaml"


@settings(max_examples=8, deadline=None)
@given(order=st.permutations(list(range(24))), names=st.sampled_from([("Acme", "Zeta"), ("Zeta <b>", "Acme & Co")]))
def test_pilot_ignores_row_order_and_provider_names(
    tmp_path_factory: pytest.TempPathFactory, order: list[int], names: tuple[str, str]
) -> None:
    tmp = tmp_path_factory.mktemp("pilot")
    base = run_pilot(load_pilot_spec(_small_pilot(tmp, list(range(24)), ("Acme", "Zeta"))), base_dir=tmp)
    other = run_pilot(load_pilot_spec(_small_pilot(tmp, order, names)), base_dir=tmp)
    strip: Any = {"name": True, "delivery": True, "quality_suggestion": {"source"}}
    assert _rounded([p.model_dump(exclude=strip) for p in base.providers]) == _rounded(
        [p.model_dump(exclude=strip) for p in other.providers]
    )
    skip: Any = {"first": True, "second": True, "overall": {"better"}, "categories": {"__all__": {"better"}}}
    assert _rounded([r.model_dump(exclude=skip) for r in base.pairs]) == _rounded(
        [r.model_dump(exclude=skip) for r in other.pairs]
    )


def _rounded(value: object) -> object:
    """Floats to 12 places (annotator order changes the last bit of kappa's sums)."""
    if isinstance(value, float):
        return round(value, 12)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


def test_cli_json_matches_domain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pilot", str(EXAMPLE / "pilot.yaml"), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    report = run_pilot(load_pilot_spec(EXAMPLE / "pilot.yaml"), base_dir=EXAMPLE)
    assert payload == json.loads(json.dumps(report.to_payload()))


def test_providers_sharing_no_items_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _small_pilot(tmp_path, list(range(24)), ("Acme", "Zeta"), share=False)
    with pytest.raises(InputError, match="share no items") as err:
        run_pilot(load_pilot_spec(spec), base_dir=tmp_path, file="pilot.yaml")
    assert err.value.problems[0].location.file == "pilot.yaml"
    assert main(["pilot", str(spec)]) == 2
    assert "share no items" in capsys.readouterr().err


def test_gold_label_outside_the_label_set_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = _small_pilot(tmp_path, list(range(24)), ("Acme", "Zeta"))
    text = (tmp_path / "gold.csv").read_text().replace("g4,common,dog", "g4,common,wolf")
    (tmp_path / "gold.csv").write_text(text)
    with pytest.raises(InputError) as err:
        run_pilot(load_pilot_spec(spec), base_dir=tmp_path)
    (problem,) = err.value.problems
    assert (problem.location.file, problem.location.row, problem.location.column) == ("gold.csv", 6, "gold_label")
    assert "wolf" in problem.message
    assert main(["pilot", str(spec)]) == 2
    assert "gold.csv" in capsys.readouterr().err


def test_bad_spec_is_located(tmp_path: Path) -> None:
    path = tmp_path / "pilot.yaml"
    path.write_text(
        "label_set: [a, b]\ngold: g.csv\nproviders:\n  - name: A\n    delivery: a.csv\n    price_per_label: -1\n"
    )
    with pytest.raises(InputError) as err:
        load_pilot_spec(path)
    rows = {(p.location.column, p.location.row) for p in err.value.problems}
    assert ("providers[0].price_per_label", 6) in rows
    path.write_text(
        "label_set: [a, b]\ngold: g.csv\nproviders:\n  - name: A\n    delivery: a.csv\n    price_per_label: 1\n"
    )
    with pytest.raises(InputError, match="at least 2"):
        load_pilot_spec(path)


def test_files_the_spec_names_that_are_missing_are_located_at_their_field(tmp_path: Path) -> None:
    from ingest import InputError

    spec = Path(__file__).resolve().parents[1] / "examples" / "pilot" / "pilot.yaml"
    path = tmp_path / "spec.yaml"
    path.write_text(spec.read_text().replace("gold-set.csv", "nowhere.csv"))
    with pytest.raises(InputError) as err:
        run_pilot(load_pilot_spec(path), base_dir=tmp_path, file=path.name)
    where = {(p.location.file, p.location.column) for p in err.value.problems}
    assert ("spec.yaml", "gold") in where and ("spec.yaml", "providers.0.delivery") in where


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_agreement_within_each_provider_per_category_by_hand(tmp_path: Path) -> None:
    """Category 'a': 12 items labelled twice: 6 x (p, p), 4 x (q, q), 1 x (p, q), 1 x (q, p). Each annotator
    says p 7 times and q 5 times: po = 10/12, pe = (7/12)^2 + (5/12)^2 = 74/144, Cohen's kappa =
    (120 - 74) / (144 - 74) = 46/70 = 0.657143. Category 'b': 3 items labelled twice: too few."""
    from sklearn.metrics import cohen_kappa_score

    from governance.quality.reading.delivery import open_delivery
    from governance.quality.reading.delivery_counts import count_delivery
    from governance.quality.sla.sla_stats import agreement
    from governance.quality.vendors.goldset import load_gold_set
    from governance.quality.vendors.pilot import MIN_DOUBLE, PilotProvider, PilotSpec, compare
    from governance.quality.vendors.pilot_view import pilot_tables

    pairs = [("p", "p")] * 6 + [("q", "q")] * 4 + [("p", "q"), ("q", "p")]
    rows = [[f"a{i}", "x1", x, "a"] for i, (x, _) in enumerate(pairs)]
    rows += [[f"a{i}", "x2", y, "a"] for i, (_, y) in enumerate(pairs)]
    rows += [[f"b{i}", ann, "q", "b"] for i in range(3) for ann in ("x1", "x2")]
    header = ["item_id", "annotator_id", "label", "category"]
    first = _write_csv(tmp_path / "first.csv", header, rows)
    always = [[r[0], r[1], "p" if r[3] == "a" else "q", r[3]] for r in rows]
    second = _write_csv(tmp_path / "second.csv", header, always)
    gold = load_gold_set(
        _write_csv(tmp_path / "gold.csv", ["item_id", "category", "gold_label"], [["a0", "a", "p"], ["b0", "b", "q"]]),
        ["p", "q"],
    )
    spec = PilotSpec(
        label_set=["p", "q"], gold="gold.csv",
        providers=[PilotProvider(name="First", delivery="first.csv", price_per_label=1),
                   PilotProvider(name="Second", delivery="second.csv", price_per_label=1)],
    )
    counts = {n: count_delivery(open_delivery(f), ["p", "q"]) for n, f in (("First", first), ("Second", second))}
    report = compare(spec, gold, counts)
    one = report.providers[0]
    a, b = one.agreement_per_category
    assert (a.category, a.double_labelled, b.category, b.double_labelled) == ("a", 12, "b", 3)
    assert a.agreement.value == pytest.approx(46 / 70, abs=1e-12)
    assert a.agreement.value == pytest.approx(cohen_kappa_score([x for x, _ in pairs], [y for _, y in pairs]))
    assert a.percent == pytest.approx(10 / 12)
    # the same estimator and interval convention as the overall figure
    overall = agreement(counts["First"], one.agreement_metric, seed=0)
    assert one.agreement == overall and a.agreement.method == overall.method
    assert a.agreement.ci_method == overall.ci_method and a.agreement.ci is not None
    assert b.agreement.value is None and b.percent is None
    assert b.agreement.undefined_reason == f"too few double-labelled items: 3, needs at least {MIN_DOUBLE}"
    # the second provider always agrees in 'a' (all p): kappa undefined (chance agreement 1), said so
    second_a = report.providers[1].agreement_per_category[0]
    assert second_a.agreement.value is None and second_a.agreement.undefined_reason
    [within] = [t for t in pilot_tables(report) if t[0].startswith("Agreement within each provider per category")]
    _, headers, table_rows = within
    assert headers == ["category", "First", "Second"]
    assert table_rows[0][1].startswith("0.657 (") and "83.3% agree, n=12" in table_rows[0][1]
    assert table_rows[1][1] == "too few double-labelled items: 3, needs at least 10"
    assert table_rows[2][0] == "(all)"
