"""`annogov contract-audit`: audit a contract profile or a draft for portability and red flags."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annogov.cli.args import add_format, add_out, iso_date, old_spelling, wrote
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json
from ingest import InputError

if TYPE_CHECKING:
    from contracts.confirm import ConfirmedDraft
    from contracts.review import ContractReview


def register(subparsers: Any) -> None:
    """Add the `contract-audit` sub-command."""
    parser = subparsers.add_parser(
        "contract-audit",
        help=command_summary("contract-audit"),
        description="Audit a contract profile (.yaml, .json, .xlsx questionnaire) or a draft "
        "(.txt, .md, .docx, .pdf). Exit 1 when a critical clause is missing.",
    )
    parser.add_argument(
        "source",
        nargs="?",
        metavar="PROFILE_OR_DRAFT",
        help="contract profile (.yaml, .json, .xlsx questionnaire) or draft (.txt, .md, .docx, .pdf), "
        "e.g. examples/contract-profile.yaml; optional only with --write questionnaire (blank)",
    )
    parser.add_argument(
        "--as-of",
        type=iso_date,
        default=None,
        help="evaluation date for certification age, e.g. 2026-12-01 (default: today)",
    )
    add_format(parser)
    parser.add_argument("--vendor", default=None, help="vendor name for a draft, e.g. 'Acme Labelling'")
    parser.add_argument(
        "--rubric", default=None, help="the program's rubric (JSON/YAML) whose policy gives each finding's "
        "consequence, e.g. rubric.yaml (default: the built-in one), as `annogov score --rubric` applies it"
    )
    parser.add_argument(
        "--agreement",
        type=float,
        default=None,
        metavar="A",
        help="measured pairwise agreement of the annotators (0-1, the upper end of its interval, as "
        "sla-check reports it), e.g. 0.82: accuracy targets above (1 + A) / 2 are questioned",
    )
    parser.add_argument(
        "--write",
        choices=["questionnaire", "decisions-template"],
        default=None,
        help="instead of auditing, write to --out and exit: the xlsx questionnaire (pre-filled from "
        "PROFILE_OR_DRAFT if given, blank otherwise) or a draft's decisions template (one entry per proposal: "
        "its passage, decision: accept | edit | reject), e.g. --write questionnaire -o questions.xlsx",
    )
    add_out(parser, "OUT.xlsx|OUT.yaml", "the file --write writes, e.g. -o questions.xlsx")
    old_spelling(parser, "--questionnaire", "--write questionnaire --out OUT.xlsx", "out",
                 also={"write": "questionnaire"})
    old_spelling(parser, "--decisions-template", "--write decisions-template --out OUT.yaml", "out",
                 also={"write": "decisions-template"})
    parser.add_argument(
        "--decisions",
        metavar="DECISIONS.yaml",
        default=None,
        help="audit only the proposals accepted or edited in this filled-in template, e.g. decisions.yaml "
        "(needs --decided-by)",
    )
    parser.add_argument(
        "--decided-by",
        dest="by",
        default=None,
        help="who made the decisions (login or name), recorded with them, e.g. pm@example.com",
    )
    old_spelling(parser, "--by", "--decided-by", "by")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Audit and print; 1 when a critical clause is missing."""
    from annogov.services.linking import review_contract
    from contracts.questionnaire import with_provider_questions, write_questionnaire
    from contracts.review import load_source
    from scorecard.rubric import default_rubric, load_rubric

    source = Path(args.source) if args.source else None
    if bool(args.write) != bool(args.out):
        raise InputError.at("--write and --out go together, e.g. --write questionnaire -o OUT.xlsx", "contract-audit")
    if args.write == "questionnaire":
        profile = load_source(source, vendor=args.vendor)[0] if source else None
        guide = default_rubric().guide()  # the scorecard's questions to ask each provider
        Path(args.out).write_bytes(with_provider_questions(write_questionnaire(profile), guide))
        wrote(args.out)
        return 0
    if source is None:
        raise InputError.at(
            "give a profile or draft to audit (or --write questionnaire -o OUT.xlsx)", "contract-audit"
        )
    if args.agreement is not None and not 0 <= args.agreement <= 1:
        raise InputError.at(f"--agreement must lie between 0 and 1, got {args.agreement}", "contract-audit")
    as_of = args.as_of or date.today()
    if args.write == "decisions-template" or args.decisions:
        return _confirmed(args, source, as_of)
    rubric = load_rubric(args.rubric) if args.rubric else None
    review = review_contract(source, as_of, rubric=rubric, vendor=args.vendor, agreement=args.agreement)
    _print(args, review, None)
    return review.exit_code


def _confirmed(args: argparse.Namespace, source: Path, as_of: date) -> int:
    """Write the decisions template, or audit the profile the filled-in decisions confirm."""
    import yaml

    from annogov.services.linking import review_contract_profile
    from contracts.confirm import confirm, decisions_template, read_decisions
    from contracts.review import load_source
    from scorecard.rubric import load_rubric

    _, draft = load_source(source, vendor=args.vendor)
    if draft is None:
        raise InputError.at("decisions apply to a draft (.txt, .md, .docx, .pdf), not a profile", source.name)
    if args.write == "decisions-template":
        text = yaml.safe_dump(decisions_template(draft), sort_keys=False, allow_unicode=True, width=110)
        Path(args.out).write_text(text, encoding="utf-8")
        wrote(args.out, f"{len(draft.proposals)} proposals to decide")
        return 0
    if not (args.by or "").strip():
        raise InputError.at("say who made the decisions with --decided-by", "contract-audit")
    decisions = read_decisions(args.decisions, draft)
    done = confirm(
        draft, decisions, by_id=args.by.strip(), by_name=args.by.strip(), at=datetime.now(UTC),
        decided_in=Path(args.decisions).name,
    )
    rubric = load_rubric(args.rubric) if args.rubric else None
    review = review_contract_profile(
        done.profile, as_of, rubric=rubric, source=source.name, draft=draft, agreement=args.agreement
    )
    _print(args, review, done)
    return review.exit_code


def _print(args: argparse.Namespace, review: ContractReview, done: ConfirmedDraft | None) -> None:
    if args.format == "json":
        payload = review.to_payload()
        if done is not None:
            payload["profile"] = done.profile.model_dump(mode="json")
            payload["confirmation"] = done.to_payload()
        print(to_json(payload))
    else:
        print(render_text(review, done))


def render_text(result: ContractReview, done: ConfirmedDraft | None = None) -> str:
    """The audit as plain text for a terminal."""
    source, audit, evidence, review = result.source, result.audit, result.evidence, result.draft
    out = [f"Contract audit: {audit.vendor} ({source}), as of {audit.as_of.isoformat()}"]
    if done is not None:
        counts = {d: sum(c.decision == d for c in done.confirmations) for d in ("accept", "edit", "reject")}
        out.append(
            f"Confirmed by {done.by_name} at {done.at:%Y-%m-%d %H:%M} UTC: {counts['accept']} accepted, "
            f"{counts['edit']} edited, {counts['reject']} rejected, {done.undecided} undecided (left out)."
        )
        review = None
    elif review is not None:
        out.append(
            f"Draft: {review.passages_read} passages read, {len(review.proposals)} "
            "proposals; every value below is a proposal to confirm against its passage."
        )
    out += [
        "",
        table(
            ["clause", "status", "severity", "dimension"],
            [[c.clause, c.status, c.severity or "", c.dimension] for c in audit.clauses],
        ),
    ]
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
    out += [f"  {g.finding} -> red flag {g.red_flag}: {g.policy}" for g in evidence.gates]
    if review is not None and review.proposals:
        out += ["", "Proposals (confirm each):"]
        for p in review.proposals:
            out.append(f"- {p.field} = {p.value!r}  [{p.location}]")
            out.append(f'    "{p.quote}"' + (f"  ({p.note})" if p.note else ""))
    if audit.critical_missing:
        out += ["", f"Critical clauses missing: {', '.join(audit.critical_missing)}"]
    return "\n".join(out)
