"""SMAA: exact answers on segments, agreement with brute force over a fine weight lattice,
the samplers' regions, invariances and located errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scorecard_helpers import with_worker_welfare

from ingest import InputError
from scorecard.smaa import CLEAR_WINNER, smaa, smaa_of_scorecard
from scorecard.weight_space import WeightSpace, sample_weights

KEYS3 = ["u", "v", "w"]


def _lattice(steps: int) -> np.ndarray:
    """Every weight vector on the simplex with coordinates in multiples of 1/steps (3 criteria)."""
    pts = [(i, j, steps - i - j) for i in range(steps + 1) for j in range(steps + 1 - i)]
    return np.array(pts, dtype=np.float64) / steps


def _brute_force(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Rank acceptability by enumeration: the share of weight vectors giving each rank (ties share)."""
    values = np.round(weights @ x.T, 9)
    p = x.shape[0]
    acc = np.zeros((p, p))
    for row in values:
        for i in range(p):
            acc[i, int((row > row[i]).sum())] += 1
    return acc / len(values)


def test_two_criteria_is_exact_closed_form() -> None:
    # a = 1 + 4u, b = 5 - 4u, c = 3.2 - 0.2u with u the first weight
    x = np.array([[5, 1], [1, 5], [3, 3.2]], dtype=float)
    r = smaa(["a", "b", "c"], x, ["u", "v"], WeightSpace())
    assert r.draws == 0 and r.method.startswith("exact")
    a_first, b_first = 1 - 2.2 / 4.2, 1.8 / 3.8
    assert r.rank_acceptability["a"][0] == pytest.approx(a_first, abs=1e-12)
    assert r.rank_acceptability["b"][0] == pytest.approx(b_first, abs=1e-12)
    assert r.rank_acceptability["c"][0] == pytest.approx(1 - a_first - b_first, abs=1e-12)
    assert r.rank_acceptability["a"][2] == pytest.approx(0.5, abs=1e-12)  # last while u < 1/2
    # the central weight of a is the middle of its winning interval u in (2.2/4.2, 1)
    assert r.central_weights["a"] is not None
    assert r.central_weights["a"]["u"] == pytest.approx((2.2 / 4.2 + 1) / 2)
    assert r.verdict.startswith("fragile winner")


def test_sampling_matches_brute_force_on_three_criteria() -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(1, 5, (4, 3))
    brute = _brute_force(x, _lattice(300))
    r = smaa(list("abcd"), x, KEYS3, WeightSpace(), draws=200_000, seed=1)
    sampled = np.array([r.rank_acceptability[n] for n in "abcd"])
    assert np.abs(sampled - brute).max() < 0.01  # 200,000 draws: standard error <= 0.0012


def test_full_order_sampler_matches_brute_force_on_the_ordered_region() -> None:
    x = np.array([[4, 2, 1], [2, 4, 3], [3, 3, 3.5]], dtype=float)
    grid = _lattice(300)
    ordered = grid[(grid[:, 0] >= grid[:, 1]) & (grid[:, 1] >= grid[:, 2])]
    brute = _brute_force(x, ordered)
    r = smaa(list("abc"), x, KEYS3, WeightSpace(order=["u", "v", "w"]), draws=200_000, seed=2)
    sampled = np.array([r.rank_acceptability[n] for n in "abc"])
    assert np.abs(sampled - brute).max() < 0.01


def test_partial_order_and_ranges_sampler_matches_brute_force() -> None:
    x = np.array([[4, 2, 1], [2, 4, 3], [3, 3, 3.5]], dtype=float)
    grid = _lattice(300)
    inside = grid[(grid[:, 2] >= grid[:, 0]) & (grid[:, 1] >= 0.1) & (grid[:, 1] <= 0.5)]
    brute = _brute_force(x, inside)
    space = WeightSpace(order=["w", "u"], ranges={"v": (10, 50)})
    r = smaa(list("abc"), x, KEYS3, space, draws=200_000, seed=3)
    sampled = np.array([r.rank_acceptability[n] for n in "abc"])
    assert np.abs(sampled - brute).max() < 0.01


def test_samples_respect_ranges_and_order() -> None:
    keys = ["a", "b", "c", "d", "e"]
    space = WeightSpace(ranges={"a": (20, 40), "c": (5, 15)}, order=["a", "b", "d"])
    w = sample_weights(space, keys, 5000, np.random.default_rng(0))
    assert w.shape == (5000, 5)
    assert np.allclose(w.sum(axis=1), 1)
    assert ((w[:, 0] >= 0.2 - 1e-12) & (w[:, 0] <= 0.4 + 1e-12)).all()
    assert ((w[:, 2] >= 0.05 - 1e-12) & (w[:, 2] <= 0.15 + 1e-12)).all()
    assert ((w[:, 0] >= w[:, 1]) & (w[:, 1] >= w[:, 3])).all()


def test_segment_exact_equals_sampling() -> None:
    """Only two weights free: the exact answer equals a large sample of that segment."""
    rng = np.random.default_rng(9)
    x = rng.uniform(1, 5, (6, 5))
    keys = list("abcde")
    space = WeightSpace(ranges={"a": (25, 25), "b": (20, 20), "c": (10, 40), "d": (0, 45), "e": (0, 0)})
    exact = smaa([str(i) for i in range(6)], x, keys, space)
    assert exact.draws == 0
    w = sample_weights(space, keys, 200_000, np.random.default_rng(1))
    values = np.round(w @ x.T, 9)
    first = np.bincount(values.argmax(axis=1), minlength=6) / len(w)
    assert np.abs(first - [exact.rank_acceptability[str(i)][0] for i in range(6)]).max() < 0.01


def test_a_point_of_weights_is_the_plain_ranking() -> None:
    x = np.array([[5, 1, 3], [1, 5, 3], [3, 3, 3]], dtype=float)
    space = WeightSpace(ranges={"u": (50, 50), "v": (30, 30), "w": (20, 20)})
    r = smaa(list("abc"), x, KEYS3, space)
    assert [r.rank_acceptability[n] for n in "abc"] == [[1, 0, 0], [0, 0, 1], [0, 1, 0]]
    assert r.verdict.startswith("clear winner") and r.leader == "a"


def test_central_weights_win_and_confidence_is_certain_without_spread() -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(1, 5, (8, 5))
    r = smaa([f"p{i}" for i in range(8)], x, list("abcde"), WeightSpace(), draws=20_000, seed=0)
    for i in range(8):
        cw = r.central_weights[f"p{i}"]
        if cw is None:
            assert r.rank_acceptability[f"p{i}"][0] == 0
            continue
        w = np.array(list(cw.values()))
        assert w.sum() == pytest.approx(1)
        # a provider's winning region is convex, so it wins at its own central weights
        assert (x @ w).argmax() == i
        assert r.confidence[f"p{i}"] == 1.0


def test_spread_gives_confidence_below_one_for_close_providers() -> None:
    x = np.array([[4, 4, 4], [3.9, 4.1, 4], [2, 2, 2]], dtype=float)
    r = smaa(list("abc"), x, KEYS3, WeightSpace(), low=x - 1, high=np.minimum(x + 1, 5), draws=20_000)
    assert r.confidence["a"] is not None and 0.2 < r.confidence["a"] < 0.9
    assert r.rank_acceptability["c"][0] < 0.01
    assert "spread" in r.method or "evaluator range" in r.method


@settings(max_examples=20, deadline=None)
@given(st.permutations(range(6)))
def test_shuffling_and_renaming_providers_moves_results_with_them(perm: list[int]) -> None:
    x = np.random.default_rng(1).uniform(1, 5, (6, 3))
    base = smaa([f"p{i}" for i in range(6)], x, KEYS3, WeightSpace(), draws=5_000, seed=3)
    shuffled = smaa([f"q{i}" for i in perm], x[list(perm)], KEYS3, WeightSpace(), draws=5_000, seed=3)
    for i in range(6):
        assert shuffled.rank_acceptability[f"q{i}"] == pytest.approx(base.rank_acceptability[f"p{i}"])


def test_verdict_threshold_is_stated() -> None:
    x = np.array([[5, 5, 5], [1, 1, 1]], dtype=float)
    r = smaa(["a", "b"], x, KEYS3, WeightSpace(), draws=1000)
    assert r.leader == "a" and r.leader_acceptability == 1.0
    assert r.to_payload()["threshold"] == CLEAR_WINNER
    assert f"{CLEAR_WINNER:.0%}" in r.verdict


@pytest.mark.parametrize(("space", "needle"), [
    (WeightSpace(ranges={"u": (60, 90), "v": (50, 70)}), "impossible ranges"),
    (WeightSpace(ranges={"u": (0, 10), "v": (0, 10), "w": (0, 10)}), "impossible ranges"),
    (WeightSpace(ranges={"u": (40, 20)}), "0 <= low <= high <= 100"),
    (WeightSpace(ranges={"zz": (0, 20)}), "unknown dimension"),
    (WeightSpace(order=["u", "zz"]), "unknown dimension"),
    (WeightSpace(order=["u", "v"], ranges={"u": (0, 10), "v": (20, 50)}), "impossible"),
])
def test_impossible_weight_spaces_are_located(space: WeightSpace, needle: str) -> None:
    x = np.ones((2, 3))
    with pytest.raises(InputError, match=needle) as exc:
        smaa(["a", "b"], x, KEYS3, space, source="weights.yaml")
    assert all(p.location.file == "weights.yaml" for p in exc.value.problems)


def test_scorecard_payload_uses_complete_providers_and_capped_scores() -> None:
    def prov(name: str, scores: list[float | None], evaluators: list[dict[str, float]]) -> dict:
        dims = {}
        for k, s, ev in zip(["workforce", "security", "quality_sla", "ai_throughput", "commercial"],
                            scores, evaluators, strict=True):
            dims[k] = {"score": s, "evaluators": ev}
        return {"name": name, "complete": None not in scores, "dimensions": dims}

    same = [{"e1": 4.0, "e2": 4.0}] * 5
    payload = {"providers": [
        prov("A", [4, 4, 4, 4, 4], same),
        prov("B", [3, 3, 3, 3, 3], [{"e1": 2.0, "e2": 4.0}] * 5),
        prov("C", [5, None, 5, 5, 5], same),
    ]}
    payload["providers"][0]["dimensions"]["security"]["uncapped"] = 5.0
    r = smaa_of_scorecard(payload, WeightSpace(), draws=2000)
    assert r.providers == ["A", "B"]
    assert r.leader == "A"
    assert r.draws == 2000 and "evaluator range" in r.method  # B's evaluators disagree


def test_no_complete_provider_is_a_plain_answer() -> None:
    r = smaa([], np.zeros((0, 3)), KEYS3, WeightSpace())
    assert r.leader is None and r.verdict == "no complete provider to rank"
    assert smaa_of_scorecard({"providers": []}, WeightSpace()).providers == []


def test_cli_smaa_with_a_sixth_dimension_never_names_a_knocked_out_provider(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker-welfare dimension joins the weights SMAA draws; a provider a knock-out excludes
    (personal devices) is left out of the rank acceptabilities even when it has the best scores."""
    import csv
    import json

    import yaml

    from annogov.cli import main
    from scorecard.dimensions import DIMENSION_KEYS, DIMENSION_NAMES

    data = with_worker_welfare()
    rubric = tmp_path / "r.yaml"
    rubric.write_text(yaml.safe_dump(data), encoding="utf-8")
    sheet = tmp_path / "s.csv"
    with sheet.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["Provider", "Evaluator", *(DIMENSION_NAMES[k] for k in DIMENSION_KEYS), "Worker welfare",
                      "Red flags"])
        out.writerow(["Best but risky", "E", 5, 5, 5, 5, 5, 5, "personal_devices"])
        out.writerow(["Welfare first", "E", 3, 3, 3, 3, 3, 5, ""])
        out.writerow(["Plain", "E", 4, 4, 4, 4, 4, 1, ""])
    args = ["score", str(sheet), "--rubric", str(rubric), "--smaa", "--format", "json", "--simulations", "0"]
    assert main([*args, "--weight-ranges", "worker_welfare=5-60"]) == 0
    payload = json.loads(capsys.readouterr().out)
    risky = next(p for p in payload["providers"] if p["name"] == "Best but risky")
    assert risky["eligible"] is False
    smaa = payload["smaa"]
    assert [p["name"] for p in smaa["providers"]] and "Best but risky" not in {p["name"] for p in smaa["providers"]}
    assert smaa["leader"] != "Best but risky" and "Best but risky" not in json.dumps(smaa)
    first = {p["name"]: p["first_rank"] for p in smaa["providers"]}
    assert set(first) == {"Welfare first", "Plain"}
    assert 0 < first["Welfare first"] < 1 and 0 < first["Plain"] < 1  # welfare's weight decides
    assert smaa["ranges"]["worker_welfare"] == [5, 60]
    central = [p["central_weights"] for p in smaa["providers"] if p["central_weights"]]
    assert central and all(set(c) == {*DIMENSION_KEYS, "worker_welfare"} for c in central)
