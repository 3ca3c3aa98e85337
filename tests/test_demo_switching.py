"""The demo's switching-cost and contract-audit steps: what the two pages show on first start."""

from __future__ import annotations

import pytest

import annogov.services.demo as demo
from annogov.services.linking import review_contract_profile
from annogov.services.switching_docs import (
    CONTRACT_CHECK,
    SWITCHING_CHECK,
    analyse_taxonomy_document,
    mapping_rows_of,
)
from annogov.store import Store
from contracts.profile_files import load_profile
from migration import load_scenario, scenario_from_dict, switching_cost


@pytest.fixture
def store(db_url: str) -> Store:
    return Store(db_url)


def test_demo_seeds_scenario_taxonomy_mapping_and_results(store: Store) -> None:
    program = demo.seed_demo(store)
    doc = store.get_document("scenario", program.id, demo.DEMO_SCENARIO_NAME)
    assert doc is not None
    example = load_scenario(demo.EXAMPLES / "scenario.yaml")
    assert scenario_from_dict(doc.data) == example

    taxonomy = store.get_document("taxonomy", program.id, demo.DEMO_TAXONOMY_NAME)
    mapping = store.get_document("mapping", program.id, demo.DEMO_TAXONOMY_NAME)
    assert taxonomy is not None and mapping is not None
    result = analyse_taxonomy_document(taxonomy.data, mapping.data["rows"])
    kinds = {c.kind for c in result.mapping.classes}
    assert {"one_to_one", "merge", "split", "dropped"} <= kinds and result.mapping.new
    assert mapping_rows_of(result) == mapping.data["rows"]
    items = result.reannotation_items
    assert items is not None and items > 0

    [saved] = store.list_check_results(program.id, SWITCHING_CHECK)
    expected = switching_cost(example, reannotation_items=items).to_payload()
    assert saved.label == demo.DEMO_SCENARIO_NAME
    assert saved.payload["percentiles"] == expected["percentiles"]
    assert saved.payload["reannotation_items_from"] == "taxonomy result"

    [audit] = store.list_check_results(program.id, CONTRACT_CHECK)
    profile = load_profile(demo.EXAMPLES / "contract-profile.yaml")
    review = review_contract_profile(profile.model_copy(update={"vendor": demo.DEMO_CONTRACT_VENDOR}), demo.DEMO_AS_OF)
    assert audit.label == review.audit.vendor == demo.DEMO_CONTRACT_VENDOR  # the scorecard's provider
    assert audit.payload["audit"] == review.audit.to_payload()
    assert audit.payload["profile"]["vendor"] == review.profile.vendor


def test_mapping_rows_round_trip_a_split_and_a_drop() -> None:
    program_rows = [{"old_label": "a", "new_label": "x"}, {"old_label": "a", "new_label": "y"},
                    {"old_label": "b", "new_label": None}]
    doc = {"old": {"labels": ["a", "b"], "parents": {"a": None, "b": None}},
           "new": {"labels": ["x", "y"], "parents": {"x": None, "y": None}},
           "sample": None, "dataset": None}
    result = analyse_taxonomy_document(doc, program_rows)
    assert {c.old_label: c.kind for c in result.mapping.classes} == {"a": "split", "b": "dropped"}
    assert mapping_rows_of(result) == program_rows
