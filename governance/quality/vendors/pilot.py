"""A pilot: two or more shortlisted providers label the same items, including the same gold items,
and are compared side by side on what was measured.

Per provider: accuracy on the shared gold items per category (Wilson intervals), agreement within
the provider overall and per category (`governance.quality.sla.sla_stats`: Cohen for two annotators,
Fleiss for more; a category needs `MIN_DOUBLE` double-labelled items), on-time share and weekly
throughput as the baseline (`governance.quality.sla.timeliness`), QA defect rate
(`governance.quality.sla.qa`) and cost per usable label. Between providers: Cohen's kappa of their
item labels on the shared items, and per category an exact McNemar test on the shared gold items
(`governance.quality.stats.paired`), Holm-adjusted
across the categories of each pair.

A provider's answer on an item is the majority of its annotations (ties: first in label-set order);
the item counts as right when a strict majority of its annotations equal the gold label.

    run_pilot(spec, base_dir=) -> PilotReport
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from governance.quality.reading.delivery import open_delivery
from governance.quality.reading.delivery_counts import DeliveryCounts, count_delivery
from governance.quality.sla.qa import defect_rate
from governance.quality.sla.sla_stats import agreement, agreement_by_group, resolve_metric
from governance.quality.sla.timeliness import on_time_rate, weekly_volume
from governance.quality.stats.cohen_scott import cohen_kappa
from governance.quality.stats.estimate import rate, undefined
from governance.quality.stats.paired import MCNEMAR_METHOD, holm, mcnemar_exact
from governance.quality.vendors.goldset import GoldSet, load_gold_set
from governance.quality.vendors.pilot_results import (
    CategoryAccuracy,
    CategoryAgreement,
    PairCategory,
    PairResult,
    PilotReport,
    ProviderResult,
)
from governance.quality.vendors.prelabel import PrelabelEvidence, prelabel_evidence
from ingest import InputError, Location, Problem, decode_text, load_yaml, read_input
from scorecard.measured import MIN_COUNT, suggest_quality_score

USABLE_RULE = "cost per usable label = price per label x annotations per item / accuracy on shared gold items"
MIN_DOUBLE = MIN_COUNT
"""A category's agreement within a provider needs this many items labelled twice or more."""
ANSWER_RULE = (
    "a provider's answer on an item is the majority of its annotations (ties: first in label-set order); "
    "the item is right when a strict majority of its annotations equal the gold label"
)


class PilotProvider(BaseModel):
    """One provider in the pilot: its delivery file (relative to the spec) and its price per label."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    delivery: str = Field(min_length=1)
    price_per_label: float = Field(ge=0)


class PilotSpec(BaseModel):
    """The pilot: label set, the buyer's gold set file, the providers, the significance level."""

    model_config = ConfigDict(extra="forbid")

    name: str = "Pilot"
    currency: str = "USD"
    label_set: list[str] = Field(min_length=2)
    gold: str = Field(min_length=1)
    gold_version: int = Field(default=1, ge=1)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    providers: list[PilotProvider] = Field(min_length=2)

    @model_validator(mode="after")
    def _unique(self) -> PilotSpec:
        names = [p.name for p in self.providers]
        if len(set(names)) != len(names):
            raise ValueError("provider names must be unique")
        return self


def load_pilot_spec(path: str | Path, data: bytes | None = None) -> PilotSpec:
    """Read a pilot spec (YAML or JSON); problems located by field path and YAML line."""
    from contracts.sla_term_files import validation_problems

    path = Path(path)
    if data is None and not path.is_file():
        raise InputError.at("no such file", str(path))
    raw_bytes = read_input(path, data, limit="max_document_bytes")
    text = decode_text(raw_bytes, path.name)
    raw = load_yaml(text, path.name)
    if not isinstance(raw, dict):
        raise InputError.at("expected a mapping with label_set, gold and providers", path.name)
    try:
        return PilotSpec.model_validate(raw)
    except ValidationError as exc:
        raise InputError(validation_problems(exc, path.name, text)) from None


def _answers(counts: DeliveryCounts, ids: list[str], gold_codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Answer code and right/wrong of each listed item (present in the delivery) for one provider."""
    index = {item: i for i, item in enumerate(counts.items.to_pylist())}
    rows = counts.item_counts[[index[i] for i in ids]] if ids else np.zeros((0, len(counts.labels)), np.int64)
    answer = rows.argmax(axis=1) if len(ids) else np.zeros(0, np.int64)
    right = (
        2 * rows[np.arange(len(ids)), np.maximum(gold_codes, 0)] > rows.sum(axis=1) if len(ids) else np.zeros(0, bool)
    )
    return answer, right & (gold_codes >= 0)


def _agreement_by_category(counts: DeliveryCounts, metric: str, cats: list[str], seed: int) -> list[CategoryAgreement]:
    """Per pilot category, the within-provider coefficient over that category's items (`metric`, resolved
    once for the whole delivery, with the same bootstrap interval as the overall figure) and the plain
    percent agreement beside it (a category where nearly every label is the same has chance agreement
    near 1, so its kappa can be near 0 or below while annotators almost always agree), or why not."""
    names = list(counts.categories)
    grouped = counts.item_category >= 0
    multi = counts.item_counts.sum(axis=1) >= 2
    doubles = np.bincount(counts.item_category[grouped & multi], minlength=len(names)) if names else np.zeros(0)
    per = agreement_by_group(counts, metric, counts.item_category, len(names), ci=True, seed=seed) if names else []
    share = agreement_by_group(counts, "percent_agreement", counts.item_category, len(names)) if names else []
    out = []
    for c in cats:
        i = names.index(c) if c in names else None
        n = 0 if i is None else int(doubles[i])
        if i is None or n < MIN_DOUBLE:
            reason = f"too few double-labelled items: {n}, needs at least {MIN_DOUBLE}"
            est = undefined(reason, per[i].method if i is not None else metric, n_items=n)
        else:
            est = per[i]
        percent = None if est.value is None or i is None else share[i].value
        out.append(CategoryAgreement(category=c, double_labelled=n, agreement=est, percent=percent))
    return out


def _provider(
    p: PilotProvider, counts: DeliveryCounts, gold_ids: list[str], gold: GoldSet, right: np.ndarray, seed: int
) -> ProviderResult:
    cats = sorted({gold.labels_by_item()[i].category for i in gold_ids})
    item_cat = np.array([gold.labels_by_item()[i].category for i in gold_ids], dtype=object)
    per_cat = []
    for c in cats:
        mask = item_cat == c
        k, n = int(right[mask].sum()), int(mask.sum())
        per_cat.append(
            CategoryAccuracy(category=c, right=k, items=n, accuracy=rate(k, n, "items right on shared gold"))
        )
    acc = rate(int(right.sum()), len(gold_ids), "items right on shared gold")
    metric = resolve_metric(counts, "kappa")
    agree = agreement(counts, metric, seed=seed)
    agree_by_cat = _agreement_by_category(counts, metric, cats, seed)
    defects = defect_rate(counts)
    timely = on_time_rate(counts)
    weeks = weekly_volume(counts)
    span = sum(w.days for w in weeks) / 7
    throughput = sum(w.annotations for w in weeks) / span if span > 0 else None
    per_item = counts.n_rows / counts.n_items if counts.n_items else 0.0
    cost = p.price_per_label * per_item / acc.value if acc.value else None
    return ProviderResult(
        name=p.name,
        delivery=p.delivery,
        items=counts.n_items,
        annotations=counts.n_rows,
        annotators=len(counts.annotators),
        accuracy=acc,
        per_category=per_cat,
        agreement=agree,
        agreement_metric=metric,
        agreement_per_category=agree_by_cat,
        defect_rate=defects.value,
        reviewed=defects.denominator,
        on_time=timely.value,
        weekly_throughput=throughput,
        weeks=round(span, 4),
        price_per_label=p.price_per_label,
        annotations_per_item=per_item,
        cost_per_usable_label=cost,
        quality_suggestion=suggest_quality_score(
            agree.value,
            defects.value,
            {c.category: c.accuracy.value for c in per_cat},
            source=p.delivery,
            reviewed=defects.denominator,
            category_gold={c.category: c.items for c in per_cat},
        ),
    )


def _pair_category(name: str, a: str, b: str, ra: np.ndarray, rb: np.ndarray) -> PairCategory:
    t = mcnemar_exact(ra.tolist(), rb.tolist())
    return PairCategory(
        category=name,
        items=len(ra),
        first_right=int(ra.sum()),
        second_right=int(rb.sum()),
        b=t.b,
        c=t.c,
        p_value=t.p_value,
        p_holm=t.p_value,
        real=False,
        better=None,
    )


def _judge(row: PairCategory, p_holm: float, alpha: float, a: str, b: str) -> PairCategory:
    real = p_holm < alpha
    better = (a if row.b > row.c else b) if real else None
    return row.model_copy(update={"p_holm": p_holm, "real": real, "better": better})


def compare(
    spec: PilotSpec,
    gold: GoldSet,
    deliveries: dict[str, DeliveryCounts],
    *,
    file: str = "pilot",
    seed: int = 0,
    prelabel: dict[str, PrelabelEvidence] | None = None,
) -> PilotReport:
    """The pilot over counted deliveries (one per provider, in spec order) and the gold set; `prelabel`
    holds the AI-assisted evidence of deliveries that mark pre-labelled rows."""
    by_item = gold.labels_by_item()
    item_sets = {name: set(c.items.to_pylist()) for name, c in deliveries.items()}
    shared = sorted(set.intersection(*item_sets.values()))
    if not shared:
        sizes = ", ".join(
            f"{n} ({Path(deliveries[n].file).name}): {len(s)} items" for n, s in item_sets.items()
        )
        raise InputError.at(
            f"the providers share no items ({sizes}); a pilot compares the same items", file, column="providers"
        )
    gold_ids = [i for i in shared if i in by_item and not by_item[i].qualification]
    if not gold_ids:
        raise InputError.at(
            f"none of the {len(shared)} shared items is in the gold set {gold.name!r}; "
            "seed the same gold items in every delivery",
            file,
            column="gold",
        )
    gold_labels = [by_item[i].label for i in gold_ids]
    answers, rights, results = {}, {}, []
    for p in spec.providers:
        counts = deliveries[p.name]
        code = {label: i for i, label in enumerate(counts.labels)}  # the delivery's own label order
        answer_codes, _ = _answers(counts, shared, np.zeros(len(shared), np.int64))
        answers[p.name] = np.array([spec.label_set.index(counts.labels[a]) for a in answer_codes], np.int64)
        _, rights[p.name] = _answers(counts, gold_ids, np.array([code[g] for g in gold_labels], np.int64))
        result = _provider(p, counts, gold_ids, gold, rights[p.name], seed)
        results.append(result.model_copy(update={"ai_evidence": (prelabel or {}).get(p.name)}))
    cats = sorted({by_item[i].category for i in gold_ids})
    item_cat = np.array([by_item[i].category for i in gold_ids], dtype=object)
    v = len(spec.label_set)
    pairs = []
    for pa_, pb_ in combinations(spec.providers, 2):
        a, b = pa_.name, pb_.name
        table = np.bincount(answers[a] * v + answers[b], minlength=v * v).reshape(v, v)
        kappa = cohen_kappa(table)[0]
        rows = [_pair_category(c, a, b, rights[a][item_cat == c], rights[b][item_cat == c]) for c in cats]
        adjusted = holm([r.p_value for r in rows])
        rows = [_judge(r, q, spec.alpha, a, b) for r, q in zip(rows, adjusted, strict=True)]
        overall = _pair_category("(all)", a, b, rights[a], rights[b])
        pairs.append(
            PairResult(
                first=a,
                second=b,
                shared_items=len(shared),
                kappa=kappa,
                percent_agreement=float(np.trace(table) / table.sum()) if table.sum() else None,
                overall=_judge(overall, overall.p_value, spec.alpha, a, b),
                categories=rows,
            )
        )
    return PilotReport(
        name=spec.name,
        currency=spec.currency,
        gold_set=gold.name,
        gold_version=gold.version,
        label_set=spec.label_set,
        shared_items=len(shared),
        shared_gold_items=len(gold_ids),
        categories=cats,
        providers=results,
        pairs=pairs,
        alpha=spec.alpha,
        rules={
            "answer": ANSWER_RULE,
            "paired_test": MCNEMAR_METHOD + "; Holm-adjusted across the categories of each pair",
            "cost": USABLE_RULE,
            "throughput": "annotations per 7 days from the first to the last submission (partial weeks prorated)",
            "agreement_within": "Cohen's kappa (two annotators) or Fleiss' kappa (more), items labelled twice or more; "
            "per category the same coefficient (chosen once for the delivery) and bootstrap interval over the "
            f"category's items (the delivery's category column), not given below {MIN_DOUBLE} double-labelled items",
            "agreement_between": "Cohen's kappa of the two providers' answers on every shared item",
        },
    )


def run_pilot(spec: PilotSpec, *, base_dir: str | Path = ".", file: str = "pilot", seed: int = 0) -> PilotReport:
    """Read the gold set and every delivery named in the spec (paths relative to `base_dir`) and compare."""
    base = Path(base_dir)
    missing = [
        Problem(Location(file, column=field), f"no such file: {name}")
        for field, name in [("gold", spec.gold), *((f"providers.{i}.delivery", p.delivery)
                                                  for i, p in enumerate(spec.providers))]
        if not (base / name).is_file()
    ]
    if missing:
        raise InputError(missing)
    gold = load_gold_set(base / spec.gold, spec.label_set, name=Path(spec.gold).stem, version=spec.gold_version)
    deliveries = {}
    prelabel = {}
    problems: list[Problem] = []
    for i, p in enumerate(spec.providers):
        try:
            source = open_delivery(base / p.delivery)
            deliveries[p.name] = count_delivery(source, spec.label_set)
            if "prelabelled" in source.columns:
                prelabel[p.name] = prelabel_evidence(source, gold)
        except InputError as exc:
            problems.extend(exc.problems)
        except ValueError as exc:
            problems.append(Problem(Location(file, column=f"providers.{i}.delivery"), f"{p.delivery}: {exc}"))
    if problems:
        raise InputError(problems)
    return compare(spec, gold, deliveries, file=file, seed=seed, prelabel=prelabel)
