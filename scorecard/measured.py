"""Measured evidence turned into suggested scores by stated rules.

Quality SLA: each measure gets a 1-5 score from its own threshold table and the weakest measure
sets the suggestion (as `scorecard.evidence` does for typed KPIs). The tables follow the rubric's
anchors: kappa >= 0.80 with defects <= 1% is the 5 anchor; agreement measured with defects around a
few percent is the 3 anchor. Per-category accuracy counts through its weakest category, so a vendor
cannot hide a rare category behind a good average; but a rate needs a minimum sample before it
scores (`MIN_COUNT`): a category with fewer gold items, or a defect rate over fewer QA-reviewed
annotations, is shown and left unscored rather than letting one item set the suggestion.

AI-assisted throughput: pre-labelled items against human-only items of the same delivery. A
pre-labelled accuracy (or correction rate) significantly worse than human-only (one-sided test
under `governance.quality.stats.paired.RATE_TEST_RULE`, p < 0.05) suggests 2; no significant
difference suggests 4; 5 is left to the evaluator (the anchor asks for evidence across complexity
tiers and programs, not one delivery).
"""

from __future__ import annotations

from pydantic import BaseModel

KAPPA_STEPS: tuple[tuple[float, int], ...] = ((0.80, 5), (0.70, 4), (0.60, 3), (0.40, 2))
DEFECT_STEPS: tuple[tuple[float, int], ...] = ((0.01, 5), (0.02, 4), (0.05, 3), (0.10, 2))
ACCURACY_STEPS: tuple[tuple[float, int], ...] = ((0.95, 5), (0.90, 4), (0.85, 3), (0.75, 2))
SIGNIFICANCE = 0.05
MIN_COUNT = 10
QUALITY_RULE = (
    "each measure scored on its own: kappa >= 0.80 -> 5, >= 0.70 -> 4, >= 0.60 -> 3, >= 0.40 -> 2, else 1; "
    "defect rate <= 1% -> 5, <= 2% -> 4, <= 5% -> 3, <= 10% -> 2, else 1; weakest category accuracy "
    ">= 95% -> 5, >= 90% -> 4, >= 85% -> 3, >= 75% -> 2, else 1; a rate over fewer than "
    f"{MIN_COUNT} reviewed annotations or gold items is not scored; the suggestion is the lowest of the measured ones"
)
AI_RULE = (
    "pre-labelled vs human-only items of one delivery: accuracy on gold or correction rate significantly worse "
    f"(one-sided, p < {SIGNIFICANCE}) -> 2; otherwise 4; 5 needs evidence across tiers. A comparison needs at least "
    f"{MIN_COUNT} items in each group (else 'too few items', no suggestion from it); the two-proportion z-test "
    f"needs {MIN_COUNT} successes and {MIN_COUNT} failures in each group, Fisher's exact test is used below that"
)


class MeasuredPart(BaseModel):
    """One measure's value, the score it earns and why."""

    measure: str
    value: float | None
    score: int | None
    reason: str


class MeasuredSuggestion(BaseModel):
    """A suggested dimension score from measurements, with the parts, the rule and the source delivery."""

    dimension: str
    score: int | None
    parts: list[MeasuredPart]
    rule: str
    source: str


def _at_least(value: float, steps: tuple[tuple[float, int], ...]) -> int:
    """The score of the first bound the value reaches (float noise below 1e-9 ignored, as at band edges)."""
    return next((score for bound, score in steps if round(value, 9) >= bound), 1)


def _at_most(value: float, steps: tuple[tuple[float, int], ...]) -> int:
    """The score of the first bound the value stays within (float noise below 1e-9 ignored)."""
    return next((score for bound, score in steps if round(value, 9) <= bound), 1)


def suggest_quality_score(
    kappa: float | None,
    defect_rate: float | None,
    category_accuracy: dict[str, float | None],
    *,
    source: str,
    reviewed: int | None = None,
    category_gold: dict[str, int] | None = None,
) -> MeasuredSuggestion:
    """The suggested Quality SLA score (1-5) from measured kappa, defect rate and per-category accuracy;
    unmeasured parts are skipped with a reason, and with none measured there is no suggestion.
    `reviewed` and `category_gold` are the counts behind the rates: below `MIN_COUNT` a rate is not scored."""
    parts = []
    if kappa is None:
        parts.append(MeasuredPart(measure="kappa", value=None, score=None, reason="not measured"))
    else:
        s = _at_least(kappa, KAPPA_STEPS)
        parts.append(MeasuredPart(measure="kappa", value=kappa, score=s, reason=f"kappa {kappa:.3f} earns {s}"))
    if defect_rate is None:
        parts.append(MeasuredPart(measure="defect_rate", value=None, score=None, reason="no QA-reviewed annotations"))
    elif reviewed is not None and reviewed < MIN_COUNT:
        reason = f"defect rate {defect_rate:.2%} of {reviewed} QA-reviewed annotations: too few to score"
        parts.append(MeasuredPart(measure="defect_rate", value=defect_rate, score=None, reason=reason))
    else:
        s = _at_most(defect_rate, DEFECT_STEPS)
        parts.append(
            MeasuredPart(
                measure="defect_rate", value=defect_rate, score=s, reason=f"defect rate {defect_rate:.2%} earns {s}"
            )
        )
    gold = category_gold or {}
    few = sorted(c for c, v in category_accuracy.items() if v is not None and gold.get(c, MIN_COUNT) < MIN_COUNT)
    measured = {c: v for c, v in category_accuracy.items() if v is not None and c not in few}
    if not measured:
        reason = f"fewer than {MIN_COUNT} gold items in every category" if few else "no gold items"
        parts.append(MeasuredPart(measure="category_accuracy", value=None, score=None, reason=reason))
    else:
        worst = min(measured, key=lambda c: (measured[c], c))
        s = _at_least(measured[worst], ACCURACY_STEPS)
        parts.append(
            MeasuredPart(
                measure="category_accuracy",
                value=measured[worst],
                score=s,
                reason=f"weakest category {worst!r} at {measured[worst]:.1%} earns {s}"
                + (f" (not scored, fewer than {MIN_COUNT} gold items: {', '.join(few)})" if few else ""),
            )
        )
    scores = [p.score for p in parts if p.score is not None]
    return MeasuredSuggestion(
        dimension="quality_sla", score=min(scores) if scores else None, parts=parts, rule=QUALITY_RULE, source=source
    )


def suggest_ai_score(
    accuracy_p: float | None, correction_p: float | None, *, source: str, parts: list[MeasuredPart]
) -> MeasuredSuggestion:
    """The suggested AI-assisted throughput score from the drop tests of pre-labelled items (p-values of
    'pre-labelled is worse'); with neither test possible there is no suggestion."""
    tested = [p for p in (accuracy_p, correction_p) if p is not None]
    score = None if not tested else (2 if min(tested) < SIGNIFICANCE else 4)
    return MeasuredSuggestion(dimension="ai_throughput", score=score, parts=parts, rule=AI_RULE, source=source)


MEASURED_DIMENSIONS: tuple[str, ...] = ("quality_sla", "ai_throughput")
"""The dimensions measured deliveries suggest a score for."""


class SuggestionRow(BaseModel):
    """A typed score beside the measured suggestion for the same provider and dimension."""

    provider: str
    dimension: str
    typed: float | None
    suggested: int | None
    source: str
    because: str
    rule: str


def suggestion_rows(
    providers: list[str],
    suggestions: dict[str, dict[str, MeasuredSuggestion]],
    typed: dict[tuple[str, str], float | None],
) -> list[SuggestionRow]:
    """One row per provider and measured dimension: the typed score (None: not scored), the suggestion
    with its reasons, rule and source delivery, or why there is none. The typed score is never changed."""
    rows = []
    for provider in providers:
        for dimension in MEASURED_DIMENSIONS:
            s = suggestions.get(provider, {}).get(dimension)
            if s is None:
                why = (
                    "no stored delivery of this provider"
                    if provider not in suggestions
                    else "no stored delivery marks pre-labelled items"
                )
                rows.append(
                    SuggestionRow(
                        provider=provider,
                        dimension=dimension,
                        typed=typed.get((provider, dimension)),
                        suggested=None,
                        source="-",
                        because=why,
                        rule="",
                    )
                )
                continue
            rows.append(
                SuggestionRow(
                    provider=provider,
                    dimension=dimension,
                    typed=typed.get((provider, dimension)),
                    suggested=s.score,
                    source=s.source,
                    because="; ".join(p.reason for p in s.parts) or "-",
                    rule=s.rule,
                )
            )
    return rows
