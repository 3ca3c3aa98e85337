"""The demo program: realistic, complete, seeded once, all or nothing, extensible by steps."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import pytest

import annogov.services.demo as demo
from annogov.store import DIMENSION_KEYS, ProgramRecord, Store
from scorecard.rubric import Rubric


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    opened = Store(db_url)
    yield opened
    opened.close()


def test_demo_has_four_providers_three_evaluators_every_dimension(store: Store) -> None:
    program = demo.seed_demo(store)
    assert program.is_demo
    providers = store.list_providers(program.id)
    evaluations = store.list_evaluations(program.id)
    assert len(providers) == 4
    assert {e.evaluator for e in evaluations} == set(demo.EVALUATORS)
    assert len(evaluations) == 4 * 3 * len(DIMENSION_KEYS)
    assert {e.dimension for e in evaluations} == set(DIMENSION_KEYS)
    assert all(e.score is not None and 1 <= e.score <= 5 and e.comment for e in evaluations)
    doc = store.get_document("rubric", program.id, demo.RUBRIC_NAME)
    assert doc is not None
    rubric = Rubric.model_validate(doc.data)  # the scorecard accepts what the demo stored
    assert sum(rubric.weights.values()) == 100
    assert list(rubric.weights) == list(DIMENSION_KEYS)
    kpi_keys = {k.key for d in rubric.dimensions for k in d.kpis}
    stored = {key for e in evaluations for key in e.kpis}
    assert stored and stored <= kpi_keys  # every demo KPI is one the rubric knows
    # every seeded score is in the audit trail, attributed to the seed
    history = store.score_history(program.id)
    assert len(history) == len(evaluations) and {(h.changed_by, h.note) for h in history} == {("operator", "demo seed")}


def test_demo_scores_differ_between_providers_and_evaluators_disagree_somewhere() -> None:
    by_provider: dict[str, float] = defaultdict(float)
    spread: dict[tuple[str, str], list[int]] = defaultdict(list)
    for provider, _evaluator, dimension, score in demo.demo_scores():
        by_provider[provider] += score
        spread[(provider, dimension)].append(score)
    assert len(set(by_provider.values())) > 1
    assert max(max(s) - min(s) for s in spread.values()) >= 3  # a disagreement worth flagging
    close = sum(max(s) - min(s) <= 1 for s in spread.values())
    assert close >= 0.8 * len(spread)  # but mostly within one point of each other


def test_ensure_demo_seeds_only_an_empty_database(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANNOGOV_DEMO", "0")
    assert demo.ensure_demo(store) is None and store.list_programs() == []
    monkeypatch.setenv("ANNOGOV_DEMO", "1")
    first = demo.ensure_demo(store)
    assert first is not None
    assert demo.ensure_demo(store) is None
    assert [p.name for p in store.list_programs()] == [demo.DEMO_PROGRAM_NAME]


def _extra_step(store: Store, program: ProgramRecord) -> None:
    store.save_document("scenario", program.id, "Switch to Kestrel", {"items": 40000})


def _failing_step(store: Store, program: ProgramRecord) -> None:
    raise RuntimeError("generator broke")


def test_steps_extend_the_demo_and_a_failing_step_leaves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "DEMO_STEPS", (*demo.DEMO_STEPS, f"{__name__}:_extra_step"))
    program = demo.seed_demo(store)
    assert "Switch to Kestrel" in [d.name for d in store.list_documents("scenario", program.id)]

    monkeypatch.setattr(demo, "DEMO_STEPS", (*demo.DEMO_STEPS, f"{__name__}:_failing_step"))
    with pytest.raises(RuntimeError, match="generator broke"):
        demo.seed_demo(store, name="Second demo")
    assert store.find_program("Second demo") is None
    assert len(store.list_providers(program.id)) == 4
