"""The workbook's live scorecard: Weights and Evaluators input sheets and the Scorecard sheet of formulas over them."""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName

from governance.reports import sections as S
from governance.reports.model import (
    BAND_ENTERPRISE,
    BAND_OVERSIGHT,
    BAND_RISK,
    ScorecardPayload,
    band_for,
)
from governance.reports.safe_text import describe
from governance.reports.words import yes_no
from governance.reports.xlsx_sheet import (
    BOLD,
    _new_sheet,
    _protect,
    _unlock,
    _validate,
)

BAND_FILLS: dict[str, str] = {
    BAND_ENTERPRISE: S.STATUS_FILLS["pass"],
    BAND_OVERSIGHT: S.STATUS_FILLS["inconclusive"],
    BAND_RISK: S.STATUS_FILLS["fail"],
    "incomplete": "D9D9D9",
}
WEIGHTS_ERROR = "weights must sum to 100"


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
