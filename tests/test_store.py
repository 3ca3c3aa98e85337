"""The store against SQLite and PostgreSQL: transactions, audit, optimistic locking, documents."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from annogov.store import (
    ConcurrentEditError,
    DuplicateError,
    NotFoundError,
    ScoreEdit,
    Store,
)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()


def _program_with_provider(store: Store) -> tuple[int, int]:
    program = store.create_program("Speech labels 2026", "Call-centre audio transcription")
    provider = store.add_provider(program.id, "Northwind Labeling")
    return program.id, provider.id


def test_programs_are_created_listed_and_unique(store: Store) -> None:
    a = store.create_program("  Retail   search relevance ", "query/product pairs")
    store.create_program("Autonomous driving boxes")
    assert a.name == "Retail search relevance"
    assert a.created_at.tzinfo is not None
    assert [p.name for p in store.list_programs()] == [
        "Autonomous driving boxes",
        "Retail search relevance",
    ]
    with pytest.raises(DuplicateError, match="already exists"):
        store.create_program("Retail search relevance")
    with pytest.raises(ValueError, match="needs a name"):
        store.create_program("   ")
    assert store.find_program("Retail search relevance") == a
    assert store.find_program(" Retail  search relevance") == a  # looked up as it was saved
    assert store.get_program(a.id) == a
    with pytest.raises(NotFoundError):
        store.get_program(a.id + 1000)


def test_providers_belong_to_one_program(store: Store) -> None:
    p1, _ = _program_with_provider(store)
    p2 = store.create_program("Second program").id
    store.add_provider(p2, "Northwind Labeling")  # same name, other program: fine
    with pytest.raises(DuplicateError):
        store.add_provider(p1, "Northwind Labeling")
    assert store.ensure_provider(p1, "Northwind Labeling").program_id == p1
    assert [p.name for p in store.list_providers(p1)] == ["Northwind Labeling"]
    store.ensure_provider(p1, "Kestrel Data Works")
    assert len(store.list_providers(p1)) == 2


def test_score_change_is_saved_with_an_audit_row(store: Store) -> None:
    program, provider = _program_with_provider(store)
    edit = ScoreEdit(
        provider_id=provider,
        evaluator="Ana",
        dimension="security",
        score=3,
        comment="ISO 27001",
        kpis={"incidents": 0},
        expected_version=0,
    )
    [first] = store.save_scores(program, [edit])
    assert (first.score, first.version, first.kpis) == (3.0, 1, {"incidents": 0})
    [second] = store.save_scores(
        program,
        [edit.model_copy(update={"score": 4.0, "comment": "SOC 2 seen", "expected_version": 1})],
        changed_by="Ana (procurement)",
    )
    assert (second.score, second.version, second.comment) == (4.0, 2, "SOC 2 seen")
    history = store.score_history(program, provider_id=provider)
    assert [(h.old_score, h.new_score, h.changed_by, h.note) for h in history] == [
        (3.0, 4.0, "operator", "Ana (procurement)"),  # who: the acting login; free text: a note
        (None, 3.0, "operator", ""),
    ]
    assert history[0].comment == "SOC 2 seen"
    assert history[0].changed_at >= history[1].changed_at


def test_comment_only_change_bumps_version_but_writes_no_audit(store: Store) -> None:
    program, provider = _program_with_provider(store)
    base = ScoreEdit(provider_id=provider, evaluator="Ana", dimension="workforce", score=2)
    store.save_scores(program, [base])
    [row] = store.save_scores(program, [base.model_copy(update={"comment": "typo fixed"})])
    assert row.version == 2
    assert len(store.score_history(program)) == 1
    [same] = store.save_scores(program, [base.model_copy(update={"comment": "typo fixed"})])
    assert same.version == 2  # nothing changed: nothing written


def test_kpis_none_keeps_what_is_stored(store: Store) -> None:
    program, provider = _program_with_provider(store)
    base = ScoreEdit(provider_id=provider, evaluator="Ana", dimension="quality_sla", score=4)
    store.save_scores(program, [base.model_copy(update={"kpis": {"defect_rate": 0.01}})])
    [row] = store.save_scores(program, [base.model_copy(update={"score": 3.0})])
    assert row.kpis == {"defect_rate": 0.01}
    [row] = store.save_scores(program, [base.model_copy(update={"kpis": {}})])
    assert row.kpis == {}


def test_stale_version_raises_and_saves_nothing(store: Store) -> None:
    program, provider = _program_with_provider(store)
    other = store.add_provider(program, "Kestrel Data Works").id
    edits = [
        ScoreEdit(provider_id=provider, evaluator="Ana", dimension="quality_sla", score=3),
        ScoreEdit(provider_id=other, evaluator="Ana", dimension="quality_sla", score=4),
    ]
    loaded = store.save_scores(program, edits)
    # tab 1 saves on top of what it loaded
    store.save_scores(
        program,
        [edits[0].model_copy(update={"score": 5.0, "expected_version": loaded[0].version})],
    )
    # tab 2 loaded the same versions earlier and now saves both rows
    stale = [
        edits[1].model_copy(update={"score": 1.0, "expected_version": loaded[1].version}),
        edits[0].model_copy(update={"score": 2.0, "expected_version": loaded[0].version}),
    ]
    with pytest.raises(ConcurrentEditError) as info:
        store.save_scores(program, stale)
    assert info.value.conflicts == [
        "Northwind Labeling, Ana, quality_sla (you loaded version 1, now 2)"
    ]
    assert "Reload" in str(info.value)
    now = {e.provider_id: e.score for e in store.list_evaluations(program)}
    assert now == {provider: 5.0, other: 4.0}  # the valid edit in the batch was not saved either


def test_new_row_expected_but_someone_created_it(store: Store) -> None:
    program, provider = _program_with_provider(store)
    edit = ScoreEdit(
        provider_id=provider, evaluator="Ana", dimension="commercial", score=3, expected_version=0
    )
    store.save_scores(program, [edit])
    with pytest.raises(ConcurrentEditError):
        store.save_scores(program, [edit.model_copy(update={"score": 4.0})])


def test_criterion_rows_are_distinct_and_null_criterion_is_unique(store: Store) -> None:
    program, provider = _program_with_provider(store)
    edits = [
        ScoreEdit(provider_id=provider, evaluator="Ana", dimension="security", score=3),
        ScoreEdit(
            provider_id=provider,
            evaluator="Ana",
            dimension="security",
            criterion="access control",
            score=4,
        ),
        ScoreEdit(
            provider_id=provider, evaluator="Ana", dimension="security", criterion=" ", score=2
        ),
    ]
    rows = store.save_scores(program, edits)
    assert [r.criterion for r in rows] == [None, "access control", None]
    assert rows[0].id == rows[2].id  # blank criterion means the dimension row
    assert len(store.list_evaluations(program)) == 2


def test_transaction_rolls_back_everything_on_error(store: Store) -> None:
    with pytest.raises(DuplicateError), store.transaction():
        program = store.create_program("Rolled back")
        store.add_provider(program.id, "A")
        store.add_provider(program.id, "A")
    assert store.list_programs() == []


def test_edits_are_validated(store: Store) -> None:
    with pytest.raises(ValidationError):
        ScoreEdit(provider_id=1, evaluator="Ana", dimension="Vibes!", score=3)
    program, provider = _program_with_provider(store)
    with pytest.raises(NotFoundError, match="'vibes' is not a dimension"):  # not in the program's rubric
        store.save_scores(program, [ScoreEdit(provider_id=provider, evaluator="Ana", dimension="vibes", score=3)])
    assert store.list_evaluations(program) == []
    with pytest.raises(ValidationError):
        ScoreEdit(provider_id=1, evaluator="  ", dimension="security", score=3)
    with pytest.raises(ValidationError):
        ScoreEdit(provider_id=1, evaluator="Ana", dimension="security", score=float("nan"))


def test_edit_for_a_provider_of_another_program_is_refused(store: Store) -> None:
    program, provider = _program_with_provider(store)
    other = store.create_program("Other").id
    with pytest.raises(NotFoundError):
        store.save_scores(
            other, [ScoreEdit(provider_id=provider, evaluator="A", dimension="security", score=1)]
        )


@pytest.mark.parametrize("kind", ["rubric", "scenario", "taxonomy", "mapping", "sla_terms"])
def test_documents_round_trip_with_versions(store: Store, kind: str) -> None:
    program, _ = _program_with_provider(store)
    data = {"weights": {"security": 20, "quality_sla": 30}, "labels": ["ünïcode", "a/b"], "n": 1.5}
    doc = store.save_document(kind, program, "Default", data, expected_version=0)  # type: ignore[arg-type]
    assert (doc.version, doc.data) == (1, data)
    changed = {**data, "n": 2}
    doc2 = store.save_document(kind, program, "Default", changed, expected_version=1)  # type: ignore[arg-type]
    assert doc2.version == 2
    with pytest.raises(ConcurrentEditError, match="version 1, now 2"):
        store.save_document(kind, program, "Default", data, expected_version=1)  # type: ignore[arg-type]
    assert store.get_document(kind, program, "Default").data == changed  # type: ignore[arg-type,union-attr]
    assert [d.name for d in store.list_documents(kind, program)] == ["Default"]  # type: ignore[arg-type]
    store.save_document(kind, program, "Q3  weights ", data)  # type: ignore[arg-type]
    assert store.get_document(kind, program, " Q3 weights") is not None  # type: ignore[arg-type]
    store.delete_document(kind, program, "Q3   weights")  # type: ignore[arg-type]
    store.delete_document(kind, program, "Default")  # type: ignore[arg-type]
    assert store.get_document(kind, program, "Default") is None  # type: ignore[arg-type]


def test_check_results_newest_first(store: Store) -> None:
    program, _ = _program_with_provider(store)
    store.add_check_result(program, "sla", {"verdict": "pass"}, label="week 1")
    store.add_check_result(program, "sla", {"verdict": "fail", "terms": [1, 2]}, label="week 2")
    store.add_check_result(program, "contract", {"findings": []})
    results = store.list_check_results(program, "sla")
    assert [(r.label, r.payload["verdict"]) for r in results] == [
        ("week 2", "fail"),
        ("week 1", "pass"),
    ]
    assert len(store.list_check_results(program)) == 3


def test_deleting_a_program_removes_what_belongs_to_it(store: Store) -> None:
    program, provider = _program_with_provider(store)
    store.save_scores(
        program, [ScoreEdit(provider_id=provider, evaluator="A", dimension="security", score=1)]
    )
    store.save_document("scenario", program, "Base", {"x": 1})
    store.delete_program(program)
    assert store.list_programs() == []
    assert store.list_evaluations(program) == []
    assert store.score_history(program) == []


def test_data_survives_reopening_the_database(db_url: str) -> None:
    first = Store(db_url)
    program, provider = _program_with_provider(first)
    first.save_scores(
        program, [ScoreEdit(provider_id=provider, evaluator="A", dimension="security", score=4.5)]
    )
    first.close()
    again = Store(db_url)
    assert [e.score for e in again.list_evaluations(program)] == [4.5]
    assert again.get_program(program).name == "Speech labels 2026"
    again.close()


def test_interleaved_save_from_another_connection_is_detected(db_url: str) -> None:
    """Tab 2 reads, tab 1 commits, tab 2 writes: the version column turns it into a clear error."""
    from annogov.store.models import Evaluation

    tab1, tab2 = Store(db_url), Store(db_url)
    program, provider = _program_with_provider(tab1)
    [row] = tab1.save_scores(
        program, [ScoreEdit(provider_id=provider, evaluator="Ana", dimension="security", score=3)]
    )
    with pytest.raises(ConcurrentEditError, match="Changed: a row of evaluations$"), tab2.transaction() as session:
        loaded = session.get(Evaluation, row.id)
        assert loaded is not None and loaded.version == 1
        tab1.save_scores(
            program,
            [
                ScoreEdit(
                    provider_id=provider,
                    evaluator="Ana",
                    dimension="security",
                    score=5,
                    expected_version=1,
                )
            ],
        )
        loaded.score = 1.0
        session.flush()
    [now] = tab1.list_evaluations(program)
    assert (now.score, now.version) == (5.0, 2)
    tab1.close()
    tab2.close()
