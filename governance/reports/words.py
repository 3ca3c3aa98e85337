"""Values as people read them: money with the program's currency, yes/no, percentages, dates, and
labels for the internal keys payloads carry (`one_to_one`, `cap_dimension`, `task_type`).

The PDF, the workbook and the decision page format through here, so an amount reads the same
everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

KEY_LABELS: dict[str, str] = {
    "one_to_one": "one to one",
    "many_to_one": "merged",
    "one_to_many": "split",
    "merge": "merged",
    "split": "split",
    "dropped": "dropped",
    "cap_dimension": "caps the dimension score",
    "force_band": "forces the band",
    "exclude": "excludes the provider",
    "task_type": "task type",
    "each_category": "each category",
    "category": "category",
    "overall": "overall",
    "percent_of_fee": "share of the period fee",
    "fixed_per_breach": "fixed amount per breach",
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha": "Krippendorff's alpha",
    "percent_agreement": "percent agreement",
    "defect_rate": "defect rate",
    "qa_coverage": "QA coverage",
    "on_time_rate": "on-time rate",
    "weekly_throughput": "weekly throughput",
    "gold_annotations": "gold annotations",
    "kappa_method": "kappa method",
    "previous_period": "previous period",
    "override": "score differs from the evidence",
    "calibration": "evaluators disagree",
    "missing": "missing score",
    "force_material_risk": "forces the band to material delivery risk",
    "kappa": "kappa",
}
"""Readable words for keys that reach a report; anything else falls back to `plain_key`."""
_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")


def plain_key(key: Any) -> str:
    """An internal key in words: a known label, else underscores as spaces ('sla_gap' -> 'sla gap')."""
    text = str(key)
    if text in KEY_LABELS:
        return KEY_LABELS[text]
    if _SNAKE.match(text) or ("." in text and " " not in text and _SNAKE.match(text.replace(".", "_"))):
        return text.replace(".", " ").replace("_", " ")
    return text


def money(value: Any, currency: str, *, cents: bool = False) -> str:
    """An amount with the program's currency, 'EUR 121,967' (cents only when asked or below 100)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "not given"
    shown = f"{value:,.2f}" if cents or abs(value) < 100 and value != int(value) else f"{value:,.0f}"
    return f"{currency} {shown}".strip()


def number(value: Any, kind: str | None, currency: str = "") -> str:
    """A table value as its format asks: counts whole with thousands separators ('12,000'),
    'percent' as '97.5%', 'rate' with three decimals, money with the currency; booleans as yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if not isinstance(value, int | float):
        return str(value)
    if kind == "percent":
        return f"{value:.1%}"
    if kind == "currency":
        return money(value, currency).replace(" ", "\u00a0")  # the amount never wraps away from its currency
    if kind == "rate":
        return f"{value:.3f}"
    if kind == "integer":
        return f"{value:,.0f}"
    return f"{value:,.2f}" if isinstance(value, float) else str(value)


def money_format(currency: str) -> str:
    """The workbook number format of an amount in `currency`, e.g. '"EUR "#,##0'."""
    unit = currency.replace('"', "")
    return f'"{unit} "#,##0' if unit else "#,##0"


def yes_no(value: Any) -> str:
    """True/False as yes/no; anything else unchanged as text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def percent(value: Any, digits: int = 0) -> str:
    """A share 0..1 as a percentage, '97%'."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "not given"
    return f"{value:.{digits}%}"


def month(value: Any) -> str:
    """A break-even month as 'month 14' (one decimal when it is not whole), or 'not within the horizon'."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return "not within the horizon"
    return f"month {value:.0f}" if float(value).is_integer() else f"month {value:.1f}"


def day(value: dt.date | str | None) -> str:
    """A date as '26 November 2026'."""
    if isinstance(value, str):
        try:
            return day(dt.date.fromisoformat(value[:10]))
        except ValueError:
            return value
    return "" if value is None else f"{value.day} {value:%B %Y}"
