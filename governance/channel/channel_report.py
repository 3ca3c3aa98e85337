"""The annotators' channel as report sections: titled tables ({title, note, columns, rows,
formats}) that the PDF and Excel reports render like any other section."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from governance.channel.calibration import CalibrationEntry, EntryStatus
from governance.channel.calibration_queries import calibration_summary
from governance.channel.guideline_exports import history_rows
from governance.channel.guidelines import GuidelineDocument
from governance.channel.insights import blocking_questions


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def calibration_sections(
    entries: Sequence[CalibrationEntry], now: datetime
) -> list[dict[str, Any]]:
    """Summary, questions blocking work and rulings promoted into the guidelines; no figure per
    person, so the report cannot be used to rank annotators."""
    s = calibration_summary(entries, now)
    summary = {
        "title": "Calibration log: summary",
        "note": "Questions annotators raised about tasks the guidelines did not settle. "
                "Counts only; nothing here is per person.",
        "columns": ["Measure", "Value"],
        "rows": [
            ["Entries", s.total], ["Open", s.open], ["Resolved, not yet in the guidelines",
                                                      s.resolved],
            ["Promoted into the guidelines", s.promoted],
            ["Tasks set aside now", s.tasks_set_aside],
            ["Oldest open entry (days)", s.oldest_open_age_days],
            ["Median days to a ruling", s.median_days_to_ruling],
            ["Most used tags", ", ".join(f"{t} ({n})" for t, n in s.top_tags[:5]) or "-"],
        ],
    }
    blocking = blocking_questions(entries, now)
    sections: list[dict[str, Any]] = [summary]
    if blocking:
        sections.append({
            "title": "Calibration log: questions blocking work",
            "note": "Tasks held out of the queue, oldest first.",
            "columns": ["Age (days)", "Task", "Category", "Tags", "Waiting for", "Question"],
            "formats": {"Age (days)": "decimal"},
            "rows": [[q.age_days, q.task_id, q.category or "", ", ".join(q.tags), q.waiting_for,
                      _one_line(q.description)] for q in blocking],
        })
    promoted = sorted((e for e in entries if e.status is EntryStatus.PROMOTED and e.guideline),
                      key=lambda e: (e.created_at, e.entry_id))
    if promoted:
        sections.append({
            "title": "Calibration log: rulings promoted into the guidelines",
            "columns": ["Week", "Task", "Tags", "Ruling", "Guideline version", "Ruling number"],
            "formats": {"Guideline version": "integer", "Ruling number": "integer"},
            "rows": [[e.week, e.task_id, ", ".join(e.all_tags),
                      _one_line(e.ruling.text if e.ruling else ""),
                      e.guideline.version if e.guideline else None,
                      e.guideline.ruling_number if e.guideline else None] for e in promoted],
        })
    return sections


def guideline_history_section(doc: GuidelineDocument) -> dict[str, Any]:
    """Every guideline version with who, when, why and what it changed."""
    return {
        "title": f"Guideline history: {_one_line(doc.title, 80)}",
        "note": "Each change is a new version; the full text of every version is in the "
                "hand-over bundle (annogov guidelines export).",
        "columns": ["Version", "When", "Who", "Why", "Rulings in force", "Added", "Changed",
                    "Retired"],
        "formats": {"Version": "integer", "Rulings in force": "integer"},
        "rows": [[h.version, h.created_at.strftime("%Y-%m-%d %H:%M"), h.author_name,
                  _one_line(h.reason), h.rulings_in_force, ", ".join(map(str, h.added)),
                  ", ".join(map(str, h.changed)), ", ".join(map(str, h.retired))]
                 for h in history_rows(doc)],
    }
