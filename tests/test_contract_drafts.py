"""First pass over contract drafts: proposals point at the right passages; negations are read."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from contracts.audit import audit_profile
from contracts.drafts import DraftReview, Proposal, propose, review_draft
from contracts.text_extract import Passage, extract_passages
from ingest import InputError

DRAFTS = Path(__file__).resolve().parents[1] / "examples" / "drafts"
PORTABLE = DRAFTS / "portable-msa.md"
LOCKED = DRAFTS / "locked-in-msa.txt"
AS_OF = date(2026, 11, 26)


def _text(*paragraphs: str) -> DraftReview:
    passages = [Passage(text=p, paragraph=i) for i, p in enumerate(paragraphs, start=1)]
    return propose(passages, source="inline.txt", vendor="Acme")


def _for(review: DraftReview, field: str) -> list[Proposal]:
    return [p for p in review.proposals if p.field == field]


def _single(review: DraftReview, field: str) -> Proposal:
    found = _for(review, field)
    assert found, f"no proposal for {field}"
    return found[0]


# -- the portable draft --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portable() -> DraftReview:
    return review_draft(PORTABLE)


@pytest.fixture(scope="module")
def locked() -> DraftReview:
    return review_draft(LOCKED)


@pytest.mark.parametrize(
    "field, value, phrase",
    [
        ("data.buyer_owns_data", True, "The Client owns all labelled data"),
        ("data.export_timing", "any_time", "export all labelled data at any time"),
        ("guidelines.delivered_as_asset", True, "delivers the annotation guidelines"),
        ("guidelines.versioned", True, "versioned project asset"),
        ("guidelines.edge_case_rulings", True, "edge-case ruling"),
        ("quality.agreement_by_task_type", True, "separately for each task type"),
        ("quality.transferable_to_successor", True, "successor provider"),
        ("quality.accuracy_target", 0.995, "Label accuracy of 99.5%"),
        ("transition.clause_present", True, "transition assistance for 60 days"),
        ("transition.timeline_days", 60, "transition assistance for 60 days"),
        ("transition.throughput_continuity", True, "maintain the agreed weekly throughput"),
        ("commercial.pilot_available", True, "paid pilot of four weeks"),
        ("commercial.scale_up_multiple", 3.0, "3x the baseline volume"),
        ("commercial.scale_up_weeks", 3, "within 3 weeks"),
        ("commercial.scope_change_process", True, "change order procedure"),
        ("commercial.pricing_model", "per_hour_managed_team", "per annotator hour"),
        ("security.soc2_type", "type_ii", "SOC 2 Type II"),
        ("security.soc2_period_end", "2026-06-30", "30 June 2026"),
        ("security.iso27001_covers_delivery_centres", True, "covers all delivery centres"),
        ("security.iso27001_last_audit", "2026-04-15", "2026-04-15"),
        ("security.dpa", True, "data processing agreement"),
        ("security.subprocessors_disclosed", True, "lists its subprocessors"),
    ],
)
def test_portable_proposals_quote_the_right_passage(
    portable: DraftReview, field: str, value: object, phrase: str
) -> None:
    proposal = _single(portable, field)
    assert proposal.value == value
    assert phrase in proposal.quote
    assert proposal.needs_confirmation is True
    text = PORTABLE.read_text(encoding="utf-8")
    assert proposal.quote in " ".join(text.split())


def test_portable_locations_name_the_paragraph_and_line(portable: DraftReview) -> None:
    lines = PORTABLE.read_text(encoding="utf-8").splitlines()
    for proposal in portable.proposals:
        line = int(proposal.location.split("(line ")[1].rstrip(")"))
        assert proposal.quote[:40] in lines[line - 1], proposal


def test_portable_vendor_owning_its_platform_is_not_read_as_owning_the_data(portable: DraftReview) -> None:
    assert [p.value for p in _for(portable, "data.buyer_owns_data")] == [True]


def test_portable_profile_and_audit(portable: DraftReview) -> None:
    profile = portable.profile
    assert profile.vendor == "Harbour Data Services GmbH"
    assert set(profile.data.export_formats) == {"COCO", "JSONL", "Label Studio JSON", "CSV"}
    assert set(profile.transition.handover_artefacts) >= {
        "labelled data",
        "guidelines",
        "gold set",
        "edge-case log",
        "QA reports",
    }
    assert profile.security.endpoint_controls == [
        "USB blocking",
        "screen-capture restriction",
        "no downloads",
        "virtual desktops",
    ]
    assert profile.sla is not None
    by_id = {t.id: t for t in profile.sla.terms}
    assert set(by_id) == {"cohen-complex", "cohen-simple", "accuracy", "on-time", "ramp"}
    assert by_id["cohen-complex"].threshold == 0.80
    assert str(by_id["cohen-simple"].scope) == "task_type:simple"
    assert by_id["on-time"].threshold == 0.95
    assert by_id["ramp"].threshold == 20000
    assert all(
        t.remedy.kind == "percent_of_fee" and t.remedy.amount == 5 and t.remedy.cap == 20 for t in profile.sla.terms
    )
    audit = audit_profile(profile, AS_OF)
    assert audit.findings == []
    assert audit.lock_in.level == "low"


# -- the locked-in draft -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, phrase",
    [
        ("data.buyer_owns_data", False, "Provider retains all right, title and interest"),
        ("data.export_timing", "none", "may only be accessed within the Provider platform"),
        ("data.export_timing", "contract_end", "Upon termination"),
        ("data.export_formats", ["native QMX format"], "native QMX format"),
        ("guidelines.delivered_as_asset", False, "remain the confidential property of the Provider"),
        ("quality.accuracy_target", 0.995, "99.5% accuracy"),
        ("commercial.pricing_model", "per_unit", "per label"),
        ("commercial.quality_penalties", False, "Rework requested by the Customer is charged"),
        ("commercial.minimum_term_months", 36, "initial term of 36 months"),
        ("security.soc2_type", "type_i", "SOC 2 Type I"),
        ("security.soc2_period_end", "2024-03-15", "15 March 2024"),
        ("security.subprocessors_disclosed", False, "without notice"),
        ("transition.clause_present", False, "no obligation to provide transition assistance"),
    ],
)
def test_locked_in_proposals_quote_the_right_passage(
    locked: DraftReview, field: str, value: object, phrase: str
) -> None:
    matches = [p for p in _for(locked, field) if p.value == value]
    assert matches, [p.value for p in _for(locked, field)]
    assert phrase in matches[0].quote
    assert matches[0].location.startswith("paragraph ")


def test_locked_in_negations_never_read_as_buyer_ownership(locked: DraftReview) -> None:
    values = [p.value for p in _for(locked, "data.buyer_owns_data")]
    assert values == [False, False, False]  # retains; licence only; nothing transfers
    assert locked.profile.data.buyer_owns_data is False


def test_locked_in_audit_finds_the_lock_in(locked: DraftReview) -> None:
    profile = locked.profile
    assert profile.vendor == "Quickmark Annotation Pte Ltd"
    assert profile.data.export_timing == "contract_end"
    audit = audit_profile(profile, AS_OF)
    assert set(audit.critical_missing) == {"data_ownership", "transition"}
    assert {f.code for f in audit.red_flags} == {
        "soc2.type1_only",
        "soc2.stale",
        "pricing_model.per_unit_no_penalty",
        "quality_metrics.accuracy_without_method",
    }
    assert audit.lock_in.level == "high"
    statuses = {c.clause: c.status for c in audit.clauses}
    assert statuses["export_formats"] == "weak"
    assert statuses["minimum_commitment"] == "weak"


def test_no_clause_is_present_without_a_passage(portable: DraftReview, locked: DraftReview) -> None:
    for review in (portable, locked):
        audit = audit_profile(review.profile, AS_OF)
        with_passage = review.clauses_with_passages()
        for clause in audit.clauses:
            if clause.status != "present":
                continue
            assert clause.clause in with_passage, clause.clause
            assert all(p.quote.strip() for p in review.proposals if p.clause == clause.clause)


def test_empty_text_proposes_nothing_and_everything_is_missing() -> None:
    review = _text("This page intentionally left blank.")
    assert review.proposals == []
    audit = audit_profile(review.profile, AS_OF)
    assert {c.status for c in audit.clauses} == {"missing"}


# -- negations, one sentence at a time -----------------------------------------------------------


@pytest.mark.parametrize(
    "sentence, owns",
    [
        ("The Client owns all labelled data produced under this agreement.", True),
        ("All annotations shall remain the property of the Customer.", True),
        ("All labelled data is owned exclusively by the Client.", True),
        ("The Vendor hereby assigns all right, title and interest in the deliverables to the Client.", True),
        ("The Vendor retains ownership of all annotations.", False),
        ("The Client shall not own the labelled data.", False),
        ("Annotations remain the property of the Provider.", False),
        ("Nothing in this Agreement transfers title to the annotated data to the Customer.", False),
        ("The Customer receives only a limited licence to use the labelled data.", False),
        ("The labelled data is owned by the Supplier.", False),
        ("The Provider owns its tools; the Client owns the labelled data.", True),
        ("The Vendor does not retain ownership of the labelled data.", True),
        ("The Client does not acquire any rights in the annotations.", False),
        ("The annotations are licensed to the Customer for the term.", False),
        ("The Vendor shall not retain copies; the Vendor retains all rights in the annotations.", False),
    ],
)
def test_ownership_sentences(sentence: str, owns: bool) -> None:
    review = _text(sentence)
    assert review.profile.data.buyer_owns_data is owns
    assert all(p.quote for p in review.proposals)


@pytest.mark.parametrize(
    "sentence, field, value",
    [
        ("The Vendor will not sign a data processing agreement.", "security.dpa", False),
        ("The Vendor is working towards ISO 27001 certification.", "security.iso27001_certified", False),
        (
            "The ISO 27001 certificate is limited to the head office and does not cover delivery centres.",
            "security.iso27001_covers_delivery_centres",
            False,
        ),
        ("No pilot is available for this engagement.", "commercial.pilot_available", False),
        ("The Customer is not entitled to export the labelled data.", "data.export_timing", "none"),
        (
            "The gold set is confidential to the vendor and may not be shared with a successor.",
            "quality.transferable_to_successor",
            False,
        ),
    ],
)
def test_other_negations(sentence: str, field: str, value: object) -> None:
    review = _text(sentence)
    assert [p.value for p in _for(review, field)] == [value]


def test_certification_date_is_the_last_one_written_not_the_most_recent() -> None:
    """A report issued after its period: the period end is the date written last."""
    review = _text("The Vendor holds a SOC 2 Type II report, issued 15 August 2026, for the period ending 2026-06-30.")
    proposal = _single(review, "security.soc2_period_end")
    assert proposal.value == "2026-06-30"
    assert proposal.note == "the last date in the passage is read as the period end"


# -- file formats --------------------------------------------------------------------------------


def _paragraphs(path: Path) -> list[str]:
    return [" ".join(b.split()) for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]


def test_docx_draft_gives_the_same_proposals(tmp_path: Path, locked: DraftReview) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for para in _paragraphs(LOCKED):
        document.add_paragraph(para)
    target = tmp_path / "locked-in-msa.docx"
    document.save(str(target))
    review = review_draft(target)
    assert [(p.field, p.value, p.quote) for p in review.proposals] == [
        (p.field, p.value, p.quote) for p in locked.proposals
    ]
    first = _single(review, "data.buyer_owns_data")
    assert first.location == "paragraph 3"


def test_docx_table_cells_are_located_by_table_row_and_cell(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Schedule 2: security commitments.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Certification"
    table.cell(0, 1).text = "Commitment"
    table.cell(1, 0).text = "SOC 2"
    table.cell(1, 1).text = "The Vendor holds a SOC 2 Type II report for the period ending "
    table.cell(1, 1).text += "31 March 2026."
    target = tmp_path / "schedule.docx"
    document.save(str(target))
    proposal = _single(review_draft(target), "security.soc2_type")
    assert proposal.value == "type_ii"
    assert proposal.location == "table 1, row 2, cell 2"


def test_pdf_draft_points_at_page_and_paragraph(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

    paragraphs = _paragraphs(LOCKED)
    style = getSampleStyleSheet()["BodyText"]
    story: list = []
    for i, para in enumerate(paragraphs):
        if i == 5:
            story.append(PageBreak())
        story += [Paragraph(para, style), Spacer(1, 8)]
    target = tmp_path / "locked-in-msa.pdf"
    SimpleDocTemplate(str(target), pagesize=A4, invariant=1).build(story)

    passages = extract_passages(target)
    assert {p.page for p in passages} == {1, 2}
    review = review_draft(target)
    soc2 = _single(review, "security.soc2_type")
    assert soc2.value == "type_i"
    assert soc2.location.startswith("page 2, paragraph ")
    owns = _single(review, "data.buyer_owns_data")
    assert owns.value is False and owns.location.startswith("page 1, ")
    assert "retains all right, title and interest" in owns.quote
    assert review.profile.transition.clause_present is False
    assert review.profile.commercial.pricing_model == "per_unit"


def test_unreadable_drafts_are_input_errors(tmp_path: Path) -> None:
    bad_pdf = tmp_path / "broken.pdf"
    bad_pdf.write_bytes(b"not a pdf at all")
    with pytest.raises(InputError, match="broken.pdf"):
        review_draft(bad_pdf)
    bad_docx = tmp_path / "broken.docx"
    bad_docx.write_bytes(b"PK\x03\x04garbage")
    with pytest.raises(InputError, match="broken.docx"):
        review_draft(bad_docx)
    with pytest.raises(InputError, match="unsupported draft type"):
        review_draft(tmp_path / "draft.rtf")


def test_pdf_line_starting_with_a_number_continues_its_sentence(tmp_path: Path) -> None:
    """A wrapped PDF line that starts with a figure ('30 days ...') stays in its sentence; a clause
    number before a capital ('4.2 The Vendor') still starts a passage."""
    from reportlab.pdfgen import canvas

    lines = [
        "4. Transition",
        "On termination the Vendor shall hand over all annotated data, the guidelines and the gold set within",
        "30 days of the notice.",
        "4.2 The Vendor shall delete all copies of Client data on exit.",
    ]
    target = tmp_path / "wrapped.pdf"
    pdf = canvas.Canvas(str(target), invariant=1)
    for k, line in enumerate(lines):
        pdf.drawString(40, 800 - 14 * k, line)
    pdf.save()
    texts = [p.text for p in extract_passages(target)]
    assert any("within 30 days of the notice." in t for t in texts)
    assert any(t.startswith("4.2 The Vendor shall delete") for t in texts)
    timeline = _single(review_draft(target), "transition.timeline_days")
    assert timeline.value == 30 and "30 days" in timeline.quote
