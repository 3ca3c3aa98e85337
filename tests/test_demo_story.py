"""The demo tells one story: a street-scene labelling program whose scorecard, contract, SLA terms,
scenario, channel and vendor history name the same providers, in one currency, with volumes and fees
that agree."""

from __future__ import annotations

import csv
import datetime as dt
import re

import annogov.services.demo as demo
from annogov.services.demo_channel import DEMO_USERS, GUIDE_ID
from annogov.services.sla_store import load_terms
from annogov.services.switching_docs import CONTRACT_CHECK
from annogov.store import Store
from annogov.store.channel import ChannelRepository
from annogov.store.measured import list_deliveries
from contracts.profile_files import load_profile
from governance.quality.vendors.pilot import load_pilot_spec
from governance.roles import OPERATOR
from migration import load_scenario, scenario_from_dict

OTHER_DOMAIN = re.compile(r"ticket|intent|sentiment|language|multilingual|support", re.IGNORECASE)


def test_one_program_one_set_of_providers_one_currency(db_url: str) -> None:
    store = Store(db_url)
    program = demo.seed_demo(store)
    providers = {p.name for p in store.list_providers(program.id)}
    assert {demo.DEMO_CONTRACT_VENDOR, demo.DEMO_SWITCH_TO} <= providers

    doc = store.get_document("scenario", program.id, demo.DEMO_SCENARIO_NAME)
    assert doc is not None
    scenario = scenario_from_dict(doc.data)
    assert demo.DEMO_CONTRACT_VENDOR in scenario.name and demo.DEMO_SWITCH_TO in scenario.name
    [audit] = store.list_check_results(program.id, CONTRACT_CHECK)
    assert audit.label in providers
    assert load_profile(demo.EXAMPLES / "contract-profile.yaml").vendor == demo.DEMO_CONTRACT_VENDOR

    terms, _ = load_terms(store, program.id)
    contract = load_profile(demo.EXAMPLES / "contract-profile.yaml").sla
    assert contract is not None
    assert scenario.currency == terms.currency == contract.currency == "EUR"
    weekly = scenario.volume.weekly_labels.most_likely
    invoiced = weekly * 52 / 12 * scenario.current_vendor.price_per_label.most_likely
    assert terms.period_fee is not None and abs(invoiced - terms.period_fee) / terms.period_fee < 0.05
    assert contract.committed_weekly_volume == weekly
    assert f"{weekly:,.0f} labels a week" in demo.DEMO_DESCRIPTION
    assert f"EUR {terms.period_fee:,.0f} a month" in demo.DEMO_DESCRIPTION
    store.close()


def test_channel_and_history_speak_of_the_delivered_scenes(db_url: str) -> None:
    store = Store(db_url)
    program = demo.seed_demo(store)
    with (demo.EXAMPLES / "delivery.csv").open(encoding="utf-8") as f:
        categories = {row["category"] for row in csv.DictReader(f)}
    engineer = DEMO_USERS[4]
    with store.transaction() as s:
        repo = ChannelRepository(s)
        entries = repo.list_entries(engineer, program.name, dt.datetime.now(dt.UTC))
        guide = repo.get_guideline(engineer, GUIDE_ID)
    assert {e.category for e in entries} <= categories
    words = [program.name, program.description, guide.title,
             *(f"{r.title} {r.text}" for r in guide.current.rulings), *(e.description for e in entries)]
    words += [p.notes for p in store.list_providers(program.id)]
    assert not [w for w in words if OTHER_DOMAIN.search(w)]
    deliveries = list_deliveries(store, OPERATOR, program.id)
    assert {d.provider for d in deliveries} == {demo.DEMO_CONTRACT_VENDOR, demo.DEMO_SWITCH_TO}
    assert {c for d in deliveries for c in d.measures.categories} <= categories
    store.close()


def test_the_example_pilot_the_pilot_page_shows_is_the_same_program() -> None:
    spec = load_pilot_spec(demo.EXAMPLES / "pilot" / "pilot.yaml")
    assert {p.name for p in spec.providers} <= set(demo.PROVIDERS)
    assert spec.currency == "EUR" and not OTHER_DOMAIN.search(spec.name)
    prices = {p.name: p.price_per_label for p in spec.providers}
    costed = load_scenario(demo.EXAMPLES / "scenario.yaml")  # the scenario's prices are the pilot's
    assert prices[demo.DEMO_CONTRACT_VENDOR] == costed.current_vendor.price_per_label.most_likely
    assert prices[demo.DEMO_SWITCH_TO] == costed.new_vendor.price_per_label.most_likely
