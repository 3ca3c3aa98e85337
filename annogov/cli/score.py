"""`annogov score`: weighted totals, bands, flags and robustness for a scoring spreadsheet."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from datetime import date

from annogov.cli.args import add_database, add_format, iso_date
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import fmt, table, to_json
from ingest import InputError, inert


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help=command_summary("score"),
        description="Score providers from an xlsx or CSV sheet (wide or long shape).",
    )
    p.add_argument(
        "file", metavar="SCORECARD", help="the scoring spreadsheet (.xlsx or .csv), e.g. examples/scorecard-wide.xlsx"
    )
    p.add_argument(
        "--weights",
        help="percent per dimension, e.g. workforce=30,security=20,quality_sla=25,ai_throughput=10,commercial=15",
    )
    p.add_argument("--rubric", help="a rubric as JSON or YAML, e.g. rubric.yaml (default: the built-in one)")
    p.add_argument("--sheet", help="worksheet name, e.g. Scores (default: the first)")
    p.add_argument(
        "--consensus",
        choices=["mean", "median"],
        default="mean",
        help="how evaluators' scores combine, e.g. --consensus median (default: mean)",
    )
    p.add_argument("--as-of", type=iso_date, help="evaluation date for certificate ages, e.g. 2026-12-01")
    p.add_argument(
        "--simulations", type=int, default=1000, help="draws for the band probabilities, e.g. 5000 (default: 1000)"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the draws, e.g. 7 (default: 0)")
    p.add_argument(
        "--contract",
        action="append",
        default=[],
        metavar="PROFILE_OR_DRAFT",
        help="a contract profile or draft whose audit becomes evidence for the provider it names, "
        "e.g. examples/contract-profile.yaml (repeatable)",
    )
    add_format(p, "csv")
    p.add_argument("--panel-agreement", action="store_true",
                   help="Krippendorff's alpha (ordinal) between evaluators per dimension, with a bootstrap interval")
    measured = p.add_argument_group("measured suggestions from a program's stored deliveries")
    measured.add_argument("--program", help="show each provider's suggested Quality SLA / AI-assisted throughput "
                          "score from this program's stored deliveries beside the typed score, e.g. 'Street scenes'")
    add_database(p)
    smaa = p.add_argument_group("SMAA: how often each provider wins when the weights are uncertain")
    smaa.add_argument("--smaa", action="store_true", help="add rank acceptabilities and the winner verdict")
    smaa.add_argument("--weight-ranges", metavar="R",
                      help="e.g. workforce=20-35,security=10-30 (percent; default: the rubric's weight_space)")
    smaa.add_argument("--weight-order", metavar="O", help="order of importance, e.g. quality_sla>workforce>security")
    smaa.add_argument("--smaa-draws", type=int, default=10_000, help="weight draws, e.g. 50000 (default: 10,000)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from scorecard.api import score_file
    from scorecard.rubric import load_rubric, parse_weights

    rubric = load_rubric(args.rubric) if args.rubric else None
    weights = parse_weights(args.weights) if args.weights else None
    as_of = args.as_of or date.today()
    external = None
    if args.contract:  # imported here: contract reading pulls in docx/pdf parsers
        from annogov.services.linking import contract_evidence, review_contract

        external = contract_evidence([review_contract(path, as_of, rubric=rubric) for path in args.contract])
    result, imported, source = score_file(
        args.file,
        rubric=rubric,
        weights=weights,
        method=args.consensus,
        sheet=args.sheet,
        as_of=as_of,
        simulations=args.simulations,
        seed=args.seed,
        external=external,
    )
    payload = result.to_payload()
    payload["weights_source"] = source
    payload["weights_provenance"] = None if weights else (rubric.weights_provenance if rubric else None)
    payload["warnings"] = imported.warnings
    if args.panel_agreement:
        from scorecard.panel_agreement import agreement_payload, panel_agreement

        keys = list(payload["weights"])
        payload["panel_agreement"] = agreement_payload(panel_agreement(payload, keys, seed=args.seed))
    if args.smaa or args.weight_ranges or args.weight_order:
        from scorecard.smaa import smaa_of_scorecard
        from scorecard.weight_space import parse_space

        space, where = parse_space(args.weight_ranges, args.weight_order, "command line"), "command line"
        if not (args.weight_ranges or args.weight_order) and rubric and rubric.weight_space:
            space, where = rubric.weight_space, f"{args.rubric} weight_space"  # the program's stated space
        payload["smaa"] = smaa_of_scorecard(payload, space, draws=args.smaa_draws, seed=args.seed,
                                            source=where).to_payload()
    if args.program:
        payload["measured_suggestions"] = _measured(args, payload)
    elif args.database:
        raise InputError.at("--database only applies with --program", "command line", column="--database")
    if args.format == "json":
        print(to_json(payload))
    elif args.format == "csv":
        sys.stdout.write(_csv(payload))
    else:
        print(_text(payload))
    return 0


def _measured(args: argparse.Namespace, payload: dict) -> list[dict]:
    """The program's measured suggestions beside the sheet's consensus scores (`scorecard.measured`)."""
    from annogov.cli.args import open_program
    from annogov.store.measured import list_deliveries
    from governance.quality.vendors.history import measured_suggestions
    from governance.roles import OPERATOR as CLI_USER
    from scorecard.measured import MEASURED_DIMENSIONS, suggestion_rows

    store, program = open_program(args)
    try:
        deliveries = list_deliveries(store, CLI_USER, program.id)
    finally:
        store.close()
    names = [p["name"] for p in payload["providers"]]
    names += sorted({d.provider for d in deliveries} - set(names))
    typed = {
        (p["name"], k): p["dimensions"][k]["score"] for p in payload["providers"] for k in MEASURED_DIMENSIONS
        if k in p["dimensions"]
    }
    return [r.model_dump() for r in suggestion_rows(names, measured_suggestions(deliveries), typed)]


def _measured_lines(rows: list[dict] | None) -> list[str]:
    """Typed score beside the measured suggestion, with the source delivery, the reasons and the rules."""
    if rows is None:
        return []
    lines = ["", "Measured suggestions (the typed score is kept; adopt one by scoring it):"]
    lines.append(
        table(
            ["provider", "dimension", "typed", "suggested", "source delivery", "because"],
            [
                [r["provider"], r["dimension"], "-" if r["typed"] is None else f"{r['typed']:.2f}",
                 "-" if r["suggested"] is None else r["suggested"], r["source"], r["because"]]
                for r in rows
            ],
        )
    )
    rules = {r["dimension"]: r["rule"] for r in rows if r["rule"]}
    lines += [f"  rule for {dimension}: {rule}" for dimension, rule in rules.items()]
    return lines


def _csv(payload: dict) -> str:
    """One row per provider; text from the sheet (names, flags) never runs as a spreadsheet formula."""

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    keys = list(payload["weights"])
    smaa = {p["name"]: p for p in payload["smaa"]["providers"]} if payload.get("smaa") else {}
    smaa_columns = ["smaa_first_rank", "smaa_confidence"] if payload.get("smaa") else []
    writer.writerow(
        [
            "rank",
            "provider",
            "total",
            "band",
            "complete",
            "eligible",
            *keys,
            *(f"{k}_spread" for k in keys),
            "gates",
            "red_flags",
            "flags",
            *smaa_columns,
        ]
    )
    for p in payload["providers"]:
        dims = p["dimensions"]
        writer.writerow(
            [
                p["rank"] or "",
                inert(p["name"]),
                fmt(p["total"]) if p["total"] is not None else "",
                p["band"] or "",
                p["complete"],
                p["eligible"],
                *(fmt(dims[k]["score"]) if dims[k]["score"] is not None else "" for k in keys),
                *(fmt(dims[k]["spread"]) if dims[k]["spread"] is not None else "" for k in keys),
                inert("; ".join(g["id"] for g in p["gates"])),
                inert(" | ".join(red_flag_line(f) for f in p["red_flags"])),
                inert("; ".join(f["message"] for f in p["flags"])),
                *_smaa_cells(smaa.get(p["name"]), smaa_columns),
            ]
        )
    return buf.getvalue()


def red_flag_line(flag: dict) -> str:
    """A raised red flag in one line: key, wording, policy and source."""
    return f"{flag['key']} ({flag['text']}): {flag['policy']}; source: {flag['source']}"


def _rank(p: dict) -> object:
    return p["rank"] if p["eligible"] or p["rank"] is None else f"{p['rank']} (excluded)"
def _smaa_cells(row: dict | None, columns: list[str]) -> list[str]:
    """A provider's first-rank acceptability and confidence (empty when not ranked by SMAA)."""
    if not columns:
        return []
    if row is None:
        return ["", ""]
    conf = row["confidence"]
    return [f"{row['first_rank']:.6f}", "" if conf is None else f"{conf:.6f}"]


def _cell(dim: dict) -> str:
    if dim["score"] is None:
        return "missing"
    spread = f" ({dim['spread']:.1f})" if dim.get("spread") else ""
    return f"{dim['score']:.2f}{spread}"


def _text(payload: dict) -> str:
    weights = ", ".join(f"{k} {v:g}" for k, v in payload["weights"].items())
    floors = payload["band_floors"]
    lines = [
        f"Weights ({payload['weights_source']}): {weights}",
        f"Bands on the exact total: below {floors[0]:g} material delivery risk, {floors[0]:g} up to "
        f"{floors[1]:g} viable with enhanced oversight, {floors[1]:g} and above enterprise-grade",
        "Total = sum of weight x score / 5 (all 5s = 100, all 3s = 60); "
        "scores are the evaluators' consensus, (n) the spread between the highest and lowest",
        "",
    ]
    rows = [
        [
            _rank(p),
            p["name"],
            p["total"],
            p["band"] or "incomplete",
            *(_cell(p["dimensions"][k]) for k in payload["weights"]),
        ]
        for p in payload["providers"]
    ]
    lines.append(table(["rank", "provider", "total", "band", *payload["weights"]], rows))
    excluded = [p for p in payload["providers"] if not p["eligible"] and p["complete"]]
    if excluded:
        lines += ["", "Excluded by a knock-out gate (ranked after every eligible provider):"]
        lines += [f"  {p['name']}: {'; '.join(p['excluded_by'])}" for p in excluded]
    raised = [(p["name"], red_flag_line(f)) for p in payload["providers"] for f in p["red_flags"]]
    if raised:
        lines += ["", "Red flags (policy; source):"] + [f"  {name}: {text}" for name, text in raised]
    notes = [(p["name"], f"gate {g['id']}: {g['detail']}") for p in payload["providers"] for g in p["gates"]]
    notes += [(p["name"], f["message"]) for p in payload["providers"] for f in p["flags"]]
    if notes:
        lines += ["", "Gates and flags:"] + [f"  {name}: {msg}" for name, msg in notes]
    rob = payload["robustness"]
    if rob["pairs"] or rob["boundaries"]:
        lines += ["", "Robustness:"] + [f"  {p['text']}" for p in rob["pairs"]]
        nearest: dict[str, dict] = {}
        for b in rob["boundaries"]:
            if b["change"] is not None and (
                b["provider"] not in nearest or abs(b["change"]) < abs(nearest[b["provider"]]["change"])
            ):
                nearest[b["provider"]] = b
        lines += [f"  {b['text']}" for b in nearest.values()]
    if rob["band_probabilities"]:
        lines += ["", "Band probabilities under evaluator spread:"]
        for name, probs in rob["band_probabilities"].items():
            parts = ", ".join(f"{band} {p:.0%}" if p >= 0.005 else f"{band} <1%" for band, p in probs.items() if p > 0)
            lines.append(f"  {name}: {parts}")
    lines += _measured_lines(payload.get("measured_suggestions"))
    lines += _agreement_lines(payload.get("panel_agreement"))
    lines += _smaa_lines(payload.get("smaa"))
    for w in payload["warnings"]:
        lines.append(f"warning: {w}")
    return "\n".join(lines)


def _agreement_lines(agreement: dict | None) -> list[str]:
    """Alpha per dimension with its interval, or why it is undefined."""
    if not agreement:
        return []
    lines = ["", f"Panel agreement ({agreement['method']}):"]
    for d in agreement["dimensions"]:
        if d["alpha"] is None:
            lines.append(f"  {d['dimension']}: undefined ({d['reason']})")
        else:
            ci = "" if d["low"] is None else f" [{d['low']:.2f}, {d['high']:.2f}]"
            lines.append(f"  {d['dimension']}: {d['alpha']:.2f}{ci} over {d['providers']} providers")
    return lines


def _smaa_lines(smaa: dict | None) -> list[str]:
    """Rank acceptabilities (first three ranks), central weights, confidence and the verdict."""
    if not smaa:
        return []
    lines = ["", f"SMAA ({smaa['weights']}; {smaa['method']}):", f"  {smaa['verdict']}"]
    rows = sorted(smaa["providers"], key=lambda p: -p["first_rank"])
    shown = min(3, len(rows))
    lines.append(table(
        ["provider", *(f"rank {r + 1}" for r in range(shown)), "confidence", "central weights"],
        [[p["name"], *(f"{p['rank_acceptability'][r]:.1%}" for r in range(shown)),
          "-" if p["confidence"] is None else f"{p['confidence']:.0%}",
          "-" if p["central_weights"] is None else " ".join(f"{v:.0f}" for v in p["central_weights"].values())]
         for p in rows[:10]]))
    return lines
