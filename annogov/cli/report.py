"""`annogov report`: the steering-committee PDF or the live Excel workbook from the parts' results.

Each part is read by one loader below: from its raw input (scoring sheet, scenario, contract,
terms and delivery), computed by the part's own package, or from the JSON its command printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from annogov.cli.args import add_out, iso_date, old_spelling, wrote
from annogov.cli.registry import summary as command_summary
from ingest import InputError, Location, Problem, decode_text, load_json, read_input

if TYPE_CHECKING:
    from pydantic import BaseModel

    from governance.reports import ReportInput, ScorecardPayload, Section, SlaPayload, SwitchingPayload, TaxonomyPayload

Model = TypeVar("Model", bound="BaseModel")


def read_json(path: Path) -> Any:
    """Parse a JSON file under the reading limits; a syntax error names the file and line."""
    return load_json(decode_text(read_input(path), str(path)), str(path))


def validated(model: type[Model], data: Any, path: Path, what: str) -> Model:
    """Validate a payload; every problem is reported with the file and the JSON path."""
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = [
            Problem(
                Location(str(path), path=".".join(str(p) for p in err["loc"]) or None),
                f"{what}: {'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}",
            )
            for err in exc.errors()
        ]
        raise InputError(problems) from None


def load_scorecard(path: Path, as_of: dt.date | None) -> ScorecardPayload:
    """A scoring spreadsheet (.xlsx/.csv, scored here, evaluators' rows kept as evidence) or the
    JSON of `annogov score --format json`."""
    from governance.reports import ScorecardPayload
    from scorecard.api import score_file

    if path.suffix.lower() != ".json":
        result, imported, _ = score_file(path, as_of=as_of)
        payload = result.to_payload() | {"evaluations": imported.sheet.evaluation_rows()}
        return validated(ScorecardPayload, payload, path, "scorecard")
    return validated(ScorecardPayload, read_json(path), path, "scorecard result")


def load_switching(path: Path) -> SwitchingPayload:
    """A scenario (YAML/JSON scenario/xlsx, simulated here with the default seed) or the JSON of
    `annogov switching-cost --format json` (recognised by its `percentiles` key)."""
    from governance.reports import SwitchingPayload
    from migration import load_scenario, switching_cost

    data = read_json(path) if path.suffix.lower() == ".json" else None
    if not isinstance(data, dict) or "percentiles" not in data:
        payload = switching_cost(load_scenario(path)).to_payload()
        return validated(SwitchingPayload, payload, path, "switching cost")
    return validated(SwitchingPayload, data, path, "switching-cost result")


def load_audits(paths: list[Path], as_of: dt.date | None) -> list[Section]:
    """Contract profiles or drafts, audited here, as report sections."""
    from annogov.services.linking import review_contract
    from governance.reports.sections import audit_sections

    day = as_of or dt.date.today()
    return [s for path in paths for s in audit_sections(review_contract(path, day).to_payload())]


def load_taxonomy(path: Path) -> TaxonomyPayload:
    """The taxonomy mapping: the JSON of `annogov taxonomy --format json`."""
    from governance.reports import TaxonomyPayload

    return validated(TaxonomyPayload, read_json(path), path, "taxonomy result")


def load_sla_result(path: Path) -> SlaPayload:
    """An SLA check already run: the JSON of `annogov sla-check --format json`."""
    from governance.reports import SlaPayload
    from governance.reports.sla_sections import sla_report_payload

    raw = read_json(path)
    return validated(SlaPayload, sla_report_payload(raw) if isinstance(raw, dict) else raw, path, "SLA check result")


def check_sla(contract: Path, delivery: Path) -> SlaPayload:
    """Check a delivery against a term set or a contract profile's SLA terms, here and now."""
    from contracts.sla_term_files import load_term_set
    from governance.quality.sla.sla_check import check_delivery
    from governance.reports import SlaPayload
    from governance.reports.sla_sections import sla_report_payload

    report = check_delivery(load_term_set(contract), delivery)
    return validated(SlaPayload, sla_report_payload(report), delivery, "SLA check")


def load_sections(path: Path) -> list[Section]:
    """Extra tables: one {"title", "columns", "rows", ...} object or a list of them."""
    from governance.reports import Section

    data = read_json(path)
    items = data if isinstance(data, list) else [data]
    return [validated(Section, item, path, f"section {i + 1}") for i, item in enumerate(items)]


def report_input(args: argparse.Namespace) -> ReportInput:
    """Gather the parts named on the command line into one ReportInput."""
    from governance.reports import ReportInput
    from governance.reports.model import DEFAULT_TITLE

    if (args.terms is None) != (args.delivery is None):
        raise InputError.at("--terms and --delivery go together", "(command line)")
    if args.sla and args.terms:
        raise InputError.at("give either --sla or --terms with --delivery", "(command line)")
    sla = None
    if args.sla:
        sla = load_sla_result(args.sla)
    elif args.terms:
        sla = check_sla(args.terms, args.delivery)
    sections = load_audits(args.audit or [], args.date)
    sections += [s for path in args.section or [] for s in load_sections(path)]
    if not any((args.scorecard, args.switching, args.taxonomy, sla, sections)):
        raise InputError.at(
            "nothing to report: give --scorecard, --switching, --taxonomy, --sla, --audit or --section",
            "(command line)",
        )
    return ReportInput(
        title=args.title or DEFAULT_TITLE,
        program=args.program or "",
        evaluated=args.evaluated or "",
        created=args.date,
        scorecard=load_scorecard(args.scorecard, args.date) if args.scorecard else None,
        switching=load_switching(args.switching) if args.switching else None,
        taxonomy=load_taxonomy(args.taxonomy) if args.taxonomy else None,
        sla=sla,
        sections=sections,
    )


def _codes_key() -> bytes:
    """The key for annotator codes: `ANNOGOV_CODES_KEY`, else a key for this report only (said on stderr)."""
    from governance.quality.annotator_codes import KEY_ENV, key_from_environment, new_key

    try:
        key = key_from_environment()
    except ValueError as exc:
        raise InputError.at(str(exc), "environment", column=KEY_ENV) from None
    if key is None:
        print(
            f"annotator codes are valid within this report only; set {KEY_ENV} to keep them across reports",
            file=sys.stderr,
        )
        return new_key()
    return key


def run(args: argparse.Namespace) -> int:
    """Build the report the output suffix asks for and write it."""
    from governance.privacy import pseudonymise_report
    from governance.reports import build_pdf, build_xlsx
    from governance.reports.decision import decision
    from governance.reports.size import check_size
    from governance.roles import ANNOTATOR_IDS, OPERATOR, require

    out: Path = args.out
    builder = {".pdf": build_pdf, ".xlsx": build_xlsx}.get(out.suffix.lower())
    if builder is None:
        raise InputError.at("the output must end in .pdf or .xlsx", str(out))
    report = report_input(args)
    if args.annotator_names:
        require(OPERATOR, ANNOTATOR_IDS)  # the one rule for real ids, as for reports built from the store
    else:
        report = pseudonymise_report(report, key=_codes_key())
    check_size(report, "pdf" if builder is build_pdf else "xlsx", file=str(out))  # nothing written when too large
    if builder is build_pdf:
        data = build_pdf(report, created=report.created, progress=lambda note: print(note, file=sys.stderr))
    else:
        data = builder(report, created=report.created)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise InputError.at(f"cannot write the report: {exc.strerror}", str(out)) from None
    parts = [
        name
        for name, present in (
            ("scorecard", report.scorecard),
            ("switching cost", report.switching),
            ("taxonomy", report.taxonomy_part()),
            ("SLA check", report.sla),
        )
        if present is not None
    ] + [s.title for s in report.sections]
    wrote(out, f"{len(data):,} bytes, {', '.join(parts)}")
    for block in decision(report):
        if block.heading == "Recommendation":
            print("Recommendation (the report's first page):")
            print("\n".join(f"  {sentence}" for sentence in block.sentences))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add `annogov report`."""
    p = subparsers.add_parser(
        "report",
        help=command_summary("report"),
        description="Build a PDF (cover, summary, charts, appendix) or a live Excel workbook "
        "(edit a weight, totals and bands follow) from whatever parts are given.",
    )
    p.add_argument(
        "--scorecard",
        type=Path,
        metavar="F",
        help="scoring sheet (.xlsx/.csv) or JSON of `annogov score`, e.g. examples/scorecard-wide.xlsx",
    )
    p.add_argument(
        "--switching",
        type=Path,
        metavar="S",
        help="scenario or JSON of `annogov switching-cost`, e.g. examples/scenario.yaml",
    )
    p.add_argument(
        "--audit",
        type=Path,
        action="append",
        metavar="P",
        help="contract profile or draft to audit, e.g. examples/contract-profile.yaml; repeatable",
    )
    p.add_argument("--taxonomy", type=Path, metavar="T", help="JSON of `annogov taxonomy`, e.g. taxonomy.json")
    p.add_argument("--sla", type=Path, metavar="R", help="JSON of `annogov sla-check`, e.g. sla.json")
    p.add_argument(
        "--terms",
        type=Path,
        metavar="TERMS",
        help="SLA terms or a contract profile to check --delivery against, e.g. examples/sla-terms.yaml",
    )
    old_spelling(p, "--contract", "--terms", "terms", type=Path)
    p.add_argument(
        "--delivery", type=Path, metavar="D", help="delivered annotations (with --terms), e.g. examples/delivery.csv"
    )
    p.add_argument(
        "--section",
        type=Path,
        action="append",
        metavar="J",
        help="extra table(s) as JSON {title, columns, rows}, e.g. sections.json; repeatable",
    )
    p.add_argument(
        "--title", metavar="TEXT", help="cover title, e.g. 'Provider review Q3' (default: the standard report title)"
    )
    p.add_argument("--program", default="", help="program name for the cover and properties, e.g. 'Street scenes'")
    p.add_argument(
        "--evaluated", default="", help="what was evaluated, e.g. 'three providers' (default: from the parts)"
    )
    p.add_argument(
        "--date",
        type=iso_date,
        default=None,
        help="report date, e.g. 2026-12-01 (default: today); fixes the bytes for comparison",
    )
    p.add_argument(
        "--annotator-names",
        action="store_true",
        help="print annotator ids; by default annotators appear as pseudonymous codes (A01, A02, ...)",
    )
    add_out(p, "FILE.pdf|FILE.xlsx", "the report; its suffix picks the format, e.g. -o report.pdf", type=Path,
            required=True)
    p.set_defaults(handler=run)
