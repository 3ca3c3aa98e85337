"""The pilot as titled plain tables: the one view `annogov pilot`, the Pilot page and any report show."""

from __future__ import annotations

from typing import Any

from governance.quality.stats.estimate import Estimate
from governance.quality.vendors.pilot_results import CategoryAgreement, PilotReport


def _pct(e: Estimate) -> str:
    if e.value is None:
        return "-"
    lo, hi = e.ci or (e.value, e.value)
    return f"{e.value:.1%} ({lo:.1%}-{hi:.1%})"


def _agreement(e: Estimate, n: int, percent: float | None = None) -> str:
    """A coefficient with its interval, the percent agreement and the item count, or why there is none."""
    if e.value is None:
        return e.undefined_reason or "-"
    ci = f" ({e.ci[0]:.3f} to {e.ci[1]:.3f})" if e.ci else ""
    agree = "" if percent is None else f", {percent:.1%} agree"
    return f"{e.value:.3f}{ci}{agree}, n={n}"


def _within(c: CategoryAgreement) -> str:
    return _agreement(c.agreement, c.double_labelled, c.percent)


def pilot_tables(report: PilotReport) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The pilot as titled plain tables (title, headers, rows): the one view CLI, app and reports show."""
    names = [p.name for p in report.providers]
    acc_rows: list[list[Any]] = []
    for i, cat in enumerate(report.categories):
        row: list[Any] = [cat, report.providers[0].per_category[i].items]
        row += [
            f"{p.per_category[i].right}/{p.per_category[i].items}  {_pct(p.per_category[i].accuracy)}"
            for p in report.providers
        ]
        acc_rows.append(row)
    total = report.shared_gold_items
    acc_rows.append(
        [
            "(all)",
            total,
            *[f"{sum(c.right for c in p.per_category)}/{total}  {_pct(p.accuracy)}" for p in report.providers],
        ]
    )
    base_rows = [
        [
            p.name,
            p.items,
            p.annotations,
            p.annotators,
            "-" if p.agreement.value is None else f"{p.agreement.value:.3f}",
            p.agreement_metric,
            "-" if p.defect_rate is None else f"{p.defect_rate:.1%} of {p.reviewed}",
            "-" if p.on_time is None else f"{p.on_time:.1%}",
            "-" if p.weekly_throughput is None else round(p.weekly_throughput, 1),
            f"{p.price_per_label:.3f}",
            "-" if p.cost_per_usable_label is None else f"{p.cost_per_usable_label:.4f}",
        ]
        for p in report.providers
    ]
    within_rows: list[list[Any]] = [
        [cat, *[_within(p.agreement_per_category[i]) for p in report.providers]]
        for i, cat in enumerate(report.categories)
        if all(len(p.agreement_per_category) == len(report.categories) for p in report.providers)
    ]
    within_rows.append(["(all)", *[_agreement(p.agreement, p.agreement.n_items) for p in report.providers]])
    pair_rows: list[list[Any]] = []
    for pr in report.pairs:
        for c in [pr.overall, *pr.categories]:
            pair_rows.append(
                [
                    f"{pr.first} vs {pr.second}",
                    c.category,
                    c.items,
                    c.first_right,
                    c.second_right,
                    c.b,
                    c.c,
                    f"{c.p_value:.4f}",
                    "" if c.category == "(all)" else f"{c.p_holm:.4f}",
                    c.better or ("no real difference" if not c.real else ""),
                ]
            )
    between = [
        [
            f"{pr.first} vs {pr.second}",
            pr.shared_items,
            "-" if pr.kappa.value is None else f"{pr.kappa.value:.3f}",
            "-" if pr.percent_agreement is None else f"{pr.percent_agreement:.1%}",
        ]
        for pr in report.pairs
    ]
    suggestion_rows: list[list[Any]] = []
    for p in report.providers:
        for s in [p.quality_suggestion, *([p.ai_evidence.suggestion] if p.ai_evidence else [])]:
            why = "; ".join(part.reason for part in s.parts)
            suggestion_rows.append([p.name, s.dimension, "-" if s.score is None else s.score, s.source, why])
    return [
        (
            f"Accuracy on the {report.shared_gold_items} shared gold items (right/items, 95% Wilson interval)",
            ["category", "gold items", *names],
            acc_rows,
        ),
        (
            "Baseline per provider",
            [
                "provider",
                "items",
                "annotations",
                "annotators",
                "agreement within",
                "metric",
                "defects (QA)",
                "on time",
                "per week",
                f"price ({report.currency})",
                f"cost per usable label ({report.currency})",
            ],
            base_rows,
        ),
        (
            "Agreement within each provider per category (coefficient, 95% bootstrap interval, items labelled "
            "twice or more)",
            ["category", *names],
            within_rows,
        ),
        (
            "Agreement between providers (answers on every shared item)",
            ["pair", "items", "Cohen's kappa", "agree"],
            between,
        ),
        (
            f"Which differences are real (exact McNemar on shared gold, Holm across categories, alpha {report.alpha})",
            [
                "pair",
                "category",
                "items",
                "first right",
                "second right",
                "b: only first",
                "c: only second",
                "p",
                "p (Holm)",
                "better",
            ],
            pair_rows,
        ),
        (
            "Suggested scorecard scores from the measurements (scorecard.measured rules)",
            ["provider", "dimension", "suggested", "source delivery", "because"],
            suggestion_rows,
        ),
    ]
