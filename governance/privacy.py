"""Annotator privacy: pseudonymous codes for per-annotator figures, and an annotator's own view.

Steering-committee reports and readers without `VIEW_ANNOTATOR_FIGURES` get codes instead of
annotator ids; an annotator sees their own row next to the team aggregate.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from governance.quality.annotator_codes import pseudonyms
from governance.quality.sla.sla_report import AnnotatorRow
from governance.reports.model import ReportInput, Section

ANNOTATORS_TITLE = "Annotators"
ANNOTATOR_COLUMNS = frozenset({"annotator", "annotator_id"})
GROUP_PREFIX = "annotator "  # how a per-annotator drift row names its group in the report
CODES_NOTE = "Annotators appear as pseudonymous codes; a report with their ids needs an explicit option."


def pseudonymise_sla_payload(payload: Mapping[str, Any], *, key: bytes) -> dict[str, Any]:
    """A stored SLA-check payload with every annotator id replaced by its code (input untouched):
    the Annotators table, the annotator rows and the per-annotator drift rows, in the report part
    and in its full `detail`, one code per id."""
    out = copy.deepcopy(dict(payload))
    parts = [out, *([out["detail"]] if isinstance(out.get("detail"), dict) else [])]
    tables: list[list[dict[str, Any]]] = [
        c.get("rows", []) for c in out.get("categories", []) if c.get("title") == ANNOTATORS_TITLE
    ]
    tables += [p["annotators"] for p in parts if isinstance(p.get("annotators"), list)]
    drops = list({id(d): d for p in parts if isinstance(p.get("drift"), dict) for d in p["drift"].get("drops", [])
                  if d.get("group_kind") == "annotator"}.values())
    tables = list({id(rows): rows for rows in tables}.values())  # a list may be shared after deepcopy
    rows_once = list({id(r): r for rows in tables for r in rows if "annotator" in r}.values())
    ids = [str(r["annotator"]) for r in rows_once]
    codes = pseudonyms([*ids, *(str(d["group"]) for d in drops)], key=key)
    for row in rows_once:
        row["annotator"] = codes[str(row["annotator"])]
    for rows in tables:
        rows.sort(key=lambda row: str(row.get("annotator", "")))  # the original order would hint at the ids
    for drop in drops:
        drop["group"] = codes[str(drop["group"])]
    return out


def _annotator_columns(section: Section) -> list[int]:
    return [i for i, c in enumerate(section.columns) if c.strip().lower() in ANNOTATOR_COLUMNS]


def _group_annotator(value: object) -> str | None:
    """The annotator id in a per-group row's `group` cell ("annotator ann-a"), else None."""
    text = str(value) if value is not None else ""
    return text[len(GROUP_PREFIX):] if text.startswith(GROUP_PREFIX) else None


def _group_column(section: Section) -> int | None:
    return next((i for i, c in enumerate(section.columns) if c.strip().lower() == "group"), None)


def pseudonymise_report(report: ReportInput, *, key: bytes) -> ReportInput:
    """The report with every annotator column (SLA tables and extra sections) and every
    per-annotator group cell (drift rows) in codes, one code per id across the whole report, and
    a note saying so on each table it touched."""
    sections = [*(report.sla.categories if report.sla else []), *report.sections]
    ids = [str(row[i]) for s in sections for i in _annotator_columns(s) for row in s.rows if row[i] is not None]
    grouped = [(s, g) for s in sections if (g := _group_column(s)) is not None]
    ids += [a for s, g in grouped for row in s.rows if (a := _group_annotator(row[g])) is not None]
    codes = pseudonyms(ids, key=key)

    def coded(section: Section) -> Section:
        columns = _annotator_columns(section)
        group = _group_column(section)
        in_groups = group is not None and any(_group_annotator(r[group]) is not None for r in section.rows)
        if not columns and not in_groups:
            return section
        rows = [[codes.get(str(v), v) if i in columns and v is not None else v for i, v in enumerate(row)]
                for row in section.rows]
        if in_groups and group is not None:
            for row in rows:
                who = _group_annotator(row[group])
                if who is not None:
                    row[group] = GROUP_PREFIX + codes[who]
        if columns:
            rows.sort(key=lambda row: str(row[columns[0]]))  # the original order would hint at the ids
        note = f"{section.note} {CODES_NOTE}".strip()
        return section.model_copy(update={"rows": rows, "note": note})

    sla = None if report.sla is None else report.sla.model_copy(
        update={"categories": [coded(s) for s in report.sla.categories]}
    )
    return report.model_copy(update={"sla": sla, "sections": [coded(s) for s in report.sections]})


MIN_TEAM = 3
TEAM_WITHHELD = (
    f"The team's figures are shown from {MIN_TEAM} annotators on: with fewer, the team and your own row "
    "would give away another annotator's figures."
)


class OwnFigures(BaseModel):
    """What an annotator may see of a delivery check: their own rows and the team as a whole (None
    below `MIN_TEAM` annotators, where own row and team total would reveal the others' rows)."""

    model_config = ConfigDict(frozen=True)

    delivery: str
    own: list[AnnotatorRow]
    team: AnnotatorRow | None
    n_annotators: int


def _rate(num: float, den: int) -> float | None:
    return None if den == 0 else num / den


def team_aggregate(rows: list[AnnotatorRow]) -> AnnotatorRow:
    """The team's totals: accuracy and defect rate weighted by gold and reviewed annotations."""
    gold = sum(r.gold_annotations for r in rows)
    reviewed = sum(r.reviewed for r in rows)
    correct = sum((r.accuracy or 0.0) * r.gold_annotations for r in rows)
    defects = sum((r.defect_rate or 0.0) * r.reviewed for r in rows)
    return AnnotatorRow(
        annotator="team", annotations=sum(r.annotations for r in rows), gold_annotations=gold,
        accuracy=_rate(correct, gold), reviewed=reviewed, defect_rate=_rate(defects, reviewed),
    )


def own_figures(delivery: str, rows: list[AnnotatorRow], data_id: str) -> OwnFigures:
    """One annotator's rows of a check (matched on their id in the data) and the team aggregate."""
    return OwnFigures(
        delivery=delivery, own=[r for r in rows if r.annotator == data_id],
        team=team_aggregate(rows) if len(rows) >= MIN_TEAM else None, n_annotators=len(rows),
    )


def annotator_rows(payload: Mapping[str, Any]) -> list[AnnotatorRow]:
    """The per-annotator rows of a stored SLA-check payload (its report table)."""
    for table in payload.get("categories", []):
        if table.get("title") == ANNOTATORS_TITLE:
            return [AnnotatorRow.model_validate(r) for r in table.get("rows", [])]
    return []
