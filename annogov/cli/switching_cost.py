"""`annogov switching-cost`: what a change of provider costs, with its uncertainty."""

from __future__ import annotations

import argparse
from typing import Any

from annogov.cli.args import add_format
from annogov.cli.registry import summary as command_summary
from annogov.cli.render import table, to_json


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(subparsers: Any) -> None:
    """Add the `switching-cost` sub-command."""

    p = subparsers.add_parser(
        "switching-cost",
        help=command_summary("switching-cost"),
        description="Price a change of annotation provider across taxonomy migration, "
        "re-annotation, retraining, the SLA gap and knowledge loss; simulate the ranges; rank "
        "the inputs; compare staying with switching over the horizon.",
    )
    p.add_argument(
        "scenario", metavar="SCENARIO", help="scenario file (.yaml, .json or .xlsx), e.g. examples/scenario.yaml"
    )
    p.add_argument(
        "--taxonomy-result",
        metavar="T",
        help="JSON from `annogov taxonomy --format json` (supplies the split items), e.g. taxonomy.json",
    )
    p.add_argument(
        "--simulations",
        type=_positive_int,
        help="Monte Carlo draws, e.g. 20000 (default: 10,000)",
    )
    p.add_argument("--seed", type=int, help="seed of the draws, e.g. 7 (default: 20261126)")
    add_format(p)
    p.set_defaults(handler=run)


def _money(x: float | None, currency: str) -> str:
    return "-" if x is None else f"{x:,.0f} {currency}"


def _or(x: float | None, missing: str) -> str:
    """The figure as the payload rounded it, or `missing` for None (a 0 stays 0)."""
    return missing if x is None else str(x)


def render_table(payload: dict[str, Any]) -> str:
    """Areas with most-likely and P10/P50/P90, the top of the tornado, stay versus switch."""
    from migration.scenario import AREAS

    cur = payload["currency"]
    det, pct = payload["deterministic"], payload["percentiles"]
    out = [f"{payload['name']}: {payload['simulations']} simulations, seed {payload['seed']}", ""]
    out.append(
        table(
            ["area", "most likely", "P10", "P50", "P90"],
            [[k, det[k], pct[k]["p10"], pct[k]["p50"], pct[k]["p90"]] for k in (*AREAS, "total")],
        )
    )
    out += ["", "What moves the total most (each input low -> high, others most likely):"]
    out.append(
        table(
            ["input", "low", "high", "total at low", "total at high", "swing"],
            [
                [b["parameter"], b["low"], b["high"], b["total_at_low"], b["total_at_high"], b["swing"]]
                for b in payload["tornado"][:8]
            ],
        )
    )
    out += _variance_lines(payload)
    s = payload["stay_vs_switch"]
    months = s["cost_in_months_of_current_fees"]
    out += [
        "",
        f"Stay versus switch over {s['horizon_months']:g} months:",
        f"  monthly fee now {_money(s['current_monthly_fee'], cur)}, after the switch "
        f"{_money(s['new_monthly_fee'], cur)} (saving {_money(s['monthly_saving'], cur)})",
        f"    now: {s['current_fee_basis']}",
        f"    after the switch: {s['new_fee_basis']}",
        f"  break-even month: most likely {_or(s['break_even_month'], 'never')}, "
        f"P50 {_or(s['break_even_month_p50'], 'never')}, "
        f"P90 {_or(s['break_even_month_p90'], 'never')}",
        f"  probability switching is cheaper within the horizon: {s['probability_switch_cheaper']:.1%}",
        f"  switching cost = {_or(months['p50'], '-')} months of current fees at P50, {_or(months['p90'], '-')} at P90",
    ]
    if s["break_even_reason"]:
        out.append(f"  note: {s['break_even_reason']}")
    d = payload["derived"]
    gap = d["gap_price_per_label_with_fixed_cost"]
    out.append(
        f"  price per label with fixed cost: normal "
        f"{d['normal_price_per_label_with_fixed_cost']:.4f}, during the gap "
        + (f"{gap:.4f}" if gap is not None else f"undefined ({d['gap_price_reason']})")
    )
    return "\n".join(out)


def _variance_lines(payload: dict[str, Any]) -> list[str]:
    """Shares of the total's variance and, when the scenario has one, the correlation used."""
    out: list[str] = []
    sens = payload.get("sensitivity")
    if sens and sens["rows"]:
        out += ["", "Share of the total's variance (contribution sums to 1; first-order index "
                "= variance explained by that input alone):"]
        out.append(table(["input", "contribution", "first-order", "rank corr."],
                         [[r["parameter"], r["contribution"], r["first_order"], r["rank_correlation"]]
                          for r in sens["rows"][:8]]))
    corr = payload.get("correlation")
    if corr:
        out += ["", f"Rank correlation between {', '.join(corr['inputs'])}: {corr['note']}"]
        if corr["repaired"]:
            out.append("  used instead: " + "; ".join(
                " ".join(f"{v:.2f}" for v in row) for row in corr["used"]))
    return out


def run(args: argparse.Namespace) -> int:
    """Load, compute, print."""
    from migration.scenario_io import load_scenario, load_taxonomy_items
    from migration.switching import DEFAULT_SEED, DEFAULT_SIMULATIONS, switching_cost

    scenario = load_scenario(args.scenario)
    items = load_taxonomy_items(args.taxonomy_result) if args.taxonomy_result else None
    simulations = DEFAULT_SIMULATIONS if args.simulations is None else args.simulations
    seed = DEFAULT_SEED if args.seed is None else args.seed
    result = switching_cost(scenario, simulations=simulations, seed=seed, reannotation_items=items)
    payload = result.to_payload()
    print(to_json(payload) if args.format == "json" else render_table(payload))
    return 0
