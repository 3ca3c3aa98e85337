"""Check a delivery against SLA terms: per term pass / fail / inconclusive with value, interval,
sample size, the worst categories as evidence and the remedy owed; an overall verdict and credits.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

import numpy as np

from contracts.realism import RealismCheck, check_target
from contracts.sla_terms import SlaTerm, SlaTermSet
from governance.quality.reading.boxes import BOX_METRICS, BoxReport
from governance.quality.reading.columns import ColumnMapping
from governance.quality.reading.delivery import DeliverySource, open_delivery
from governance.quality.reading.delivery_counts import PERIOD_COLUMNS, DeliveryCounts, count_delivery
from governance.quality.reading.label_order import natural_key
from governance.quality.sla.drift import drift
from governance.quality.sla.qa import (
    NO_CATEGORY,
    RateResult,
    as_fraction,
    dim_codes,
    dim_values,
    group_names,
    period_table,
    qa_coverage,
    rate,
    required_count,
    scope_counts,
)
from governance.quality.sla.sla_report import (
    AnnotatorRow,
    CategoryRow,
    ClassRow,
    Confusion,
    Evidence,
    RemedyOwed,
    SlaReport,
    Status,
    TermResult,
)
from governance.quality.sla.sla_stats import AGREEMENT_METRICS, agreement, agreement_by_group, resolve_metric
from governance.quality.sla.timeliness import PRORATION_RULE, WeekVolume, weekly_volume

_COL = {name: i for i, name in enumerate(PERIOD_COLUMNS)}
EVIDENCE_SIZE = 3




def _status(
    term: SlaTerm, value: float | None, n: int, ci: tuple[float, float] | None = None
) -> tuple[Status, str | None]:
    """Pass/fail on the point value; a critical term also needs the interval's far end to hold."""
    if value is None:
        return "inconclusive", None
    if n < term.min_sample:
        return "inconclusive", f"sample of {n} is below the minimum of {term.min_sample}"
    if not term.holds(value):
        return "fail", None
    if term.tier == "critical" and ci is not None:
        far = ci[0] if term.comparator in (">=", ">") else ci[1]
        if not term.holds(far):
            return "fail", (
                f"critical term: the value {value:.4g} meets the threshold but its 95% interval "
                f"({ci[0]:.4g}-{ci[1]:.4g}) does not clear {term.threshold:g}"
            )
    return "pass", None


def _week_note(w: WeekVolume) -> str | None:
    """How a week's floor was set, when it is not simply the threshold over a whole week."""
    parts = []
    if w.contract_week is not None:
        parts.append(f"contract week {w.contract_week}")
    if w.days < 7 and w.committed is not None:
        parts.append(f"partial week: {w.committed:,} x {w.days}/7 = {w.required:,.2f}")
    elif w.contract_week is not None:
        parts.append(f"floor {w.committed:,}")
    return "; ".join(parts) or None


def _worst_first(term: SlaTerm, evidence: list[Evidence]) -> list[Evidence]:
    """Failing groups first, then by how far they are from the threshold on the bad side."""
    lower_bad = term.comparator in (">=", ">")
    rank = {"fail": 0, "inconclusive": 2, "pass": 1}

    def key(e: Evidence) -> tuple[int, float, str]:
        v = e.value if e.value is not None else (np.inf if lower_bad else -np.inf)
        return rank[e.status], v if lower_bad else -v, e.group

    return sorted(evidence, key=key)


class _Checker:
    """Evaluates terms against one delivery's counts."""

    def __init__(self, counts: DeliveryCounts, terms: SlaTermSet, seed: int, boxes: BoxReport | None = None) -> None:
        self.boxes = boxes
        self.c = counts
        self.terms = terms
        self.seed = seed
        self.cat_names = group_names(counts, "category")
        self._pa_by_cat: dict[bool, list[Any]] = {}  # by whether intervals were computed

    # -- scopes -------------------------------------------------------------------------------
    def item_mask(self, dim: str | None, value: str | None) -> np.ndarray | None:
        if dim is None:
            return None
        vocab, codes = dim_values(self.c, dim), dim_codes(self.c, dim)
        if value == NO_CATEGORY:
            return codes < 0
        if value not in vocab:
            return np.zeros(self.c.n_items, bool)
        return codes == vocab.index(value)

    def row_counts(self, dim: str, value: str | None) -> np.ndarray:
        return scope_counts(self.c, dim, value)

    # -- metrics -------------------------------------------------------------------------------
    def measure(
        self, term: SlaTerm, dim: str | None, value: str | None
    ) -> tuple[float | None, tuple[float, float] | None, int, str | None, str]:
        """(value, ci, n, undefined reason, method) of a term's metric over one scope."""
        metric = term.metric
        if metric in BOX_METRICS:
            if self.boxes is None:
                return None, None, 0, "box terms need the box exports (sla-check --boxes FILE ...)", metric
            box_value, n = self.boxes.metric(metric, value if dim == "category" else None)
            reason = None if box_value is not None else "no boxes in this scope"
            return box_value, None, n, reason, f"{metric} against {self.boxes.against}: {self.boxes.method}"
        if metric in AGREEMENT_METRICS:
            items = self.item_mask(dim, value)
            est = agreement(
                self.c, metric, items, level=term.level, weights=term.weights, seed=self.seed, missing=term.missing
            )
            ci = (est.ci[0], est.ci[1]) if est.ci is not None else None
            return est.value, ci, est.n_items, est.undefined_reason, est.method
        row = self.row_counts(dim or "category", value)
        pairs = {
            "accuracy": ("correct", "gold", "annotations on gold items"),
            "defect_rate": ("failed", "reviewed", "QA-reviewed annotations"),
            "qa_coverage": ("reviewed", "rows", "delivered annotations"),
            "on_time_rate": ("on_time", "timed", "annotations with submitted_at and due_at"),
        }
        if metric in pairs:
            num, den, what = pairs[metric]
            if metric == "on_time_rate" and "due_at" not in self.c.columns:
                return None, None, 0, "the delivery has no due_at column", metric
            if metric == "accuracy" and "gold_label" not in self.c.columns:
                return None, None, 0, "the delivery has no gold_label column", metric
            if metric == "defect_rate" and "qa_result" not in self.c.columns:
                return None, None, 0, "the delivery has no qa_result column", metric
            r: RateResult = rate(int(row[_COL[num]]), int(row[_COL[den]]), what)
            return r.value, r.ci, r.denominator, r.undefined_reason, f"{metric} ({r.method})"
        raise ValueError(f"metric {metric} is not measured per scope")

    def evaluate(self, term: SlaTerm) -> TermResult:
        kind, named = term.scope.kind, term.scope.value
        if term.metric == "weekly_throughput":
            return self._throughput(term)
        notes: list[str] = []
        if kind == "each_category":
            names = self._category_names(term)
            if names:
                evidence = [self._group_evidence(term, "category", name) for name in names]
            else:  # no category column: the whole delivery is the one category
                evidence = [self._group_evidence(term, None, None)]
            fails = [e for e in evidence if e.status == "fail"]
            undecided = [e for e in evidence if e.status == "inconclusive"]
            status: Status = "fail" if fails else "inconclusive" if undecided else "pass"
            worst = _worst_first(term, evidence)
            head = next((e for e in worst if e.value is not None), worst[0])
            value, ci = head.value, head.ci
            n = sum(e.n for e in evidence)
            reason = (
                f"{len(undecided)} categor{'y' if len(undecided) == 1 else 'ies'} without a decidable value"
                if status == "inconclusive"
                else None
            )
            breaches = len(fails)
            method: str = term.metric
            shown = worst[:EVIDENCE_SIZE] + [e for e in worst[EVIDENCE_SIZE:] if e.status == "fail"]
        else:
            dim = None if kind == "overall" else kind
            value, ci, n, undefined, method = self.measure(term, dim, named)
            status, reason = self._decide(term, value, n, undefined, ci)
            if term.metric == "qa_coverage" and value is not None and status != "inconclusive":
                status = self._coverage_status(term, dim, named)
            breaches = 1 if status == "fail" else 0
            shown = self._worst_categories(term, dim, named)
        realism = self._realism(term, kind, named) if term.metric == "accuracy" else []
        notes += [r.note for r in realism if r.note]
        return TermResult(
            id=term.id,
            metric=term.metric,
            method=method,
            scope=str(term.scope),
            tier=term.tier,
            status=status,
            value=value,
            ci=ci,
            threshold=term.threshold,
            comparator=term.comparator,
            n=n,
            min_sample=term.min_sample,
            reason=reason,
            evidence=shown,
            remedy=self._remedy(term, breaches),
            notes=notes,
            realism=realism,
        )

    def _remedy(self, term: SlaTerm, breaches: int) -> RemedyOwed | None:
        """The credit `breaches` failing scopes of the term trigger; None for a term without one."""
        if term.remedy.kind == "none":
            return None
        return RemedyOwed(
            kind=term.remedy.kind,
            breaches=breaches,
            amount=term.remedy.owed(breaches, self.terms.period_fee),
            cap=term.remedy.cap,
        )

    def _decide(
        self,
        term: SlaTerm,
        value: float | None,
        n: int,
        undefined: str | None,
        ci: tuple[float, float] | None = None,
    ) -> tuple[Status, str | None]:
        if value is None:
            return "inconclusive", undefined or "no value"
        return _status(term, value, n, None if term.metric == "qa_coverage" else ci)

    def _category_names(self, term: SlaTerm) -> list[str]:
        """The categories an 'each_category' term runs over: box labels for box terms."""
        if term.metric in BOX_METRICS:
            return [c.category for c in self.boxes.categories] if self.boxes is not None else []
        return [name for name in self.cat_names if self._has_rows(name)] if self.c.categories else []

    def _has_rows(self, name: str) -> bool:
        return bool(self.row_counts("category", name)[_COL["rows"]] > 0)

    def _coverage_status(self, term: SlaTerm, dim: str | None, value: str | None) -> Status:
        """Coverage compared exactly: reviewed >= ceil(delivered x threshold)."""
        row = self.row_counts(dim or "category", value)
        need = required_count(int(row[_COL["rows"]]), as_fraction(term.threshold))
        ok = int(row[_COL["reviewed"]]) >= need
        if term.comparator in ("<=", "<"):
            ok = Fraction(int(row[_COL["reviewed"]]), max(1, int(row[_COL["rows"]]))) <= Fraction(str(term.threshold))
        return "pass" if ok else "fail"

    def _group_evidence(self, term: SlaTerm, dim: str | None, name: str | None) -> Evidence:
        value, ci, n, undefined, _ = self.measure(term, dim, name)
        status, reason = self._decide(term, value, n, undefined, ci)
        if term.metric == "qa_coverage" and value is not None and status != "inconclusive":
            status = self._coverage_status(term, dim, name)
            row = self.row_counts(dim or "category", name)
            need = required_count(int(row[_COL["rows"]]), as_fraction(term.threshold))
            reason = f"{int(row[_COL['reviewed']])} reviewed of {int(row[_COL['rows']])}, {need} required"
        return Evidence(group=name or "all", value=value, ci=ci, n=n, status=status, note=reason)

    def _worst_categories(self, term: SlaTerm, dim: str | None, named: str | None) -> list[Evidence]:
        """Within a scope, the categories that pull the value the wrong way."""
        if term.metric in BOX_METRICS:
            return []
        if dim == "category" or not self.c.categories:
            return []
        if term.metric in AGREEMENT_METRICS:
            scope_items = self.item_mask(dim, named)
            groups = (
                np.where(scope_items, self.c.item_category, -1) if scope_items is not None else self.c.item_category
            )
            critical = term.tier == "critical"
            ests = agreement_by_group(
                self.c,
                term.metric,
                groups,
                len(self.c.categories),
                level=term.level,
                weights=term.weights,
                ci=critical,
                seed=self.seed,
                missing=term.missing,
            )
            evidence = []
            for name, est in zip(self.c.categories, ests, strict=True):
                if est.n_items == 0:
                    continue
                st, note = self._decide(term, est.value, est.n_items, est.undefined_reason, est.ci)
                evidence.append(Evidence(group=name, value=est.value, ci=est.ci, n=est.n_items, status=st, note=note))
        elif dim is None:
            evidence = [
                self._group_evidence(term, "category", name) for name in self.cat_names[1:] if self._has_rows(name)
            ]
        else:
            return []
        return _worst_first(term, evidence)[:EVIDENCE_SIZE]

    def percent_agreement_by_category(self, ci: bool = False) -> list[Any]:
        """Percent agreement per category; with bootstrap intervals (for target realism) only when asked."""
        cache = self._pa_by_cat
        want = ci or True in cache  # values with intervals serve value-only callers too
        if want not in cache:
            cache[want] = agreement_by_group(
                self.c, "percent_agreement", self.c.item_category, len(self.c.categories), ci=want, seed=self.seed
            )
        return cache[want]

    def _realism(self, term: SlaTerm, kind: str, named: str | None) -> list[RealismCheck]:
        """An accuracy target against (1 + a) / 2, a the upper end of the scope's pairwise agreement:
        per category for an each-category term, else over the term's own scope."""
        if term.comparator not in (">=", ">"):
            return []
        if kind == "each_category" and self.c.categories:
            scopes = list(zip(self.c.categories, self.percent_agreement_by_category(ci=True), strict=True))
        else:
            dim = None if kind in ("overall", "each_category") else kind
            est = agreement(self.c, "percent_agreement", self.item_mask(dim, named), seed=self.seed)
            scopes = [("the delivery" if dim is None else f"{kind} {named}", est)]
        return [
            check_target(name, term.threshold, est.value, est.ci[1] if est.ci else None)
            for name, est in scopes
            if est.value is not None
        ]

    def _throughput(self, term: SlaTerm) -> TermResult:
        """Each week against its own floor (ramp step or threshold, partial weeks prorated); a cap
        (<=, <) against the threshold on every whole week's count."""
        floors = term.comparator in (">=", ">")
        ramp = self.terms.ramp if floors else None
        weeks = weekly_volume(self.c, int(term.threshold), ramp, self.terms.period_end)
        checked = [w for w in weeks if w.committed is not None] if floors else weeks

        def holds(w: WeekVolume) -> bool:
            return bool(w.holds(strict=term.comparator == ">")) if floors else term.holds(w.annotations)

        evidence = [
            Evidence(
                group=w.week_start,
                value=float(w.annotations),
                n=w.annotations,
                status="pass" if holds(w) else "fail",
                note=_week_note(w) if floors else None,
            )
            for w in checked
        ]
        notes: list[str] = []
        value: float | None = None
        reason: str | None = None
        if not weeks:
            status: Status = "inconclusive"
            reason = "the delivery has no submitted_at dates"
        elif not checked:
            status, reason = "inconclusive", "no week of the delivery falls between the ramp start and the period end"
        else:
            if floors:
                worst = min(
                    checked,
                    key=lambda w: (
                        w.annotations * 7 / (w.committed or 0) / w.days if (w.committed or 0) * w.days else np.inf
                    ),
                )
                value = float(worst.annotations)
                notes.append(
                    "each week against its own floor (value: the week with the lowest share of its floor); "
                    + PRORATION_RULE
                )
                end = self.terms.period_end
                notes.append(
                    f"period ends {end.isoformat()} (stated by the buyer): the last week is prorated to that day"
                    if end is not None
                    else "no period end stated: the last calendar week of the delivery counts whole"
                )
                if ramp is not None:
                    steps = ", ".join(f"week {s.week}: {s.floor:,}" for s in ramp.steps)
                    notes.append(
                        f"ramp from {ramp.start.isoformat()} (week 1 = that calendar week): {steps}; "
                        f"after week {ramp.steps[-1].week}: {int(term.threshold):,}"
                    )
            else:
                value = float(max(w.annotations for w in weeks))
            status, reason = (
                ("inconclusive", f"sample of {len(checked)} is below the minimum of {term.min_sample}")
                if len(checked) < term.min_sample
                else ("fail" if any(e.status == "fail" for e in evidence) else "pass", None)
            )
        fails = [e for e in evidence if e.status == "fail"]
        return TermResult(
            id=term.id,
            metric=term.metric,
            method="annotations per week (Monday start)",
            scope=str(term.scope),
            tier=term.tier,
            status=status,
            value=value,
            ci=None,
            threshold=term.threshold,
            comparator=term.comparator,
            n=len(checked),
            min_sample=term.min_sample,
            reason=reason,
            evidence=_worst_first(term, evidence)[: max(EVIDENCE_SIZE, len(fails))],
            remedy=self._remedy(term, len(fails) if status == "fail" else 0),
            notes=notes,
        )

    # -- tables for reports ---------------------------------------------------------------------
    def category_rows(self) -> list[CategoryRow]:
        kappa_method = resolve_metric(self.c, "kappa")
        kappas = agreement_by_group(self.c, kappa_method, self.c.item_category, len(self.c.categories))
        items = np.bincount(self.c.item_category[self.c.item_category >= 0], minlength=len(self.c.categories))
        out = []
        for i, name in enumerate(self.c.categories):
            row = self.row_counts("category", name)
            out.append(
                CategoryRow(
                    category=name,
                    items=int(items[i]),
                    annotations=int(row[_COL["rows"]]),
                    reviewed=int(row[_COL["reviewed"]]),
                    failed=int(row[_COL["failed"]]),
                    defect_rate=rate(row[_COL["failed"]], row[_COL["reviewed"]], "").value,
                    qa_coverage=rate(row[_COL["reviewed"]], row[_COL["rows"]], "").value,
                    gold_annotations=int(row[_COL["gold"]]),
                    accuracy=rate(row[_COL["correct"]], row[_COL["gold"]], "").value,
                    percent_agreement=self.percent_agreement_by_category()[i].value,
                    kappa=kappas[i].value,
                    kappa_method=kappa_method,
                )
            )
        return out

    def confusion(self) -> Confusion:
        matrix = (
            self.c.table("category_confusion")
            .reshape(-1, max(len(self.c.labels), 1), max(len(self.c.labels), 1))
            .sum(axis=0)
        )
        classes = []
        for i, label in enumerate(self.c.labels):
            support, predicted = int(matrix[i].sum()), int(matrix[:, i].sum())
            tp = int(matrix[i, i])
            precision = tp / predicted if predicted else None
            recall = tp / support if support else None
            f1 = 2 * tp / (support + predicted) if support + predicted else None  # 2TP / (2TP + FP + FN)
            note = None
            if support and not predicted:
                note = f"{support} gold item(s) of this class and none delivered as it: recall 0, F1 0"
            elif predicted and not support:
                note = f"delivered {predicted} time(s) on gold items, none of which is of this class: F1 0"
            classes.append(
                ClassRow(
                    label=label,
                    support=support,
                    predicted=predicted,
                    precision=precision,
                    recall=recall,
                    f1=f1,
                    note=note,
                )
            )
        return Confusion(
            labels=list(self.c.labels),
            matrix=matrix[: len(self.c.labels), : len(self.c.labels)].tolist(),
            classes=classes,
        )

    def annotator_rows(self) -> list[AnnotatorRow]:
        table = period_table(self.c, "annotator")
        out = []
        for name, row in zip(self.c.annotators, table, strict=False):
            out.append(
                AnnotatorRow(
                    annotator=name,
                    annotations=int(row[_COL["rows"]]),
                    gold_annotations=int(row[_COL["gold"]]),
                    accuracy=rate(row[_COL["correct"]], row[_COL["gold"]], "").value,
                    reviewed=int(row[_COL["reviewed"]]),
                    defect_rate=rate(row[_COL["failed"]], row[_COL["reviewed"]], "").value,
                )
            )
        return sorted(out, key=lambda r: natural_key(r.annotator))  # by name, not by first row


def check_counts(
    terms: SlaTermSet,
    counts: DeliveryCounts,
    *,
    seed: int = 0,
    drift_by: Literal["week", "batch"] | None = None,
    drift_threshold: float | None = None,
    boxes: BoxReport | None = None,
) -> SlaReport:
    """Evaluate every term over already-counted delivery tables (box terms over `boxes`); drift by
    batch when the delivery has batches (else week), its threshold from the argument, else the term set."""
    checker = _Checker(counts, terms, seed, boxes)
    results = [checker.evaluate(t) for t in terms.terms]
    statuses = {r.status for r in results}
    verdict: Status = "fail" if "fail" in statuses else ("inconclusive" if "inconclusive" in statuses else "pass")
    credits = sum(r.remedy.amount for r in results if r.remedy)
    if terms.total_credit_cap is not None:
        credits = min(credits, terms.total_credit_cap)
    coverage_rate = next((t.threshold for t in terms.terms if t.metric == "qa_coverage"), 0.10)
    by = drift_by or ("batch" if counts.batches else "week")
    return SlaReport(
        contract=terms.name,
        delivery=counts.file,
        currency=terms.currency,
        verdict=verdict,
        credits=round(credits, 2),
        terms=results,
        n_annotations=counts.n_rows,
        n_items=counts.n_items,
        n_annotators=len(counts.annotators),
        categories=checker.category_rows(),
        coverage=qa_coverage(counts, coverage_rate),
        confusion=checker.confusion(),
        annotators=checker.annotator_rows(),
        weekly=weekly_volume(counts, terms.committed_weekly_volume, terms.ramp, terms.period_end),
        drift=drift(counts, by, terms.drift_threshold if drift_threshold is None else drift_threshold),
        warnings=counts.warnings,
        label_order=counts.label_order,
    )


def check_delivery(
    terms: SlaTermSet,
    delivery: DeliverySource | str | Path,
    *,
    mapping: ColumnMapping | None = None,
    seed: int = 0,
    label_set: Sequence[str] | None = None,
    drift_by: Literal["week", "batch"] | None = None,
    drift_threshold: float | None = None,
    boxes: BoxReport | None = None,
) -> SlaReport:
    """Read a delivery (path or opened source) in batches and check it against the terms."""
    source = delivery if isinstance(delivery, DeliverySource) else open_delivery(delivery, mapping)
    counts = count_delivery(source, label_set if label_set is not None else terms.label_set)
    return check_counts(
        terms, counts, seed=seed, drift_by=drift_by, drift_threshold=drift_threshold, boxes=boxes
    )
