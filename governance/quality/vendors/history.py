"""A provider's quality over its deliveries: what one delivery measured, kept as counts so deliveries
add up, and the trend across deliveries by category, by annotator (pseudonymous codes by default) and
by guideline version, with significant drops flagged (`HISTORY_METHOD`: one-sided two-proportion
z-test from `governance.quality.stats.paired` against the delivery before it, at least `MIN_N` observations on both
sides, Holm-adjusted across everything tested for the same delivery).

    measure_delivery(counts, *, gold=None, seed=0) -> DeliveryMeasures
    provider_history(deliveries, *, by=...) -> History
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from governance.quality.annotator_codes import pseudonyms
from governance.quality.reading.delivery_counts import PERIOD_COLUMNS, DeliveryCounts
from governance.quality.sla.qa import group_names, period_table
from governance.quality.sla.sla_stats import agreement, agreement_by_group, resolve_metric
from governance.quality.stats.paired import DROP_METHOD, holm, proportion_drop
from governance.quality.vendors.goldset import GoldSet, seeded_share
from governance.quality.vendors.prelabel import PrelabelCounts, compare_prelabel
from scorecard.measured import MeasuredSuggestion, suggest_quality_score

ALPHA = 0.05
MIN_N = 10
"""A drop is tested only when both deliveries have at least this many observations of the rate."""
HISTORY_METHOD = (
    f"{DROP_METHOD} against the provider's previous delivery (same scope), tested when both sides have at least "
    f"{MIN_N} observations; Holm-adjusted across the scopes and rates tested for the same delivery, flagged at {ALPHA}"
)
_COL = {name: i for i, name in enumerate(PERIOD_COLUMNS)}
RATES: dict[str, tuple[str, str, bool]] = {
    "accuracy": ("correct", "gold", True),
    "defect_rate": ("failed", "reviewed", False),
    "on_time": ("on_time", "timed", True),
}
"""metric -> (numerator column, denominator column, higher is better)."""
By = Literal["overall", "category", "annotator", "guideline_version"]


class Tally(BaseModel):
    """Row-level counts of one scope of one delivery (the `PERIOD_COLUMNS`), plus its kappa."""

    rows: int = 0
    reviewed: int = 0
    failed: int = 0
    gold: int = 0
    correct: int = 0
    timed: int = 0
    on_time: int = 0
    kappa: float | None = None

    def add(self, other: Tally) -> Tally:
        """Counts summed; kappa does not add up and is dropped."""
        return Tally(**{k: getattr(self, k) + getattr(other, k) for k in PERIOD_COLUMNS})

    def value(self, metric: str) -> float | None:
        """A rate by name (accuracy, defect_rate, on_time) or kappa."""
        if metric == "kappa":
            return self.kappa
        num, den, _ = RATES[metric]
        d = getattr(self, den)
        return getattr(self, num) / d if d else None


class DeliveryMeasures(BaseModel):
    """What one delivery measured, as counts per scope; stored with the delivery."""

    file: str
    items: int
    annotations: int
    kappa_method: str
    overall: Tally
    categories: dict[str, Tally]
    annotators: dict[str, Tally]
    gold_seeded: int | None = None
    gold_share: float | None = None
    annotators_coded: bool = False
    prelabel: PrelabelCounts | None = None


def _tally(row: np.ndarray, kappa: float | None = None) -> Tally:
    return Tally(**{k: int(row[i]) for k, i in _COL.items()}, kappa=kappa)


def measure_delivery(
    counts: DeliveryCounts, *, gold: GoldSet | None = None, seed: int = 0, prelabel: PrelabelCounts | None = None
) -> DeliveryMeasures:
    """Count tables of a delivery -> its measures per category and annotator, kappa by
    `governance.quality.sla.sla_stats` (Cohen for two annotators, Fleiss for more), gold share when a gold set is given,
    and the pre-labelled / human-only counts when the delivery marks them (`governance.quality.vendors.prelabel`)."""
    metric = resolve_metric(counts, "kappa")
    overall_kappa = agreement(counts, metric, ci=False, seed=seed).value
    cat_table = period_table(counts, "category")
    names = group_names(counts, "category")
    kappas = agreement_by_group(counts, metric, counts.item_category, len(counts.categories), ci=False, seed=seed)
    categories = {
        name: _tally(row, kappas[i - 1].value if i > 0 else None)
        for i, (name, row) in enumerate(zip(names, cat_table, strict=False))
        if row[_COL["rows"]] > 0
    }
    annotators = {
        name: _tally(row) for name, row in zip(counts.annotators, period_table(counts, "annotator"), strict=False)
    }
    share = seeded_share(gold, counts.items.to_pylist()) if gold is not None else None
    return DeliveryMeasures(
        file=counts.file,
        items=counts.n_items,
        annotations=counts.n_rows,
        kappa_method=metric,
        overall=_tally(cat_table.sum(axis=0), overall_kappa),
        categories=categories,
        annotators=annotators,
        gold_seeded=None if share is None else share.gold_items,
        gold_share=None if share is None else share.share.value,
        prelabel=prelabel,
    )


class StoredDelivery(BaseModel):
    """A delivery as history reads it: who delivered, when, under which guideline version, what it measured."""

    id: int
    provider: str
    label: str
    delivered_on: str
    guideline_version: str
    measures: DeliveryMeasures


class Point(BaseModel):
    """One scope of one delivery (or one guideline version) in the trend, and its drop flags."""

    provider: str
    delivery: str
    delivered_on: str
    guideline_version: str
    scope: str
    accuracy: float | None
    gold: int
    kappa: float | None
    defect_rate: float | None
    reviewed: int
    on_time: float | None
    timed: int
    drops: dict[str, float]
    gold_share: float | None = None


class History(BaseModel):
    """Trend rows in delivery order per provider and scope; `flagged` lists the significant drops."""

    by: str
    points: list[Point]
    flagged: list[str]
    method: str


def pseudonymised(deliveries: Sequence[StoredDelivery], *, key: bytes) -> list[StoredDelivery]:
    """The deliveries with annotator ids replaced by `governance.quality.annotator_codes.pseudonyms` codes (A01...),
    numbered per provider over all its given deliveries, so one annotator keeps one code across them."""
    ids: dict[str, set[str]] = {}
    for d in deliveries:
        if not d.measures.annotators_coded:
            ids.setdefault(d.provider, set()).update(d.measures.annotators)
    codes = {provider: pseudonyms(names, key=key) for provider, names in ids.items()}
    return [
        d if d.measures.annotators_coded else d.model_copy(update={"measures": d.measures.model_copy(update={
            "annotators": {codes[d.provider][a]: t for a, t in d.measures.annotators.items()},
            "annotators_coded": True,
        })})
        for d in deliveries
    ]


def _scopes(d: StoredDelivery, by: By) -> dict[str, Tally]:
    m = d.measures
    if by == "category":
        return m.categories
    if by == "annotator":
        return m.annotators
    return {"(all)": m.overall}


def _drops(before: Tally, after: Tally) -> dict[str, float]:
    """Raw one-sided p-values of every rate that could be tested (both sides >= MIN_N)."""
    out = {}
    for metric, (num, den, higher) in RATES.items():
        kb, nb, ka, na = getattr(before, num), getattr(before, den), getattr(after, num), getattr(after, den)
        if min(nb, na) < MIN_N:
            continue
        test = proportion_drop(kb, nb, ka, na) if higher else proportion_drop(nb - kb, nb, na - ka, na)
        if test.p_value is not None:
            out[metric] = test.p_value
    return out


def _point(provider: str, label: str, on: str, version: str, scope: str, t: Tally, drops: dict[str, float]) -> Point:
    return Point(
        provider=provider,
        delivery=label,
        delivered_on=on,
        guideline_version=version,
        scope=scope,
        accuracy=t.value("accuracy"),
        gold=t.gold,
        kappa=t.kappa,
        defect_rate=t.value("defect_rate"),
        reviewed=t.reviewed,
        on_time=t.value("on_time"),
        timed=t.timed,
        drops=drops,
    )


def provider_history(deliveries: Sequence[StoredDelivery], *, by: By = "overall") -> History:
    """The trend of every provider's deliveries (ordered by date, then id) in the chosen breakdown;
    `guideline_version` sums the deliveries labelled under each version (kappa is not summed).
    Annotator scopes carry the ids the deliveries carry: the store codes them (`pseudonymised`)."""
    ordered = sorted(deliveries, key=lambda d: (d.provider, d.delivered_on, d.id))
    points: list[Point] = []
    flagged: list[str] = []
    last: dict[tuple[str, str], Tally] = {}
    rows: list[tuple[str, str, str, str, str, Tally, float | None]]
    family: list[tuple[str, int | str]]  # what Holm adjusts across: one delivery (by id; labels repeat), or one version
    if by == "guideline_version":
        groups: dict[tuple[str, str], tuple[str, Tally]] = {}
        for d in ordered:
            key = (d.provider, d.guideline_version)
            first_on, total = groups.get(key, (d.delivered_on, Tally()))
            groups[key] = (first_on, total.add(d.measures.overall))
        rows = [
            (p, v, v, on, v, t, None) for (p, v), (on, t) in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[1][0]))
        ]
        family = [(p, v) for p, v, *_ in rows]
    else:
        rows = [
            (d.provider, d.label, d.guideline_version, d.delivered_on, scope, t, d.measures.gold_share)
            for d in ordered
            for scope, t in sorted(_scopes(d, by).items())
        ]
        family = [(d.provider, d.id) for d in ordered for _ in _scopes(d, by)]
    raw: list[dict[str, float]] = []
    for provider, _, _, _, scope, t, _ in rows:
        key = (provider, "(all)" if by == "guideline_version" else scope)
        raw.append(_drops(last[key], t) if key in last else {})
        last[key] = t
    families: dict[tuple[str, int | str], list[tuple[int, str]]] = {}
    for i, member_of in enumerate(family):
        families.setdefault(member_of, []).extend((i, m) for m in raw[i])
    adjusted: list[dict[str, float]] = [{} for _ in rows]
    for members in families.values():
        for (i, m), q in zip(members, holm([raw[i][m] for i, m in members]), strict=True):
            if q < ALPHA:
                adjusted[i][m] = q
    for (provider, label, version, on, scope, t, share), drops in zip(rows, adjusted, strict=True):
        point = _point(provider, label, on, version, scope, t, drops)
        points.append(point.model_copy(update={"gold_share": share if by == "overall" else None}))
        flagged += [
            f"{provider} / {scope} / {label}: {m.replace('_', ' ')} worse (Holm p = {p:.4f})" for m, p in drops.items()
        ]
    return History(by=by, points=points, flagged=flagged, method=HISTORY_METHOD)


def history_rows(history: History) -> tuple[list[str], list[list[Any]]]:
    """The trend as one plain table (headers, rows) for the CLI, the app and the reports."""

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{v:.1%}"

    headers = [
        "provider",
        "delivery",
        "date",
        "guidelines",
        history.by,
        "accuracy",
        "gold",
        "kappa",
        "defects",
        "reviewed",
        "on time",
        "gold seeded",
        "drop flagged",
    ]
    rows = [
        [
            p.provider,
            p.delivery,
            p.delivered_on,
            p.guideline_version,
            p.scope,
            pct(p.accuracy),
            p.gold,
            "-" if p.kappa is None else f"{p.kappa:.3f}",
            pct(p.defect_rate),
            p.reviewed,
            pct(p.on_time),
            pct(p.gold_share),
            ", ".join(m.replace("_", " ") for m in p.drops),
        ]
        for p in history.points
    ]
    return headers, rows


def history_sections(deliveries: Sequence[StoredDelivery]) -> list[dict[str, Any]]:
    """Report sections: each provider's trend over deliveries, and the significant drops by category
    (annotators are left out of reports: the trend by annotator stays in the app and the CLI)."""
    overall = provider_history(deliveries, by="overall")
    by_category = provider_history(deliveries, by="category")
    columns = [
        "Provider",
        "Delivery",
        "Date",
        "Guidelines",
        "Accuracy",
        "Gold",
        "Kappa",
        "Defects",
        "On time",
        "Drop flagged",
    ]
    formats: dict[str, str] = {
        "Accuracy": "percent",
        "Gold": "integer",
        "Kappa": "decimal",
        "Defects": "percent",
        "On time": "percent",
    }
    trend = {
        "title": "Vendor history",
        "note": f"Every stored delivery in date order. Drops: {overall.method}.",
        "columns": columns,
        "formats": formats,
        "rows": [
            [
                p.provider,
                p.delivery,
                p.delivered_on,
                p.guideline_version,
                p.accuracy,
                p.gold,
                p.kappa,
                p.defect_rate,
                p.on_time,
                ", ".join(m.replace("_", " ") for m in p.drops),
            ]
            for p in overall.points
        ],
    }
    flagged = [p for p in by_category.points if p.drops]
    drops = {
        "title": "Vendor history: significant drops by category",
        "note": "A category's rate against the same category in the provider's previous delivery.",
        "columns": ["Provider", "Delivery", "Date", "Category", "Metric", "Now", "p (Holm)"],
        "formats": {"Now": "percent", "p (Holm)": "decimal"},
        "rows": [
            [p.provider, p.delivery, p.delivered_on, p.scope, m.replace("_", " "), p.model_dump()[m], pv]
            for p in flagged
            for m, pv in p.drops.items()
        ],
    }
    return [trend, drops] if flagged else [trend]


def delivery_source(d: StoredDelivery) -> str:
    """How a suggestion names its source delivery: label, stored id and date."""
    return f"{d.label} (delivery {d.id}, {d.delivered_on})"


def measured_suggestions(deliveries: Sequence[StoredDelivery]) -> dict[str, dict[str, MeasuredSuggestion]]:
    """Per provider and dimension, the suggested score (`scorecard.measured`) from its latest delivery:
    `quality_sla` from the latest delivery, `ai_throughput` from the latest that marks pre-labelled items."""
    ordered = sorted(deliveries, key=lambda d: (d.delivered_on, d.id))
    out: dict[str, dict[str, MeasuredSuggestion]] = {}
    for d in ordered:
        m = d.measures
        mine = out.setdefault(d.provider, {})
        mine["quality_sla"] = suggest_quality_score(
            m.overall.kappa,
            m.overall.value("defect_rate"),
            {c: t.value("accuracy") for c, t in m.categories.items()},
            source=delivery_source(d),
            reviewed=m.overall.reviewed,
            category_gold={c: t.gold for c, t in m.categories.items()},
        )
        if m.prelabel is not None:
            evidence = compare_prelabel(m.prelabel)
            mine["ai_throughput"] = evidence.suggestion.model_copy(update={"source": delivery_source(d)})
    return dict(sorted(out.items()))


def latest_suggestions(deliveries: Sequence[StoredDelivery]) -> dict[str, MeasuredSuggestion]:
    """Per provider, the suggested Quality SLA score from its latest delivery (`measured_suggestions`)."""
    return {provider: s["quality_sla"] for provider, s in measured_suggestions(deliveries).items()}
