"""Totals, bands and completeness: the arithmetic a procurement decision rests on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scorecard.card import score_sheet
from scorecard.dimensions import BANDS, band_of
from scorecard.rubric import normalise_weights
from tests.scorecard_helpers import KEYS, plain_rubric, sheet_from


def total_of(scores: list[float], weights: dict[str, float] | None = None) -> float | None:
    result = score_sheet(sheet_from({"P": [scores]}, plain_rubric(weights)), simulations=0)
    return result.providers[0].total


@pytest.mark.parametrize(("score", "expected"), [(5, 100.0), (3, 60.0), (1, 20.0), (4, 80.0)])
def test_uniform_scores_give_the_documented_totals(score: float, expected: float) -> None:
    assert total_of([score] * 5) == expected


def test_total_is_weight_times_score_over_five() -> None:
    # 25*4/5 + 20*2/5 + 25*5/5 + 15*3/5 + 15*1/5 = 20 + 8 + 25 + 9 + 3
    assert total_of([4, 2, 5, 3, 1]) == 65.0


@pytest.mark.parametrize(
    ("total", "band"),
    [(59.99, BANDS[0]), (60.0, BANDS[1]), (74.999, BANDS[1]), (75.0, BANDS[2]), (20.0, BANDS[0]), (100.0, BANDS[2])],
)
def test_bands_on_exact_boundaries(total: float, band: str) -> None:
    assert band_of(total) == band


def test_float_noise_does_not_move_a_total_across_a_boundary() -> None:
    # 3.75 everywhere is exactly 75; decimal scores must not land at 74.9999999
    weights = {"workforce": 30, "security": 10, "quality_sla": 30, "ai_throughput": 10, "commercial": 20}
    sheet = sheet_from({"P": [[3.7, 3.8, 3.75, 3.75, 3.75], [3.8, 3.7, 3.75, 3.75, 3.75]]}, plain_rubric(weights))
    provider = score_sheet(sheet, simulations=0).providers[0]
    assert provider.total == pytest.approx(75.0)
    assert provider.band == "enterprise-grade"


def test_a_missing_score_makes_the_provider_incomplete_not_zero() -> None:
    result = score_sheet(sheet_from({"A": [[5, 5, 5, 5, None]], "B": [[3, 3, 3, 3, 3]]}), simulations=0)
    a = next(p for p in result.providers if p.name == "A")
    assert (a.complete, a.total, a.band, a.rank) == (False, None, None, None)
    assert any(f.kind == "missing" and f.dimension == "commercial" for f in a.flags)
    b = next(p for p in result.providers if p.name == "B")
    assert b.rank == 1  # A is not ranked above B on a partial total


def test_ties_share_a_rank() -> None:
    result = score_sheet(sheet_from({"A": [[4] * 5], "B": [[4] * 5], "C": [[3] * 5]}), simulations=0)
    assert sorted(p.rank for p in result.providers) == [1, 1, 3]


scores_st = st.lists(st.floats(1, 5, allow_nan=False), min_size=5, max_size=5)
weights_st = st.lists(st.floats(0, 50, allow_nan=False), min_size=5, max_size=5).filter(lambda w: sum(w) > 1)


@settings(max_examples=60, deadline=None)
@given(scores_st, weights_st)
def test_total_lies_between_20_and_100(scores: list[float], raw: list[float]) -> None:
    weights = normalise_weights(dict(zip(KEYS, raw, strict=True)))
    total = total_of(scores, weights)
    assert total is not None and 20 - 1e-9 <= total <= 100 + 1e-9


@settings(max_examples=60, deadline=None)
@given(scores_st, st.integers(0, 4), st.floats(0, 4, allow_nan=False))
def test_total_is_monotone_in_every_score(scores: list[float], d: int, bump: float) -> None:
    higher = list(scores)
    higher[d] = min(5.0, higher[d] + bump)
    assert total_of(higher) >= total_of(scores) - 1e-9  # type: ignore[operator]


@settings(max_examples=60, deadline=None)
@given(scores_st, weights_st, st.floats(0.01, 1000, allow_nan=False))
def test_scaled_and_renormalised_weights_leave_the_total_unchanged(
    scores: list[float], raw: list[float], c: float
) -> None:
    weights = normalise_weights(dict(zip(KEYS, raw, strict=True)))
    scaled = normalise_weights({k: v * c for k, v in weights.items()})
    assert total_of(scores, scaled) == pytest.approx(total_of(scores, weights), abs=1e-6)


def test_consensus_mean_median_and_spread() -> None:
    sheet = sheet_from({"P": [[1, 3, 3, 3, 3], [4, 3, 3, 3, 3], [5, 3, 3, 3, 3]]})
    mean = score_sheet(sheet, "mean", simulations=0).providers[0].dimensions["workforce"]
    median = score_sheet(sheet, "median", simulations=0).providers[0].dimensions["workforce"]
    assert mean["score"] == pytest.approx(10 / 3)
    assert median["score"] == 4.0
    assert mean["spread"] == 4.0
    assert mean["evaluators"] == {"e1": 1.0, "e2": 4.0, "e3": 5.0}


def test_evaluators_two_points_apart_are_flagged_for_calibration() -> None:
    result = score_sheet(sheet_from({"P": [[2, 3, 3, 3, 3], [4, 4, 3, 3, 3]]}), simulations=0)
    flags = [f for f in result.providers[0].flags if f.kind == "calibration"]
    assert [f.dimension for f in flags] == ["workforce"]  # security differs by 1 only
    assert "e1: 2" in flags[0].message and "e2: 4" in flags[0].message


def test_criteria_combine_by_their_weights() -> None:
    from scorecard.rubric import default_rubric
    from scorecard.sheet import ScoreSheet

    rubric = default_rubric().model_copy(update={"gates": []})
    sheet = ScoreSheet.empty(rubric, ["P"], ["e"])
    for key in KEYS:
        sheet.set("P", "e", key, 3)
    sheet.set("P", "e", "workforce", 5, criterion="tenure")  # 40
    sheet.set("P", "e", "workforce", 2, criterion="training")  # 35
    sheet.set("P", "e", "workforce", 4, criterion="expertise")  # 25
    dims = score_sheet(sheet, simulations=0).providers[0].dimensions
    assert dims["workforce"]["score"] == pytest.approx((5 * 40 + 2 * 35 + 4 * 25) / 100)
    sheet.set("P", "e", "workforce", None, criterion="expertise")
    provider = score_sheet(sheet, simulations=0).providers[0]
    assert not provider.complete and provider.dimensions["workforce"]["score"] is None


def test_payload_has_the_documented_shape() -> None:
    payload = score_sheet(sheet_from({"A": [[4] * 5], "B": [[3] * 5]}), simulations=50).to_payload()
    assert set(payload) >= {"formula", "weights", "providers", "robustness"}
    provider = payload["providers"][0]
    assert set(provider) >= {"name", "total", "band", "rank", "complete", "dimensions", "gates", "flags"}
    assert set(provider["dimensions"]) == set(KEYS)
    assert set(provider["dimensions"]["security"]) >= {"score", "weighted", "spread"}
    assert np.isclose(sum(d["weighted"] for d in provider["dimensions"].values()), provider["total"])
