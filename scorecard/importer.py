"""Read vendor scoring spreadsheets (xlsx or CSV) in wide or long shape into a ScoreSheet.

Wide: one row per provider (or provider and evaluator), a column per dimension or criterion.
Long: one row per score: provider, dimension, criterion, evaluator, score, comment.
Either shape may carry KPI columns (evidence) and a red-flags column. Every problem is collected
with its sheet, row and column; nothing is scored while any remains. Headers are matched loosely
by `scorecard.score_headers.Matcher`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ingest import InputError, Location, Problem, read_sheet, reading
from ingest.errors import column_letter
from ingest.headers import normalise_header
from ingest.sheets import Sheet
from scorecard.dimensions import SCORE_MAX, SCORE_MIN
from scorecard.kpi_rules import KpiRule
from scorecard.rubric import Rubric
from scorecard.score_headers import Matcher, header_roles
from scorecard.sheet import GENERAL, ScoreSheet, Slot, slots_of

_NOTE_MARKERS = ("note", "notes", "source", "*", "#", "(", "†", "prepared", "scores are", "scale")
_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


@dataclass
class ImportResult:
    """A ScoreSheet and what the import noticed without refusing the file."""

    sheet: ScoreSheet
    shape: str
    header_weights: dict[str, float] | None
    warnings: list[str]


class _Collector:
    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.problems: list[Problem] = []

    def add(self, message: str, row: int | None = None, col: int | None = None) -> None:
        column = None
        if col is not None:
            name = self.sheet.header[col] or "(no header)"
            column = f"{column_letter(col)} ({name})"
        self.problems.append(Problem(Location(self.sheet.file, self.sheet.name, row, column), message))


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _score(value: Any, out: _Collector, row: int, col: int) -> float:
    """Cell -> score in [1, 5], NaN for blank; problems are collected, not raised."""
    if value is None:
        return np.nan
    if isinstance(value, bool):
        out.add(f"expected a score from {SCORE_MIN:g} to {SCORE_MAX:g}, found {value!r}", row, col)
        return np.nan
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip()
        if not text or text in {"-", "—"}:
            return np.nan
        if not _NUMBER.match(text):
            out.add(f"expected a score from {SCORE_MIN:g} to {SCORE_MAX:g}, found text {text!r}", row, col)
            return np.nan
        number = float(text.replace(",", "."))
    if not SCORE_MIN <= number <= SCORE_MAX or np.isnan(number):
        out.add(f"score {number:g} is out of range: expected {SCORE_MIN:g} to {SCORE_MAX:g}", row, col)
        return np.nan
    return number


def _header_percent(header: str) -> float | None:
    """The weight a header states ('Quality SLA (25%)'), signed: '(-25%)' reads as -25."""
    found = re.search(r"([-\u2212]?)\s*(\d+(?:\.\d+)?)\s*%", header)
    if not found:
        return None
    return -float(found.group(2)) if found.group(1) else float(found.group(2))


def _is_note(cells: tuple[Any, ...]) -> bool:
    filled = [_text(c) for c in cells if _text(c)]
    if len(filled) != 1:
        return False
    text = filled[0].lower()
    return text.startswith(_NOTE_MARKERS) or (text.endswith(".") and len(text.split()) >= 4)


def _trim_notes(sheet: Sheet, score_cols: list[int]) -> None:
    """Drop the trailing block of note rows after the last row holding any score."""
    last = -1
    for i, row in enumerate(sheet.rows):
        if any(_text(row[c]) for c in score_cols):
            last = i
    keep = len(sheet.rows)
    while keep > last + 1 and _is_note(sheet.rows[keep - 1]):
        keep -= 1
    del sheet.rows[keep:], sheet.row_numbers[keep:]


def _red_flags(value: Any, rubric: Rubric, out: _Collector, row: int, col: int) -> set[str]:
    known = {normalise_header(k): k for k in rubric.red_flag_keys()}
    found: set[str] = set()
    for part in re.split(r"[;,\n]", _text(value)):
        if not part.strip():
            continue
        key = known.get(normalise_header(part))
        if key is None:
            out.add(
                f"unknown red flag {part.strip()!r}; the rubric knows {', '.join(sorted(known.values()))}", row, col
            )
        else:
            found.add(key)
    return found


def import_scores(
    path: str | Path,
    rubric: Rubric,
    *,
    sheet: str | None = None,
    data: bytes | None = None,
) -> ImportResult:
    """Read a scoring spreadsheet; raise InputError listing every problem found."""
    matcher = Matcher(rubric)
    with reading(Path(path).name, "the scoring sheet"):
        raw = read_sheet(path, matcher.is_header, sheet=sheet, data=data)
        roles, others, ignored = header_roles(raw.header, matcher)
        warnings = [f"ignored column {name!r} (not a known dimension, criterion, KPI or field)" for name in ignored]
        if "score" in roles and "dimension" in roles:
            return _long(raw, rubric, matcher, roles, others, warnings)
        return _wide(raw, rubric, roles, others, warnings)


def _kpi_cells(
    row: tuple[Any, ...],
    kpi_cols: list[tuple[int, str]],
    target: dict[str, object],
    out: _Collector,
    number: int,
    provider: str,
    rules: dict[str, KpiRule],
) -> None:
    for col, key in kpi_cols:
        value = row[col]
        if value is None or _text(value) == "":
            continue
        problem = rules[key].check(value)
        if problem:
            out.add(f"{provider}: {problem}", number, col)
            continue
        if key in target and _text(target[key]) != _text(value):
            out.add(f"{provider}: KPI {key} is {target[key]!r} on an earlier row and {value!r} here", number, col)
        target[key] = value


@dataclass
class _Rows:
    """What either shape's rows add up to, indexed by first appearance, until it becomes a ScoreSheet."""

    rubric: Rubric
    providers: dict[str, int] = field(default_factory=dict)
    evaluators: dict[str, int] = field(default_factory=dict)
    cells: list[tuple[int, int, int, float]] = field(default_factory=list)
    comments: dict[tuple[int, int, int], str] = field(default_factory=dict)
    kpis: dict[str, dict[str, object]] = field(default_factory=dict)
    flags: dict[str, set[str]] = field(default_factory=dict)

    def index(self, provider: str, evaluator: str) -> tuple[int, int]:
        return (
            self.providers.setdefault(provider, len(self.providers)),
            self.evaluators.setdefault(evaluator, len(self.evaluators)),
        )

    def evidence(
        self,
        row: tuple[Any, ...],
        provider: str,
        kpi_cols: list[tuple[int, str]],
        f_col: int | None,
        out: _Collector,
        number: int,
    ) -> None:
        """The row's KPI values and ticked red flags, which belong to the provider, not a score."""
        rules = {k.key: k for d in self.rubric.dimensions for k in d.kpis}
        _kpi_cells(row, kpi_cols, self.kpis.setdefault(provider, {}), out, number, provider, rules)
        if f_col is not None and _text(row[f_col]):
            self.flags.setdefault(provider, set()).update(_red_flags(row[f_col], self.rubric, out, number, f_col))

    def build(self) -> ScoreSheet:
        names = list(self.providers)
        sheet = ScoreSheet.empty(self.rubric, names, list(self.evaluators))
        if self.cells:
            arr = np.array(self.cells)
            idx = arr[:, :3].astype(int)
            sheet.scores[idx[:, 0], idx[:, 1], idx[:, 2]] = arr[:, 3]
        sheet.comments = self.comments
        sheet.kpis = [self.kpis.get(n, {}) for n in names]
        sheet.red_flags = [self.flags.get(n, set()) for n in names]
        return sheet


def _wide(
    raw: Sheet, rubric: Rubric, roles: dict[str, int], others: list[tuple[int, tuple[str, Any]]], warnings: list[str]
) -> ImportResult:
    out = _Collector(raw)
    slots = slots_of(rubric)
    score_cols: list[tuple[int, int]] = []
    kpi_cols: list[tuple[int, str]] = []
    comment_cols: list[tuple[int, int]] = []
    seen_slots: dict[int, int] = {}
    for col, (kind, target) in others:
        if kind == "kpi":
            kpi_cols.append((col, target))
            continue
        if kind == "comment":
            comment_cols.append((col, slots.index(Slot(target))))
            continue
        slot = slots.index(Slot(target) if kind == "dimension" else Slot(*target))
        if slot in seen_slots:
            out.add(
                f"a second column for {slots[slot].label} (first in column {column_letter(seen_slots[slot])})",
                raw.header_row,
                col,
            )
            continue
        seen_slots[slot] = col
        score_cols.append((col, slot))
    if not score_cols:
        out.add(
            "no score columns: expected one column per dimension (e.g. 'Workforce model', 'Quality SLA')",
            raw.header_row,
        )
        raise InputError(out.problems)
    _trim_notes(raw, [c for c, _ in score_cols])

    percents = {slots[s].dimension: _header_percent(raw.header[c]) for c, s in score_cols if slots[s].criterion is None}
    for col, slot in score_cols:
        weight = percents.get(slots[slot].dimension) if slots[slot].criterion is None else None
        if weight is not None and weight < 0:
            out.add(f"the weight in this header is negative ({weight:g}%); a weight is 0 to 100", raw.header_row, col)
    found = {k: v for k, v in percents.items() if v is not None}
    header_weights = found if len(found) == 5 else None
    if header_weights is not None and abs(sum(found.values()) - 100) > 1e-6:
        out.add(f"the weights in the headers sum to {sum(found.values()):g}, not 100", raw.header_row)

    p_col, e_col = roles["provider"], roles.get("evaluator")
    c_col, f_col = roles.get("comment"), roles.get("red_flags")
    collected = _Rows(rubric)
    keys: dict[tuple[str, str], int] = {}
    for row, number in zip(raw.rows, raw.row_numbers, strict=True):
        provider = _text(row[p_col])
        if not provider:
            out.add("missing provider name", number, p_col)
            continue
        evaluator = _text(row[e_col]) if e_col is not None else "consensus"
        if e_col is not None and not evaluator:
            out.add("missing evaluator name", number, e_col)
            continue
        key = (provider.casefold(), evaluator.casefold())
        if key in keys:
            what = f"provider {provider!r}" + (f" with evaluator {evaluator!r}" if e_col is not None else "")
            out.add(f"duplicate {what} (first on row {keys[key]})", number, p_col)
            continue
        keys[key] = number
        p, e = collected.index(provider, evaluator)
        for col, slot in score_cols:
            value = _score(row[col], out, number, col)
            if not np.isnan(value):
                collected.cells.append((p, e, slot, value))
        if c_col is not None and _text(row[c_col]):
            collected.comments[(p, e, GENERAL)] = _text(row[c_col])
        for col, slot in comment_cols:
            if _text(row[col]):
                collected.comments[(p, e, slot)] = _text(row[col])
        collected.evidence(row, provider, kpi_cols, f_col, out, number)
    if out.problems:
        raise InputError(out.problems)
    return ImportResult(collected.build(), "wide", header_weights, warnings)


def _long(
    raw: Sheet,
    rubric: Rubric,
    matcher: Matcher,
    roles: dict[str, int],
    others: list[tuple[int, tuple[str, Any]]],
    warnings: list[str],
) -> ImportResult:
    out = _Collector(raw)
    slots = slots_of(rubric)
    kpi_cols = [(col, target) for col, (kind, target) in others if kind == "kpi"]
    if any(kind in {"dimension", "criterion"} for _, (kind, _t) in others):
        warnings.append("long shape (dimension and score columns): the dimension-named columns are ignored")
    _trim_notes(raw, [roles["score"]])
    p_col, d_col, s_col = roles["provider"], roles["dimension"], roles["score"]
    e_col, k_col = roles.get("evaluator"), roles.get("criterion")
    c_col, f_col = roles.get("comment"), roles.get("red_flags")
    lo_col, hi_col = roles.get("low"), roles.get("high")
    collected = _Rows(rubric)
    seen: dict[tuple[str, str, int], int] = {}
    bounds: list[tuple[int, int, int, float, float]] = []
    for row, number in zip(raw.rows, raw.row_numbers, strict=True):
        provider = _text(row[p_col])
        if not provider:
            out.add("missing provider name", number, p_col)
            continue
        collected.evidence(row, provider, kpi_cols, f_col, out, number)
        dim_text = _text(row[d_col])
        if not dim_text and row[s_col] is None:
            continue  # an evidence-only row
        dimension = matcher.dimension(dim_text)
        if dimension is None:
            out.add(f"unknown dimension {dim_text!r}; expected one of {', '.join(rubric.keys)}", number, d_col)
            continue
        criterion = None
        if k_col is not None and _text(row[k_col]):
            criterion = matcher.criterion(dimension, row[k_col])
            if criterion is None:
                names = ", ".join(c.key for c in rubric.dimension(dimension).criteria) or "none"
                out.add(
                    f"unknown criterion {_text(row[k_col])!r} for {dimension}; the rubric has {names}", number, k_col
                )
                continue
        evaluator = _text(row[e_col]) if e_col is not None else "consensus"
        if not evaluator:
            out.add("missing evaluator name", number, e_col)
            continue
        slot = slots.index(Slot(dimension, criterion))
        key = (provider.casefold(), evaluator.casefold(), slot)
        if key in seen:
            out.add(
                f"duplicate score for {provider!r}, {evaluator!r}, {slots[slot].label} (first on row {seen[key]})",
                number,
                s_col,
            )
            continue
        seen[key] = number
        p, e = collected.index(provider, evaluator)
        value = _score(row[s_col], out, number, s_col)
        if not np.isnan(value):
            collected.cells.append((p, e, slot, value))
            low = _score(row[lo_col], out, number, lo_col) if lo_col is not None else np.nan
            high = _score(row[hi_col], out, number, hi_col) if hi_col is not None else np.nan
            if low > value:  # NaN (blank) compares False
                out.add(f"low {low:g} is above the score {value:g}", number, lo_col)
            if high < value:
                out.add(f"high {high:g} is below the score {value:g}", number, hi_col)
            if not (np.isnan(low) and np.isnan(high)):
                bounds.append((p, e, slot, low, high))
        if c_col is not None and _text(row[c_col]):
            collected.comments[(p, e, slot)] = _text(row[c_col])
    if not collected.providers and not out.problems:
        out.add("no scores below the header", raw.header_row)
    if out.problems:
        raise InputError(out.problems)
    result = collected.build()
    if bounds:
        result.low = np.full(result.scores.shape, np.nan)
        result.high = np.full(result.scores.shape, np.nan)
        for p, e, s, lo, hi in bounds:
            result.low[p, e, s], result.high[p, e, s] = lo, hi
    return ImportResult(result, "long", None, warnings)
