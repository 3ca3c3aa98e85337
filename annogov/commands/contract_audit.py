"""`annogov contract-audit`: audit a contract profile or a draft for portability and red flags."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from annogov.render import table, to_json
from contracts.audit import ContractAudit, audit_profile
from contracts.drafts import DraftReview, review_draft
from contracts.evidence import ScorecardEvidence, scorecard_evidence
from contracts.profile import ContractProfile, load_profile
from contracts.questionnaire import write_questionnaire
from contracts.text_extract import DRAFT_SUFFIXES
from ingest import InputError

PROFILE_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx", ".xlsm")


def _as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text!r}") from None


def register(subparsers: Any) -> None:
    """Add the `contract-audit` sub-command."""
    parser = subparsers.add_parser(
        "contract-audit",
        help="check a contract profile or draft for portability clauses and vendor red flags",
        description="Audit a contract profile (.yaml, .json, .xlsx questionnaire) or a draft "
        "(.txt, .md, .docx, .pdf). Exit 1 when a critical clause is missing.")
    parser.add_argument("source", nargs="?", metavar="PROFILE_OR_DRAFT")
    parser.add_argument("--as-of", type=_as_of, default=None,
                        help="evaluation date for certification age (default: today)")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.add_argument("--vendor", default=None, help="vendor name for a draft")
    parser.add_argument("--questionnaire", metavar="OUT.xlsx", default=None,
                        help="write the xlsx questionnaire (pre-filled from PROFILE_OR_DRAFT "
                        "if given, blank otherwise) and exit")
    parser.set_defaults(handler=run)


def load_source(path: Path, vendor: str | None = None) -> tuple[ContractProfile,
                                                                 DraftReview | None]:
    """A profile file as is, or a draft's proposed profile together with its proposals."""
    suffix = path.suffix.lower()
    if suffix in PROFILE_SUFFIXES:
        return load_profile(path), None
    if suffix in DRAFT_SUFFIXES:
        review = review_draft(path, vendor=vendor)
        return review.profile, review
    raise InputError.at(f"unsupported file type {suffix or '(none)'}; expected a profile "
                        f"({', '.join(PROFILE_SUFFIXES)}) or a draft "
                        f"({', '.join(DRAFT_SUFFIXES)})", path.name)


def run(args: argparse.Namespace) -> int:
    """Audit and print; 1 when a critical clause is missing."""
    source = Path(args.source) if args.source else None
    if args.questionnaire:
        profile = load_source(source, args.vendor)[0] if source else None
        Path(args.questionnaire).write_bytes(write_questionnaire(profile))
        print(f"wrote {args.questionnaire}")
        return 0
    if source is None:
        raise InputError.at("give a profile or draft to audit (or --questionnaire OUT.xlsx)",
                            "contract-audit")
    profile, review = load_source(source, args.vendor)
    audit = audit_profile(profile, args.as_of or date.today())
    evidence = scorecard_evidence(audit)
    if args.format == "json":
        payload: dict[str, Any] = {"source": source.name, "audit": audit.to_payload(),
                                   "scorecard_evidence": evidence.to_payload()}
        if review is not None:
            payload["draft"] = {"passages_read": review.passages_read,
                                "proposals": [p.model_dump(mode="json")
                                              for p in review.proposals]}
        print(to_json(payload))
    else:
        print(render_text(source.name, audit, evidence, review))
    return 1 if audit.critical_missing else 0


def render_text(source: str, audit: ContractAudit, evidence: ScorecardEvidence,
                review: DraftReview | None) -> str:
    """The audit as plain text for a terminal."""
    out = [f"Contract audit: {audit.vendor} ({source}), as of {audit.as_of.isoformat()}"]
    if review is not None:
        out.append(f"Draft: {review.passages_read} passages read, {len(review.proposals)} "
                   "proposals; every value below is a proposal to confirm against its passage.")
    out += ["", table(["clause", "status", "severity", "dimension"],
                      [[c.clause, c.status, c.severity or "", c.dimension]
                       for c in audit.clauses])]
    if audit.findings:
        out += ["", "Findings and what to ask:"]
        for f in audit.findings:
            flag = " [red flag]" if f.red_flag else ""
            out += [f"- {f.severity.upper()} {f.code}{flag}: {f.reason}", f"    > {f.ask}"]
    flags = audit.red_flags
    out += ["", f"Red flags: {', '.join(f.code for f in flags) if flags else 'none'}"]
    out += [f"Lock-in risk: {audit.lock_in.level}"]
    out += [f"  - {r}" for r in audit.lock_in.reasons]
    if audit.pricing_incentive:
        out.append(f"Pricing incentive: {audit.pricing_incentive}")
    out += ["", "Scorecard evidence:"]
    out += [f"  {s.dimension}: suggested {s.score}/5" for s in evidence.suggestions]
    out += [f"  gate {g.dimension} {g.effect}: {g.reason}" for g in evidence.gates]
    if review is not None and review.proposals:
        out += ["", "Proposals (confirm each):"]
        for p in review.proposals:
            out.append(f"- {p.field} = {p.value!r}  [{p.location}]")
            out.append(f"    \"{p.quote}\"" + (f"  ({p.note})" if p.note else ""))
    if audit.critical_missing:
        out += ["", f"Critical clauses missing: {', '.join(audit.critical_missing)}"]
    return "\n".join(out)
