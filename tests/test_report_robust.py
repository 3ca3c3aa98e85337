"""Whatever text and sizes the payloads carry, both reports build and vendor text stays text."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from report_helpers import example

from governance.reports import ReportInput, build_pdf, build_xlsx
from governance.reports.model import DIMENSIONS, band_for
from governance.reports.safe_text import cell_text

DAY = dt.date(2026, 11, 26)
text = st.text(
    st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["=", "<", "&", "\n", "@"]),
    min_size=1,
    max_size=60,
)
score = st.one_of(st.none(), st.floats(1, 5, allow_nan=False).map(lambda x: round(x, 2)))


def _provider(name: str, scores: list[float | None], weights: dict[str, float]) -> dict[str, Any]:
    complete = all(s is not None for s in scores)
    total = (
        sum(weights[d] * s / 5 for d, s in zip(DIMENSIONS, scores, strict=True))
        if complete
        else None
    )  # type: ignore[operator]
    return {
        "name": name,
        "total": total,
        "band": band_for(total),
        "complete": complete,
        "dimensions": {
            d: {"score": s, "weighted": None if s is None else weights[d] * s / 5, "spread": None}
            for d, s in zip(DIMENSIONS, scores, strict=True)
        },
        "flags": [] if complete else ["missing score"],
    }


@settings(
    max_examples=8, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    names=st.lists(
        text.filter(lambda n: cell_text(n).strip() != ""),
        min_size=1,
        max_size=6,
        unique_by=cell_text,
    ),
    scores=st.lists(st.lists(score, min_size=5, max_size=5), min_size=6, max_size=6),
    comment=text,
)
def test_any_names_and_scores_build_both_reports(
    names: list[str], scores: list[list[float | None]], comment: str
) -> None:
    weights = example("scorecard")["weights"]
    providers = [_provider(n, s, weights) for n, s in zip(names, scores, strict=False)]
    ranked = sorted((p for p in providers if p["complete"]), key=lambda p: -p["total"])
    for i, p in enumerate(ranked, start=1):
        p["rank"] = i
    card = {
        "weights": weights,
        "providers": providers,
        "evaluations": [
            {
                "provider": names[0],
                "evaluator": comment,
                "dimension": "security",
                "score": 3,
                "comment": comment * 40,
            }
        ],
        "robustness": {"notes": [{"text": comment}]},
    }
    report = ReportInput(title=comment, program=comment, scorecard=card)
    assert build_pdf(report, created=DAY).startswith(b"%PDF")
    wb = load_workbook(io.BytesIO(build_xlsx(report, created=DAY)))
    ws = wb["Scorecard"]
    stored = [ws.cell(row=r, column=2) for r in range(2, 2 + len(providers))]
    assert {c.value for c in stored} == {cell_text(n).replace("\r", "\n") for n in names}
    assert all(c.data_type == "s" for c in stored)
