"""Krippendorff's ordinal alpha between evaluators against the krippendorff package (GPL, test
oracle only), its bootstrap interval, undefined cases, and the score command's output."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annogov.cli import main
from scorecard.panel_agreement import ordinal_alpha

EX = Path(__file__).resolve().parents[1] / "examples"
NAN = np.nan
# Wikipedia's Krippendorff's alpha example: 3 coders x 15 units, values 1-4 with gaps
WIKI = np.array([[NAN, NAN, NAN, NAN, NAN, 3, 4, 1, 2, 1, 1, 3, 3, NAN, 3],
                 [1, NAN, 2, 1, 3, 3, 4, 3, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
                 [NAN, NAN, 2, 1, 3, 4, 4, NAN, 2, 1, 1, 3, 3, NAN, 4]])


def test_wikipedia_example_matches_the_oracle() -> None:
    alpha, _, _, pairable = ordinal_alpha(WIKI.T, bootstrap=0)
    assert alpha == pytest.approx(krippendorff.alpha(reliability_data=WIKI, level_of_measurement="ordinal"),
                                  abs=1e-12)
    assert pairable == 26


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 6), st.floats(0, 0.4))
def test_random_panels_match_the_oracle(seed: int, coders: int, missing: float) -> None:
    rng = np.random.default_rng(seed)
    base = rng.integers(1, 6, 30)
    x = np.clip(base[:, None] + rng.integers(-1, 2, (30, coders)), 1, 5).astype(float)
    x[rng.random(x.shape) < missing] = np.nan
    alpha, *_ = ordinal_alpha(x, bootstrap=0)
    try:
        expected = krippendorff.alpha(reliability_data=x.T, level_of_measurement="ordinal")
    except ValueError:  # the oracle refuses data with a single value or no pairable unit
        assert alpha is None
        return
    if np.isnan(expected):
        assert alpha is None
    else:
        assert alpha == pytest.approx(expected, abs=1e-9)


def test_interval_brackets_the_estimate_and_is_seeded() -> None:
    rng = np.random.default_rng(3)
    base = rng.integers(1, 6, 60)
    x = np.clip(base[:, None] + rng.integers(-1, 2, (60, 3)), 1, 5).astype(float)
    a, lo, hi, _ = ordinal_alpha(x, seed=1)
    assert lo is not None and hi is not None and lo < a < hi
    assert ordinal_alpha(x, seed=1) == (a, lo, hi, ordinal_alpha(x, seed=1)[3])


def test_random_scores_give_alpha_near_zero() -> None:
    x = np.random.default_rng(0).integers(1, 6, (2000, 3)).astype(float)
    alpha, *_ = ordinal_alpha(x, bootstrap=0)
    assert alpha is not None and abs(alpha) < 0.05


def test_one_value_everywhere_is_undefined_not_perfect() -> None:
    assert ordinal_alpha(np.full((5, 3), 4.0))[0] is None


def test_score_command_reports_agreement(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EX / "scorecard-wide.xlsx"), "--panel-agreement", "--format", "json"]) == 0
    part = json.loads(capsys.readouterr().out)["panel_agreement"]
    assert "ordinal" in part["method"] and len(part["dimensions"]) == 5
    for d in part["dimensions"]:
        assert (d["alpha"] is None) == (d["reason"] is not None)
