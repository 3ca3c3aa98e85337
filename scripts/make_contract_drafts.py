"""Build the two example contract drafts in .md, .docx and .pdf from one text each.

examples/drafts/northfield-portable.* keeps the program switchable (phrased in ways a naive reader
misses: "nothing shall restrict the Client from exporting"); examples/drafts/quarry-locked-in.*
locks it in, including the weak terms issue 18 lists and penalties passed on to annotators.
Run: python scripts/make_contract_drafts.py
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "examples" / "drafts"

Draft = list[tuple[str, list[str]]]

PORTABLE: Draft = [
    (
        "Data Annotation Services Agreement",
        [
            'This agreement is made between Northfield Labelling Ltd (the "Vendor") and Aster Medical Imaging '
            'SA (the "Client") for the annotation of the Client\'s radiology images.',
        ],
    ),
    (
        "1. Data",
        [
            "1.1 Title to every annotation, label and dataset produced under this agreement passes to the Client "
            "upon creation.",
            "1.2 Nothing in this agreement shall restrict the Client from exporting the labelled data at any time.",
            "1.3 Exports are delivered in COCO JSON, JSON Lines and CSV.",
        ],
    ),
    (
        "2. Guidelines and quality",
        [
            "2.1 The Vendor keeps the labelling guidelines in the Client's repository under version control, with "
            "a written decision rule for every ambiguous case.",
            "2.2 Inter-annotator agreement is measured with Krippendorff's alpha of at least 0.80, reported "
            "separately for each task type.",
            "2.3 The gold set is owned by the Client and may be handed over to any successor provider.",
            "2.4 Each category, including rare findings, must reach 97% accuracy.",
            "2.5 Accuracy of 97% is calculated against the gold set on a stratified sample of 12% of each category.",
        ],
    ),
    (
        "3. Service levels",
        [
            "3.1 The Vendor commits to a Krippendorff's alpha of 0.80 on complex tasks.",
            "3.2 At least 95% of batches are delivered on time against the agreed schedule.",
            "3.3 The Vendor will ramp to 8,000 labelled images per week by week four.",
            "3.4 Each breach of a service level earns a service credit of 4% of the monthly fee, capped at 20% of "
            "the monthly fee.",
        ],
    ),
    (
        "4. Commercial terms",
        [
            "4.1 A paid pilot of three weeks on the Client's own images precedes any volume commitment.",
            "4.2 On written request the Vendor will scale to 2x the baseline volume within 4 weeks.",
            "4.3 Changes to the scope are handled under the change control process in Schedule 4.",
            "4.4 The initial term is 12 months.",
            "4.5 Fees are charged per annotator hour of the managed team. The expected volume is 30,000 labelled "
            "images per month.",
            "4.6 Quality shortfalls are remedied by service credits paid by the Vendor, not by deductions from "
            "annotator pay.",
        ],
    ),
    (
        "5. Transition and wind-down",
        [
            "5.1 Exit assistance is available for a period of 60 days from the termination date, handing over the "
            "labelled data, guidelines, gold set, edge-case log and calibration log, and the Vendor will maintain "
            "the agreed weekly throughput until the successor is ramped.",
            "5.2 On notice of termination, the Vendor will wind down the services in an orderly manner.",
        ],
    ),
    (
        "6. Security and compliance",
        [
            "6.1 The Vendor holds a SOC 2 Type II report for the period ending 30 September 2026.",
            "6.2 The Vendor is ISO 27001 certified and the scope covers all delivery centres; the last surveillance "
            "audit took place on 2026-05-20.",
            "6.3 A DPA is attached as Annex B.",
            "6.4 Annex C lists every subprocessor with its location, and the Client may object to any change.",
            "6.5 Annotators work through virtual desktops with DLP monitoring; USB storage is blocked.",
            "6.6 Client data shall not be transferred outside the EU.",
            "6.7 This agreement is governed by the laws of Ireland.",
            "6.8 Within 30 days of expiry the Vendor destroys the Client data and provides a certificate of "
            "deletion.",
            "6.9 Each party shall comply with applicable export control and sanctions laws.",
        ],
    ),
]

LOCKED_IN: Draft = [
    (
        "Labelling Services Order",
        [
            'This order is made between Quarry Label Works Pte Ltd (the "Provider") and the customer named in the '
            'order form (the "Customer").',
        ],
    ),
    (
        "1. Data",
        [
            "1.1 All work product is owned by the Provider and licensed to the Customer for the term.",
            "1.2 The Customer may not export labelled data at any time before termination.",
            "1.3 Deliverables are exported in the Provider's native QLW format.",
        ],
    ),
    (
        "2. Quality",
        [
            "2.1 The annotation guidelines remain confidential information of the Provider.",
            "2.2 The Provider targets 99.5% accuracy on all deliverables; the measurement method is tbd.",
            "2.3 QA reviews 5% of each category.",
            "2.4 The gold standard data is the property of the Provider.",
        ],
    ),
    (
        "3. Annotators",
        [
            "3.1 Annotators whose accuracy falls below 95% will have their pay reduced for that week.",
            "3.2 Any annotator whose error rate exceeds 3% shall be suspended from the project.",
            "3.3 Annotators who fail a quality audit must complete retraining in their own time without pay.",
        ],
    ),
    (
        "4. Fees and term",
        [
            "4.1 Fees are charged per label at the rates in the order form.",
            "4.2 Rework requested by the Customer is charged at the standard unit rate.",
            "4.3 The Customer commits to a minimum volume of 60,000 labels per month over an initial term of "
            "three years.",
        ],
    ),
    (
        "5. Exit",
        [
            "5.1 On exit the Provider hands over only the labelled data within five days.",
            "5.2 The Provider may stop all work immediately on termination without any wind-down period.",
        ],
    ),
    (
        "6. Security",
        [
            "6.1 The Provider is not yet SOC 2 Type II certified.",
            "6.2 The Provider may engage subprocessors without notice.",
            "6.3 The Provider may store the data in any country where it operates.",
            "6.4 The Provider may retain copies of the annotated data after termination.",
        ],
    ),
]

DRAFTS: dict[str, Draft] = {"northfield-portable": PORTABLE, "quarry-locked-in": LOCKED_IN}


def markdown(draft: Draft) -> str:
    """The draft as Markdown: one heading per section, one paragraph per clause."""
    out = []
    for i, (heading, paragraphs) in enumerate(draft):
        out.append(("# " if i == 0 else "## ") + heading)
        out += paragraphs
    return "\n\n".join(out) + "\n"


def docx_bytes(draft: Draft) -> bytes:
    """The draft as a Word document with real headings."""
    import io

    import docx

    document = docx.Document()
    for i, (heading, paragraphs) in enumerate(draft):
        document.add_heading(heading, level=0 if i == 0 else 1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_bytes(draft: Draft) -> bytes:
    """The draft as a two-page PDF (byte-identical on every run)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story: list = []
    for i, (heading, paragraphs) in enumerate(draft):
        if i == 4:
            story.append(PageBreak())
        story.append(Paragraph(escape(heading), styles["Title" if i == 0 else "Heading2"]))
        for paragraph in paragraphs:
            story += [Paragraph(escape(paragraph), styles["BodyText"]), Spacer(1, 6)]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, title="Contract draft").build(story)
    return buffer.getvalue()


def main() -> int:
    """Write every draft in every format."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draft in DRAFTS.items():
        (OUT / f"{name}.md").write_text(markdown(draft), encoding="utf-8")
        (OUT / f"{name}.docx").write_bytes(docx_bytes(draft))
        (OUT / f"{name}.pdf").write_bytes(pdf_bytes(draft))
        print(f"wrote {name}.md, .docx, .pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main())
