"""What the SLA charts show, computed once for the PDF (reportlab) and the app (Altair).

A term checked per group (each category, each task type) becomes one chart: a bar per group
coloured by its own pass/fail status, the contract's target as a line, and a one-line caption.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from governance.reports.model import SlaPayload
from governance.reports.sections import metric_label, scope_text, target_text

STATUS_COLOURS: dict[str, str] = {"pass": "#2e7d32", "fail": "#c62828", "inconclusive": "#f9a825"}
"""Bar colours by status, the same in the PDF and the app."""
STATUS_ORDER = ("pass", "fail", "inconclusive")


class GroupBar(BaseModel):
    """One group's measured value and its own verdict."""

    group: str
    value: float | None
    n: int | None
    status: str


class TermChart(BaseModel):
    """A per-group chart of one SLA term."""

    title: str
    caption: str
    target: float | None
    comparator: str
    bars: list[GroupBar]


def _bars(evidence: Any) -> list[GroupBar]:
    if not isinstance(evidence, list):
        return []
    bars = []
    for e in evidence:
        if isinstance(e, dict) and "group" in e:
            value = e.get("value")
            bars.append(
                GroupBar(
                    group=str(e["group"]),
                    value=float(value) if isinstance(value, int | float) else None,
                    n=e.get("n") if isinstance(e.get("n"), int) else None,
                    status=str(e.get("status") or "inconclusive").lower(),
                )
            )
    return bars


def term_charts(sla: SlaPayload) -> list[TermChart]:
    """One chart per term whose evidence is per group, failing terms first."""
    charts = []
    for term in sorted(sla.terms, key=lambda t: {"fail": 0, "inconclusive": 1}.get(t.status.lower(), 2)):
        bars = _bars(term.evidence)
        scope = scope_text(term.scope)
        if scope == "overall" or len(bars) < 2 or all(b.value is None for b in bars):
            continue
        failing = [b.group for b in bars if b.status == "fail"]
        target = target_text(term.comparator, term.threshold, term.metric)
        if failing:
            verb = "fails" if len(failing) == 1 else "fail"
            caption = f"Target {target}: {', '.join(failing)} {verb}; amber bars have too few items to judge."
        elif all(b.status == "inconclusive" for b in bars):
            caption = f"Target {target}: no group has enough items to judge yet (amber)."
        else:
            caption = f"Target {target}: every group with enough items meets it; amber bars have too few to judge."
        charts.append(
            TermChart(
                title=f"{metric_label(term.metric)} ({scope}), group by group",
                caption=caption,
                target=term.threshold,
                comparator=term.comparator,
                bars=bars,
            )
        )
    return charts
