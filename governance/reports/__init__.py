"""PDF and Excel reports for a steering committee, rendered from the parts' JSON payloads.

`build_pdf(report, created=...)` and `build_xlsx(report, created=...)` return bytes; `ReportInput`
holds the scorecard, switching-cost, taxonomy and SLA payloads and any extra `Section` tables.
"""

from governance.reports.model import (
    ReportInput,
    ScorecardPayload,
    Section,
    SlaPayload,
    SwitchingPayload,
    TaxonomyPayload,
)
from governance.reports.pdf import build_pdf
from governance.reports.xlsx import build_xlsx

__all__ = [
    "ReportInput",
    "ScorecardPayload",
    "Section",
    "SlaPayload",
    "SwitchingPayload",
    "TaxonomyPayload",
    "build_pdf",
    "build_xlsx",
]
