"""A first pass over contract text: find passages that look like each clause and propose a profile.

Every proposal quotes the sentence it came from, says where it is, and needs a person to confirm
it. A clause is only ever filled in from a passage: the proposed profile has nothing else in it.
The reading itself is `contracts.reader`: sentence -> clauses -> scope (negation, not-yet,
condition) -> field values from a table of rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from contracts.profile import (
    Commercial,
    ContractProfile,
    DataRights,
    Guidelines,
    QualityMetrics,
    Security,
    Transition,
)
from contracts.reader.segment import sentences
from contracts.reader.table import read
from contracts.sla_terms import RampSchedule, SlaTerm, SlaTermSet
from contracts.text_extract import Passage, extract_passages

_TIMING_RANK = {"any_time": 0, "on_request": 1, "contract_end": 2, "none": 3}


class Proposal(BaseModel):
    """One proposed profile value, the passage it came from, and a request to confirm it."""

    clause: str
    field: str = Field(description="Dotted path in the profile, e.g. 'data.buyer_owns_data'")
    value: Any
    quote: str
    location: str
    needs_confirmation: Literal[True] = True
    note: str | None = None


class DraftReview(BaseModel):
    """The proposals read from one draft, and the profile they add up to."""

    source: str
    passages_read: int
    proposals: list[Proposal]
    profile: ContractProfile

    def clauses_with_passages(self) -> set[str]:
        """Clauses for which at least one passage was found."""
        return {p.clause for p in self.proposals}


_VENDOR_NAME = re.compile(
    r"((?:[A-Z][\w&.'’-]*\s+){0,6}[A-Z][\w&.'’-]*)\s*\((?:the\s+)?"
    r"[\"“'‘]?(?:Vendor|Provider|Supplier)[\"”'’]?\)"
)


def _quote(sentence: str, limit: int = 400) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def _is_heading(text: str) -> bool:
    """'5. Transition and offboarding' names a clause but grants nothing: not evidence."""
    return len(text.split()) < 8 and not re.search(r"[.;:!?]$", text.strip())


def propose(passages: list[Passage], *, source: str = "draft", vendor: str | None = None) -> DraftReview:
    """Read located passages and propose a profile; every value is backed by a quoted passage."""
    proposals: list[Proposal] = []
    for passage in passages:
        if _is_heading(passage.text):
            continue
        for sentence in sentences(passage.text):
            for hit in read(sentence):
                proposals.append(
                    Proposal(
                        clause=hit.clause,
                        field=hit.field,
                        value=hit.value,
                        quote=_quote(sentence),
                        location=passage.location,
                        note=hit.note,
                    )
                )
    if vendor is None:
        found = next((m for p in passages if (m := _VENDOR_NAME.search(p.text))), None)
        vendor = found.group(1).strip(" ,") if found else Path(source).stem
        vendor = re.sub(r"^(?:between|and)\s+", "", vendor, flags=re.IGNORECASE)
    _link_remedies(proposals, passages)
    profile = profile_from(proposals, vendor, f"Proposed from {Path(source).name}; confirm every value")
    return DraftReview(source=source, passages_read=len(passages), proposals=proposals, profile=profile)


def _link_remedies(proposals: list[Proposal], passages: list[Passage]) -> None:
    """A credit applies to the terms in its own paragraph, or to all terms when it says 'each
    breach'; record which term ids it covers so the profile can attach it."""
    terms = [p for p in proposals if p.field == "sla.terms"]
    for remedy in (p for p in proposals if p.field == "sla.remedy"):
        same = [t.value["id"] for t in terms if t.location == remedy.location]
        if remedy.value["applies_to"] == "all" or not same:
            covered = [t.value["id"] for t in terms]
        else:
            covered = same
        remedy.value = {"remedy": remedy.value["remedy"], "applies_to": covered}


def profile_from(proposals: list[Proposal], vendor: str, contract: str) -> ContractProfile:
    """The profile a list of proposals adds up to (the draft's, or only the confirmed ones)."""
    values: dict[str, Any] = {}
    for p in proposals:
        if p.field.startswith("sla.") or p.value is None:  # None: a value edited to unknown adds nothing
            continue
        current = values.get(p.field)
        if isinstance(p.value, list):
            merged = list(current or [])
            merged += [v for v in p.value if v not in merged]
            values[p.field] = merged
        elif p.field == "data.export_timing":
            if current is None or _TIMING_RANK[p.value] < _TIMING_RANK[current]:
                values[p.field] = p.value
        elif p.field == "commercial.pricing_model":
            values[p.field] = p.value if current in (None, p.value) else "hybrid"
        elif isinstance(p.value, bool):
            values[p.field] = p.value if current is None else (current and p.value)
        elif current is None:
            values[p.field] = p.value
    sections: dict[str, dict[str, Any]] = {}
    for path, value in values.items():
        section, field = path.split(".", 1)
        sections.setdefault(section, {})[field] = value
    terms: dict[str, dict[str, Any]] = {}
    for p in proposals:
        if p.field == "sla.terms" and p.value["id"] not in terms:
            terms[p.value["id"]] = dict(p.value)
    for p in proposals:
        if p.field == "sla.remedy":
            for term_id in p.value["applies_to"]:
                if term_id in terms and "remedy" not in terms[term_id]:
                    terms[term_id]["remedy"] = p.value["remedy"]
    ramp = next(
        (RampSchedule.model_validate(p.value) for p in proposals if p.field == "sla.ramp" and p.value.get("start")),
        None,
    )
    sla = (
        SlaTermSet(
            name=f"SLA terms: {contract}",
            terms=[SlaTerm.model_validate(t) for t in terms.values()],
            ramp=ramp,
        )
        if terms or ramp
        else None
    )
    return ContractProfile(
        vendor=vendor,
        contract=contract,
        data=DataRights(**sections.get("data", {})),
        guidelines=Guidelines(**sections.get("guidelines", {})),
        quality=QualityMetrics(**sections.get("quality", {})),
        transition=Transition(**sections.get("transition", {})),
        sla=sla,
        commercial=Commercial(**sections.get("commercial", {})),
        security=Security(**sections.get("security", {})),
    )


def review_draft(path: str | Path, *, data: bytes | None = None, vendor: str | None = None) -> DraftReview:
    """Extract a draft's passages (.txt, .md, .docx, .pdf) and propose its profile."""
    path = Path(path)
    return propose(extract_passages(path, data=data), source=path.name, vendor=vendor)


__all__ = ["DraftReview", "Proposal", "profile_from", "propose", "read_sentence", "review_draft"]


def read_sentence(text: str) -> list[tuple[str, Any]]:
    """(field, value) proposals for one sentence: what the corpus benchmark measures."""
    return [(p.field, p.value) for p in propose([Passage(text=text, paragraph=1)], vendor="-").proposals]
