"""Build the scorecard example sheets (run once; LibreOffice re-saves the xlsx ones).

Writes examples/scorecard-wide.xlsx (title rows, merged title, weights in headers, evaluators,
KPI evidence, trailing notes) and examples/scorecard-long.csv.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
PROVIDERS = {
    "Northwind Labeling": {"Ana": (4, 5, 4, 3, 4), "Bo": (4, 4, 4, 3, 3), "Chen": (5, 5, 4, 4, 4)},
    "Lumen Annotation Co.": {"Ana": (3, 4, 4, 4, 4), "Bo": (3, 4, 3, 4, 5), "Chen": (3, 3, 4, 4, 4)},
    "Kestrel Data Works": {"Ana": (4, 4, 2, 3, 3), "Bo": (2, 5, 3, 3, 3), "Chen": (4, 4, 3, 3, 3)},
    "Tessellate AI Services": {"Ana": (3, 3, 3, 3, 3), "Bo": (3, 3, 3, 3, 2), "Chen": (3, 3, 3, 3, 3)},
}
KPIS = {
    "Northwind Labeling": ("Type II", "2026-06-30", "yes", 0.86, "0.6%"),
    "Lumen Annotation Co.": ("Type II", "2026-03-31", "yes", 0.81, "0.9%"),
    "Kestrel Data Works": ("Type I", "2025-08-31", "no", 0.74, "1.8%"),
    "Tessellate AI Services": ("Type II", "2026-01-31", "yes", 0.78, "1.2%"),
}
HEADER = [
    "Provider",
    "Evaluator",
    "Workforce model (25%)",
    "Security & Compliance (20%)",
    "Quality SLA (25%)",
    "AI-assisted throughput (15%)",
    "Commercial flexibility (15%)",
    "SOC 2 type",
    "SOC 2 audit end",
    "ISO 27001",
    "Kappa complex",
    "Defect rate",
    "Comments",
]


def wide() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Scores"
    ws["A1"] = "Annotation provider evaluation: Q3 shortlist"
    ws.merge_cells("A1:F1")
    ws["A2"] = "Scores 1 (poor) to 5 (excellent); one row per evaluator"
    ws.append([])
    ws.append(HEADER)
    for name, by_eval in PROVIDERS.items():
        for ev, scores in by_eval.items():
            kpis = KPIS[name] if ev == "Ana" else ("",) * 5
            comment = (
                "Only a Type I report so far; Type II audit booked" if name.startswith("Kestrel") and ev == "Bo" else ""
            )
            ws.append([name, ev, *scores, *kpis, comment])
    ws.append([])
    ws.append(["Notes: KPI values come from the vendors' RFP answers."])
    wb.save(ROOT / "examples" / "scorecard-wide.openpyxl.xlsx")


def long() -> None:
    with open(ROOT / "examples" / "scorecard-long.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["provider", "dimension", "criterion", "evaluator", "score", "comment"])
        for name, by_eval in PROVIDERS.items():
            for ev, scores in by_eval.items():
                for dim, score in zip(
                    [
                        "Workforce model",
                        "Security & compliance",
                        "Quality SLA",
                        "AI-assisted throughput",
                        "Commercial flexibility",
                    ],
                    scores,
                    strict=True,
                ):
                    w.writerow([name, dim, "", ev, score, ""])


if __name__ == "__main__":
    wide()
    long()
