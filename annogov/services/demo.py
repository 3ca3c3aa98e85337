"""Demo data: one fictional procurement program so a newcomer sees every page working.

Seeding runs as ordered steps (`DEMO_STEPS`, "module:function" names) inside one transaction;
each step is `step(store, program) -> None`. Other parts add their step (scenario, SLA terms,
a generated delivery) by appending its name here.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from annogov.store import DIMENSION_KEYS, DuplicateError, ProgramRecord, ScoreEdit, Store
from scorecard.rubric import default_rubric

DEMO_PROGRAM_NAME = "Demo: street-scene object labels"
DEMO_DESCRIPTION = (
    "Fictional program: object classes (pedestrian, vehicle, cyclist, traffic sign, animal) in "
    "camera frames from city, highway, night-time and construction-zone drives, about 60,000 "
    "labels a week (EUR 48,000 a month). Northwind Labeling holds the contract; four providers "
    "are on the shortlist, and moving to the lowest quote, Kestrel Data Works, is costed."
)

RUBRIC_NAME = "Default"
DEMO_STEPS: tuple[str, ...] = (
    "annogov.services.demo:seed_rubric",
    "annogov.services.demo:seed_scorecard",
    "annogov.services.demo:seed_switching",
    "annogov.services.demo:seed_contract_audit",
    "annogov.services.sla_store:seed_sla",
    "annogov.services.demo_channel:seed_channel",
    "annogov.services.demo_history:seed_history",
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DEMO_SCENARIO_NAME = "Demo: move from Northwind Labeling to Kestrel Data Works"
DEMO_TAXONOMY_NAME = "Demo: vehicle classes v1 -> v2"
DEMO_AS_OF = date(2026, 11, 1)


# Provider -> typical score per dimension (order of DIMENSION_KEYS), and a one-line profile.
PROVIDERS: dict[str, tuple[tuple[int, int, int, int, int], str]] = {
    "Northwind Labeling": ((4, 4, 5, 3, 3), "Current vendor: mature QA, night-scene team leads, mid-market price."),
    "Kestrel Data Works": ((3, 2, 3, 4, 5), "Lowest quote; shared workforce across clients."),
    "Lumen Annotation Co.": ((4, 5, 4, 2, 3), "On-premise option for raw camera data, certified; slower ramp-up."),
    "Tessellate AI Services": ((3, 4, 3, 5, 4), "Detector pre-labelling with human review of every frame."),
}

# Evaluator -> how they lean per dimension relative to the typical score.
EVALUATORS: dict[str, tuple[int, int, int, int, int]] = {
    "R. Okafor (procurement)": (0, 0, 0, 0, 1),
    "J. Varga (ML lead)": (0, 0, -1, 1, 0),
    "M. Santos (security)": (-1, -1, 0, 0, 0),
}

# Where the evaluators genuinely disagree (provider, evaluator, dimension) -> score.
DISAGREEMENTS: dict[tuple[str, str, str], int] = {
    ("Kestrel Data Works", "R. Okafor (procurement)", "security"): 4,
    ("Kestrel Data Works", "M. Santos (security)", "security"): 1,
    ("Tessellate AI Services", "J. Varga (ML lead)", "quality_sla"): 4,
}

NOTES: dict[str, dict[int, str]] = {
    "workforce": {
        1: "High churn, no driving-scene training",
        2: "Trainers shared across accounts",
        3: "Onboarding plan, thin night-scene bench",
        4: "Stable team, weekly calibration on edge cases",
        5: "Driving-scene specialists, low attrition",
    },
    "security": {
        1: "No audit report offered",
        2: "Policies on paper only",
        3: "ISO 27001 in progress",
        4: "ISO 27001 certified, clean-desk sites",
        5: "Certified, on-premise option, DPA covers faces and plates",
    },
    "quality_sla": {
        1: "Missed pilot accuracy target",
        2: "Pilot accuracy below 92%, weak at night",
        3: "Pilot accuracy 94%, late twice",
        4: "Pilot accuracy 96%, on time",
        5: "Pilot accuracy 98%, gold-frame audits shared",
    },
    "ai_throughput": {
        1: "Manual only",
        2: "Basic pre-labelling, slow ramp",
        3: "Pre-labelling for daytime frames only",
        4: "Detector-assisted in every scene type",
        5: "Active learning loop, 3x pilot throughput",
    },
    "commercial": {
        1: "Price well above budget",
        2: "Above budget, rigid terms",
        3: "On budget, standard terms",
        4: "Below budget, volume discounts",
        5: "Lowest price, flexible ramp-down",
    },
}

# Provider facts, keyed as the default rubric's KPIs (the scorecard suggests scores from them);
# kept on the procurement evaluator's rows.
KPIS: dict[str, dict[str, dict[str, Any]]] = {
    "Northwind Labeling": {
        "workforce": {"permanent_staff_share": 0.75, "onboarding_days": 8},
        "security": {"soc2_type": "Type II", "soc2_audit_end": "2026-06-30", "iso27001": "yes"},
        "quality_sla": {"kappa_complex": 0.86, "defect_rate": 0.006},
        "commercial": {"pilot_available": "yes", "scale_up_weeks": 5},
    },
    "Kestrel Data Works": {
        "workforce": {"permanent_staff_share": 0.35, "onboarding_days": 14},
        "security": {"soc2_type": "Type I", "soc2_audit_end": "2025-09-30", "iso27001": "no"},
        "quality_sla": {"kappa_complex": 0.74, "defect_rate": 0.018},
        "commercial": {"pilot_available": "yes", "scale_up_weeks": 3},
    },
    "Lumen Annotation Co.": {
        "workforce": {"permanent_staff_share": 0.82, "onboarding_days": 12},
        "security": {"soc2_type": "Type II", "soc2_audit_end": "2026-09-30", "iso27001": "yes"},
        "quality_sla": {"kappa_complex": 0.81, "defect_rate": 0.009},
        "commercial": {"pilot_available": "no", "scale_up_weeks": 8},
    },
    "Tessellate AI Services": {
        "workforce": {"permanent_staff_share": 0.55, "onboarding_days": 6},
        "security": {"soc2_type": "Type II", "soc2_audit_end": "2026-03-31", "iso27001": "yes"},
        "quality_sla": {"kappa_complex": 0.77, "defect_rate": 0.012},
        "commercial": {"pilot_available": "yes", "scale_up_weeks": 2},
    },
}

DemoStep = Callable[[Store, ProgramRecord], None]


def demo_enabled() -> bool:
    """Seeding is on unless ANNOGOV_DEMO is 0/false/no/off."""
    return os.environ.get("ANNOGOV_DEMO", "1").strip().lower() not in ("0", "false", "no", "off")


def demo_scores() -> list[tuple[str, str, str, int]]:
    """(provider, evaluator, dimension, score) for the demo: 4 x 3 x 5 scores on 1-5."""
    rows = []
    for provider, (typical, _) in PROVIDERS.items():
        for evaluator, lean in EVALUATORS.items():
            for i, dimension in enumerate(DIMENSION_KEYS):
                score = DISAGREEMENTS.get((provider, evaluator, dimension), min(5, max(1, typical[i] + lean[i])))
                rows.append((provider, evaluator, dimension, score))
    return rows


def demo_rubric() -> dict[str, Any]:
    """The scorecard's default rubric as JSON (what `scorecard.rubric.Rubric` validates)."""
    return default_rubric().model_dump(mode="json")


def seed_rubric(store: Store, program: ProgramRecord) -> None:
    """The demo program's rubric document "Default": the scorecard's default rubric."""
    store.save_document("rubric", program.id, RUBRIC_NAME, demo_rubric())


def seed_scorecard(store: Store, program: ProgramRecord) -> None:
    """Four fictional providers scored by three evaluators on every dimension."""
    ids = {name: store.add_provider(program.id, name, notes).id for name, (_, notes) in PROVIDERS.items()}
    edits = [
        ScoreEdit(
            provider_id=ids[provider],
            evaluator=evaluator,
            dimension=dimension,  # type: ignore[arg-type]
            score=float(score),
            comment=NOTES[dimension][score],
            kpis=KPIS[provider].get(dimension, {}) if evaluator.endswith("(procurement)") else {},
            expected_version=0,
        )
        for provider, evaluator, dimension, score in demo_scores()
    ]
    store.save_scores(program.id, edits, changed_by="demo seed")


def seed_switching(store: Store, program: ProgramRecord) -> None:
    """The example scenario and taxonomy (with its mapping), and their switching-cost result.

    Read from `examples/`; in an install without them the scenario falls back to the defaults.
    """
    from annogov.services.switching_docs import (
        SWITCHING_CHECK,
        analyse_taxonomy_document,
        mapping_rows_of,
        taxonomy_document,
    )
    from migration import Scenario, load_scenario, scenario_to_dict, switching_cost
    from migration.apply import load_dataset
    from migration.infer import load_dual_sample
    from migration.labelsets import load_label_set
    from migration.mapping import load_mapping

    path = EXAMPLES / "scenario.yaml"
    scenario = load_scenario(path) if path.exists() else Scenario()
    store.save_document("scenario", program.id, DEMO_SCENARIO_NAME, scenario_to_dict(scenario))
    items = None
    tax = EXAMPLES / "taxonomy"
    if (tax / "old.csv").exists():
        old = load_label_set(tax / "old.csv")
        new = load_label_set(tax / "new.csv")
        doc = taxonomy_document(old, new, sample=load_dual_sample(tax / "dual-sample.csv"),
                                sample_source="dual-sample.csv",
                                dataset=load_dataset(tax / "dataset.csv", old, new))
        rows, _ = load_mapping(tax / "mapping.csv")
        result = analyse_taxonomy_document(doc, [r.model_dump() for r in rows])
        store.save_document("taxonomy", program.id, DEMO_TAXONOMY_NAME, doc)
        store.save_document("mapping", program.id, DEMO_TAXONOMY_NAME,
                            {"rows": mapping_rows_of(result)})
        items = result.reannotation_items
    payload = switching_cost(scenario, reannotation_items=items).to_payload()
    store.add_check_result(program.id, SWITCHING_CHECK, payload, label=DEMO_SCENARIO_NAME)


DEMO_CONTRACT_VENDOR = "Northwind Labeling"
"""The current vendor: the scorecard's leader, whose contract and SLA the demo checks, under the same name."""
DEMO_SWITCH_TO = "Kestrel Data Works"
"""The lowest quote, the provider the switching scenario moves to (`examples/scenario.yaml` names both)."""


def seed_contract_audit(store: Store, program: ProgramRecord) -> None:
    """The example contract profile's audit, under the demo provider's name, as its latest audit."""
    from annogov.services.linking import review_contract_profile
    from annogov.services.switching_docs import CONTRACT_CHECK
    from contracts.profile_files import load_profile

    path = EXAMPLES / "contract-profile.yaml"
    if not path.exists():
        return
    profile = load_profile(path).model_copy(update={"vendor": DEMO_CONTRACT_VENDOR})
    review = review_contract_profile(profile, DEMO_AS_OF, source=path.name)
    payload = review.to_payload()
    payload["profile"] = review.profile.model_dump(mode="json")
    store.add_check_result(program.id, CONTRACT_CHECK, payload, label=review.audit.vendor)


def _load(step: str) -> DemoStep:
    module, _, function = step.partition(":")
    found: DemoStep = getattr(importlib.import_module(module), function)
    return found


def seed_demo(store: Store, name: str = DEMO_PROGRAM_NAME) -> ProgramRecord:
    """Create the demo program and run every step, all in one transaction."""
    with store.transaction():
        program = store.create_program(name, DEMO_DESCRIPTION, demo=True)
        for step in DEMO_STEPS:
            _load(step)(store, program)
    return program


def ensure_demo(store: Store) -> ProgramRecord | None:
    """Seed the demo on first start (an empty database) when demo mode is on."""
    if not demo_enabled() or store.list_programs():
        return None
    try:
        return seed_demo(store)
    except DuplicateError:  # another process seeded it a moment ago
        return store.find_program(DEMO_PROGRAM_NAME)
