"""The Excel workbook: a sheet per part, the scorecard kept alive with formulas over named weights.

Procurement keeps working in this file, so totals, points, bands and ranks are formulas over the
`Weights` defined name: change a weight and everything follows. Untrusted text is always a string.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from governance.reports import sections as S
from governance.reports.decision import decision
from governance.reports.model import (
    BAND_ENTERPRISE,
    BAND_OVERSIGHT,
    BAND_RISK,
    ColumnFormat,
    ReportInput,
    ScorecardPayload,
    Section,
    SlaPayload,
    SwitchingPayload,
    band_for,
)
from governance.reports.safe_text import cell_text, describe
from governance.reports.sla_sections import sla_sections
from governance.reports.summary import evaluated_text, executive_summary
from governance.reports.switching_sections import (
    stay_vs_switch_section,
    switching_breakdown_section,
    taxonomy_section,
    tornado_section,
    variance_sections,
)
from governance.reports.words import money_format, yes_no

NUMBER_FORMATS: dict[ColumnFormat, str] = {
    "integer": "#,##0",
    "decimal": "0.00",
    "rate": "0.000",
    "percent": "0.0%",
    "currency": "#,##0.00",
    "text": "@",
}
BAND_FILLS: dict[str, str] = {
    BAND_ENTERPRISE: S.STATUS_FILLS["pass"],
    BAND_OVERSIGHT: S.STATUS_FILLS["inconclusive"],
    BAND_RISK: S.STATUS_FILLS["fail"],
    "incomplete": "D9D9D9",
}
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 60
SUMMARY_WIDTH = 100
WEIGHTS_ERROR = "weights must sum to 100"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class _Sheet:
    """A worksheet plus the widths its content needs; every write goes through `put`."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.widths: dict[int, int] = {}

    def put(self, row: int, col: int, value: Any, fmt: str | None = None, width: bool = True) -> Any:
        """Write a value: strings neutralised and stored as text, numbers with their format."""
        cell = self.ws.cell(row=row, column=col)
        if isinstance(value, bool):
            value = yes_no(value)
        if isinstance(value, str):
            cell.value = cell_text(value)
            cell.data_type = "s"
        elif value is None or isinstance(value, int | float):
            cell.value = value
            if fmt and not isinstance(value, bool):
                cell.number_format = fmt
        elif isinstance(value, dt.date):
            cell.value = value
            cell.number_format = "yyyy-mm-dd"
        else:
            cell.value = cell_text(value)
            cell.data_type = "s"
        if width:
            shown = len(str(cell.value)) if cell.value is not None else 0
            self.widths[col] = max(self.widths.get(col, 8), min(shown + 2, MAX_WIDTH))
        return cell

    def formula(self, row: int, col: int, text: str, fmt: str | None = None) -> Any:
        """Write a formula the report itself composed (never from input)."""
        cell = self.ws.cell(row=row, column=col)
        cell.value = text
        if fmt:
            cell.number_format = fmt
        self.widths[col] = max(self.widths.get(col, 8), 12)
        return cell

    def header(self, row: int, labels: Sequence[str], col: int = 1) -> None:
        """A bold, shaded header row."""
        for i, label in enumerate(labels):
            cell = self.put(row, col + i, label)
            cell.font = BOLD
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")

    def wrap(self, cell: Any, width: int) -> None:
        """Wrap a long text cell and give its row the height its lines need."""
        cell.alignment = WRAP
        text = str(cell.value or "")
        lines = sum(max(1, -(-len(part) // max(width - 2, 1))) for part in text.split("\n"))
        current = self.ws.row_dimensions[cell.row].height or 15
        self.ws.row_dimensions[cell.row].height = max(current, 15 * lines)

    def finish(self) -> None:
        """Apply the widths collected while writing; print landscape, one page wide."""
        for col, width in self.widths.items():
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        self.ws.print_area = self.ws.dimensions
        if self.ws.freeze_panes:
            header = self.ws[self.ws.freeze_panes].row - 1
            if header >= 1:
                self.ws.print_title_rows = f"{header}:{header}"


def _sheet_name(title: str, taken: Iterable[str]) -> str:
    """A legal, unique sheet name (31 characters, none of []:*?/\\)."""
    base = _SHEET_FORBIDDEN.sub(" ", title).strip().strip("'") or "Section"
    base = base[:31]
    used = {t.lower() for t in taken}
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


def _new_sheet(wb: Workbook, title: str) -> _Sheet:
    return _Sheet(wb.create_sheet(_sheet_name(title, wb.sheetnames)))


def write_section(sheet: _Sheet, section: Section, row: int, currency: str = "") -> tuple[int, int, int]:
    """Write a titled table from `row`; return (header row, first data row, last data row)."""
    sheet.put(row, 1, section.title, width=False).font = TITLE
    row += 1
    if section.note:
        sheet.put(row, 1, section.note, width=False).font = Font(italic=True)
        row += 1
    head = row
    sheet.header(head, section.columns)
    status_col = section.columns.index(section.status_column) if section.status_column in section.columns else None
    for r, values in enumerate(section.rows, start=head + 1):
        kinds = section.row_formats(r - head - 1)
        for c, value in enumerate(values):
            kind = kinds[c] or "text"
            fmt = (money_format(currency) if kind == "currency" else NUMBER_FORMATS.get(kind)) if isinstance(
                value, int | float) else None
            cell = sheet.put(r, c + 1, value, fmt)
            if isinstance(value, str) and (len(value) > MAX_WIDTH or "\n" in value):
                sheet.wrap(cell, MAX_WIDTH)
            if c == status_col and isinstance(value, str):
                colour = S.STATUS_FILLS.get(value.lower())
                if colour:
                    cell.fill = PatternFill("solid", fgColor=colour)
    _name_table(sheet, section.title, head, len(section.columns), head + len(section.rows))
    return head, head + 1, head + len(section.rows)


def _name_table(sheet: _Sheet, title: str, head: int, width: int, last: int) -> None:
    """A defined name over a table (header row included), e.g. `SLA_terms`, so formulas can refer to it."""
    wb = sheet.ws.parent
    if wb is None:
        return
    words = re.sub(r"\W+", " ", title, flags=re.ASCII).split()
    base = ""
    for word in words:
        if len(base) + len(word) + 1 > 40:
            break
        base = f"{base}_{word}" if base else word
    base = base or "Table"
    if not base[0].isalpha():
        base = "T_" + base
    name, n = base, 2
    while name in wb.defined_names or re.fullmatch(r"[A-Za-z]{1,3}\d+", name):
        name, n = f"{base}_{n}", n + 1
    ref = f"{quote_sheetname(sheet.ws.title)}!$A${head}:${get_column_letter(max(width, 1))}${max(last, head)}"
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def write_sections(sheet: _Sheet, sections: Sequence[Section], row: int = 1, currency: str = "") -> list[int]:
    """Stack tables down a sheet with a blank row between; freeze the first one's header."""
    heads = []
    for i, section in enumerate(sections):
        head, _, last = write_section(sheet, section, row, currency)
        heads.append(head)
        if i == 0:
            sheet.ws.freeze_panes = f"A{head + 1}"
        row = max(last, head) + 2
    return heads


def _summary_sheet(wb: Workbook, report: ReportInput, created: dt.date) -> _Sheet:
    active = wb.active
    assert isinstance(active, Worksheet)
    sheet = _Sheet(active)
    sheet.ws.title = "Summary"
    sheet.put(1, 1, report.title, width=False).font = Font(bold=True, size=15)
    facts = [
        ("Program", report.program or "(not named)"),
        ("Date", created),
        ("What was evaluated", evaluated_text(report)),
        ("Static text", "The sentences below were computed when this file was made and do not follow edits."),
    ]
    row = 3
    for label, value in facts:
        sheet.put(row, 1, label).font = BOLD
        sheet.put(row, 2, value, width=False)
        row += 1
    row += 1
    blocks = [(b.heading, b.sentences) for b in decision(report)]
    sheet.put(row, 1, "The decision", width=False).font = Font(bold=True, size=14)
    row += 1
    for i, (heading, sentences) in enumerate([*blocks, ("Summary by part", []), *executive_summary(report)]):
        if i == len(blocks):
            row += 1
            sheet.put(row, 1, heading, width=False).font = Font(bold=True, size=14)
            row += 2
            continue
        sheet.put(row, 1, heading, width=False).font = TITLE
        row += 1
        for sentence in sentences:
            sheet.wrap(sheet.put(row, 2, sentence, width=False), SUMMARY_WIDTH)
            row += 1
        row += 1
    sheet.widths[2] = SUMMARY_WIDTH
    sheet.widths[1] = max(sheet.widths.get(1, 8), 30)
    return sheet


def _live_summary(sheet: _Sheet, grid: tuple[int, str, str], n: int) -> None:
    """Below the static summary: the current leader, recomputed from the Scorecard sheet."""
    last_row, tot, band = grid
    row = sheet.ws.max_row + 2
    sheet.put(row, 1, "Live from the Scorecard sheet (follows weight edits)", width=False).font = TITLE
    ranks, names = f"Scorecard!$A$2:$A${last_row}", f"Scorecard!$B$2:$B${last_row}"
    totals = f"Scorecard!${tot}$2:${tot}${last_row}"
    bands = f"Scorecard!${band}$2:${band}${last_row}"
    lookups = [
        ("Ranked first", f'=IFERROR(INDEX({names},MATCH(1,{ranks},0)),"")', None),
        ("Its total", f'=IFERROR(INDEX({totals},MATCH(1,{ranks},0)),"")', "0.00"),
        ("Its band", f'=IFERROR(INDEX({bands},MATCH(1,{ranks},0)),"")', None),
    ]
    for i, (label, text, fmt) in enumerate(lookups, start=1):
        sheet.put(row + i, 1, label).font = BOLD
        sheet.formula(row + i, 2, text, fmt)
    sheet.put(row + len(lookups) + 1, 1, f"Providers scored: {n}", width=False)


def _unlock(cell: Any) -> None:
    """An input cell: editable while the sheet's formula cells stay protected."""
    cell.protection = Protection(locked=False)


def _validate(ws: Worksheet, ref: str, low: float, high: float, what: str) -> None:
    """Only numbers from low to high may be typed into `ref`; the prompt says so."""
    rule = DataValidation(type="decimal", operator="between", formula1=f"{low:g}", formula2=f"{high:g}")
    rule.allow_blank = True
    rule.error, rule.errorTitle = f"{what}: a number from {low:g} to {high:g}", "Not accepted"
    rule.prompt, rule.promptTitle = f"{what} ({low:g} to {high:g})", what
    rule.showErrorMessage = rule.showInputMessage = True
    ws.add_data_validation(rule)
    rule.add(ref)


def _protect(ws: Worksheet) -> None:
    """Protect formula and static cells (no password: a guard against slips, not a lock)."""
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False


def _weights_sheet(wb: Workbook, card: ScorecardPayload) -> None:
    """Weights in one row under the defined name `Weights`; band bounds as named cells."""
    sheet = _new_sheet(wb, "Weights")
    dims = card.dimensions()
    sheet.header(1, ["", *(card.label(d) for d in dims)])
    sheet.put(2, 1, "Weight").font = BOLD
    for i, d in enumerate(dims, start=2):
        _unlock(sheet.put(2, i, float(card.weights[d]), "0.00"))
        sheet.put(3, i, d, width=False).font = Font(italic=True, color="808080")
    sheet.put(3, 1, "key", width=False).font = Font(italic=True, color="808080")
    end = get_column_letter(len(dims) + 1)
    _validate(sheet.ws, f"B2:{end}2", 0, 100, "Weight")
    ref = f"{quote_sheetname(sheet.ws.title)}!$B$2:${end}$2"
    wb.defined_names["Weights"] = DefinedName("Weights", attr_text=ref)
    sheet.put(5, 1, "Sum of weights (must be 100)").font = BOLD
    sheet.formula(5, 2, "=SUM(Weights)", "0.00")
    sheet.formula(5, 3, f'=IF(ROUND(SUM(Weights),6)=100,"","{WEIGHTS_ERROR}")').font = Font(bold=True, color="C00000")
    sheet.put(7, 1, "Band lower bounds (exact total)").font = BOLD
    low, high = card.band_floors
    bounds = [("BandOversight", BAND_OVERSIGHT, low), ("BandEnterprise", BAND_ENTERPRISE, high)]
    for row, (name, band, value) in enumerate(bounds, start=8):
        sheet.put(row, 1, band)
        _unlock(sheet.put(row, 2, float(value), "0.00"))
        target = f"{quote_sheetname(sheet.ws.title)}!$B${row}"
        wb.defined_names[name] = DefinedName(name, attr_text=target)
    _validate(sheet.ws, "B8:B9", 0, 100, "Band floor")
    sheet.put(11, 1, "Formula", width=False).font = BOLD
    sheet.put(12, 1, card.formula, width=False)
    sheet.put(
        13,
        1,
        "Edit a weight in row 2 or a band floor in B8:B9: points, totals, bands and ranks recompute. "
        "While the weights do not sum to 100 every total and band says so instead of a number.",
        width=False,
    )
    sheet.ws.freeze_panes = "B2"
    sheet.widths[1] = max(sheet.widths.get(1, 8), 34)
    _protect(sheet.ws)
    sheet.finish()


def _slots(card: ScorecardPayload) -> list[tuple[str, str | None]]:
    """Scoring slots of the evaluator sheet: each dimension, then its criteria."""
    out: list[tuple[str, str | None]] = []
    for d in card.dimensions():
        out += [(d, None), *((d, c) for c in card.criteria.get(d, {}))]
    return out


def _evaluator_sheet(wb: Workbook, card: ScorecardPayload) -> dict[str, str] | None:
    """Every evaluator's raw score per slot (inputs, validated 1-5) so the Scorecard sheet takes
    the consensus itself; returns each slot's column range, or None when there is nothing to
    write (no evaluator rows, or a median consensus, which stays as computed)."""
    if not card.evaluations or card.consensus != "mean" or not any(_reproducible(card, p) for p in card.providers):
        return None
    slots = _slots(card)
    label = {f"{d}.{c}" if c else d: i for i, (d, c) in enumerate(slots)}
    rows: dict[tuple[str, str], dict[int, float]] = {}
    for e in card.evaluations:
        if e.score is not None and e.dimension in label:
            rows.setdefault((e.provider, e.evaluator), {})[label[e.dimension]] = e.score
    if not rows:
        return None
    sheet = _new_sheet(wb, "Evaluator scores")
    heads = [card.label(d) if c is None else f"{card.label(d)}: {c}" for d, c in slots]
    sheet.header(1, ["Provider", "Evaluator", *heads])
    order = {p.name: i for i, p in enumerate(card.ranked())}
    keys = sorted(rows, key=lambda k: (order.get(k[0], len(order)), k[1]))
    for r, (provider, evaluator) in enumerate(keys, start=2):
        sheet.put(r, 1, provider)
        sheet.put(r, 2, evaluator)
        for i in range(len(slots)):
            _unlock(sheet.put(r, 3 + i, rows[(provider, evaluator)].get(i), "0.00"))
    last = max(2, len(keys) + 1)
    _validate(sheet.ws, f"C2:{get_column_letter(2 + len(slots))}{last}", 1, 5, "Score")
    name = quote_sheetname(sheet.ws.title)
    ranges = {"provider": f"{name}!$A$2:$A${last}"}
    for i, (d, c) in enumerate(slots):
        col = get_column_letter(3 + i)
        ranges[f"{d}.{c}" if c else d] = f"{name}!${col}$2:${col}${last}"
    sheet.ws.freeze_panes = "C2"
    _protect(sheet.ws)
    sheet.finish()
    return ranges


def _consensus_formula(card: ScorecardPayload, d: str, ranges: dict[str, str], name_cell: str) -> str:
    """The mean consensus of dimension d for the provider named in `name_cell`, as the scorecard
    takes it: the weighted mean of its criteria when any is scored (blank when one is missing),
    else the mean of the dimension's own scores; blank when nobody scored it."""
    match = f"EXACT({ranges['provider']},{name_cell})"

    def count(key: str) -> str:
        return f"SUMPRODUCT({match}*ISNUMBER({ranges[key]}))"

    def mean(key: str) -> str:
        return f"SUMPRODUCT({match}*ISNUMBER({ranges[key]}),{ranges[key]})/{count(key)}"

    own = f'IF({count(d)}>0,{mean(d)},"")'
    criteria = card.criteria.get(d, {})
    total = sum(criteria.values())
    if not criteria or total <= 0:
        return own
    keys = [f"{d}.{c}" for c in criteria]
    any_scored = "+".join(count(k) for k in keys)
    all_scored = ",".join(f"{count(k)}>0" for k in keys)
    combined = "+".join(f"{mean(k)}*{w / total!r}" for k, w in zip(keys, criteria.values(), strict=True))
    return f'IF({any_scored}>0,IF(AND({all_scored}),{combined},""),{own})'


def _mean_consensus(card: ScorecardPayload, provider: str, d: str) -> float | None:
    """What `_consensus_formula` computes, in Python, to check the evaluator rows are the ones
    the payload's scores came from."""
    scores: dict[str, list[float]] = {}
    for e in card.evaluations:
        if e.provider == provider and e.score is not None:
            scores.setdefault(e.dimension, []).append(e.score)

    def mean(key: str) -> float | None:
        return sum(scores[key]) / len(scores[key]) if scores.get(key) else None

    criteria = card.criteria.get(d, {})
    parts = [mean(f"{d}.{c}") for c in criteria]
    if criteria and any(x is not None for x in parts):
        total = sum(criteria.values())
        if any(x is None for x in parts) or total <= 0:
            return None
        return sum(x * w / total for x, w in zip(parts, criteria.values(), strict=True) if x is not None)
    return mean(d)


def _reproducible(card: ScorecardPayload, p: Any) -> bool:
    """True when the evaluator rows give this provider's (uncapped) scores to 1e-9."""
    for d in card.dimensions():
        dim = p.dimensions.get(d)
        want = None if dim is None else getattr(dim, "uncapped", None) or dim.score
        got = _mean_consensus(card, p.name, d)
        if (want is None) != (got is None) or (want is not None and got is not None and abs(want - got) > 1e-9):
            return False
    return True


def _scorecard_sheet(wb: Workbook, card: ScorecardPayload) -> tuple[int, str, str]:
    """Scores (the evaluators' consensus as formulas where their scores are in the workbook),
    points/total/band/rank as formulas; gate outcomes as static columns.

    Returns the last provider row and the letters of the total and band columns.
    """
    ranges = _evaluator_sheet(wb, card)
    sheet = _new_sheet(wb, "Scorecard")
    ws = sheet.ws
    if ranges is not None:
        wb.move_sheet(ws, offset=-1)  # the Scorecard first, the evaluators' inputs behind it
    dims = card.dimensions()
    k = len(dims)
    score_cols = list(range(3, 3 + k))
    point_cols = list(range(3 + k, 3 + 2 * k))
    total_col, band_col, complete_col, gate_col = 3 + 2 * k, 4 + 2 * k, 5 + 2 * k, 6 + 2 * k
    spread_cols = list(range(7 + 2 * k, 7 + 3 * k))
    notes_col = 7 + 3 * k
    eligible_col = notes_col + 1
    cap_cols = list(range(eligible_col + 1, eligible_col + 1 + k))
    consensus_cols = list(range(eligible_col + 1 + k, eligible_col + 1 + 2 * k))
    labels = [card.label(d) for d in dims]
    sheet.header(
        1,
        [
            "Rank",
            "Provider",
            *(f"Score: {x}" for x in labels),
            *(f"Points: {x}" for x in labels),
            "Total (of 100)",
            "Band",
            "Complete",
            "Highest band a gate allows (static)",
            *(f"Spread: {x}" for x in labels),
            "Red flags, gates and flags (static, as computed)",
            "Eligible (static: knock-out gates as computed)",
            *(f"Cap: {x} (static)" for x in labels),
            *(f"Consensus: {x} (from Evaluator scores)" for x in labels),
        ],
    )
    providers = card.ranked()
    last = 1 + len(providers)
    first_score, last_score = get_column_letter(score_cols[0]), get_column_letter(score_cols[-1])
    tot = get_column_letter(total_col)
    gate = get_column_letter(gate_col)
    elig = get_column_letter(eligible_col)
    totals, eligibles = f"${tot}$2:${tot}${last}", f"${elig}$2:${elig}${last}"
    written = {p.name for p in providers if ranges is not None and _reproducible(card, p)}
    for r, p in enumerate(providers, start=2):
        sheet.put(r, 2, p.name)
        live = ranges is not None and p.name in written
        for j, (d, c) in enumerate(zip(dims, score_cols, strict=True), start=1):
            dim = p.dimensions.get(d)
            cap = f"{get_column_letter(cap_cols[j - 1])}{r}"
            sheet.put(r, cap_cols[j - 1], dim.cap if dim else None, "0.00")
            if live:
                assert ranges is not None
                raw = f"{get_column_letter(consensus_cols[j - 1])}{r}"
                sheet.formula(r, consensus_cols[j - 1], "=" + _consensus_formula(card, d, ranges, f"$B{r}"), "0.00")
                sheet.formula(r, c, f'=IF(ISNUMBER({raw}),IF(ISNUMBER({cap}),MIN({raw},{cap}),{raw}),"")', "0.00")
            else:
                _unlock(sheet.put(r, c, dim.score if dim else None, "0.00"))  # an input here
            s = f"{get_column_letter(c)}{r}"
            sheet.formula(r, point_cols[j - 1], f'=IF(ISNUMBER({s}),INDEX(Weights,1,{j})*{s}/5,"")', "0.00")
            sheet.put(r, spread_cols[j - 1], dim.spread if dim else None, "0.00")
        scores = f"{first_score}{r}:{last_score}{r}"
        sheet.formula(
            r,
            total_col,
            f'=IF(ROUND(SUM(Weights),6)<>100,"{WEIGHTS_ERROR}",'
            f'IF(COUNT({scores})<{k},"",ROUND(SUMPRODUCT(Weights,{scores})/5,9)))',
            "0.00",
        )
        t, g = f"{tot}{r}", f"{gate}{r}"
        earned = f"IF({t}<BandOversight,0,IF({t}<BandEnterprise,1,2))"
        limit = f'IF({g}="{BAND_RISK}",0,IF({g}="{BAND_OVERSIGHT}",1,2))'
        sheet.formula(
            r,
            band_col,
            f'=IF(ISNUMBER({t}),CHOOSE(MIN({earned},{limit})+1,"{BAND_RISK}","{BAND_OVERSIGHT}","{BAND_ENTERPRISE}"),'
            f'IF({t}="","incomplete",{t}))',
        )
        sheet.widths[band_col] = 30
        yes, no = yes_no(True), yes_no(False)  # the eligible column holds the words people read
        ahead = f'SUMPRODUCT(({eligibles}="{yes}")*ISNUMBER({totals})*({totals}>{t}))'
        eligible_count = f'SUMPRODUCT(({eligibles}="{yes}")*ISNUMBER({totals}))'
        behind = f'SUMPRODUCT(({eligibles}="{no}")*ISNUMBER({totals})*({totals}>{t}))'
        sheet.formula(r, 1, f'=IF(ISNUMBER({t}),IF({elig}{r}="{yes}",{ahead},{eligible_count}+{behind})+1,"")', "0")
        sheet.put(r, complete_col, p.complete)
        limit_band = (
            p.band if p.band and p.total is not None and p.band != band_for(p.total, card.band_floors) else None
        )
        if not p.eligible:
            limit_band = BAND_RISK
        sheet.put(r, gate_col, limit_band)
        sheet.put(r, eligible_col, p.eligible)
        flags = [f"red flag {f.get('key')}: {f.get('policy')} ({f.get('source')})" for f in p.red_flags]
        notes = flags + [describe(x) for x in [*p.gates, *p.flags]]
        sheet.put(r, notes_col, "; ".join(n for n in notes if n))
    if len(written) < len(providers):  # consensus scores written as values are inputs: 1 to 5
        _validate(ws, f"{first_score}2:{last_score}{max(last, 2)}", 1, 5, "Score")
    band_range = f"{get_column_letter(band_col)}2:{get_column_letter(band_col)}{max(last, 2)}"
    anchor = f"{get_column_letter(band_col)}2"
    for band, colour in BAND_FILLS.items():
        rule = FormulaRule(formula=[f'{anchor}="{band}"'], fill=PatternFill("solid", bgColor=colour))
        ws.conditional_formatting.add(band_range, rule)
    ws.freeze_panes = "C2"
    ws.row_dimensions[1].height = 45
    for c in [*score_cols, *point_cols, *spread_cols]:
        sheet.widths[c] = 14
    _protect(ws)
    sheet.finish()
    if providers:
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.title = "Points by dimension (total of 100)"
        chart.y_axis.title = "Points"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.y_axis.majorUnit = 10
        chart.y_axis.number_format = "0"
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.x_axis.scaling.orientation = "maxMin"
        data = Reference(ws, min_col=point_cols[0], max_col=point_cols[-1], min_row=1, max_row=last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=last))
        chart.height = max(7.5, 1.2 * len(providers) + 3)
        chart.width = 22
        ws.add_chart(chart, f"B{last + 3}")
    return last, tot, get_column_letter(band_col)


def _switching_sheet(wb: Workbook, sw: SwitchingPayload, currency: str) -> None:
    sheet = _new_sheet(wb, "Switching cost")
    blocks = [switching_breakdown_section(sw)]
    blocks += [s for s in (tornado_section(sw), stay_vs_switch_section(sw)) if s is not None]
    blocks += variance_sections(sw)
    heads = write_sections(sheet, blocks, currency=currency)
    sheet.widths[1] = max(sheet.widths.get(1, 8), 30)
    sheet.finish()
    breakdown = blocks[0]
    n_areas = sum(1 for r in breakdown.rows if r[0] != "Total")
    if n_areas == 0:
        return
    ws = sheet.ws
    head = heads[0]
    cats = Reference(ws, min_col=1, min_row=head + 1, max_row=head + n_areas)
    col = 7
    specs = [("Deterministic cost by area", 2, 2), ("P10 / P50 / P90 by area", 3, 5)]
    for i, (title, c0, c1) in enumerate(specs):
        chart = BarChart()
        chart.type = "bar"
        chart.title = title
        chart.x_axis.scaling.orientation = "maxMin"
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.y_axis.number_format = "#,##0"
        chart.add_data(
            Reference(ws, min_col=c0, max_col=c1, min_row=head, max_row=head + n_areas),
            titles_from_data=True,
        )
        chart.set_categories(cats)
        chart.width, chart.height = 18, 7.5
        ws.add_chart(chart, f"{get_column_letter(col)}{1 + 16 * i}")


def _sla_sheet(wb: Workbook, sla: SlaPayload, currency: str) -> None:
    sheet = _new_sheet(wb, "SLA check")
    sheet.put(1, 1, "Verdict").font = BOLD
    verdict = sheet.put(1, 2, sla.verdict)
    colour = S.STATUS_FILLS.get(str(sla.verdict).lower())
    if colour:
        verdict.fill = PatternFill("solid", fgColor=colour)
    sheet.put(2, 1, "Credits owed").font = BOLD
    sheet.put(2, 2, sla.credits, money_format(currency))
    write_sections(sheet, sla_sections(sla, currency), row=4, currency=currency)
    sheet.finish()


def _section_sheet(wb: Workbook, title: str, sections: Sequence[Section], currency: str = "") -> None:
    sheet = _new_sheet(wb, title)
    write_sections(sheet, sections, currency=currency)
    sheet.finish()


def _normalise_zip(data: bytes, created: dt.datetime) -> bytes:
    """Same workbook, same bytes: fixed member timestamps and order, fixed document dates."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    body,
                )
            member = zipfile.ZipInfo(info.filename, date_time=created.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            dst.writestr(member, body)
    return out.getvalue()


def build_xlsx(report: ReportInput, created: dt.date | None = None) -> bytes:
    """The workbook as bytes; `created` (default: the report's date, else today) fixes its dates."""
    day = created or report.created or dt.date.today()
    moment = dt.datetime(day.year, day.month, day.day)
    unit = report.money_unit()
    wb = Workbook()
    summary = _summary_sheet(wb, report, day)
    card = report.scorecard
    if card is not None:
        _weights_sheet(wb, card)
        grid = _scorecard_sheet(wb, card)
        _live_summary(summary, grid, len(card.providers))
        parts = (
            S.excluded_section(card),
            S.red_flags_section(card),
            S.evaluations_section(card),
            S.gates_and_flags_section(card),
        )
        evidence = [s for s in parts if s]
        if evidence:
            _section_sheet(wb, "Evaluators and evidence", evidence)
        robust = S.robustness_sections(card.robustness) + S.decision_sections(card)
        if robust:
            _section_sheet(wb, "Robustness", robust)
        guide = S.guide_sections(card)
        if guide:
            _section_sheet(wb, "Questions and anchors", guide)
    if report.switching is not None:
        _switching_sheet(wb, report.switching, report.switching_unit())
    taxonomy = report.taxonomy_part()
    if taxonomy is not None:
        _section_sheet(wb, "Taxonomy mapping", [taxonomy_section(taxonomy)])
    if report.sla is not None:
        _sla_sheet(wb, report.sla, report.sla_unit())
    for section in report.sections:
        _section_sheet(wb, section.title, [section], unit)
    summary.finish()
    props = wb.properties
    props.title = cell_text(report.title)
    props.subject = cell_text(report.program)
    props.creator = "annogov"
    props.description = cell_text(evaluated_text(report))
    props.created = props.modified = moment
    props.lastModifiedBy = "annogov"
    custom = wb.custom_doc_props  # type: ignore[attr-defined]
    if report.program:
        custom.append(StringProperty(name="Program", value=cell_text(report.program)))
    custom.append(StringProperty(name="Report date", value=day.isoformat()))
    buffer = io.BytesIO()
    wb.save(buffer)
    return _normalise_zip(buffer.getvalue(), moment)
