"""Agreement coefficients reproduce published worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from governance.quality.stats.agreement import agreement
from governance.quality.stats.cohen_scott import cohen_kappa, scott_pi
from governance.quality.stats.counts import profiles_from_table
from governance.quality.stats.fleiss_alpha import fleiss_kappa

# Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories.
WIKI_FLEISS = np.array(
    [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ]
)

# Fleiss (1971), 30 patients x 6 psychiatrists, 5 diagnoses; the per-patient ratings as the R
# package irr ships them ("diagnoses"; Fleiss published only the counts, so raters are sorted).
FLEISS_1971 = np.array(
    [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ]
)  # fmt: skip

# Wikipedia "Krippendorff's alpha" reliability data: 3 coders x 15 units, values 1-4, gaps.
NAN = np.nan
KRIPP = np.array(
    [
        [NAN, NAN, NAN, NAN, NAN, 3, 4, 1, 2, 1, 1, 3, 3, NAN, 3],
        [1, NAN, 2, 1, 3, 3, 4, 3, NAN, NAN, NAN, NAN, NAN, NAN, NAN],
        [NAN, NAN, 2, 1, 3, 4, 4, NAN, 2, 1, 1, 3, 3, NAN, 4],
    ]
)

# Artstein & Poesio (2008): two coders, 100 items, 3 categories.
ARTSTEIN = np.array([[46, 0, 0], [6, 32, 6], [0, 0, 10]])
WEIGHTING = np.array([[46, 0, 0], [4, 40, 0], [0, 0, 10]])


def _long(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coder x unit matrix with NaN gaps -> long rows (unit, coder, value)."""
    coder, unit = np.nonzero(~np.isnan(matrix))
    return unit, coder, matrix[coder, unit].astype(int)


def test_wikipedia_fleiss_example() -> None:
    est = fleiss_kappa(profiles_from_table(WIKI_FLEISS), ci="none")[0]
    assert est.value == pytest.approx(0.20993, abs=5e-6)
    assert round(est.value, 3) == 0.210
    assert est.n_items == 10 and est.n_annotations == 140
    assert "Fleiss" in est.method


def test_fleiss_1971_diagnoses_from_long_rows() -> None:
    items = np.repeat(np.arange(30), 6)
    raters = np.tile(np.arange(6), 30)
    result = agreement(
        items, raters, FLEISS_1971.ravel(), metric="fleiss", label_set=[1, 2, 3, 4, 5], ci="none"
    )
    assert result.overall.value == pytest.approx(0.430, abs=5e-4)
    assert result.overall.value == pytest.approx(0.4302445, abs=1e-7)


@pytest.mark.parametrize(
    ("level", "expected"),
    [("nominal", 0.691358), ("interval", 0.810845)],
)
def test_wikipedia_krippendorff_published_levels(level: str, expected: float) -> None:
    unit, coder, value = _long(KRIPP)
    result = agreement(
        unit, coder, value, metric="krippendorff", level=level, label_set=[1, 2, 3, 4], ci="none"
    )
    assert result.overall.value == pytest.approx(expected, abs=5e-7)
    # units 2 and 14 have no value and unit 1 only one: 12 units with 26 pairable values
    assert (result.overall.n_items, result.overall.n_annotations) == (12, 26)
    assert level in result.overall.method


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_wikipedia_krippendorff_all_levels_match_package(level: str) -> None:
    krippendorff = pytest.importorskip("krippendorff")
    unit, coder, value = _long(KRIPP)
    result = agreement(
        unit, coder, value, metric="krippendorff", level=level, label_set=[1, 2, 3, 4], ci="none"
    )
    expected = krippendorff.alpha(reliability_data=KRIPP, level_of_measurement=level)
    assert result.overall.value == pytest.approx(expected, abs=1e-12)


def test_artstein_poesio_cohen_and_scott() -> None:
    kappa = cohen_kappa(ARTSTEIN, ci="none")[0]
    pi = scott_pi(ARTSTEIN, ci="none")[0]
    assert kappa.value == pytest.approx(0.8013, abs=5e-5)
    assert pi.value == pytest.approx(0.79953, abs=5e-6)
    assert kappa.n_items == 100 and kappa.n_annotations == 200


@pytest.mark.parametrize(
    ("weights", "expected"),
    [("none", 0.9315), ("linear", 0.9412), ("quadratic", 0.9541)],
)
def test_weighted_kappa_example(weights: str, expected: float) -> None:
    est = cohen_kappa(WEIGHTING, weights, ci="none")[0]  # type: ignore[arg-type]
    assert est.value == pytest.approx(expected, abs=5e-5)
    assert (weights in est.method) or weights == "none"


def test_weighted_kappa_example_from_long_rows_with_text_labels() -> None:
    names = ["low", "mid", "high"]
    cells = [(i, j, int(WEIGHTING[i, j])) for i in range(3) for j in range(3)]
    first = np.concatenate([[names[i]] * n for i, _, n in cells])
    second = np.concatenate([[names[j]] * n for _, j, n in cells])
    n = len(first)
    items = np.concatenate([np.arange(n), np.arange(n)])
    who = np.array(["ann"] * n + ["bob"] * n)
    result = agreement(
        items,
        who,
        np.concatenate([first, second]),
        metric="cohen",
        weights="quadratic",
        label_set=names,
    )
    assert result.overall.value == pytest.approx(0.9541, abs=5e-5)
    assert result.overall.ci is not None
    assert result.overall.ci[0] < result.overall.value < result.overall.ci[1]
