"""A person's decision on each proposal read from a draft: accept, edit or reject.

The confirmed profile is built from accepted and edited values only, and records who decided and
when; undecided and rejected proposals leave their field unknown, which the audit reads as missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ValidationError

from contracts.drafts import DraftReview, Proposal, profile_from
from contracts.profile import ContractProfile
from contracts.profile_files import parse_answer
from contracts.sla_terms import RampSchedule, SlaTerm
from ingest import InputError, Location, Problem, load_document, load_yaml

Decision = Literal["accept", "edit", "reject"]
DECISIONS: tuple[Decision, ...] = ("accept", "edit", "reject")


class Confirmation(BaseModel):
    """One decision: the proposal (by its index in the draft review), what was proposed, what stands."""

    index: int
    field: str
    decision: Decision
    proposed: Any
    value: Any = None
    quote: str
    location: str


class ConfirmedDraft(BaseModel):
    """The decisions on one draft's proposals, who made them and when, and the profile they give."""

    source: str
    by: str
    by_name: str
    at: datetime
    confirmations: list[Confirmation]
    undecided: int
    profile: ContractProfile

    def to_payload(self) -> dict[str, Any]:
        """JSON-ready record of the decisions (the profile is stored next to the audit)."""
        return self.model_dump(mode="json", exclude={"profile"})


def edit_text(proposal: Proposal) -> str:
    """The proposed value as the text a person edits (lists comma-separated, terms as YAML)."""
    value = proposal.value
    if proposal.field.startswith("sla."):
        return yaml.safe_dump(value, default_flow_style=True, sort_keys=False).strip()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def _edited(proposal: Proposal, raw: object) -> Any:
    """An edited value as the field's type; ValueError when it is not one."""
    if proposal.field in ("sla.terms", "sla.ramp"):
        try:
            loaded = load_yaml(raw, "value") if isinstance(raw, str) else raw
        except InputError as exc:
            raise ValueError(exc.problems[0].message) from None
        model = SlaTerm if proposal.field == "sla.terms" else RampSchedule
        try:
            return model.model_validate(loaded).model_dump(mode="json", exclude_defaults=proposal.field == "sla.terms")
        except ValidationError as exc:
            raise ValueError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None
    if proposal.field == "sla.remedy":
        raise ValueError("a service credit can be accepted or rejected; edit its terms instead")
    section, name = proposal.field.split(".", 1)
    model = type(getattr(ContractProfile(vendor="-"), section))
    try:
        checked = getattr(model.model_validate({name: parse_answer(proposal.field, raw)}), name)
    except ValidationError as exc:
        raise ValueError("; ".join(e["msg"] for e in exc.errors())) from None
    return checked.isoformat() if hasattr(checked, "isoformat") else checked


def confirm(
    review: DraftReview,
    decisions: Mapping[int, tuple[Decision, object]],
    *,
    by_id: str,
    by_name: str,
    at: datetime,
    decided_in: str | None = None,
) -> ConfirmedDraft:
    """Apply `decisions` ({proposal index: (decision, edited value)}) made by the identified user
    `by_id` (shown as `by_name`) at `at`, and build the confirmed profile.

    Raises `InputError` naming the proposal (row = its number, column = its field) for an edit the
    field cannot hold, or a decision that is not accept, edit or reject, located in `decided_in`
    (the decisions file) when given, else in the draft.
    """
    problems: list[Problem] = []
    confirmations: list[Confirmation] = []
    kept: list[Proposal] = []
    for index, (decision, raw) in sorted(decisions.items()):
        proposal = review.proposals[index]
        where = Location(decided_in or review.source, row=index + 1, column=proposal.field)
        if decision not in DECISIONS:
            problems.append(Problem(where, f"decision must be accept, edit or reject, got {decision!r}"))
            continue
        value: Any = None
        if decision == "accept":
            value = proposal.value
        elif decision == "edit":
            try:
                value = _edited(proposal, raw)
            except ValueError as exc:
                problems.append(Problem(where, str(exc)))
                continue
        confirmations.append(
            Confirmation(
                index=index,
                field=proposal.field,
                decision=decision,
                proposed=proposal.value,
                value=value,
                quote=proposal.quote,
                location=proposal.location,
            )
        )
        if decision != "reject":
            kept.append(proposal.model_copy(update={"value": value}))
    if problems:
        raise InputError(problems)
    contract = f"Confirmed from {Path(review.source).name} by {by_name} on {at:%Y-%m-%d %H:%M} UTC"
    try:
        profile = profile_from(_relinked(kept), review.profile.vendor, contract)
    except ValidationError as exc:
        raise InputError(
            [Problem(Location(review.source, column=".".join(map(str, e["loc"]))), e["msg"]) for e in exc.errors()]
        ) from None
    return ConfirmedDraft(
        source=review.source,
        by=by_id,
        by_name=by_name,
        at=at,
        confirmations=confirmations,
        undecided=len(review.proposals) - len(confirmations),
        profile=profile,
    )


def _relinked(kept: list[Proposal]) -> list[Proposal]:
    """A confirmed credit covers only the confirmed terms it was linked to."""
    ids = {p.value["id"] for p in kept if p.field == "sla.terms" and isinstance(p.value, dict)}
    out = []
    for p in kept:
        if p.field == "sla.remedy" and isinstance(p.value, dict):
            covered = [t for t in p.value.get("applies_to", []) if t in ids]
            p = p.model_copy(update={"value": {**p.value, "applies_to": covered}})
        out.append(p)
    return out


def decisions_template(review: DraftReview) -> list[dict[str, Any]]:
    """One entry per proposal for a person to fill in outside the app (`decision: accept | edit |
    reject`, `value` used on edit): the command-line counterpart of the app's confirm controls."""
    return [
        {
            "n": i + 1,
            "field": p.field,
            "proposed": p.value,
            "where": p.location,
            "passage": p.quote,
            "decision": None,
            "value": edit_text(p),
        }
        for i, p in enumerate(review.proposals)
    ]


def read_decisions(
    path: str | Path, review: DraftReview, *, data: bytes | None = None
) -> dict[int, tuple[Any, object]]:
    """A filled-in decisions file as {proposal index: (decision, value)}; entries left undecided are
    skipped. Raises `InputError` located by entry for an unknown proposal or a field that does not
    match the draft (the file was made for another draft)."""
    path = Path(path)
    entries = load_document(path, data, kind="yaml")
    if not isinstance(entries, list):
        raise InputError.at(
            "expected a list of decisions (write one with `annogov contract-audit DRAFT --write decisions-template "
            "-o FILE`)",
            path.name,
        )
    problems: list[Problem] = []
    out: dict[int, tuple[Any, object]] = {}
    seen: dict[int, int] = {}
    for k, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or type(entry.get("n")) is not int:
            problems.append(Problem(Location(path.name, row=k), "each entry needs its proposal number 'n'"))
            continue
        n = entry["n"]
        if not 1 <= n <= len(review.proposals):
            problems.append(Problem(Location(path.name, row=k), f"there is no proposal {n} in {review.source}"))
            continue
        field = review.proposals[n - 1].field
        if entry.get("field", field) != field:
            problems.append(
                Problem(Location(path.name, row=k, column="field"), f"proposal {n} is {field}, not {entry['field']}")
            )
            continue
        if n in seen:
            problems.append(Problem(Location(path.name, row=k), f"proposal {n} is already decided in entry {seen[n]}"))
            continue
        seen[n] = k
        if entry.get("decision") in (None, ""):
            continue
        out[n - 1] = (str(entry["decision"]).strip().lower(), entry.get("value"))
    if problems:
        raise InputError(problems)
    return out
