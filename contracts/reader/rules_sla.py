"""Rules for SLA terms: agreement per task type, accuracy, defect rate, turnaround, ramp, and the
service credit that backs them; read per sentence, linked to their terms by paragraph."""

from __future__ import annotations

from typing import Any

from contracts.reader.lexicon import NUM, find_dates, number, rx
from contracts.reader.rule import Custom, Hit, Rule
from contracts.reader.rules_quality import ACCURACY
from contracts.reader.scope import Clause


def _hit(clause: str, field: str, value: Any, note: str | None = None, negative: bool = False) -> Hit:
    return Hit(field, value, clause, note, negative)


_KAPPA_TERM = rx(
    r"\b(cohen'?’?s?|fleiss'?’?s?|krippendorff'?’?s?)?\s*(kappa|alpha)\s+(?:of\s+)?"
    r"(?:at\s+least\s+|>=\s*|≥\s*|no\s+less\s+than\s+)?(0\.\d+)\s+(?:on|for)\s+"
    r"([\w-]+)\s+tasks?"
)
_DEFECT = rx(
    r"\bdefect\s+rate\s+(?:of\s+)?(?:no\s+more\s+than|at\s+most|below|under|<=|≤|"
    r"not\s+(?:to\s+)?exceed(?:ing)?)?\s*(\d+(?:\.\d+)?)\s*%"
)
_ON_TIME = rx(
    r"\b(\d{2,3}(?:\.\d+)?)\s*%\s+of\s+(?:all\s+)?(?:batches|deliveries|tasks|items|"
    r"work\s+packages)\s+(?:\w+\s+){0,4}(?:on\s+time|within)\b"
)
_TURNAROUND = rx(
    r"\b(?:all|every|each)\s+(?:batch|batches|delivery|deliveries)\s+(?:\w+\s+){0,4}"
    r"within\s+(\d+)\s+(?:business\s+|working\s+|calendar\s+)?(days?|hours?)"
)
_RAMP = rx(
    r"\b(?:ramp\w*|scale\w*|reach\w*|deliver\w*)\s+(?:up\s+)?(?:to\s+)?(?:at\s+least\s+)?"
    r"(\d[\d,]*)\s+(?:[\w-]+\s+){0,2}(?:per|a|each)\s+week\b"
)
_CREDIT = rx(
    r"\bservice\s+credits?\s+(?:of\s+|equal\s+to\s+)?(\d+(?:\.\d+)?)\s*%|"
    r"\b(\d+(?:\.\d+)?)\s*%\s+(?:of\s+the\s+)?(?:monthly\s+|period\s+|relevant\s+)?"
    r"fees?\s+(?:as\s+a\s+)?(?:service\s+)?credit"
)
_CREDIT_CAP = rx(
    r"\bcapped\s+at\s+(\d+(?:\.\d+)?)\s*%|\bup\s+to\s+(?:a\s+maximum\s+of\s+)?"
    r"(\d+(?:\.\d+)?)\s*%"
)
_CREDIT_ALL = rx(r"\b(?:each|every|any)\s+(?:breach|SLA|service\s+level|missed)")
_METRIC_NAMES = {"cohen": "cohen_kappa", "fleiss": "fleiss_kappa", "krippendorff": "krippendorff_alpha"}


def _sla(c: Clause) -> list[Hit]:
    text = c.sentence
    hits: list[Hit] = []
    for m in _KAPPA_TERM.finditer(text):
        prefix = (m.group(1) or "").lower()
        metric = next(
            (v for k, v in _METRIC_NAMES.items() if prefix.startswith(k)),
            "krippendorff_alpha" if m.group(2).lower() == "alpha" else "cohen_kappa",
        )
        hits.append(
            _hit(
                "sla_terms",
                "sla.terms",
                {
                    "id": f"{metric.split('_')[0]}-{m.group(4).lower()}",
                    "metric": metric,
                    "scope": f"task_type:{m.group(4).lower()}",
                    "threshold": float(m.group(3)),
                },
            )
        )
    accuracy = ACCURACY.search(text)
    if accuracy:
        value = float(accuracy.group(1) or accuracy.group(2)) / 100
        hits.append(_hit("sla_terms", "sla.terms", {"id": "accuracy", "metric": "accuracy", "threshold": value}))
    defect = _DEFECT.search(text)
    if defect:
        hits.append(
            _hit(
                "sla_terms",
                "sla.terms",
                {
                    "id": "defect-rate",
                    "metric": "defect_rate",
                    "comparator": "<=",
                    "threshold": float(defect.group(1)) / 100,
                },
            )
        )
    on_time = _ON_TIME.search(text)
    turnaround = _TURNAROUND.search(text)
    if on_time:
        hits.append(
            _hit(
                "sla_terms",
                "sla.terms",
                {"id": "on-time", "metric": "on_time_rate", "threshold": float(on_time.group(1)) / 100},
            )
        )
    elif turnaround:
        hits.append(
            _hit(
                "sla_terms",
                "sla.terms",
                {
                    "id": "on-time",
                    "metric": "on_time_rate",
                    "threshold": 1.0,
                    "note": f"every batch within {turnaround.group(1)} {turnaround.group(2)}",
                },
                "no share stated: read as every batch on time",
            )
        )
    ramp = _RAMP.search(text)
    steps = ramp_steps(text)
    if ramp or steps:
        # a schedule's weekly term is the floor it ramps to, not its first step
        floor = steps[-1][1] if steps else int(ramp.group(1).replace(",", "")) if ramp else 0
        hits.append(
            _hit("sla_terms", "sla.terms", {"id": "ramp", "metric": "weekly_throughput", "threshold": float(floor)})
        )
    credit = _CREDIT.search(text)
    if credit:
        cap = _CREDIT_CAP.search(text)
        amount = float(credit.group(1) or credit.group(2))
        cap_value = float(cap.group(1) or cap.group(2)) if cap else None
        if cap_value is not None and cap_value == amount:
            cap_value = None
        scope = "all" if _CREDIT_ALL.search(text) else "paragraph"
        hits.append(
            _hit(
                "sla_terms",
                "sla.remedy",
                {"remedy": {"kind": "percent_of_fee", "amount": amount, "cap": cap_value}, "applies_to": scope},
            )
        )
        hits.append(
            _hit(
                "pricing_model",
                "commercial.quality_penalties",
                True,
                "a service credit on the SLA counts as a quality penalty",
            )
        )
    return hits




_AMOUNT = r"(\d{1,3}(?:,\d{3})+|\d+)"
_STEP_FLOOR_FIRST = rx(
    rf"{_AMOUNT}\s+(?:[\w-]+\s+){{0,3}}?(?:(?:per|a|each)\s+week\s+)?(?:by|from|in|during|at)\s+"
    rf"(?:the\s+end\s+of\s+)?week\s+{NUM}\b"
)
_STEP_WEEK_FIRST = rx(
    rf"\bweek\s+{NUM}\s*[:=]\s*{_AMOUNT}|\b(?:from|in|by)\s+week\s+{NUM},?\s+(?:[\w'-]+\s+){{0,6}}?{_AMOUNT}\s+"
    r"(?:[\w-]+\s+){0,2}(?:per|a|each)\s+week\b"
)
_RAMP_CONTEXT = rx(r"\bramp\w*|\bper\s+week\b|\bweekly\b")


def ramp_steps(text: str) -> list[tuple[int, int]]:
    """(week, floor) pairs a ramp-up schedule names, by week; empty unless the weeks strictly rise."""
    if not _RAMP_CONTEXT.search(text):
        return []
    found: dict[int, int] = {}
    for m in _STEP_FLOOR_FIRST.finditer(text):
        found.setdefault(number(m.group(2)), int(m.group(1).replace(",", "")))
    for m in _STEP_WEEK_FIRST.finditer(text):
        week, floor = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        found.setdefault(number(week), int(floor.replace(",", "")))
    return sorted(found.items())


def _ramp(c: Clause) -> list[Hit]:
    """A ramp-up schedule (weekly floors by contract week) for `SlaTermSet.ramp`, with its start date
    when the sentence names one."""
    steps = ramp_steps(c.sentence)
    if not steps or c.denied:
        return []
    dates = find_dates(c.sentence)
    start = dates[0][1].isoformat() if dates else None
    value = {"start": start, "steps": [{"week": w, "floor": f} for w, f in steps]}
    note = None if start else "no start date stated: add one when confirming"
    return [Hit("sla.ramp", value, "sla_terms", note)]


RULES: tuple[Rule, ...] = (Custom(_sla, level="sentence"), Custom(_ramp, level="sentence"))
