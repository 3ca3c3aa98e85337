"""KPI rules: one KPI value (a number, a share, a category, yes/no or a date's age in months) turned
into a suggested 1-5 score by the rubric's thresholds, with a plain message for a value that does
not fit."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scorecard.dimensions import SCORE_MIN


class KpiRule(BaseModel):
    """Turns one KPI value into a suggested 1-5 score, and optionally raises a red flag.

    numeric: `thresholds` maps a score to the bound a value must reach for it (>= when
    higher_is_better, else <=). categorical/boolean: `scores` maps the value to a score.
    age_months: the value is a date; its age in months at the evaluation date is compared
    against `thresholds` (lower is better).
    """

    model_config = ConfigDict(extra="forbid")

    key: str
    name: str
    kind: Literal["numeric", "categorical", "boolean", "age_months"] = "numeric"
    unit: str = ""
    higher_is_better: bool = True
    thresholds: dict[int, float] = Field(default_factory=dict)
    scores: dict[str, float] = Field(default_factory=dict)
    flag: str | None = Field(None, description="Red flag raised when the KPI's score is below flag_below")
    flag_below: float | None = None

    @field_validator("scores", mode="before")
    @classmethod
    def _normalise_categories(cls, scores: object) -> object:
        return {_category(k): v for k, v in scores.items()} if isinstance(scores, dict) else scores

    def suggest(self, value: object, as_of: date) -> float | None:
        """Score suggested by the value, or None when the value says nothing (blank)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if self.kind in {"categorical", "boolean"}:
            key = _category(value)
            if key not in self.scores:
                raise ValueError(f"KPI {self.key!r}: {value!r} is not one of {', '.join(sorted(self.scores))}")
            return self.scores[key]
        if self.kind == "age_months":
            return _from_thresholds(age_in_months(_as_date(value, self.key), as_of), self.thresholds, False)
        return _from_thresholds(self.number(value), self.thresholds, self.higher_is_better)

    def number(self, value: object) -> float:
        """A numeric KPI value; a share follows SHARE_RULE (a bare 1 or more is refused)."""
        number = _as_number(value, self.key)
        if self.unit == "share":
            text = str(value).strip()
            if not text.endswith("%") and number >= 1 and not isinstance(value, bool):
                raise ValueError(f"KPI {self.key!r}: {value!r} is ambiguous for a share; {SHARE_RULE}")
            if not 0 <= number <= 1:
                raise ValueError(f"KPI {self.key!r}: {value!r} is outside 0-100%; {SHARE_RULE}")
        return number

    def check(self, value: object) -> str | None:
        """Why a value cannot be read for this KPI, or None (blank counts as readable)."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            if self.kind in {"categorical", "boolean"}:
                self.suggest(value, date.today())
            elif self.kind == "age_months":
                _as_date(value, self.key)
            else:
                self.number(value)
        except ValueError as exc:
            return str(exc)
        return None


SHARE_RULE = (
    "a share (rate) is written as a fraction below 1 (0.01) or as a percentage with its sign (1%); "
    "a bare number of 1 or more could mean either and is refused"
)


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def age_in_months(start: date, as_of: date) -> float:
    """Calendar months from start to as_of, with the part-month as a fraction: 12 months and a
    day is more than 12 (what "older than 12 months" means)."""
    if as_of <= start:
        return 0.0
    months = (as_of.year - start.year) * 12 + as_of.month - start.month
    while _add_months(start, months) > as_of:
        months -= 1
    anchor = _add_months(start, months)
    span = (_add_months(start, months + 1) - anchor).days
    return months + (as_of - anchor).days / span


def _category(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value).strip().lower()
    return {"true": "yes", "false": "no", "1": "yes", "0": "no", "y": "yes", "n": "no"}.get(text, text)


def _as_number(value: object, key: str) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace(",", ".")
    try:
        return float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"KPI {key!r}: expected a number, got {value!r}") from None


def _as_date(value: object, key: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError(f"KPI {key!r}: expected a date (YYYY-MM-DD), got {value!r}") from None


def _from_thresholds(value: float, thresholds: dict[int, float], higher_is_better: bool) -> float:
    for score in sorted(thresholds, reverse=True):
        bound = thresholds[score]
        if (value >= bound) if higher_is_better else (value <= bound):
            return float(score)
    return SCORE_MIN
